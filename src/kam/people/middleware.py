from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Speak the signed-in person's language; before sign-in, the language chosen on the sign-in
    page (a cookie); Vietnamese otherwise."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The language may have changed on the way (an API token names its own person).
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

from django.http import HttpRequest

from kam.core import access, navigation


def shell(request: HttpRequest) -> dict:
    """The navigation of the app shell, limited to what the signed-in person may use."""
    user = getattr(request, "user", None)
    if not access.is_signed_in(user):
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {"nav_items": navigation.entries_for(user, current)}

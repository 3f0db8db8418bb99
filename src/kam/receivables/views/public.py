"""The page behind the link emailed with a reconciliation statement: the client's accountant
reads the statement and confirms or disputes it without signing in. Public on purpose; the
signed link is the only key, and anything wrong with it — tampered, expired, replaced by a later
sending, garbage — gets the same friendly refusal (403), never an error page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kam.core.errors import DomainError
from kam.core.forms import posted
from kam.receivables import documents, forms, services
from kam.receivables.models import Statement

ANSWERS = {"confirm": True, "dispute": False}


@require_http_methods(["GET", "POST"])
def statement_public(request: HttpRequest, token: str) -> HttpResponse:
    """The statement in the clients' language (Vietnamese unless `?lang=en`), with the form to
    answer it while it waits for an answer, and the answer once given."""
    language = "en" if request.GET.get("lang") == "en" else settings.KAM_DUNNING_LANGUAGE
    with translation.override(language):
        response = _answer_page(request, token, language)
    # The link is a key: no search engine lists it, no other site learns it from a click on
    # the page ("same-origin": with "no-referrer" the browser sends the answer with `Origin:
    # null`, which fails the CSRF check), no cache keeps the statement.
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["Content-Language"] = language
    return response


def _answer_page(request: HttpRequest, token: str, language: str) -> HttpResponse:
    try:
        statement = services.statement_from_link(token)
    except services.LinkRefused as refused:
        return _refused(request, refused, language)
    form = forms.AnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        agrees = ANSWERS.get(request.POST.get("answer", ""))
        if agrees is None:
            form.add_error(None, _("Choose Confirm or Dispute."))
        else:
            try:
                services.answer_statement(
                    token=token,
                    agrees=agrees,
                    name=form.cleaned_data["name"],
                    comment=form.cleaned_data["comment"],
                )
            except services.LinkRefused as refused:
                return _refused(request, refused, language)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(request.get_full_path())
    content = documents.statement_content(statement)
    context = {
        "statement": statement,
        "content": content,
        "parties": [content.buyer, content.seller],
        "form": form if statement.status == Statement.Status.SENT else None,
        "language": language,
        "company": settings.KAM_COMPANY_NAME,
    }
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "receivables/statement_public.html", context, status=status)


def _refused(request: HttpRequest, refused: DomainError, language: str) -> HttpResponse:
    context = {
        "message": refused.message,
        "language": language,
        "company": settings.KAM_COMPANY_NAME,
    }
    return render(request, "receivables/statement_refused.html", context, status=403)

"""Pages of reconciliation statements: the list, making one for a client and a period, the
statement as it prints (parties, lines, balances, the client's answer) with sending it to the
client's accountant, deleting a draft, settling a dispute, and its PDF and workbook."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page
from kam.core.http import redirect_back
from kam.receivables import documents, forms, queries, services
from kam.receivables.models import Statement
from kam.receivables.permissions import can_follow_up
from kam.receivables.views.common import (
    PAGE_SIZE,
    PDF_TYPE,
    XLSX_TYPE,
    client_url,
    download,
    id_from,
    query_without_page,
    receivable_client,
    require_receivables,
    run_and_tell,
    run_form_service,
    statement_url,
    tell_unshown,
)


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    require_receivables(request)
    user = request.user
    filters = forms.StatementFilters(request.GET).values()
    statements = queries.statements_visible_to(user).select_related("client", "recipient")
    if filters["status"]:
        statements = statements.filter(status=filters["status"])
    client = None
    if filters["client"]:
        statements = statements.filter(client_id=filters["client"])
        client = queries.receivable_clients_visible_to(user).filter(pk=filters["client"]).first()
    context = {
        "page": Paginator(statements.order_by("-period_end", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "filters": filters,
        "client": client,
        "statuses": Statement.Status.choices,
        "query": query_without_page(request),
        "can_make": client is not None and can_follow_up(user, client),
    }
    return render(request, "receivables/statement_list.html", context)


@login_required
def statement_create(request: HttpRequest) -> HttpResponse:
    """A statement of the client of `?client=` for a period (the previous month unless told)."""
    require_receivables(request)
    client_pk = id_from(request.GET.get("client"))
    if client_pk is None:
        messages.info(request, _("Make a statement from the client's receivables page."))
        return redirect("receivables:statement_list")
    client = receivable_client(request, client_pk)
    require(can_follow_up(request.user, client))
    return record_form_page(
        request,
        forms.StatementForm(posted(request)),
        save=lambda data: services.make_statement(
            by=request.user,
            client=client,
            period_start=data["period_start"],
            period_end=data["period_end"],
        ),
        success_url=lambda statement: statement_url(statement.pk),
        saved_message=_("The statement is made: check it, then send it to the client."),
        title=_("Reconciliation statement for %(client)s") % {"client": client},
        cancel_url=client_url(client.pk),
    )


# --- The statement's page -------------------------------------------------------------------
@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_statement(request, queries.get_statement_for(request.user, pk))


def statement_context(request: HttpRequest, statement: Statement, **given) -> dict:
    follows_up = can_follow_up(request.user, statement.client)
    status = statement.status
    content = documents.statement_content(statement)
    context = {
        "statement": statement,
        "content": content,
        "parties": [content.buyer, content.seller],
        "history": history_of(statement),
        "can_delete": follows_up and status == Statement.Status.DRAFT,
        "can_settle": follows_up
        and status == Statement.Status.DISPUTED
        and not statement.dispute_resolved_at,
    }
    if follows_up and status in (Statement.Status.DRAFT, Statement.Status.SENT):
        context["send_form"] = given.get("send_form") or forms.SendStatementForm(
            statement=statement
        )
    tell_unshown(request, given, context)
    return context


def render_statement(
    request: HttpRequest, statement: Statement, status: int = 200, **given
) -> HttpResponse:
    context = statement_context(request, statement, **given)
    return render(request, "receivables/statement_detail.html", context, status=status)


def _followed_statement(request: HttpRequest, pk: int) -> Statement:
    statement = queries.get_statement_for(request.user, pk)
    require(can_follow_up(request.user, statement.client))
    return statement


@login_required
@require_POST
def statement_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Email it with a link to confirm or dispute; sending again replaces the earlier link."""
    statement = _followed_statement(request, pk)
    form = forms.SendStatementForm(request.POST, statement=statement)
    if form.is_valid() and run_form_service(
        form,
        lambda: services.send_statement(
            by=request.user, statement=statement, recipient=form.cleaned_data["recipient"]
        ),
    ):
        messages.success(request, _("The statement is sent: the link works for the days shown."))
        return redirect(statement_url(statement.pk))
    return render_statement(request, statement, status=422, send_form=form)


@login_required
@require_POST
def statement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _followed_statement(request, pk)
    if run_and_tell(
        request,
        lambda: services.delete_draft_statement(by=request.user, statement=statement),
        _("The draft statement is deleted."),
    ):
        return redirect(client_url(statement.client_id, "statements"))
    return redirect(statement_url(statement.pk))


@login_required
@require_POST
def statement_settle(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _followed_statement(request, pk)
    run_and_tell(
        request,
        lambda: services.settle_statement_dispute(by=request.user, statement=statement),
        _("The dispute is settled: reminders resume."),
    )
    return redirect_back(request, statement_url(statement.pk))


@login_required
@require_GET
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    statement = queries.get_statement_for(request.user, pk)
    return download(
        documents.statement_pdf(statement), PDF_TYPE, documents.file_name(statement, "pdf")
    )


@login_required
@require_GET
def statement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    statement = queries.get_statement_for(request.user, pk)
    return download(
        documents.statement_xlsx(statement), XLSX_TYPE, documents.file_name(statement, "xlsx")
    )

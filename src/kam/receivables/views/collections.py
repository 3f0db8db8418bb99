"""Collecting what is owed: the ageing of every client the user sees (with its drill-down), one
client's receivables — balance, open invoices, credit, payments, credit notes, promises,
statements, reminders — with the collection call and the promise to pay logged there, and the
receivables panel of the client's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.clients.models import Client
from kam.clients.queries import client_owners_visible_to
from kam.core.access import is_director
from kam.core.errors import require
from kam.receivables import forms, queries, services
from kam.receivables.models import Invoice
from kam.receivables.permissions import can_follow_up, keeps_the_books
from kam.receivables.views.common import (
    PAGE_SIZE,
    client_url,
    query_without_page,
    receivable_client,
    require_receivables,
    run_form_service,
    tell_unshown,
)

# The drill-down and the client's page list this many of their rows; the lists hold the rest.
DRILL_ROWS = 200
OPEN_ROWS = 100
RECENT_ROWS = 10


# --- Ageing ---------------------------------------------------------------------------------
@login_required
def ageing(request: HttpRequest) -> HttpResponse:
    """What every client the user sees owes, by days overdue, largest first; a cell opens the
    invoices behind it. Directors and Finance narrow it to one KAM's clients."""
    require_receivables(request)
    user = request.user
    filters = forms.AgeingFilters(request.GET).values()
    scope = queries.invoices_visible_to(user)
    owners = None
    if is_director(user) or keeps_the_books(user):
        owners = client_owners_visible_to(user)
        if filters["owner"]:
            scope = scope.filter(client__owner_id=filters["owner"])
    rows = queries.ageing_by_client(scope)
    totals = queries.ageing_totals(scope)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": totals,
        "overdue": totals["total"] - totals["current"],
        "dso": queries.days_sales_outstanding(scope, owed=totals["total"]),
        "columns": [(key, forms.BUCKET_LABELS[key]) for key in (*queries.BUCKETS, "total")],
        "filters": filters,
        "owners": owners,
        "query": query_without_page(request),
        "cell_query": _without(request, "page", "client", "bucket"),
        **_drill_down(request, scope, filters),
    }
    return render(request, "receivables/ageing.html", context)


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _drill_down(request: HttpRequest, scope, filters: dict) -> dict:
    """The open invoices behind one cell of the table (`?client=…&bucket=…`)."""
    if not (filters["client"] and filters["bucket"]):
        return {}
    client = (
        queries.receivable_clients_visible_to(request.user).filter(pk=filters["client"]).first()
    )
    if client is None:
        return {}
    invoices = queries.invoices_in_bucket(scope.filter(client=client), filters["bucket"])
    return {
        "drill_client": client,
        "drill_label": forms.BUCKET_LABELS[filters["bucket"]],
        "drill_invoices": invoices[:DRILL_ROWS],
        "drill_limit": DRILL_ROWS,
    }


# --- One client's receivables ---------------------------------------------------------------
@login_required
def client_receivables(request: HttpRequest, pk: int) -> HttpResponse:
    return render_client(request, receivable_client(request, pk))


def client_context(request: HttpRequest, client: Client, **given) -> dict:
    """Everything the client's receivables page shows, with the forms of whoever may follow
    up; a form given (refused, with its errors) replaces the empty one."""
    user = request.user
    invoices = queries.invoices_visible_to(user).filter(client=client)
    payments = queries.payments_visible_to(user).filter(client=client)
    follows_up = can_follow_up(user, client)
    balance = queries.client_balance(client)
    totals = queries.ageing_totals(invoices)
    context = {
        "client": client,
        "balance": balance,
        "credit": -balance if balance < 0 else 0,
        "totals": totals,
        "overdue": totals["total"] - totals["current"],
        "dso": queries.days_sales_outstanding(invoices, owed=totals["total"]),
        "open_invoices": queries.invoices_in_bucket(invoices, "total")[:OPEN_ROWS],
        "open_limit": OPEN_ROWS,
        "drafts": invoices.filter(status=Invoice.Status.DRAFT).order_by("-created_at", "-pk")[
            :RECENT_ROWS
        ],
        "credit_payments": payments.filter(allocated_amount__lt=F("amount")).order_by(
            "received_on", "pk"
        ),
        "payments": payments[:RECENT_ROWS],
        "credit_notes": queries.credit_notes_visible_to(user)
        .filter(client=client)
        .select_related("invoice")[:RECENT_ROWS],
        "promises": queries.with_promise_state(
            queries.promises_visible_to(user).filter(client=client)
        ).select_related("invoice")[:RECENT_ROWS],
        "statements": queries.statements_visible_to(user).filter(client=client)[:RECENT_ROWS],
        "notices": queries.notices_for(invoices)[:RECENT_ROWS],
        "recent_rows": RECENT_ROWS,
        "can_follow_up": follows_up,
        "keeps_the_books": keeps_the_books(user),
    }
    if follows_up:
        context["call_form"] = given.get("call_form") or forms.CollectionCallForm(client=client)
        context["promise_form"] = given.get("promise_form") or forms.PromiseForm(client=client)
    tell_unshown(request, given, context)
    return context


def render_client(request: HttpRequest, client: Client, status: int = 200, **given) -> HttpResponse:
    context = client_context(request, client, **given)
    return render(request, "receivables/client_receivables.html", context, status=status)


@login_required
@require_POST
def call_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A call about the client's invoices, with the promise to pay it brought, if any."""
    client = receivable_client(request, pk)
    require(can_follow_up(request.user, client))
    form = forms.CollectionCallForm(request.POST, client=client)
    if form.is_valid():
        data = form.cleaned_data
        logged = run_form_service(
            form,
            lambda: services.log_collection_call(
                by=request.user,
                client=client,
                summary=data["summary"],
                stakeholder=data["stakeholder"],
                promise_pay_by=data["promise_pay_by"],
                promise_amount=data["promise_amount"],
            ),
        )
        if logged is not None:
            _call, promise = logged
            messages.success(
                request,
                _("The call and the promise to pay are recorded.")
                if promise
                else _("The call is recorded."),
            )
            return redirect(client_url(client.pk, "collection"))
    return render_client(request, client, status=422, call_form=form)


@login_required
@require_POST
def promise_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Who at the client promised to pay how much by when: reminders wait until that day."""
    client = receivable_client(request, pk)
    require(can_follow_up(request.user, client))
    form = forms.PromiseForm(request.POST, client=client)
    if form.is_valid() and run_form_service(
        form, lambda: services.record_promise(by=request.user, client=client, **form.cleaned_data)
    ):
        messages.success(request, _("The promise to pay is recorded."))
        return redirect(client_url(client.pk, "promises"))
    return render_client(request, client, status=422, promise_form=form)


# --- The client page's panel ----------------------------------------------------------------
@login_required
def client_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client page's receivables part: what it owes, how much is overdue and since when."""
    client = receivable_client(request, pk)
    invoices = queries.invoices_visible_to(request.user).filter(client=client)
    totals = queries.ageing_totals(invoices)
    oldest_due = (
        queries.open_invoices(invoices)
        .filter(due_on__lt=timezone.localdate())
        .order_by("due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    context = {
        "client": client,
        "balance": queries.client_balance(client),
        "open_amount": totals["total"],
        "overdue_amount": totals["total"] - totals["current"],
        "oldest_overdue_days": (timezone.localdate() - oldest_due).days if oldest_due else None,
    }
    return render(request, "receivables/partials/_client_panel.html", context)

"""Pages of payments: the list, recording one (once, however often the form is sent), a
payment's page with its allocations and the oldest-first suggestion as an editable form, and
taking a payment off an invoice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.audit import history_of
from kam.core.errors import DomainError, require
from kam.core.forms import posted
from kam.receivables import forms, queries, services
from kam.receivables.models import Invoice, Payment
from kam.receivables.permissions import keeps_the_books
from kam.receivables.views.common import (
    PAGE_SIZE,
    id_from,
    payment_url,
    query_without_page,
    receivable_client,
    require_receivables,
    run_and_tell,
    run_form_service,
    tell_unshown,
)


# --- The list -------------------------------------------------------------------------------
@login_required
def payment_list(request: HttpRequest) -> HttpResponse:
    require_receivables(request)
    user = request.user
    filters = forms.PaymentFilters(request.GET).values()
    payments = queries.payments_visible_to(user).select_related("client")
    if filters["state"] == "unallocated":
        payments = payments.filter(allocated_amount__lt=F("amount"))
    client = None
    if filters["client"]:
        payments = payments.filter(client_id=filters["client"])
        client = queries.receivable_clients_visible_to(user).filter(pk=filters["client"]).first()
    context = {
        "page": Paginator(payments.order_by("-received_on", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "filters": filters,
        "client": client,
        "states": forms.PAYMENT_STATES,
        "query": query_without_page(request),
        "can_record": client is not None and keeps_the_books(user),
    }
    return render(request, "receivables/payment_list.html", context)


# --- Recording a payment --------------------------------------------------------------------
@login_required
def payment_create(request: HttpRequest) -> HttpResponse:
    """Money received from the client of `?client=`; the form carries its own idempotency key,
    so sending it twice (a double click, a retry) records one payment."""
    require_receivables(request)
    client_pk = id_from(request.GET.get("client"))
    if client_pk is None:
        messages.info(request, _("Record a payment from the client's receivables page."))
        return redirect("receivables:payment_list")
    client = receivable_client(request, client_pk)
    require(keeps_the_books(request.user))
    form = forms.PaymentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.record_payment(
                by=request.user, client=client, **form.service_data()
            )
        except services.IdempotencyConflict:
            form, recorded = _sent_again_with_other_figures(request), None
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            recorded = None
        if recorded is not None:
            payment, new = recorded
            messages.success(
                request,
                _("The payment is recorded.") if new else _("This payment was recorded already."),
            )
            return redirect(payment_url(payment.pk))
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "client": client}
    return render(request, "receivables/payment_form.html", context, status=status)


def _sent_again_with_other_figures(request: HttpRequest) -> forms.PaymentForm:
    """The form was recorded already and is sent again changed (Back, then edit): say so, and
    give it a new key so that sending it once more records it as another payment."""
    data = request.POST.copy()
    data["idempotency_key"] = forms.new_idempotency_key()
    form = forms.PaymentForm(data)
    form.is_valid()
    form.add_error(
        None,
        _(
            "This form was recorded already with other figures: check the client's payments. "
            "To record another payment, send it again."
        ),
    )
    return form


# --- The payment's page and its allocation --------------------------------------------------
@login_required
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_payment(request, queries.get_payment_for(request.user, pk))


def _open_invoices(request: HttpRequest, payment: Payment) -> list[Invoice]:
    """The client's open invoices the allocation form lists, due first first."""
    invoices = queries.invoices_visible_to(request.user).filter(client_id=payment.client_id)
    return list(queries.invoices_in_bucket(invoices, "total")[: forms.ALLOCATION_ROWS])


def payment_context(request: HttpRequest, payment: Payment, **given) -> dict:
    books = keeps_the_books(request.user)
    context = {
        "payment": payment,
        "allocations": queries.allocations_of(payment),
        "history": history_of(payment),
        "keeps_the_books": books,
    }
    if books and payment.unallocated_amount > 0:
        context["allocation_form"] = given.get("allocation_form") or forms.AllocationForm(
            invoices=_open_invoices(request, payment),
            suggestion=queries.oldest_first_shares(payment),
        )
    tell_unshown(request, given, context)
    return context


def render_payment(
    request: HttpRequest, payment: Payment, status: int = 200, **given
) -> HttpResponse:
    context = payment_context(request, payment, **given)
    return render(request, "receivables/payment_detail.html", context, status=status)


def _books_payment(request: HttpRequest, pk: int) -> Payment:
    payment = queries.get_payment_for(request.user, pk)
    require(keeps_the_books(request.user))
    return payment


@login_required
@require_POST
def payment_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """The amounts given, one per open invoice, settle those invoices."""
    payment = _books_payment(request, pk)
    form = forms.AllocationForm(
        request.POST, invoices=_open_invoices(request, payment), suggestion=[]
    )
    if form.is_valid():
        allocated = run_form_service(
            form,
            lambda: services.allocate_payment(
                by=request.user, payment=payment, shares=form.shares()
            ),
        )
        if allocated is not None:
            messages.success(request, _("The payment is allocated."))
            return redirect(payment_url(payment.pk))
    return render_payment(request, payment, status=422, allocation_form=form)


@login_required
@require_POST
def payment_allocate_oldest(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _books_payment(request, pk)
    run_and_tell(
        request,
        lambda: services.allocate_oldest_first(by=request.user, payment=payment),
        _("The payment is allocated to the oldest open invoices first."),
    )
    return redirect(payment_url(payment.pk))


@login_required
@require_POST
def allocation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a payment off an invoice: the invoice is open again by that much."""
    require_receivables(request)
    allocation = queries.get_allocation_for(request.user, pk)
    require(keeps_the_books(request.user))
    run_and_tell(
        request,
        lambda: services.remove_allocation(by=request.user, allocation=allocation),
        _("The payment is taken off invoice %(invoice)s.") % {"invoice": allocation.invoice},
    )
    return redirect(payment_url(allocation.payment_id, "allocations"))

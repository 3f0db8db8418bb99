"""Pages of invoices: the list, drafting one (for a client, or from a contract's milestone),
changing or deleting a draft, the invoice as a document with what settled it and the actions
its state allows — issue, credit, cancel, replace, dispute — its PDF, a credit note's page, and
the invoicing panel of the contract's page."""

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from kam.core.audit import history_of
from kam.core.errors import DomainError, require
from kam.core.forms import posted
from kam.core.htmx import wants_fragment
from kam.delivery import queries as delivery_queries
from kam.delivery.models import Contract
from kam.receivables import documents, forms, queries, services
from kam.receivables.models import Invoice
from kam.receivables.permissions import can_follow_up, keeps_the_books
from kam.receivables.views.common import (
    PAGE_SIZE,
    PDF_TYPE,
    client_url,
    download,
    id_from,
    invoice_url,
    query_without_page,
    receivable_client,
    require_receivables,
    run_and_tell,
    run_form_service,
    tell_unshown,
)


# --- The list -------------------------------------------------------------------------------
@login_required
@vary_on_headers("HX-Request")
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Every invoice the user sees, drafts first then the newest issued, by status, by what is
    open or overdue, and of one client."""
    require_receivables(request)
    user = request.user
    filters = forms.InvoiceFilters(request.GET).values()
    invoices = _filtered(queries.invoices_visible_to(user), filters).select_related("client")
    client = None
    if filters["client"]:
        client = queries.receivable_clients_visible_to(user).filter(pk=filters["client"]).first()
    context = {
        "page": Paginator(
            invoices.order_by(F("issued_on").desc(nulls_first=True), "-number", "-pk"), PAGE_SIZE
        ).get_page(request.GET.get("page")),
        "filters": filters,
        "client": client,
        "statuses": Invoice.Status.choices,
        "states": forms.INVOICE_STATES,
        "query": query_without_page(request),
        "can_draft": client is not None and can_follow_up(user, client),
    }
    template = (
        "receivables/partials/_invoice_rows.html"
        if wants_fragment(request)
        else "receivables/invoice_list.html"
    )
    return render(request, template, context)


def _filtered(invoices: QuerySet[Invoice], filters: dict) -> QuerySet[Invoice]:
    if filters["status"]:
        invoices = invoices.filter(status=filters["status"])
    if filters["state"] in ("open", "overdue"):
        invoices = queries.open_invoices(invoices)
    if filters["state"] == "overdue":
        invoices = invoices.filter(due_on__lt=timezone.localdate())
    if filters["state"] == "disputed":
        invoices = invoices.filter(status=Invoice.Status.ISSUED, disputed=True)
    if filters["client"]:
        invoices = invoices.filter(client_id=filters["client"])
    return invoices


# --- Drafting and changing a draft ----------------------------------------------------------
@login_required
def invoice_create(request: HttpRequest) -> HttpResponse:
    """A draft invoice to the client of `?client=`: its terms and lines."""
    require_receivables(request)
    client_pk = id_from(request.GET.get("client"))
    if client_pk is None:
        messages.info(request, _("Start an invoice from the client's receivables page."))
        return redirect("receivables:invoice_list")
    client = receivable_client(request, client_pk)
    require(can_follow_up(request.user, client))
    form = forms.InvoiceForm(posted(request))
    lines = forms.line_formset(posted(request))
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        invoice = _save(
            form,
            lambda: services.draft_invoice(
                by=request.user, client=client, lines=lines.lines(), **form.service_data()
            ),
        )
        if invoice is not None:
            messages.success(request, _("The draft invoice is saved: Finance issues it."))
            return redirect(invoice_url(invoice.pk))
    context = {
        "title": _("New invoice to %(client)s") % {"client": client},
        "client": client,
        "cancel_url": client_url(client.pk),
    }
    return _form_page(request, form, lines, context)


@login_required
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's terms and lines, rewritten; an issued invoice is corrected by a credit note."""
    invoice = queries.get_invoice_for(request.user, pk)
    require(can_follow_up(request.user, invoice.client))
    if request.method != "POST" and invoice.status != Invoice.Status.DRAFT:
        messages.error(request, _("An issued invoice is not edited: issue a credit note."))
        return redirect(invoice_url(invoice.pk))
    form = forms.InvoiceForm(posted(request), initial=forms.InvoiceForm.initial_of(invoice))
    lines = forms.line_formset(posted(request), lines=invoice.lines.all(), blank_rows=2)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        saved = _save(
            form,
            lambda: services.change_draft_invoice(
                by=request.user, invoice=invoice, lines=lines.lines(), **form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("The draft invoice is changed."))
            return redirect(invoice_url(invoice.pk))
    context = {
        "title": _("Change %(invoice)s") % {"invoice": invoice},
        "client": invoice.client,
        "invoice": invoice,
        "cancel_url": invoice_url(invoice.pk),
    }
    return _form_page(request, form, lines, context)


def _save(form: forms.InvoiceForm, call: Callable[[], Invoice]) -> Invoice | None:
    """The service's refusal beside the field, or above the lines when it is about a line."""
    try:
        return call()
    except DomainError as error:
        form.add_service_error(error.field, error.message)
        return None


def _form_page(request: HttpRequest, form, lines, context: dict) -> HttpResponse:
    refused = form.is_bound and bool(form.errors or lines.total_error_count() or form.line_errors)
    return render(
        request,
        "receivables/invoice_form.html",
        {"form": form, "lines": lines, **context},
        status=422 if refused else 200,
    )


@login_required
@require_POST
def invoice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)
    require(can_follow_up(request.user, invoice.client))
    if run_and_tell(
        request,
        lambda: services.delete_draft_invoice(by=request.user, invoice=invoice),
        _("The draft invoice is deleted."),
    ):
        return redirect(client_url(invoice.client_id))
    return redirect(invoice_url(invoice.pk))


# --- The invoice's page ---------------------------------------------------------------------
@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_invoice(request, queries.get_invoice_for(request.user, pk))


def invoice_context(request: HttpRequest, invoice: Invoice, **given) -> dict:
    """The invoice as a document, what settled it, what was sent about it, its history, and
    the forms its state and the user allow; a form given (refused) replaces the empty one."""
    user = request.user
    follows_up = can_follow_up(user, invoice.client)
    books = keeps_the_books(user)
    draft = invoice.status == Invoice.Status.DRAFT
    issued = invoice.status == Invoice.Status.ISSUED
    context = {
        "invoice": invoice,
        "document": documents.invoice_context(invoice),
        "allocations": invoice.allocations.select_related("payment").order_by("pk"),
        "credit_notes": invoice.credit_notes.order_by("issued_on", "number"),
        "notices": queries.notices_of(invoice),
        "promises": queries.with_promise_state(invoice.promises.all()),
        "replaced_by": invoice.replaced_by.order_by("pk"),
        "history": history_of(invoice),
        "can_edit": draft and follows_up,
        "keeps_the_books": books,
    }
    offered = {
        "issue_form": (draft and books, forms.IssueForm),
        "credit_form": (issued and books, forms.CreditForm),
        "cancel_form": (issued and books, forms.ReasonForm),
        "replace_form": (issued and books, forms.ReasonForm),
        "dispute_form": (issued and follows_up and not invoice.disputed, forms.DisputeForm),
    }
    for name, (shown, form_class) in offered.items():
        if shown:
            context[name] = given.get(name) or form_class(prefix=name.removesuffix("_form"))
    context["can_settle_dispute"] = issued and follows_up and invoice.disputed
    tell_unshown(request, given, context)
    return context


def render_invoice(
    request: HttpRequest, invoice: Invoice, status: int = 200, **given
) -> HttpResponse:
    context = invoice_context(request, invoice, **given)
    return render(request, "receivables/invoice_detail.html", context, status=status)


def _act(
    request: HttpRequest,
    invoice: Invoice,
    form: django_forms.Form,
    call: Callable[[dict], object],
    done: str,
    then: Callable[[object], str] | None = None,
) -> HttpResponse:
    """One action on the invoice from its page: the service, then back to the page (or where
    `then` says); refused, the page again with the message beside the field."""
    name = f"{form.prefix}_form"
    if form.is_valid():
        result = run_form_service(form, lambda: call(form.cleaned_data))
        if result is not None:
            messages.success(request, done)
            return redirect(then(result) if then else invoice_url(invoice.pk))
    return render_invoice(request, invoice, status=422, **{name: form})


def _books_invoice(request: HttpRequest, pk: int) -> Invoice:
    invoice = queries.get_invoice_for(request.user, pk)
    require(keeps_the_books(request.user))
    return invoice


@login_required
@require_POST
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the draft on the date given (today when empty): from now on it never changes."""
    invoice = _books_invoice(request, pk)
    return _act(
        request,
        invoice,
        forms.IssueForm(request.POST, prefix="issue"),
        lambda data: services.issue_invoice(
            by=request.user, invoice=invoice, issued_on=data["issued_on"]
        ),
        _("The invoice is issued."),
    )


@login_required
@require_POST
def invoice_credit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _books_invoice(request, pk)
    return _act(
        request,
        invoice,
        forms.CreditForm(request.POST, prefix="credit"),
        lambda data: services.credit_invoice(
            by=request.user, invoice=invoice, amount=data["amount"], reason=data["reason"]
        ),
        _("The credit note is issued."),
    )


@login_required
@require_POST
def invoice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _books_invoice(request, pk)
    return _act(
        request,
        invoice,
        forms.ReasonForm(request.POST, prefix="cancel"),
        lambda data: services.cancel_invoice(
            by=request.user, invoice=invoice, reason=data["reason"]
        ),
        _("The invoice is cancelled with a credit note of its whole amount."),
    )


@login_required
@require_POST
def invoice_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel the invoice and open its replacement, a draft with the same lines to correct."""
    invoice = _books_invoice(request, pk)
    return _act(
        request,
        invoice,
        forms.ReasonForm(request.POST, prefix="replace"),
        lambda data: services.replace_invoice(
            by=request.user, invoice=invoice, reason=data["reason"]
        ),
        _("The invoice is cancelled: correct its replacement, then issue it."),
        then=lambda replacement: invoice_url(replacement.pk),
    )


@login_required
@require_POST
def invoice_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """The client disputes the invoice: its reminders pause until the dispute is settled."""
    invoice = queries.get_invoice_for(request.user, pk)
    require(can_follow_up(request.user, invoice.client))
    return _act(
        request,
        invoice,
        forms.DisputeForm(request.POST, prefix="dispute"),
        lambda data: services.mark_invoice_disputed(
            by=request.user, invoice=invoice, note=data["note"]
        ),
        _("The invoice is marked disputed: its reminders pause."),
    )


@login_required
@require_POST
def invoice_dispute_settle(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)
    require(can_follow_up(request.user, invoice.client))
    run_and_tell(
        request,
        lambda: services.settle_invoice_dispute(by=request.user, invoice=invoice),
        _("The dispute is settled: reminders resume."),
    )
    return redirect(invoice_url(invoice.pk))


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)
    return download(documents.invoice_pdf(invoice), PDF_TYPE, documents.file_name(invoice, "pdf"))


@login_required
def credit_note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = queries.get_credit_note_for(request.user, pk)
    return render(request, "receivables/credit_note_detail.html", {"note": note})


# --- The contract page's panel --------------------------------------------------------------
@login_required
def contract_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The contract page's invoicing part: each milestone with its invoice, or the button that
    drafts it once the contract is signed."""
    require_receivables(request)
    user = request.user
    contract = delivery_queries.get_contract_for(user, pk)
    invoices = (
        queries.invoices_visible_to(user)
        .filter(contract=contract, milestone__isnull=False)
        .exclude(status=Invoice.Status.CANCELLED)
    )
    by_milestone = {invoice.milestone_id: invoice for invoice in invoices}
    context = {
        "contract": contract,
        "rows": [
            (milestone, by_milestone.get(milestone.pk))
            for milestone in contract.milestones.order_by("due_on", "position", "pk")
        ],
        "can_draft": contract.status == Contract.Status.SIGNED
        and can_follow_up(user, contract.client),
    }
    return render(request, "receivables/partials/_contract_panel.html", context)


@login_required
@require_POST
def milestone_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the milestone's invoice in one click and open it."""
    require_receivables(request)
    milestone = delivery_queries.get_milestone_for(request.user, pk)
    drafted = []
    run_and_tell(
        request,
        lambda: drafted.append(
            services.draft_invoice_for_milestone(by=request.user, milestone=milestone)
        ),
        _("The milestone's invoice is drafted: check it, then Finance issues it."),
    )
    if drafted:
        return redirect(invoice_url(drafted[0].pk))
    contract_page = reverse("delivery:contract_detail", args=[milestone.contract_id])
    return redirect(f"{contract_page}#invoicing")

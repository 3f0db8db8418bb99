"""HTML input of the receivables pages: the lists' filters, an invoice with its lines, the
actions on an issued invoice, a payment and its allocation, a statement's period and recipient,
a collection call and a promise to pay, and the client accountant's answer. They only parse;
every rule (whole dong, VAT by date, closed months, what is open, who may) is the services'."""

import secrets
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.clients.models import Client, Stakeholder
from kam.clients.queries import stakeholders_of
from kam.core.money import format_money
from kam.pitching.forms import DATE_WIDGET, MONEY_WIDGET
from kam.receivables import queries, services
from kam.receivables.models import Invoice, Payment, Statement
from kam.receivables.services.invoices import MAX_LINES

MAX_ID = 2**31 - 1
BLANK_LINE_ROWS = 3
# The allocation form lists at most this many of a client's open invoices, oldest due first.
ALLOCATION_ROWS = 50
# Amounts in another currency than VND keep two decimals; quantities too.
DECIMAL_WIDGET = forms.NumberInput(attrs={"min": 0, "step": "0.01"})
RATE_WIDGET = forms.NumberInput(attrs={"min": 0, "step": "0.0001"})


def _text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _id_field() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


def _active_contacts(client: Client) -> QuerySet[Stakeholder]:
    """The client's people still there: those a promise or a call is with."""
    return stakeholders_of(client).filter(is_active=True)


# --- Filters --------------------------------------------------------------------------------
BUCKET_LABELS = {
    "current": _("Current"),
    "days_1_30": _("1-30 days"),
    "days_31_60": _("31-60 days"),
    "days_61_90": _("61-90 days"),
    "days_over_90": _("Over 90 days"),
    "total": _("Total"),
}


class Filters(forms.Form):
    """A list's filters: what is wrong is left out rather than refused."""

    def values(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}


class AgeingFilters(Filters):
    owner = _id_field()
    client = _id_field()
    bucket = forms.ChoiceField(required=False, choices=[("", ""), *BUCKET_LABELS.items()])


INVOICE_STATES = [("open", _("open")), ("overdue", _("overdue")), ("disputed", _("disputed"))]


class InvoiceFilters(Filters):
    status = forms.ChoiceField(required=False, choices=[("", ""), *Invoice.Status.choices])
    state = forms.ChoiceField(required=False, choices=[("", ""), *INVOICE_STATES])
    client = _id_field()


PAYMENT_STATES = [("unallocated", _("with something left to allocate"))]


class PaymentFilters(Filters):
    state = forms.ChoiceField(required=False, choices=[("", ""), *PAYMENT_STATES])
    client = _id_field()


class StatementFilters(Filters):
    status = forms.ChoiceField(required=False, choices=[("", ""), *Statement.Status.choices])
    client = _id_field()


# --- Invoices -------------------------------------------------------------------------------
def vat_codes_today() -> list[tuple[str, str]]:
    """The VAT codes that have a rate today, as choices ("8" → "8%"); the rate of the issue
    date is applied when the invoice is issued."""
    return [(rate.code, rate.label) for rate in queries.vat_rates_on(timezone.localdate())]


class InvoiceForm(forms.Form):
    """The terms of a draft invoice; its lines are the formset beside it, and what the service
    says about a line is shown above them (`line_errors`)."""

    LINE_FIELDS = {"lines", "description", "unit", "quantity", "unit_price", "vat_code"}

    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"),
        required=False,
        help_text=_("Days from the issue date to the due date. Empty: the usual terms."),
        widget=forms.NumberInput(attrs={"min": 0, "max": 365}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    exchange_rate = forms.DecimalField(
        label=_("Exchange rate (VND)"),
        required=False,
        help_text=_("For an invoice in another currency than VND: one unit in dong."),
        widget=RATE_WIDGET,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=_text(2))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in settings.KAM_INVOICE_CURRENCIES]
        self.fields["currency"].initial = "VND"
        self.line_errors: list[str] = []

    def add_service_error(self, field: str | None, message: str) -> None:
        if field in self.LINE_FIELDS:
            self.line_errors.append(message)
        else:
            self.add_error(field if field in self.fields else None, message)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "payment_terms_days": data.get("payment_terms_days"),
            "currency": data.get("currency") or "VND",
            "exchange_rate": data.get("exchange_rate"),
            "note": data.get("note") or "",
        }

    @classmethod
    def initial_of(cls, invoice: Invoice) -> dict:
        return {
            "payment_terms_days": invoice.payment_terms_days,
            "currency": invoice.currency,
            "exchange_rate": invoice.exchange_rate,
            "note": invoice.note,
        }


class LineForm(forms.Form):
    """A line of the invoice. Every field may stay empty: an empty row is no line."""

    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, initial=Decimal(1), widget=DECIMAL_WIDGET
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any"}),
    )
    vat_code = forms.ChoiceField(label=_("VAT"), choices=(), required=False)

    def __init__(self, *args, vat_choices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vat_code"].choices = vat_choices
        codes = [code for code, _label in vat_choices]
        self.fields["vat_code"].initial = "10" if "10" in codes else (codes[0] if codes else "")
        # The lines are a table: each input is named by its column for screen readers.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or "").strip() and data.get("unit_price") is None

    def line(self) -> services.LineInput:
        data = self.cleaned_data
        return services.LineInput(
            description=data.get("description") or "",
            unit=data.get("unit") or "",
            quantity=data.get("quantity") if data.get("quantity") is not None else Decimal(1),
            unit_price=data.get("unit_price"),
            vat_code=data.get("vat_code") or "",
        )


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[services.LineInput]:
        """The rows filled in, in their order."""
        return [form.line() for form in self.forms if not form.is_blank]


def line_formset(data=None, *, lines=(), blank_rows: int = BLANK_LINE_ROWS) -> BaseLineFormSet:
    """The invoice's lines as rows to fill in: those it has and a few empty ones."""
    initial = [
        {
            "description": line.description,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "vat_code": line.vat_code,
        }
        for line in lines
    ]
    formset_class = forms.formset_factory(
        LineForm,
        formset=BaseLineFormSet,
        extra=max(blank_rows, 1 if not initial else 0),
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
    )
    return formset_class(
        data, initial=initial, prefix="lines", form_kwargs={"vat_choices": vat_codes_today()}
    )


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Issue date"), required=False, widget=DATE_WIDGET, help_text=_("Empty is today.")
    )


class CreditForm(forms.Form):
    """A credit note: how much of the invoice (with VAT, in its currency) and why."""

    amount = forms.DecimalField(
        label=_("Amount with VAT"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=_text(2))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=_text(2))


class DisputeForm(forms.Form):
    note = forms.CharField(
        label=_("What the client disputes"), max_length=1000, required=False, widget=_text(2)
    )


# --- Payments -------------------------------------------------------------------------------
def new_idempotency_key() -> str:
    """A key given with the payment form, so a form sent twice records one payment."""
    return f"page-{secrets.token_urlsafe(24)}"


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (VND)"), required=False, widget=MONEY_WIDGET)
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=DATE_WIDGET, help_text=_("Empty is today.")
    )
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=120, required=False)
    payer = forms.CharField(label=_("Paid by"), max_length=255, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    allocate_oldest_first = forms.BooleanField(
        label=_("Allocate it to the oldest open invoices first"), required=False, initial=True
    )
    idempotency_key = forms.CharField(max_length=120, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["allocate_oldest_first"] = bool(data.get("allocate_oldest_first"))
        for name in ("bank_reference", "payer", "note", "idempotency_key"):
            data[name] = data.get(name) or ""
        return data


class AllocationForm(forms.Form):
    """One amount per open invoice of the payment's client, prefilled with the oldest-first
    suggestion; empty or 0 leaves an invoice out."""

    def __init__(self, *args, invoices: list[Invoice], suggestion: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        suggested = {share.invoice.pk: share.amount for share in suggestion}
        self.invoices = invoices
        for invoice in invoices:
            self.fields[self.field_name(invoice)] = forms.DecimalField(
                label=str(invoice),
                required=False,
                initial=suggested.get(invoice.pk),
                widget=forms.NumberInput(attrs={"min": 0, "step": 1}),
            )

    @staticmethod
    def field_name(invoice: Invoice) -> str:
        return f"invoice_{invoice.pk}"

    def rows(self) -> list[tuple[Invoice, forms.BoundField]]:
        return [(invoice, self[self.field_name(invoice)]) for invoice in self.invoices]

    def shares(self) -> list[queries.Share]:
        shares = []
        for invoice in self.invoices:
            amount = self.cleaned_data.get(self.field_name(invoice))
            if amount is not None and amount != 0:
                shares.append(queries.Share(invoice=invoice, amount=amount))
        return shares


# --- Statements -----------------------------------------------------------------------------
def previous_month(today: date | None = None) -> tuple[date, date]:
    """The calendar month before today's: a statement's usual period."""
    first_of_this = (today or timezone.localdate()).replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1), last


class StatementForm(forms.Form):
    period_start = forms.DateField(label=pgettext_lazy("period", "From"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=pgettext_lazy("period", "To"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        start, end = previous_month()
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end


class SendStatementForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=Stakeholder.objects.none(),
        required=False,
        empty_label=None,
        help_text=_("The client's people with an email address."),
    )

    def __init__(self, *args, statement: Statement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        field.queryset = _active_contacts(statement.client).exclude(email="")
        field.label_from_instance = _contact_choice
        field.initial = statement.recipient_id


def _contact_choice(person: Stakeholder) -> str:
    detail = ", ".join(part for part in (person.title, person.email) if part)
    return f"{person.full_name} ({detail})" if detail else person.full_name


# --- Collections ----------------------------------------------------------------------------
class CollectionCallForm(forms.Form):
    """A call about the client's invoices, and the promise it brought, if any."""

    # The promise's own checks name its fields; here they sit beside the call's.
    SERVICE_FIELDS = {"pay_by": "promise_pay_by", "amount": "promise_amount",
                      "promised_by": "stakeholder", "promised_by_name": "stakeholder"}  # fmt: skip

    summary = forms.CharField(
        label=_("What was said"), max_length=2000, required=False, widget=_text(3)
    )
    stakeholder = forms.ModelChoiceField(
        label=_("With"), queryset=Stakeholder.objects.none(), required=False
    )
    promise_pay_by = forms.DateField(
        label=_("Promised to pay by"), required=False, widget=DATE_WIDGET
    )
    promise_amount = forms.DecimalField(
        label=_("Promised amount (VND)"), required=False, widget=MONEY_WIDGET
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = _active_contacts(client)
        self.fields["stakeholder"].label_from_instance = _contact_choice


class PromiseForm(forms.Form):
    """A promise to pay: who at the client, how much, by when, for which invoice."""

    pay_by = forms.DateField(label=_("To pay by"), required=False, widget=DATE_WIDGET)
    amount = forms.DecimalField(label=_("Amount (VND)"), required=False, widget=MONEY_WIDGET)
    promised_by = forms.ModelChoiceField(
        label=_("Promised by"), queryset=Stakeholder.objects.none(), required=False
    )
    promised_by_name = forms.CharField(label=_("Or their name"), max_length=150, required=False)
    invoice = forms.ModelChoiceField(
        label=_("For the invoice"), queryset=Invoice.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["promised_by"].queryset = _active_contacts(client)
        self.fields["promised_by"].label_from_instance = _contact_choice
        self.fields["invoice"].queryset = queries.open_invoices(client.invoices.all()).order_by(
            "due_on", "pk"
        )
        self.fields["invoice"].label_from_instance = _invoice_choice


def _invoice_choice(invoice: Invoice) -> str:
    return f"{invoice} — {format_money(invoice.open_amount)}"


# --- The client's answer through the link ---------------------------------------------------
class AnswerForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        widget=_text(4),
        help_text=_("To dispute it, say what differs from your books."),
    )

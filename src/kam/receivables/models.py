"""Reconciliation and collections: the invoices issued to clients (from contract milestones or
on their own) with their VAT, the credit notes that correct them, the payments received and
their allocation to invoices, the reconciliation statements a client's accountant confirms, the
promises to pay, and the dunning reminders sent.

Money here is never lost, changed silently or counted twice: an issued invoice and a credit note
are immutable (database triggers refuse any change to what was issued, whatever path tries), an
invoice's settled amount can never exceed its total (a check constraint), a payment is recorded
once per idempotency key and a dunning step once per invoice (unique constraints)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.clients.models import Client, Stakeholder
from kam.delivery.models import Contract, Milestone

MONEY_DIGITS = 18


def _amount(label, decimals: int = 0, **options) -> models.DecimalField:
    """VND amounts are whole dong; amounts in the invoice's own currency keep two decimals."""
    return models.DecimalField(label, max_digits=MONEY_DIGITS, decimal_places=decimals, **options)


def _percent(label, **options) -> models.DecimalField:
    return models.DecimalField(label, max_digits=5, decimal_places=2, **options)


class VatRate(models.Model):
    """A VAT rate and the days it applies (data, never a constant in code: the reduced 8% rate
    comes and goes by decree). A line chooses a code; the rate is the one valid on the invoice's
    issue date."""

    code = models.CharField(_("code"), max_length=12)
    label = models.CharField(_("name"), max_length=60)
    percent = _percent(_("rate (%)"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["-percent", "code", "valid_from"]
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="receivables_vatrate_code_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100),
                name="receivables_vatrate_percent_range",
                violation_error_message=_("A percentage is from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="receivables_vatrate_until_after_from",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class NumberSequence(models.Model):
    """The last number given in a series and year. Taken under a row lock in the transaction
    that issues the document, so numbers are gap-free: a rolled-back issue gives its number
    back."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"], name="receivables_sequence_series_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series}/{self.year}: {self.last_number}"


class Invoice(models.Model):
    """An invoice (hóa đơn) to a client: drafted, then issued with its number, the buyer's
    name, tax code and address as they were that day, and never changed after. Payments settle
    it through allocations; credit notes reduce or cancel it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", pgettext_lazy("invoice", "issued")
        CANCELLED = "cancelled", pgettext_lazy("invoice", "cancelled")

    # What changes on an issued invoice: how much of it is settled, whether it is disputed.
    # Everything else is the document and the triggers refuse to change it.
    COLLECTION_FIELDS = ("status", "settled_amount", "settled_on", "disputed", "dispute_note")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("client")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("contract"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("milestone"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    series = models.CharField(_("invoice symbol"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(_("invoice number"), null=True, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    due_on = models.DateField(_("due"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    exchange_rate = models.DecimalField(
        _("exchange rate (VND)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    seller_name = models.CharField(_("seller"), max_length=255, blank=True)
    seller_tax_code = models.CharField(_("seller's tax code"), max_length=14, blank=True)
    seller_address = models.CharField(_("seller's address"), max_length=500, blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=255, blank=True)
    buyer_tax_code = models.CharField(_("buyer's tax code"), max_length=14, blank=True)
    buyer_address = models.CharField(_("buyer's address"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    subtotal = _amount(_("amount before VAT"), 2, default=0)
    vat_amount = _amount(_("VAT"), 2, default=0)
    total = _amount(_("total payable"), 2, default=0)
    total_vnd = _amount(_("total payable (VND)"), default=0)
    settled_amount = _amount(_("settled (VND)"), default=0)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    disputed = models.BooleanField(_("disputed"), default=False)
    dispute_note = models.CharField(_("what the client disputes"), max_length=1000, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-number", "-pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [
            # AR ageing and dunning read the open invoices only, and everything ageing sums is
            # in the index (key columns, not INCLUDE, which SQLite lacks): PostgreSQL answers
            # from the index alone, without visiting the scattered rows.
            models.Index(
                fields=["client", "due_on", "total_vnd", "settled_amount"],
                name="receivables_invoice_open",
                condition=Q(status="issued", settled_on__isnull=True),
            ),
            models.Index(fields=["client", "issued_on"], name="receivables_invoice_client"),
            # The list's order: the first page of every invoice (Finance) is read in order and
            # stops at its end, instead of sorting 300,000 rows for fifty.
            models.Index(fields=["-issued_on", "-number", "-id"], name="receivables_invoice_list"),
            # DSO's sales of the last days: an issued invoice's day, client and total.
            models.Index(
                fields=["issued_on", "client", "total_vnd"],
                name="receivables_invoice_sales",
                condition=Q(status="issued"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"],
                condition=Q(number__isnull=False),
                name="receivables_invoice_number_unique",
            ),
            # A milestone is invoiced once, unless that invoice was cancelled.
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(milestone__isnull=False) & ~Q(status="cancelled"),
                name="receivables_invoice_one_per_milestone",
                violation_error_message=_("This milestone is invoiced already."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(number__isnull=False, issued_on__isnull=False, due_on__isnull=False),
                name="receivables_invoice_issued_has_number",
            ),
            models.CheckConstraint(
                condition=Q(settled_amount__gte=0) & Q(settled_amount__lte=F("total_vnd")),
                name="receivables_invoice_settled_within_total",
                violation_error_message=_("More than the invoice's total would be settled."),
            ),
            models.CheckConstraint(
                condition=Q(currency="VND") | Q(exchange_rate__gt=0),
                name="receivables_invoice_rate_for_currency",
                violation_error_message=_("An invoice in another currency needs its rate."),
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return str(_("Draft invoice %(id)s") % {"id": self.pk})
        return f"{self.series}-{self.number:07d}"

    @property
    def open_amount(self):
        """What is still owed on it, in VND."""
        if self.status != self.Status.ISSUED:
            return 0
        return self.total_vnd - self.settled_amount


class InvoiceLine(models.Model):
    """A line of the invoice: what, unit, quantity, unit price and the VAT rate of its code on
    the issue date."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_price = _amount(_("unit price"), 2)
    vat_code = models.CharField(_("VAT"), max_length=12)
    vat_percent = _percent(_("VAT (%)"), default=0)
    amount = _amount(_("amount"), 2, default=0)
    vat_amount = _amount(_("VAT"), 2, default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_price__gte=0),
                name="receivables_line_positive",
                violation_error_message=_("Quantity must be above 0 and a price not negative."),
            )
        ]

    def __str__(self) -> str:
        return self.description


class CreditNote(models.Model):
    """A credit note (hóa đơn điều chỉnh giảm): reduces an issued invoice by an amount, or
    cancels it whole. Numbered and immutable from the moment it exists."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("invoice")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("client")
    )
    series = models.CharField(_("symbol"), max_length=20)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issue date"))
    reason = models.CharField(_("reason"), max_length=1000)
    cancels_invoice = models.BooleanField(_("cancels the invoice"), default=False)
    subtotal = _amount(_("amount before VAT"), 2)
    vat_amount = _amount(_("VAT"), 2)
    total = _amount(_("total"), 2)
    total_vnd = _amount(_("total (VND)"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        indexes = [models.Index(fields=["client", "issued_on"], name="receivables_credit_client")]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], name="receivables_credit_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(total_vnd__gt=0) & Q(total__gt=0),
                name="receivables_credit_positive",
                violation_error_message=_("The amount must be above 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.number:07d}"


class Payment(models.Model):
    """Money received from a client, in VND, allocated to one or more of its invoices; what is
    not allocated is the client's credit."""

    class Method(models.TextChoices):
        BANK = "bank", _("bank transfer")
        CASH = "cash", _("cash")
        CARD = "card", _("card")
        OTHER = "other", _("other")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="payments", verbose_name=_("client")
    )
    received_on = models.DateField(_("received on"))
    amount = _amount(_("amount (VND)"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default="bank")
    bank_reference = models.CharField(_("bank reference"), max_length=120, blank=True)
    payer = models.CharField(_("paid by"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    allocated_amount = _amount(_("allocated (VND)"), default=0)
    # The allocations before VAT, each in its invoice's proportion: collected revenue, summed
    # per payment so attainment reads payments instead of joining allocations to invoices.
    allocated_net = _amount(_("allocated before VAT (VND)"), default=0)
    idempotency_key = models.CharField(max_length=120, blank=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [
            models.Index(fields=["client", "received_on"], name="receivables_pay_client"),
            # The list's order, as for invoices.
            models.Index(fields=["-received_on", "-id"], name="receivables_pay_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="receivables_payment_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="receivables_payment_positive",
                violation_error_message=_("The amount must be above 0."),
            ),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=F("amount")),
                name="receivables_payment_allocated_within_amount",
                violation_error_message=_("More than the payment would be allocated."),
            ),
            models.CheckConstraint(
                condition=Q(allocated_net__gte=0) & Q(allocated_net__lte=F("allocated_amount")),
                name="receivables_payment_net_within_allocated",
            ),
        ]

    def __str__(self) -> str:
        day = self.received_on.strftime("%d/%m/%Y") if self.received_on else ""
        return str(_("Payment of %(day)s") % {"day": day}) + (
            f" · {self.bank_reference}" if self.bank_reference else ""
        )

    @property
    def unallocated_amount(self):
        return self.amount - self.allocated_amount


class Allocation(models.Model):
    """The part of a payment that settles an invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = _amount(_("amount (VND)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "invoice"], name="receivables_allocation_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="receivables_allocation_positive",
                violation_error_message=_("The amount must be above 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}"


class Statement(models.Model):
    """A reconciliation statement (biên bản đối chiếu công nợ) of one client for a period: the
    opening balance, the invoices, credit notes and payments of the period and the closing
    balance, written down when it is made and sent to the client's accountant, who confirms or
    disputes it through a signed link. A confirmed statement is frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", pgettext_lazy("statement", "sent")
        CONFIRMED = "confirmed", pgettext_lazy("statement", "confirmed")
        DISPUTED = "disputed", pgettext_lazy("statement", "disputed")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="statements", verbose_name=_("client")
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opening_balance = _amount(_("opening balance"))
    invoiced = _amount(_("invoiced"))
    credited = _amount(_("credited"))
    paid = _amount(_("paid"))
    closing_balance = _amount(_("closing balance"))
    recipient = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to"),
    )
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    link_expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by_name = models.CharField(_("answered by"), max_length=150, blank=True)
    client_comment = models.TextField(_("client's comment"), max_length=4000, blank=True)
    dispute_resolved_at = models.DateTimeField(_("dispute settled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("reconciliation statement")
        verbose_name_plural = _("reconciliation statements")
        indexes = [models.Index(fields=["client", "period_end"], name="receivables_stmt_client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="receivables_statement_period",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(
                    closing_balance=F("opening_balance") + F("invoiced") - F("credited") - F("paid")
                ),
                name="receivables_statement_balances",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class StatementLine(models.Model):
    """One document of the statement's period as it stood when the statement was made."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT = "credit", _("credit note")
        PAYMENT = "payment", _("payment")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    debit = _amount(_("owed"), default=0)
    credit = _amount(_("paid or credited"), default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.reference


class PaymentPromise(models.Model):
    """A promise to pay (cam kết thanh toán): who at the client promised what amount by when.
    Kept when the client's payments from the day it was made to its date reach the amount;
    broken when the date passes short."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="payment_promises", verbose_name=_("client")
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promises",
        verbose_name=_("invoice"),
    )
    promised_on = models.DateField(_("made on"))
    pay_by = models.DateField(_("to pay by"))
    amount = _amount(_("amount (VND)"))
    promised_by = models.ForeignKey(
        Stakeholder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promised by"),
    )
    promised_by_name = models.CharField(_("promised by (name)"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pay_by", "-pk"]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        indexes = [models.Index(fields=["client", "pay_by"], name="receivables_promise_client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="receivables_promise_positive",
                violation_error_message=_("The amount must be above 0."),
            ),
            models.CheckConstraint(
                condition=Q(pay_by__gte=F("promised_on")),
                name="receivables_promise_after_made",
                violation_error_message=_("The date to pay by is before the promise."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Promise to pay by %(day)s") % {"day": self.pay_by.strftime("%d/%m/%Y")})


class DunningNotice(models.Model):
    """A reminder sent for an invoice at one step of the schedule (days from its due date:
    negative before, positive after). One per invoice and step: sent once, whatever runs the
    job and however often."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="notices")
    step_days = models.SmallIntegerField(_("step (days after due)"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_to = models.CharField(_("sent to"), max_length=500)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=300)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "step_days"], name="receivables_notice_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return self.subject

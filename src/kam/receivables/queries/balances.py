"""What clients owe, summed in the database: open invoices, ageing by days overdue, days sales
outstanding, a client's ledger between two dates (a statement's figures), promises kept or
broken, and the oldest-first suggestion for a payment."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from kam.clients.models import Client
from kam.receivables.models import CreditNote, Invoice, InvoiceLine, Payment, PaymentPromise

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=18, decimal_places=0)
OPEN = ExpressionWrapper(F("total_vnd") - F("settled_amount"), output_field=MONEY)

# (key, label-free bounds in days overdue): current is not yet due.
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def open_invoices(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Issued invoices not yet settled in full (the partial index's own condition)."""
    return invoices.filter(status=Invoice.Status.ISSUED, settled_on__isnull=True)


def _bucket_conditions(as_of: date) -> dict[str, Q]:
    return {
        "current": Q(due_on__gte=as_of),
        "days_1_30": Q(due_on__lt=as_of, due_on__gte=as_of - timedelta(days=30)),
        "days_31_60": Q(
            due_on__lt=as_of - timedelta(days=30), due_on__gte=as_of - timedelta(days=60)
        ),
        "days_61_90": Q(
            due_on__lt=as_of - timedelta(days=60), due_on__gte=as_of - timedelta(days=90)
        ),
        "days_over_90": Q(due_on__lt=as_of - timedelta(days=90)),
    }


def _bucket_sums(as_of: date) -> dict:
    sums = {
        key: Coalesce(Sum(Case(When(condition, then=OPEN), default=Value(ZERO))), ZERO)
        for key, condition in _bucket_conditions(as_of).items()
    }
    sums["total"] = Coalesce(Sum(OPEN), ZERO)
    return sums


def ageing_by_client(invoices: QuerySet[Invoice], as_of: date | None = None) -> QuerySet:
    """One row per client with open invoices: the open amount in each bucket of days overdue
    and in all, largest total first."""
    as_of = as_of or timezone.localdate()
    return (
        open_invoices(invoices)
        .values("client_id", "client__legal_name", "client__short_name")
        .annotate(
            **_bucket_sums(as_of),
            overdue_count=Sum(Case(When(due_on__lt=as_of, then=1), default=0)),
        )
        .order_by("-total", "client__legal_name")
    )


def ageing_totals(invoices: QuerySet[Invoice], as_of: date | None = None) -> dict:
    """The buckets summed over every client in the scope."""
    as_of = as_of or timezone.localdate()
    return open_invoices(invoices).aggregate(**_bucket_sums(as_of))


def invoices_in_bucket(invoices: QuerySet[Invoice], bucket: str, as_of: date | None = None):
    """The open invoices behind one cell of the ageing table (drill-down); "total" is every
    open one."""
    as_of = as_of or timezone.localdate()
    condition = Q() if bucket == "total" else _bucket_conditions(as_of)[bucket]
    return open_invoices(invoices).filter(condition).annotate(open=OPEN).order_by("due_on", "pk")


def days_sales_outstanding(
    invoices: QuerySet[Invoice],
    as_of: date | None = None,
    window_days: int = 90,
    *,
    owed: Decimal | None = None,
) -> Decimal | None:
    """DSO = what is open / what was invoiced in the last `window_days` * `window_days`; None
    without sales in the window. `owed`: what is open, when the caller has summed it already
    (the ageing's total)."""
    as_of = as_of or timezone.localdate()
    sales = invoices.filter(
        status=Invoice.Status.ISSUED,
        issued_on__gt=as_of - timedelta(days=window_days),
        issued_on__lte=as_of,
    ).aggregate(s=Coalesce(Sum("total_vnd"), ZERO))["s"]
    if not sales:
        return None
    if owed is None:
        owed = open_invoices(invoices).aggregate(s=Coalesce(Sum(OPEN), ZERO))["s"]
    return (owed * window_days / sales).quantize(Decimal("0.1"))


def client_balance(client: Client, before: date | None = None) -> Decimal:
    """What the client owes: invoiced - credited - paid (negative: the client has credit),
    from documents dated before `before` when given."""
    invoices = Invoice.objects.filter(client=client).exclude(status=Invoice.Status.DRAFT)
    credits = CreditNote.objects.filter(client=client)
    payments = Payment.objects.filter(client=client)
    if before is not None:
        invoices = invoices.filter(issued_on__lt=before)
        credits = credits.filter(issued_on__lt=before)
        payments = payments.filter(received_on__lt=before)
    return (
        invoices.aggregate(s=Coalesce(Sum("total_vnd"), ZERO))["s"]
        - credits.aggregate(s=Coalesce(Sum("total_vnd"), ZERO))["s"]
        - payments.aggregate(s=Coalesce(Sum("amount"), ZERO))["s"]
    )


@dataclass(frozen=True)
class LedgerEntry:
    on: date
    kind: str
    reference: str
    description: str
    debit: Decimal
    credit: Decimal


def ledger_of(client: Client, start: date, end: date) -> list[LedgerEntry]:
    """The client's invoices (debit), credit notes and payments (credit) dated from `start` to
    `end`, in date order."""
    entries = [
        LedgerEntry(i.issued_on, "invoice", str(i), _invoice_text(i), i.total_vnd, ZERO)
        for i in Invoice.objects.filter(client=client, issued_on__range=(start, end))
        .exclude(status=Invoice.Status.DRAFT)
        .select_related("contract")
        .annotate(
            first_line=Subquery(
                InvoiceLine.objects.filter(invoice=OuterRef("pk"))
                .order_by("position", "pk")
                .values("description")[:1]
            )
        )
    ]
    entries += [
        LedgerEntry(n.issued_on, "credit", str(n), n.reason[:300], ZERO, n.total_vnd)
        for n in CreditNote.objects.filter(client=client, issued_on__range=(start, end))
    ]
    entries += [
        LedgerEntry(
            p.received_on, "payment", p.bank_reference or f"#{p.pk}", p.payer, ZERO, p.amount
        )
        for p in Payment.objects.filter(client=client, received_on__range=(start, end))
    ]
    order = {"invoice": 0, "credit": 1, "payment": 2}
    return sorted(entries, key=lambda e: (e.on, order[e.kind], e.reference))


def _invoice_text(invoice: Invoice) -> str:
    if invoice.contract_id:
        return f"{invoice.contract.number} — {invoice.contract.title}"[:300]
    return (invoice.note or invoice.first_line or "")[:300]


@dataclass(frozen=True)
class Share:
    """An amount of a payment for one invoice, as given (checked by the allocation)."""

    invoice: Invoice
    amount: object


def oldest_first_shares(payment: Payment) -> list[Share]:
    """How the payment's unallocated amount would settle the client's open invoices, the one
    due first first: the suggestion a person may take or change."""
    left = payment.amount - payment.allocated_amount
    shares = []
    for invoice in (
        open_invoices(Invoice.objects.filter(client_id=payment.client_id))
        .annotate(open=OPEN)
        .order_by("due_on", "issued_on", "number", "pk")
    ):
        if left <= 0:
            break
        amount = min(left, invoice.open)
        if amount > 0:
            shares.append(Share(invoice=invoice, amount=amount))
            left -= amount
    return shares


def with_promise_state(promises: QuerySet[PaymentPromise]) -> QuerySet[PaymentPromise]:
    """Each promise with what the client paid from the day it was made to its date, and its
    state: kept (paid enough), broken (the date passed short) or open."""
    paid = (
        Payment.objects.filter(
            client_id=OuterRef("client_id"),
            received_on__gte=OuterRef("promised_on"),
            received_on__lte=OuterRef("pay_by"),
        )
        .order_by()
        .values("client_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    today = timezone.localdate()
    return promises.annotate(paid=Coalesce(Subquery(paid, output_field=MONEY), ZERO)).annotate(
        state=Case(
            When(paid__gte=F("amount"), then=Value("kept")),
            When(pay_by__lt=today, then=Value("broken")),
            default=Value("open"),
        )
    )

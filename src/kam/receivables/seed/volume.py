"""The receivables of `kam seed --scale medium|large`: invoices to the clients served (their
reached milestones, and services on their own), one line each, over the scale's history; about
15% of them still open, spread over the ageing buckets, some of those paid in part; the rest
paid — most within a few weeks of the due date, some later, in one to four payments —, a few
reduced by a credit note and a few cancelled by one; and a few payments of the last days not
allocated yet. The clients the demo invoiced are left as they are.

Numbers have no gap per symbol and year and follow the dates, under symbols of their own: the
demo's invoices are issued already, and a number is never dated before the one ahead of it.
Bulk-inserted: no services, no audit events; on PostgreSQL with COPY (`core.seed.copy_rows`).
An invoice goes in as a draft and its line after it (the database refuses a line added to an
issued invoice), then the chunk is issued by one UPDATE, the transition the triggers allow."""

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.clients.models import Client
from kam.core.money import before_vat, round_for
from kam.core.seed import BATCH, SeedContext, copy_rows, spread
from kam.delivery.models import Contract, Milestone
from kam.people.models import User
from kam.receivables.models import (
    Allocation,
    CreditNote,
    Invoice,
    InvoiceLine,
    NumberSequence,
    Payment,
    VatRate,
)
from kam.receivables.services.common import VND, symbol_for

INVOICE_SYMBOL = "1C{yy}TAB"
CREDIT_NOTE_SYMBOL = "1C{yy}TAE"
OPEN_SHARE = 0.15
CANCELLED_SHARE = 0.01
CREDITED_SHARE = 0.03  # of the invoices not cancelled, those reduced by a credit note
PARTLY_PAID_SHARE = 0.3  # of the open invoices, those paid in part already
UNALLOCATED_EVERY = 300  # one payment in 300 is of the last days and not allocated yet
MOST_PARTS = 4
MILESTONES_AT_MOST = 4  # a quarter of the invoices at most are milestones'
# Open invoices by age: (weight, fewest and most days past the due date); "current" (not due
# yet) is drawn from the invoice's own terms.
OPEN_AGES = [(40, None, None), (25, 1, 30), (12, 31, 60), (8, 61, 90), (15, 91, 400)]
# Paid invoices: (weight, fewest and most days after the due date the last payment came).
PAID_LATE = [(45, -10, 0), (35, 1, 20), (12, 21, 44), (8, 45, 120)]
TERMS = [15, 30, 30, 30, 45]
TIER_WEIGHT = {"key": 6, "growth": 2, "standard": 1}
SERVICES = [
    ("Phí quản trị mạng xã hội tháng {m}", "tháng"),
    ("Sản xuất video quảng cáo — đợt {m}", "gói"),
    ("Tổ chức sự kiện khách hàng tháng {m}", "gói"),
    ("Quảng cáo số Facebook và TikTok tháng {m}", "tháng"),
    ("Nội dung KOL tháng {m}", "gói"),
    ("Thiết kế ấn phẩm và POSM tháng {m}", "gói"),
]
CREDIT_REASONS = [
    "Giảm trừ phí do giao chậm một hạng mục so với hợp đồng.",
    "Giảm giá theo thỏa thuận sau nghiệm thu.",
    "Điều chỉnh giảm số lượng bài đăng thực hiện trong tháng.",
]
CANCEL_REASON = "Hủy hóa đơn lập sai thông tin người mua; lập hóa đơn thay thế."
REDUCED = "8"  # the reduced rate's code, for the services the agency sells


class _Credit:
    """A credit note to insert with its invoice: a part of it, or all of it (cancelled)."""

    __slots__ = ("cancels", "day", "number", "reason", "subtotal", "total", "vat")

    def __init__(self, day: date, total: Decimal, subtotal: Decimal, cancels: bool, reason: str):
        self.day, self.total, self.subtotal, self.cancels = day, total, subtotal, cancels
        self.vat, self.reason, self.number = total - subtotal, reason, 0


class _Planned:
    """An invoice to insert: what it bills, its dates, its credit note and its payments."""

    __slots__ = ("client", "contract_id", "credit", "description", "issued_on", "milestone_id",
                 "number", "parts", "pay_from", "pay_until", "settled_on", "subtotal", "terms",
                 "to_pay", "total", "unit", "vat_amount", "vat_code", "vat_percent")  # fmt: skip

    def __init__(self, client: Client, issued_on: date, terms: int) -> None:
        self.client, self.issued_on, self.terms = client, issued_on, terms
        self.contract_id = self.milestone_id = None
        self.credit: _Credit | None = None
        self.to_pay = Decimal(0)
        self.pay_from = self.pay_until = issued_on
        self.parts: list[tuple[date, Decimal]] = []
        self.settled_on: date | None = None
        self.number = 0

    @property
    def due_on(self) -> date:
        return self.issued_on + timedelta(days=self.terms)

    @property
    def settled(self) -> Decimal:
        credited = self.credit.total if self.credit else Decimal(0)
        return credited + sum((amount for _day, amount in self.parts), Decimal(0))


class _Rates:
    """The VAT rates by code and day, as `services.common.vat_rate` reads them."""

    def __init__(self) -> None:
        self.rates: dict[str, list[VatRate]] = {}
        for rate in VatRate.objects.order_by("valid_from"):
            self.rates.setdefault(rate.code, []).append(rate)

    def percent(self, code: str, day: date) -> Decimal | None:
        for rate in reversed(self.rates.get(code, [])):
            if rate.valid_from <= day and (rate.valid_until is None or day <= rate.valid_until):
                return rate.percent
        return None

    def code_on(self, wanted: str, day: date) -> tuple[str, Decimal]:
        """The wanted code if it has a rate that day, else the standard rate."""
        percent = self.percent(wanted, day)
        if percent is None:
            wanted = settings.KAM_STANDARD_VAT_CODE
            percent = self.percent(wanted, day) or Decimal(0)
        return wanted, percent


def seed_volume(ctx: SeedContext) -> None:
    """The scale's invoices and payments in all, the demo's included."""
    volumes = ctx.volumes
    today = timezone.localdate()
    invoice_total = volumes.invoices - Invoice.objects.count()
    payment_total = volumes.payments - Payment.objects.count()
    if min(invoice_total, payment_total) < 0:
        raise ValueError("A scale holds at least the demo's invoices and payments.")
    finance = User.objects.filter(is_finance=True).order_by("pk").first()
    clients = list(
        Client.objects.filter(status__in=["active", "dormant"])
        .exclude(pk__in=Invoice.objects.values("client_id"))
        .order_by("pk")
    )
    if invoice_total and (not clients or finance is None):
        raise ValueError("A scale with invoices needs clients served and a Finance user.")
    unallocated = payment_total // UNALLOCATED_EVERY
    planned = _plan_invoices(ctx, clients, invoice_total, today)
    _plan_payments(ctx, planned, payment_total - unallocated)
    _number(planned)
    _insert(ctx, planned, finance)
    _insert_unallocated(ctx, clients, unallocated, finance, today)
    open_count = sum(1 for item in planned if item.settled_on is None)
    ctx.log.append(
        f"receivables: {Invoice.objects.count()} invoices ({open_count} of the volume open), "
        f"{Payment.objects.count()} payments, {Allocation.objects.count()} allocations, "
        f"{CreditNote.objects.count()} credit notes"
    )


# --- The plan -------------------------------------------------------------------------------
def _plan_invoices(ctx: SeedContext, clients: list, total: int, today: date) -> list[_Planned]:
    """The reached milestones' invoices first, then services on their own, each settled,
    cancelled or open at an age of the ageing's buckets."""
    rng, rates = ctx.rng, _Rates()
    first = today - timedelta(days=ctx.volumes.history_days)
    served = {client.pk: client for client in clients}
    planned = []
    for milestone in (
        Milestone.objects.filter(
            contract__status=Contract.Status.SIGNED,
            contract__client__in=list(served),
            reached_on__range=(first, today),
            amount__gt=0,
            invoices__isnull=True,
        )
        .select_related("contract")
        .order_by("pk")[: total // MILESTONES_AT_MOST]
    ):
        contract = milestone.contract
        item = _Planned(
            served[contract.client_id], milestone.reached_on, contract.payment_terms_days
        )
        item.contract_id, item.milestone_id = contract.pk, milestone.pk
        item.description = f"{milestone.title} — {_('contract')} {contract.number}"[:300]
        item.unit = _("package")
        _price(
            item,
            milestone.amount,
            rates.code_on(f"{contract.vat_percent.normalize():f}", item.issued_on),
        )
        _settle_or_leave_open(rng, item, today, rng.random())
        planned.append(item)
    weights = [TIER_WEIGHT.get(client.tier, 1) for client in clients]
    for client in rng.choices(clients, weights=weights, k=total - len(planned)) if clients else []:
        planned.append(_service_invoice(rng, rates, client, first, today))
    return planned


def _service_invoice(
    rng: random.Random, rates: _Rates, client: Client, first: date, today: date
) -> _Planned:
    terms = rng.choice(TERMS)
    state = rng.random()
    if state < OPEN_SHARE:
        _weight, fewest, most = rng.choices(OPEN_AGES, weights=[age[0] for age in OPEN_AGES])[0]
        if fewest is None:
            overdue = -rng.randint(0, terms)
        else:
            most = min(most, (today - first).days - terms)
            overdue = rng.randint(min(fewest, most), most)
        issued = max(today - timedelta(days=terms + overdue), first)
    else:
        issued = first + timedelta(days=rng.randint(0, max((today - first).days - 1, 0)))
    item = _Planned(client, issued, terms)
    text, item.unit = rng.choice(SERVICES)
    item.description = text.format(m=f"{issued:%m/%Y}")
    millions = math.exp(rng.uniform(math.log(5), math.log(600)))
    _price(item, Decimal(int(millions * 10) * 100_000), rates.code_on(REDUCED, issued))
    _settle_or_leave_open(rng, item, today, state)
    return item


def _price(item: _Planned, subtotal: Decimal, vat: tuple[str, Decimal]) -> None:
    item.vat_code, item.vat_percent = vat
    item.subtotal = subtotal
    item.vat_amount = round_for(VND, subtotal * item.vat_percent / 100)
    item.total = item.subtotal + item.vat_amount


def _settle_or_leave_open(rng: random.Random, item: _Planned, today: date, state: float) -> None:
    """What is credited of it and what is still to pay, by when: all of it when settled, a
    part or nothing when it stays open, nothing when a credit note cancels it."""
    days_since = (today - item.issued_on).days
    if OPEN_SHARE <= state < OPEN_SHARE + CANCELLED_SHARE:
        day = item.issued_on + timedelta(days=rng.randint(0, min(20, days_since)))
        item.credit = _Credit(day, item.total, item.subtotal, True, CANCEL_REASON)
        item.settled_on = day
        return
    if rng.random() < CREDITED_SHARE:
        total = round_for(VND, item.total * rng.randint(5, 20) / 100)
        subtotal = round_for(VND, total * item.subtotal / item.total)
        day = item.issued_on + timedelta(days=rng.randint(0, min(30, days_since)))
        item.credit = _Credit(day, total, subtotal, False, rng.choice(CREDIT_REASONS))
    left = item.total - (item.credit.total if item.credit else 0)
    if state < OPEN_SHARE:
        if rng.random() < PARTLY_PAID_SHARE:
            item.to_pay = round_for(VND, left * rng.randint(20, 80) / 100)
            item.pay_until = today
        return
    _weight, fewest, most = rng.choices(PAID_LATE, weights=[late[0] for late in PAID_LATE])[0]
    paid = item.due_on + timedelta(days=rng.randint(fewest, most))
    if paid > today:  # a recent invoice settled already: paid early
        paid = item.issued_on + timedelta(days=rng.randint(0, days_since))
    item.to_pay, item.pay_until = left, max(paid, item.issued_on)
    item.settled_on = max(item.pay_until, item.credit.day if item.credit else item.pay_until)


def _plan_payments(ctx: SeedContext, planned: list[_Planned], count: int) -> None:
    """Every invoice with something to pay gets one payment, and the rest of the scale's
    payments split some of them into up to four parts; the last part on its settling day."""
    rng = ctx.rng
    paying = [item for item in planned if item.to_pay > 0]
    extra = count - len(paying)
    if extra < 0 or extra > len(paying) * (MOST_PARTS - 1):
        raise ValueError(f"{count:,} payments cannot pay {len(paying):,} invoices.")
    parts = [1] * len(paying)
    for _n in range(extra):
        index = rng.randrange(len(paying))
        while parts[index] == MOST_PARTS:
            index = (index + 1) % len(paying)
        parts[index] += 1
    for item, count_of_item in zip(paying, parts, strict=True):
        amounts = _split(rng, int(item.to_pay), count_of_item)
        span = (item.pay_until - item.pay_from).days
        days = sorted(item.pay_from + timedelta(days=rng.randint(0, span)) for _a in amounts[1:])
        if item.settled_on is None:  # open, paid in part: the last part is a day like the others
            days.append(item.pay_from + timedelta(days=rng.randint(0, span)))
            days.sort()
        else:
            days.append(item.pay_until)
        item.parts = [(day, Decimal(amount)) for day, amount in zip(days, amounts, strict=True)]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` dong in `parts` payments, the first ones in round thousands."""
    if parts == 1:
        return [total]
    shares = spread(total // 1_000, [rng.randint(2, 10) for _part in range(parts)])
    amounts = [share * 1_000 for share in shares[:-1]]
    return [*amounts, total - sum(amounts)]


def _number(planned: list[_Planned]) -> None:
    """Sort the invoices by date and number them, and their credit notes, per symbol and year;
    the sequences then continue from the last numbers."""
    planned.sort(key=lambda item: item.issued_on)
    last: dict[tuple[str, int], int] = {}
    for item in planned:
        key = (symbol_for(INVOICE_SYMBOL, item.issued_on), item.issued_on.year)
        item.number = last[key] = last.get(key, 0) + 1
    credits = sorted((item.credit for item in planned if item.credit), key=lambda c: c.day)
    for credit in credits:
        key = (symbol_for(CREDIT_NOTE_SYMBOL, credit.day), credit.day.year)
        credit.number = last[key] = last.get(key, 0) + 1
    for (series, year), number in last.items():
        NumberSequence.objects.update_or_create(
            series=series, year=year, defaults={"last_number": number}
        )


# --- The inserts ----------------------------------------------------------------------------
def _insert(ctx: SeedContext, planned: list[_Planned], finance: User) -> None:
    """A chunk of invoices at a time, in date order: the invoices as drafts, their lines, the
    chunk issued (or cancelled), then its credit notes, payments and allocations."""
    payments_total = sum(len(item.parts) for item in planned)
    payments_done = 0
    for start in range(0, len(planned), BATCH):
        chunk = planned[start : start + BATCH]
        pks = copy_rows(Invoice, [_invoice(item, finance.pk) for item in chunk])
        pairs = list(zip(chunk, pks, strict=True))
        copy_rows(InvoiceLine, [_line(item, pk) for item, pk in pairs])
        cancelled = [pk for item, pk in pairs if item.credit and item.credit.cancels]
        Invoice.objects.filter(pk__in=cancelled).update(status=Invoice.Status.CANCELLED)
        Invoice.objects.filter(pk__range=(min(pks), max(pks)), status=Invoice.Status.DRAFT).update(
            status=Invoice.Status.ISSUED
        )
        copy_rows(
            CreditNote, [_credit_note(item, pk, finance.pk) for item, pk in pairs if item.credit]
        )
        paid = [(item, pk) for item, pk in pairs if item.parts]
        payments = [
            _payment(ctx.rng, item.client, day, amount, finance.pk)
            | {
                "allocated_amount": amount,
                "allocated_net": before_vat(amount, item.subtotal, item.total),
            }
            for item, _pk in paid
            for day, amount in item.parts
        ]
        invoice_of_each = [pk for item, pk in paid for _part in item.parts]
        copy_rows(
            Allocation,
            [
                {
                    "payment_id": payment,
                    "invoice_id": invoice,
                    "amount": row["amount"],
                    "created_by_id": finance.pk,
                }
                for payment, invoice, row in zip(
                    copy_rows(Payment, payments), invoice_of_each, payments, strict=True
                )
            ],
        )
        payments_done += len(payments)
        ctx.progress("invoices", start + len(chunk), len(planned))
        ctx.progress("payments", payments_done, payments_total)


def _invoice(item: _Planned, finance: int) -> dict:
    client = item.client
    return {
        "client_id": client.pk,
        "contract_id": item.contract_id,
        "milestone_id": item.milestone_id,
        "status": Invoice.Status.DRAFT,
        "series": symbol_for(INVOICE_SYMBOL, item.issued_on),
        "year": item.issued_on.year,
        "number": item.number,
        "issued_on": item.issued_on,
        "payment_terms_days": item.terms,
        "due_on": item.due_on,
        "seller_name": settings.KAM_COMPANY_NAME,
        "seller_tax_code": settings.KAM_COMPANY_TAX_CODE,
        "seller_address": settings.KAM_COMPANY_ADDRESS,
        "buyer_name": client.legal_name,
        "buyer_tax_code": client.tax_code,
        "buyer_address": client.address,
        "subtotal": item.subtotal,
        "vat_amount": item.vat_amount,
        "total": item.total,
        "total_vnd": item.total,
        "settled_amount": item.settled,
        "settled_on": item.settled_on,
        "created_by_id": finance,
        "issued_by_id": finance,
    }


def _line(item: _Planned, invoice: int) -> dict:
    return {
        "invoice_id": invoice,
        "position": 1,
        "description": item.description,
        "unit": item.unit,
        "quantity": Decimal(1),
        "unit_price": item.subtotal,
        "vat_code": item.vat_code,
        "vat_percent": item.vat_percent,
        "amount": item.subtotal,
        "vat_amount": item.vat_amount,
    }


def _credit_note(item: _Planned, invoice: int, finance: int) -> dict:
    credit = item.credit
    return {
        "invoice_id": invoice,
        "client_id": item.client.pk,
        "series": symbol_for(CREDIT_NOTE_SYMBOL, credit.day),
        "year": credit.day.year,
        "number": credit.number,
        "issued_on": credit.day,
        "reason": credit.reason,
        "cancels_invoice": credit.cancels,
        "subtotal": credit.subtotal,
        "vat_amount": credit.vat,
        "total": credit.total,
        "total_vnd": credit.total,
        "issued_by_id": finance,
    }


def _payment(rng: random.Random, client: Client, day: date, amount: Decimal, by: int) -> dict:
    """A payment not allocated yet."""
    return {
        "client_id": client.pk,
        "received_on": day,
        "amount": amount,
        "method": Payment.Method.BANK,
        "bank_reference": f"FT{day:%y}{day.timetuple().tm_yday:03d}{rng.randint(1, 999_999):06d}",
        "payer": client.legal_name,
        "recorded_by_id": by,
    }


def _insert_unallocated(
    ctx: SeedContext, clients: list, count: int, finance: User, today: date
) -> None:
    """Money received in the last days that Finance has not matched to invoices yet."""
    if not count:
        return
    rng = ctx.rng
    payments = [
        _payment(
            rng,
            rng.choice(clients),
            today - timedelta(days=rng.randint(0, 9)),
            Decimal(rng.randint(10, 400) * 1_000_000),
            finance.pk,
        )
        | {"note": "Chưa xác định được hóa đơn: chờ khách gửi bảng kê."}
        for _n in range(count)
    ]
    copy_rows(Payment, payments)
    ctx.progress("payments", count, count)

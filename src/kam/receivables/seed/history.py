"""Twelve months of the demo's receivables, for every client with a signed contract but the
story's (Sữa Việt is a new client): a monthly retainer invoiced in the first days of the next
month, VAT 8% where the reduced rate applies, and the contracts' milestones invoiced when they
were reached; paid as each client pays — most a few days late, some 45 days and more, a few in
two parts, and two invoices in one transfer when they fall on the same day —; promises to pay
kept and broken; and the reminders job as it ran each morning.

Everything goes through the services, day by day in date order (an invoice's number follows its
date), as Finance and the KAMs would have entered it. Only what the services cannot backdate is
written directly: a promise is recorded for today or later, so the history's promises are
inserted on the day they were made, and a reminder is stamped with the moment it is sent, so
each morning's are moved back to 08:00 of that day. Today's work — credit notes, the month's
statements (one confirmed, one disputed), a promise not yet due — closes the history."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings

from kam.budgets.queries import is_month_closed
from kam.clients.models import Client
from kam.core.money import round_for
from kam.core.seed import SeedContext
from kam.delivery.models import Milestone
from kam.delivery.seed.steps import MILLION, at
from kam.people.models import User
from kam.receivables import queries, services
from kam.receivables.models import DunningNotice, Invoice, PaymentPromise
from kam.receivables.queries import Share
from kam.receivables.services.common import VND
from kam.receivables.services.statements import statement_token

MONTHS = 12
WAITING_DAYS = 7  # milestones reached this recently still wait for Finance's invoice
SLOW_DAYS = (45, 75)  # how late a slow invoice is paid
REDUCED = "8"  # the reduced rate's code, for the services the agency sells


@dataclass(frozen=True)
class Payer:
    """A demo client's monthly retainer and how it pays: the usual days after the due date
    (negative: early), every n-th invoice paid 45-75 days late, every n-th in two parts; a
    retainer that ended some months ago; invoices falling due in the last days left unpaid."""

    service: str
    retainer_millions: int
    late: tuple[int, int]
    slow_every: int = 0
    partly_every: int = 0
    ended_months_ago: int = 0
    stopped_paying_days: int = 0


PAYERS = {
    "THN Auto": Payer("Quản trị fanpage và nội dung mạng xã hội", 60, (-3, 6)),
    "An Tâm Life": Payer("Theo dõi mạng xã hội và báo cáo truyền thông", 45, (0, 15),
                         slow_every=7),
    "Sao Việt Retail": Payer("Quản trị mạng xã hội cho chuỗi cửa hàng", 70, (2, 20),
                             slow_every=6, partly_every=5),
    "Sông Hồng Drinks": Payer("Quản trị fanpage và tối ưu quảng cáo", 40, (0, 12)),
    "Hoa Sen Beauty": Payer("Nội dung KOL và livestream hằng tháng", 55, (5, 25), slow_every=4,
                            partly_every=6),
    "PĐS Bank": Payer("Chăm sóc khách hàng trực tuyến và quản trị mạng xã hội", 90, (10, 30),
                      slow_every=3, partly_every=8),
    # The apartment launch was postponed: the retainer ended, the client stopped paying.
    "Đất Xanh Nam": Payer("Quản trị fanpage dự án căn hộ", 50, (25, 45), slow_every=2,
                          partly_every=4, ended_months_ago=3, stopped_paying_days=150),
}  # fmt: skip
OTHER_PAYER = Payer("Dịch vụ truyền thông hằng tháng", 30, (0, 20))
# Who keeps a promise and who breaks one (the first of each list the history allows).
KEEPS_PROMISES = ["PĐS Bank", "Hoa Sen Beauty", "Sao Việt Retail"]
BREAKS_PROMISES = ["Đất Xanh Nam", "Hoa Sen Beauty"]
PROMISE_NOTES = {
    True: "Kế toán trưởng hẹn chuyển khoản sau khi trình ký đủ cấp.",
    False: "Khách hẹn thanh toán nhưng chưa chuyển; xin lùi vì chờ giải ngân dự án.",
}
# Today's credit notes: (client, percent of what is open, why).
CREDITS = [
    ("Sao Việt Retail", 10, "Giảm trừ 10% phí dịch vụ: 6 bài đăng chưa thực hiện do 12 cửa hàng "
                            "tạm đóng cửa để sửa chữa."),
    ("An Tâm Life", 20, "Giảm trừ phí tuần tạm dừng đăng bài theo yêu cầu của khách hàng "
                        "(công văn ngày gần nhất)."),
]  # fmt: skip
# Last month's reconciliation statements: (client, confirmed, what the client disputes).
STATEMENTS = [
    ("Sao Việt Retail", True, ""),
    ("PĐS Bank", False, "Sổ của ngân hàng chưa ghi nhận hóa đơn {invoice}: chúng tôi chưa nhận "
                        "được hóa đơn điện tử. Đề nghị gửi lại trước khi xác nhận."),
]  # fmt: skip
# The promise not yet due: (client, share of the oldest overdue invoice, note).
PROMISE_NOW = (
    "Đất Xanh Nam",
    Decimal("0.5"),
    "Giám đốc tài chính mới hứa chuyển trước một nửa hóa đơn quá hạn lâu nhất.",
)


class Calendar:
    """The days a document may carry: working days, in no month Finance has closed (the
    services refuse those), not after today."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._closed: dict[date, bool] = {}

    def open_day(self, day: date) -> date | None:
        """The day, or the first one after it that takes a document; None past today."""
        while day.weekday() >= 5 or self._is_closed(day):
            day += timedelta(days=1)
        return day if day <= self.today else None

    def _is_closed(self, day: date) -> bool:
        month = day.replace(day=1)
        if month not in self._closed:
            self._closed[month] = is_month_closed(month)
        return self._closed[month]


@dataclass
class Bill:
    """An invoice of the history: drafted and issued on its day, then paid on the days planned
    (`paid_on`, in the client's transfers)."""

    client: Client
    issued_on: date
    terms_days: int
    draft: Callable[[], Invoice]
    invoice: Invoice | None = None
    paid_on: list[date] = field(default_factory=list)

    @property
    def due_on(self) -> date:
        return self.issued_on + timedelta(days=self.terms_days)


@dataclass
class Transfer:
    """Money a client sent on a day, for one invoice or more: a share of each invoice's total
    (None: what is still open on it)."""

    client: Client
    day: date
    reference: str
    shares: list[tuple[Bill, Decimal | None]] = field(default_factory=list)


class Timeline:
    """What Finance and the KAMs did, each day in turn: the reminders job in the morning (up to
    a day), then the invoices issued, the payments received, the promises made."""

    ISSUE, PAY, PROMISE = 0, 1, 2

    def __init__(self, ctx: SeedContext, finance: User, calendar: Calendar) -> None:
        self.rng, self.finance, self.calendar = ctx.rng, finance, calendar
        self.acts: dict[date, list[tuple[int, Callable[[], None]]]] = defaultdict(list)
        self.transfers: dict[tuple[int, date], Transfer] = {}

    def issue(self, bill: Bill) -> None:
        self.acts[bill.issued_on].append((self.ISSUE, partial(self._issue, bill)))

    def pay(self, bill: Bill, day: date, share: Decimal | None = None) -> None:
        """The client pays a share of the bill (what is left, by default) on the day; two
        invoices paid the same day go in one transfer."""
        key = (bill.client.pk, day)
        if key not in self.transfers:
            reference = f"FT{day:%y}{day.timetuple().tm_yday:03d}{self.rng.randint(1, 999_999):06d}"
            self.transfers[key] = Transfer(bill.client, day, reference)
            self.acts[day].append((self.PAY, partial(self._receive, self.transfers[key])))
        self.transfers[key].shares.append((bill, share))
        bill.paid_on.append(day)

    def promise(self, bill: Bill, made_on: date, pay_by: date, kept: bool) -> None:
        self.acts[made_on].append(
            (self.PROMISE, partial(self._promise, bill, made_on, pay_by, PROMISE_NOTES[kept]))
        )

    def paid_days(self, client: Client) -> list[date]:
        return sorted(day for client_pk, day in self.transfers if client_pk == client.pk)

    def run(self, *, remind_until: date | None) -> None:
        if not self.acts:
            return
        day, last = min(self.acts), max(self.acts)
        notices = DunningNotice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        while day <= max(last, remind_until or last):
            if remind_until is not None and day <= remind_until:
                notices = _remind(day, notices)
            for _order, act in sorted(self.acts.get(day, []), key=lambda pair: pair[0]):
                act()
            day += timedelta(days=1)

    def _issue(self, bill: Bill) -> None:
        bill.invoice = services.issue_invoice(
            by=self.finance, invoice=bill.draft(), issued_on=bill.issued_on
        )

    def _receive(self, transfer: Transfer) -> None:
        shares = []
        for bill, share in transfer.shares:
            invoice = Invoice.objects.get(pk=bill.invoice.pk)
            owed = invoice.total_vnd - invoice.settled_amount
            amount = owed if share is None else min(owed, round_for(VND, invoice.total_vnd * share))
            if amount > 0:
                shares.append(Share(invoice=invoice, amount=amount))
        if not shares:
            return
        payment, _new = services.record_payment(
            by=self.finance,
            client=transfer.client,
            amount=sum(share.amount for share in shares),
            received_on=transfer.day,
            bank_reference=transfer.reference,
            payer=transfer.client.legal_name,
        )
        services.allocate_payment(by=self.finance, payment=payment, shares=shares)

    def _promise(self, bill: Bill, made_on: date, pay_by: date, note: str) -> None:
        invoice = Invoice.objects.get(pk=bill.invoice.pk)
        owed = invoice.total_vnd - invoice.settled_amount
        contact = queries.finance_contact_of(bill.client)
        if owed <= 0 or contact is None:
            return
        # `record_promise` takes a promise made today, to pay today or later: one of the
        # history is inserted as it was made that day (so without an audit event).
        PaymentPromise.objects.bulk_create(
            [
                PaymentPromise(
                    client=bill.client,
                    invoice=invoice,
                    promised_on=made_on,
                    pay_by=pay_by,
                    amount=owed,
                    promised_by=contact,
                    promised_by_name=contact.full_name,
                    note=note,
                    recorded_by=bill.client.owner,
                )
            ]
        )


def _remind(day: date, last_notice: int) -> int:
    """The reminders job of that morning, through the service; its reminders dated then."""
    services.send_due_reminders(today=day)
    sent = list(DunningNotice.objects.filter(pk__gt=last_notice).values_list("pk", flat=True))
    if not sent:
        return last_notice
    DunningNotice.objects.filter(pk__in=sent).update(sent_at=at(day, 8, 0))
    return max(sent)


# --- The history ----------------------------------------------------------------------------
def plan_history(
    ctx: SeedContext, timeline: Timeline, clients: list[Client], today: date
) -> dict[str, list[Bill]]:
    """Each client's invoices and payments over the twelve months, put on the timeline."""
    billed = {}
    for client in clients:
        payer = PAYERS.get(client.short_name, OTHER_PAYER)
        bills = sorted(
            _retainers(ctx, timeline, client, payer, today) + _milestones(timeline, client, today),
            key=lambda bill: bill.issued_on,
        )
        for index, bill in enumerate(bills):
            timeline.issue(bill)
            _plan_payment(ctx, timeline, payer, bill, index, today)
        billed[client.short_name] = bills
    _plan_promises(timeline, billed, today)
    return billed


def _retainers(
    ctx: SeedContext, timeline: Timeline, client: Client, payer: Payer, today: date
) -> list[Bill]:
    """The retainer of each month up to last month, invoiced in the first days of the next."""
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    bills = []
    for back in range(payer.ended_months_ago, MONTHS):
        month = _months_before(last_month, back)
        following = (month + timedelta(days=32)).replace(day=1)
        day = timeline.calendar.open_day(following + timedelta(days=ctx.rng.randint(0, 3)))
        if day is None:
            continue
        draft = partial(_draft_retainer, timeline.finance, client, payer, month, day, today)
        bills.append(Bill(client, day, settings.KAM_PAYMENT_TERMS_DAYS, draft))
    return bills


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _draft_retainer(
    finance: User, client: Client, payer: Payer, month: date, day: date, today: date
) -> Invoice:
    return services.draft_invoice(
        by=finance,
        client=client,
        lines=[
            services.LineInput(
                description=f"{payer.service} tháng {month:%m/%Y}",
                unit="tháng",
                unit_price=Decimal(payer.retainer_millions * MILLION),
                vat_code=vat_code_on(day, today),
            )
        ],
        payment_terms_days=settings.KAM_PAYMENT_TERMS_DAYS,
    )


def vat_code_on(day: date, today: date) -> str:
    """The reduced 8% where it applies on the issue day (and today, when the draft is priced),
    else the standard rate: the rates are data with their dates."""
    if all(queries.vat_rates_on(on).filter(code=REDUCED).exists() for on in (day, today)):
        return REDUCED
    return settings.KAM_STANDARD_VAT_CODE


def _milestones(timeline: Timeline, client: Client, today: date) -> list[Bill]:
    """The signed contracts' milestones reached a week ago or more, invoiced on that day."""
    reached = (
        Milestone.objects.filter(
            contract__client=client,
            contract__status="signed",
            reached_on__lte=today - timedelta(days=WAITING_DAYS),
            invoices__isnull=True,
        )
        .select_related("contract")
        .order_by("reached_on", "position", "pk")
    )
    bills = []
    for milestone in reached:
        day = timeline.calendar.open_day(milestone.reached_on)
        if day is not None:
            draft = partial(
                services.draft_invoice_for_milestone, by=timeline.finance, milestone=milestone
            )
            bills.append(Bill(client, day, milestone.contract.payment_terms_days, draft))
    return bills


def _plan_payment(
    ctx: SeedContext, timeline: Timeline, payer: Payer, bill: Bill, index: int, today: date
) -> None:
    if payer.stopped_paying_days and bill.due_on > today - timedelta(
        days=payer.stopped_paying_days
    ):
        return
    slow = payer.slow_every and index % payer.slow_every == payer.slow_every - 1
    late = ctx.rng.randint(*SLOW_DAYS) if slow else ctx.rng.randint(*payer.late)
    first = timeline.calendar.open_day(max(bill.due_on + timedelta(days=late), bill.issued_on))
    if first is None:
        return  # not paid yet: open today
    if payer.partly_every and index % payer.partly_every == 1:
        timeline.pay(bill, first, Decimal("0.5"))
        rest = timeline.calendar.open_day(first + timedelta(days=ctx.rng.randint(20, 40)))
        if rest is not None:
            timeline.pay(bill, rest)
    else:
        timeline.pay(bill, first)


def _plan_promises(timeline: Timeline, billed: dict[str, list[Bill]], today: date) -> None:
    """A promise kept (the client paid the invoice by the day it promised) and broken ones
    (the day passed without a payment from the client)."""
    for short_name in KEEPS_PROMISES:
        kept = _kept_promise(billed.get(short_name, []), today)
        if kept is not None:
            timeline.promise(*kept, kept=True)
            break
    for short_name in BREAKS_PROMISES:
        broken = _broken_promise(timeline, billed.get(short_name, []), today)
        if broken is not None:
            timeline.promise(*broken, kept=False)


def _kept_promise(bills: list[Bill], today: date) -> tuple[Bill, date, date] | None:
    """The latest invoice paid in one go three weeks late or more: ten days before, the
    client promised to pay it by that day."""
    for bill in reversed(bills):
        if len(bill.paid_on) == 1 and (bill.paid_on[0] - bill.due_on).days >= 21:
            paid = bill.paid_on[0]
            if paid < today:
                return bill, paid - timedelta(days=10), paid
    return None


def _broken_promise(timeline: Timeline, bills: list[Bill], today: date):
    """The latest overdue invoice with two weeks after its due date in which the client paid
    nothing at all: a week after the due date, it promised to pay within the two weeks."""
    if not bills:
        return None
    transfers = timeline.paid_days(bills[0].client)
    for bill in reversed(bills):
        made_on = bill.due_on + timedelta(days=7)
        pay_by = made_on + timedelta(days=14)
        unpaid = not bill.paid_on or min(bill.paid_on) > pay_by
        quiet = not any(made_on <= day <= pay_by for day in transfers)
        if pay_by < today and unpaid and quiet:
            return bill, made_on, pay_by
    return None


# --- Today ----------------------------------------------------------------------------------
def credit_some(finance: User, clients: dict[str, Client]) -> None:
    """Finance's credit notes of today on the clients' latest open retainer."""
    for short_name, percent, reason in CREDITS:
        client = clients.get(short_name)
        if client is None:
            continue
        invoice = (
            queries.open_invoices(Invoice.objects.filter(client=client, milestone=None))
            .order_by("-issued_on", "-number")
            .first()
        )
        if invoice is not None:
            owed = invoice.total_vnd - invoice.settled_amount
            amount = round_for(VND, owed * percent / 100)
            services.credit_invoice(by=finance, invoice=invoice, amount=amount, reason=reason)


def reconcile(finance: User, clients: dict[str, Client], today: date) -> None:
    """Last month's statements, sent to the clients' accountants, who answered through the
    link: one confirmed, one disputed."""
    end = today.replace(day=1) - timedelta(days=1)
    for short_name, agrees, comment in STATEMENTS:
        client = clients.get(short_name)
        contact = queries.finance_contact_of(client) if client is not None else None
        if contact is None:
            continue
        statement = services.make_statement(
            by=finance, client=client, period_start=end.replace(day=1), period_end=end
        )
        statement = services.send_statement(by=finance, statement=statement, recipient=contact)
        invoice = statement.lines.filter(kind="invoice").order_by("position").first()
        services.answer_statement(
            token=statement_token(statement),
            agrees=agrees,
            name=contact.full_name,
            comment=comment.format(invoice=invoice.reference if invoice else "gần nhất"),
        )


def promise_now(clients: dict[str, Client], today: date) -> None:
    """A promise not yet due, through the service: the client's reminders wait for it."""
    short_name, share, note = PROMISE_NOW
    client = clients.get(short_name)
    if client is None:
        return
    oldest = (
        queries.open_invoices(Invoice.objects.filter(client=client, due_on__lt=today))
        .order_by("due_on", "pk")
        .first()
    )
    contact = queries.finance_contact_of(client)
    if oldest is None or contact is None:
        return
    owed = oldest.total_vnd - oldest.settled_amount
    services.record_promise(
        by=client.owner,
        client=client,
        pay_by=today + timedelta(days=7),
        amount=max(round_for(VND, owed * share / MILLION) * MILLION, Decimal(MILLION)),
        promised_by=contact,
        invoice=oldest,
        note=note,
    )

"""The rules of receivables through their services: invoices from milestones with VAT by date
and gap-free numbers, issued invoices immutable by any path, credit notes, payments once per
idempotency key, allocations never beyond a total, statements, promises and dunning."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kam.budgets.models import ClosedMonth
from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from kam.receivables import queries, services
from kam.receivables.models import (
    CreditNote,
    DunningNotice,
    Invoice,
    InvoiceLine,
    Payment,
    Statement,
    VatRate,
)
from kam.receivables.services.common import vat_rate
from tests.conftest import selects_from
from tests.receivables.factories import billable_client, draft, issued, paid

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_(lan):
    return billable_client(owner=lan)


# --- Invoices from milestones ---------------------------------------------------------------
def test_a_milestone_invoice_takes_the_contracts_vat_and_terms(client_, finance):
    from tests.delivery.factories import signed_contract

    contract = signed_contract(client=client_)
    milestone = contract.milestones.order_by("position").first()
    invoice = services.draft_invoice_for_milestone(by=client_.owner, milestone=milestone)
    assert invoice.status == "draft" and invoice.number is None
    line = invoice.lines.get()
    assert line.vat_code == "8" and line.unit_price == Decimal(600_000_000)
    assert (invoice.subtotal, invoice.vat_amount, invoice.total) == (
        Decimal(600_000_000),
        Decimal(48_000_000),
        Decimal(648_000_000),
    )
    issued_invoice = services.issue_invoice(by=finance, invoice=invoice)
    today = TODAY()
    assert issued_invoice.series == f"1C{today.year % 100:02d}TAA"
    assert issued_invoice.number == 1
    assert issued_invoice.due_on == today + timedelta(days=contract.payment_terms_days)
    assert issued_invoice.buyer_name == client_.legal_name
    assert issued_invoice.buyer_tax_code == client_.tax_code != ""
    assert issued_invoice.total_vnd == Decimal(648_000_000)


def test_a_milestone_is_invoiced_once_unless_its_invoice_is_cancelled(client_, finance):
    from tests.delivery.factories import signed_contract

    milestone = signed_contract(client=client_).milestones.first()
    invoice = services.draft_invoice_for_milestone(by=finance, milestone=milestone)
    with pytest.raises(InvalidTransition):
        services.draft_invoice_for_milestone(by=finance, milestone=milestone)
    invoice = services.issue_invoice(by=finance, invoice=invoice)
    services.cancel_invoice(by=finance, invoice=invoice, reason="Sai tên hạng mục")
    again = services.draft_invoice_for_milestone(by=finance, milestone=milestone)
    assert again.milestone_id == milestone.pk


def test_a_draft_contracts_milestone_is_not_invoiced(client_, finance):
    from tests.delivery.factories import draft_contract

    contract = draft_contract(client=client_)
    from kam.delivery import services as delivery

    milestone = delivery.add_milestone(
        by=client_.owner, contract=contract, title="Đợt 1", due_on=TODAY(), amount=Decimal(10)
    )
    with pytest.raises(InvalidTransition):
        services.draft_invoice_for_milestone(by=finance, milestone=milestone)


def test_those_who_do_not_see_the_client_cannot_draft_or_issue(client_, minh, sales, lan):
    for outsider in (minh, sales):
        with pytest.raises(Http404):
            draft(client_, by=outsider)
    invoice = draft(client_, by=lan)
    with pytest.raises(Http404):
        services.issue_invoice(by=lan, invoice=invoice)  # the KAM drafts, Finance issues


# --- VAT rates are data ---------------------------------------------------------------------
def test_the_reduced_rate_applies_only_within_its_dates():
    assert vat_rate("8", date(2026, 12, 31)).percent == 8
    with pytest.raises(DomainError):
        vat_rate("8", date(2027, 1, 1))
    assert vat_rate("10", date(2027, 1, 1)).percent == 10
    assert vat_rate("exempt", date(2026, 5, 1)).percent == 0


def test_an_invoice_takes_the_rate_of_its_issue_date(client_, finance):
    VatRate.objects.create(
        code="7", label="7%", percent=7, valid_from=TODAY() - timedelta(days=400)
    )
    invoice = draft(client_, by=finance, vat_code="7", amount=1_000)
    VatRate.objects.filter(code="7").update(percent=6)  # a decree changed it before issuing
    invoice = services.issue_invoice(by=finance, invoice=invoice)
    assert invoice.vat_amount == 60 and invoice.lines.get().vat_percent == 6


def test_a_rate_not_valid_on_the_issue_date_is_refused(client_, finance):
    VatRate.objects.create(code="3", label="3%", percent=3, valid_from=TODAY() - timedelta(days=5))
    invoice = draft(client_, by=finance, vat_code="3")
    with pytest.raises(DomainError, match="does not apply"):
        services.issue_invoice(by=finance, invoice=invoice, issued_on=TODAY() - timedelta(days=9))
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"


def test_vat_rates_never_overlap_for_a_code(finance):
    with pytest.raises(DomainError, match="has a rate"):
        services.add_vat_rate(
            by=finance, code="10", label="10%", percent=10, valid_from=date(2030, 1, 1)
        )
    rate = VatRate.objects.get(code="10")
    services.end_vat_rate(by=finance, rate=rate, last_day=date(2029, 12, 31))
    new = services.add_vat_rate(
        by=finance, code="10", label="10%", percent=Decimal("10.5"), valid_from=date(2030, 1, 1)
    )
    assert vat_rate("10", date(2030, 1, 2)) == new


# --- Numbering ------------------------------------------------------------------------------
def test_numbers_are_gap_free_even_when_an_issue_fails(client_, finance):
    first = issued(client_, by=finance)
    nowhere = billable_client(owner=client_.owner, address="")
    failing = draft(nowhere, by=finance)
    with pytest.raises(DomainError, match="address"):
        services.issue_invoice(by=finance, invoice=failing)
    second = issued(client_, by=finance)
    assert [first.number, second.number] == [1, 2]


def test_an_invoice_is_not_dated_before_the_last_of_its_series(client_, finance):
    issued(client_, by=finance, issued_on=TODAY())
    late = draft(client_, by=finance)
    with pytest.raises(DomainError, match="issued on"):
        services.issue_invoice(by=finance, invoice=late, issued_on=TODAY() - timedelta(days=1))


def test_no_document_in_a_closed_month_or_the_future(client_, finance):
    last_month = (TODAY().replace(day=1) - timedelta(days=1)).replace(day=1)
    ClosedMonth.objects.create(month=last_month, closed_by=finance)
    invoice = draft(client_, by=finance)
    with pytest.raises(DomainError, match="closed"):
        services.issue_invoice(by=finance, invoice=invoice, issued_on=last_month)
    with pytest.raises(DomainError, match="future"):
        services.issue_invoice(by=finance, invoice=invoice, issued_on=TODAY() + timedelta(days=1))


# --- Issued invoices are immutable, by every path -------------------------------------------
def test_an_issued_invoice_cannot_be_changed_or_deleted_by_the_services(client_, finance):
    invoice = issued(client_, by=finance)
    with pytest.raises(InvalidTransition):
        services.change_draft_invoice(
            by=finance, invoice=invoice, lines=[services.LineInput("X", 1)]
        )
    with pytest.raises(InvalidTransition):
        services.delete_draft_invoice(by=finance, invoice=invoice)


@pytest.mark.parametrize(
    "change",
    [
        lambda invoice: Invoice.objects.filter(pk=invoice.pk).update(total_vnd=1),
        lambda invoice: Invoice.objects.filter(pk=invoice.pk).update(buyer_name="Khác"),
        lambda invoice: Invoice.objects.filter(pk=invoice.pk).update(status="draft"),
        lambda invoice: Invoice.objects.filter(pk=invoice.pk).delete(),
        lambda invoice: invoice.delete(),
        lambda invoice: InvoiceLine.objects.filter(invoice=invoice).update(unit_price=1),
        lambda invoice: InvoiceLine.objects.filter(invoice=invoice).delete(),
        lambda invoice: InvoiceLine.objects.create(
            invoice=invoice, description="Thêm", unit_price=1, vat_code="10"
        ),
        lambda invoice: Invoice.objects.bulk_update(
            [setattr(invoice, "note", "Sửa") or invoice], ["note"]
        ),
    ],
    ids=[
        "total",
        "buyer",
        "back to draft",
        "bulk delete",
        "delete",
        "line",
        "line delete",
        "line add",
        "bulk update",
    ],
)
def test_the_database_refuses_any_change_to_an_issued_invoice(client_, finance, change):
    invoice = issued(client_, by=finance)
    with pytest.raises(IntegrityError), transaction.atomic():
        change(invoice)
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.status, stored.total_vnd, stored.buyer_name, stored.note) == (
        "issued",
        invoice.total_vnd,
        client_.legal_name,
        "",
    )
    assert stored.lines.count() == 1


def test_credit_notes_and_payments_cannot_be_changed_or_deleted(client_, finance):
    invoice = issued(client_, by=finance)
    note = services.credit_invoice(by=finance, invoice=invoice, amount=1_000, reason="Giảm giá")
    payment = paid(client_, 5_000, by=finance)
    for change in (
        lambda: CreditNote.objects.filter(pk=note.pk).update(total_vnd=1),
        lambda: CreditNote.objects.filter(pk=note.pk).delete(),
        lambda: Payment.objects.filter(pk=payment.pk).update(amount=1),
        lambda: Payment.objects.filter(pk=payment.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    assert Payment.objects.get(pk=payment.pk).amount == 5_000


# --- Credit notes ---------------------------------------------------------------------------
def test_a_credit_note_reduces_what_is_open_and_never_more(client_, finance):
    invoice = issued(client_, by=finance, amount=100_000_000)  # 108 triệu with VAT
    note = services.credit_invoice(
        by=finance, invoice=invoice, amount=10_800_000, reason="Giảm 10% theo thỏa thuận"
    )
    assert (note.subtotal, note.vat_amount, note.total_vnd) == (10_000_000, 800_000, 10_800_000)
    invoice.refresh_from_db()
    assert invoice.open_amount == 97_200_000
    with pytest.raises(DomainError, match="open"):
        services.credit_invoice(by=finance, invoice=invoice, amount=97_200_001, reason="Quá")
    assert note.series.endswith("TAD") and note.number == 1


def test_cancelling_an_invoice_credits_it_whole_and_it_takes_no_payment(client_, finance):
    invoice = issued(client_, by=finance)
    note = services.cancel_invoice(by=finance, invoice=invoice, reason="Sai thông tin người mua")
    invoice.refresh_from_db()
    assert invoice.status == "cancelled" and note.cancels_invoice
    assert note.total_vnd == invoice.total_vnd and invoice.open_amount == 0
    payment = paid(client_, 1_000, by=finance)
    with pytest.raises(InvalidTransition, match="cancelled"):
        services.allocate_payment(
            by=finance, payment=payment, shares=[queries.Share(invoice, 1_000)]
        )


def test_a_paid_invoice_is_cancelled_only_after_its_payments_are_taken_off(client_, finance):
    invoice = issued(client_, by=finance)
    payment = paid(client_, 50_000_000, by=finance, allocate_oldest_first=True)
    with pytest.raises(InvalidTransition, match="payments"):
        services.cancel_invoice(by=finance, invoice=invoice, reason="Sai")
    services.remove_allocation(by=finance, allocation=payment.allocations.get())
    services.cancel_invoice(by=finance, invoice=invoice, reason="Sai")
    payment.refresh_from_db()
    assert payment.unallocated_amount == 50_000_000  # the client's credit, not lost


def test_a_replacement_invoice_is_a_draft_copy_of_the_cancelled_one(client_, finance):
    invoice = issued(client_, by=finance, amount=5_000)
    replacement = services.replace_invoice(by=finance, invoice=invoice, reason="Sai địa chỉ")
    assert replacement.status == "draft" and replacement.replaces_id == invoice.pk
    assert replacement.total == invoice.total


# --- Currencies and amounts -----------------------------------------------------------------
def test_another_currency_needs_its_rate_and_counts_in_vnd(client_, finance):
    with pytest.raises(DomainError, match="exchange rate"):
        draft(client_, by=finance, currency="USD", amount=1_000)
    invoice = services.draft_invoice(
        by=finance,
        client=client_,
        currency="USD",
        exchange_rate="25400",
        lines=[services.LineInput("Retainer", Decimal("1000.50"), vat_code="10")],
    )
    assert invoice.total == Decimal("1100.55")
    assert invoice.total_vnd == Decimal(27_953_970)


@pytest.mark.parametrize("amount", ["0", "-5", "1000.5", "abc", "Infinity", None])
def test_a_payment_is_whole_dong_above_zero(client_, finance, amount):
    with pytest.raises(DomainError):
        services.record_payment(by=finance, client=client_, amount=amount)
    assert not Payment.objects.exists()


# --- Payments and allocations ---------------------------------------------------------------
def test_the_same_idempotency_key_records_one_payment(client_, finance):
    first, created = services.record_payment(
        by=finance, client=client_, amount=5_000, idempotency_key="bank-123"
    )
    again, created_again = services.record_payment(
        by=finance, client=client_, amount=5_000, idempotency_key="bank-123"
    )
    assert created and not created_again and first.pk == again.pk
    assert Payment.objects.count() == 1
    with pytest.raises(services.IdempotencyConflict):
        services.record_payment(
            by=finance, client=client_, amount=6_000, idempotency_key="bank-123"
        )
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(verb="payment.recorded").count() == 1


def test_oldest_first_allocation_leaves_the_rest_as_credit(client_, finance):
    older = issued(client_, by=finance, amount=1_000, issued_on=TODAY() - timedelta(days=40))
    newer = issued(client_, by=finance, amount=2_000)
    payment = paid(client_, 5_000, by=finance, allocate_oldest_first=True)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.open_amount == 0 and older.settled_on == TODAY()
    assert newer.open_amount == 0
    payment.refresh_from_db()
    assert payment.unallocated_amount == 5_000 - 1_080 - 2_160


def test_allocations_never_exceed_the_invoice_or_the_payment(client_, finance):
    invoice = issued(client_, by=finance, amount=1_000)  # 1.080 with VAT
    payment = paid(client_, 5_000, by=finance)
    with pytest.raises(DomainError, match="open"):
        services.allocate_payment(
            by=finance, payment=payment, shares=[queries.Share(invoice, 1_081)]
        )
    small = paid(client_, 100, by=finance)
    with pytest.raises(DomainError, match="left"):
        services.allocate_payment(by=finance, payment=small, shares=[queries.Share(invoice, 101)])
    services.allocate_payment(by=finance, payment=payment, shares=[queries.Share(invoice, 1_000)])
    with pytest.raises(DomainError, match="open"):
        services.allocate_payment(by=finance, payment=payment, shares=[queries.Share(invoice, 81)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(settled_amount=2_000)  # the check backs it
    invoice.refresh_from_db()
    assert invoice.settled_amount == 1_000


def test_a_payment_settles_only_its_own_clients_issued_invoices(client_, finance, lan):
    other = billable_client(owner=lan)
    theirs = issued(other, by=finance)
    drafted = draft(client_, by=finance)
    payment = paid(client_, 5_000, by=finance)
    for invoice in (theirs, drafted):
        with pytest.raises(DomainError):
            services.allocate_payment(
                by=finance, payment=payment, shares=[queries.Share(invoice, 10)]
            )


# --- Ageing, DSO, balances ------------------------------------------------------------------
def test_ageing_puts_each_open_amount_in_its_bucket(client_, finance):
    today = TODAY()
    for days_ago in (130, 100, 70, 35, 0):  # due 30 days later: 100, 70, 40, 5 late, current
        issued(client_, by=finance, amount=1_000, issued_on=today - timedelta(days=days_ago))
    row = queries.ageing_by_client(Invoice.objects.all()).get()
    assert row["current"] == 1_080 and row["days_1_30"] == 1_080
    assert row["days_31_60"] == 1_080 and row["days_61_90"] == 1_080
    assert row["days_over_90"] == 1_080 and row["total"] == 5_400


def test_days_sales_outstanding(client_, finance):
    issued(client_, by=finance, amount=1_000_000)  # 1.080.000 invoiced and open
    paid(client_, 540_000, by=finance, allocate_oldest_first=True)
    assert queries.days_sales_outstanding(Invoice.objects.all()) == Decimal("45.0")
    assert queries.days_sales_outstanding(Invoice.objects.none()) is None


# --- Statements -----------------------------------------------------------------------------
def test_a_statement_writes_down_the_ledger_and_chains_to_the_next(client_, finance):
    today = TODAY()
    issued(client_, by=finance, amount=1_000, issued_on=today - timedelta(days=40))
    paid(client_, 500, by=finance, days_ago=20)
    issued(client_, by=finance, amount=2_000, issued_on=today - timedelta(days=5))
    first = services.make_statement(
        by=finance,
        client=client_,
        period_start=today - timedelta(days=60),
        period_end=today - timedelta(days=10),
    )
    second = services.make_statement(
        by=finance, client=client_, period_start=today - timedelta(days=9), period_end=today
    )
    assert (first.opening_balance, first.invoiced, first.paid) == (0, 1_080, 500)
    assert first.closing_balance == 580 == second.opening_balance
    assert second.closing_balance == 580 + 2_160
    assert [line.kind for line in first.lines.all()] == ["invoice", "payment"]
    assert first.number.startswith("BBDC-") and first.recipient.email == "ketoan@khachhang.vn"


def _sent_statement(client_, finance) -> Statement:
    issued(client_, by=finance, amount=1_000, issued_on=TODAY() - timedelta(days=3))
    statement = services.make_statement(
        by=finance, client=client_, period_start=TODAY() - timedelta(days=30), period_end=TODAY()
    )
    return services.send_statement(by=finance, statement=statement)


def test_the_statement_is_emailed_once_committed(
    client_, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statement = _sent_statement(client_, finance)
    (message,) = mail.outbox
    assert message.to == ["ketoan@khachhang.vn"]
    assert services.public_url(statement) in message.body
    assert message.attachments[0][0] == f"{statement.number}.pdf"
    assert message.attachments[0][1].startswith(b"%PDF")


def test_the_client_confirms_through_the_link_and_the_statement_is_frozen(client_, finance):
    statement = _sent_statement(client_, finance)
    token = services.statements.statement_token(statement)
    services.answer_statement(token=token, agrees=True, name="Nguyễn Thị Kế Toán")
    statement.refresh_from_db()
    assert statement.status == "confirmed" and statement.answered_by_name
    with pytest.raises(services.LinkRefused):
        services.answer_statement(token=token, agrees=False, name="X", comment="Đổi ý")
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(closing_balance=0, opening_balance=0)


def test_a_tampered_expired_or_replaced_link_is_refused(client_, finance):
    statement = _sent_statement(client_, finance)
    token = services.statements.statement_token(statement)
    with pytest.raises(services.LinkRefused):
        services.statement_from_link(token[:-2] + ("aa" if token[-2:] != "aa" else "bb"))
    forged = signing.Signer(salt="kam.receivables.statement").sign_object(
        {"s": statement.pk, "n": "0" * 32}
    )
    with pytest.raises(services.LinkRefused):
        services.statement_from_link(forged)
    services.send_statement(by=finance, statement=statement)  # sent again: a new link
    with pytest.raises(services.LinkRefused):
        services.statement_from_link(token)
    Statement.objects.filter(pk=statement.pk).update(
        link_expires_at=timezone.now() - timedelta(seconds=1)
    )
    statement.refresh_from_db()
    with pytest.raises(services.LinkRefused):
        services.statement_from_link(services.statements.statement_token(statement))


def test_the_answer_checks_the_link_on_the_statement_as_locked(client_, finance):
    # Read once, locked: a sending again committed between a read and a lock cannot let the
    # replaced link answer.
    statement = _sent_statement(client_, finance)
    token = services.statements.statement_token(statement)
    with CaptureQueriesContext(connection) as run:
        services.answer_statement(token=token, agrees=True, name="Kế toán")
    reads = selects_from("receivables_statement", run)
    assert len(reads) == 1, reads
    assert "FOR UPDATE" in reads[0] or not connection.features.has_select_for_update


def test_a_dispute_needs_what_differs_and_lands_on_the_kams_agenda(client_, finance, lan):
    statement = _sent_statement(client_, finance)
    token = services.statements.statement_token(statement)
    with pytest.raises(DomainError, match="differs"):
        services.answer_statement(token=token, agrees=False, name="Kế toán")
    services.answer_statement(
        token=token, agrees=False, name="Kế toán", comment="Chúng tôi đã trả 500.000 ₫ ngày 2/11"
    )
    titles = [item.title for item in queries.agenda_items(lan)]
    assert any(statement.number in title for title in titles)
    services.settle_statement_dispute(by=lan, statement=statement)
    assert not any(statement.number in item.title for item in queries.agenda_items(lan))


# --- Promises and dunning -------------------------------------------------------------------
def test_a_promise_is_kept_by_payments_up_to_its_date_else_broken(client_, finance, lan):
    issued(client_, by=finance, amount=1_000_000)
    promise = services.record_promise(
        by=lan, client=client_, pay_by=TODAY(), amount=500_000, promised_by_name="Chị Hoa"
    )
    state = queries.with_promise_state(type(promise).objects.filter(pk=promise.pk)).get().state
    assert state == "open"
    paid(client_, 500_000, by=finance)
    assert queries.with_promise_state(type(promise).objects.all()).get().state == "kept"
    type(promise).objects.filter(pk=promise.pk).update(amount=900_000, pay_by=TODAY())
    type(promise).objects.filter(pk=promise.pk).update(
        promised_on=TODAY() - timedelta(days=3), pay_by=TODAY() - timedelta(days=1)
    )
    assert queries.with_promise_state(type(promise).objects.all()).get().state == "broken"


def _overdue_invoice(client_, finance, days_overdue: int) -> Invoice:
    return issued(
        client_, by=finance, amount=1_000, issued_on=TODAY() - timedelta(days=30 + days_overdue)
    )


def test_each_dunning_step_is_sent_once(client_, finance, settings):
    settings.KAM_DUNNING_STEPS = [-3, 7, 15, 30]
    invoice = _overdue_invoice(client_, finance, 8)
    assert services.send_due_reminders() == 1
    assert services.send_due_reminders() == 0  # the job ran twice: nothing doubled
    notice = DunningNotice.objects.get()
    assert (notice.invoice, notice.step_days) == (invoice, 7)
    assert mail.outbox[0].to == ["ketoan@khachhang.vn"]
    assert invoice.client.owner.email in mail.outbox[0].cc
    assert services.send_due_reminders(today=TODAY() + timedelta(days=7)) == 1
    assert list(
        DunningNotice.objects.values_list("step_days", flat=True).order_by("step_days")
    ) == [
        7,
        15,
    ]


def test_dunning_pauses_for_disputes_and_promises(client_, finance, lan):
    invoice = _overdue_invoice(client_, finance, 8)
    services.mark_invoice_disputed(by=lan, invoice=invoice, note="Chưa nghiệm thu")
    assert services.send_due_reminders() == 0
    services.settle_invoice_dispute(by=lan, invoice=invoice)
    services.record_promise(
        by=lan, client=client_, pay_by=TODAY() + timedelta(days=3), amount=1_000,
        promised_by_name="Chị Hoa",
    )  # fmt: skip
    assert services.send_due_reminders() == 0
    assert services.send_due_reminders(today=TODAY() + timedelta(days=4)) == 1


def test_a_paid_invoice_gets_no_reminder(client_, finance):
    _overdue_invoice(client_, finance, 8)
    paid(client_, 1_080, by=finance, allocate_oldest_first=True)
    assert services.send_due_reminders() == 0 and not mail.outbox


def test_the_agenda_shows_the_kam_their_overdue_clients_and_broken_promises(client_, finance, lan):
    _overdue_invoice(client_, finance, 40)
    items = queries.agenda_items(lan)
    assert len(items) == 1 and items[0].due_on == TODAY() - timedelta(days=40)
    assert str(client_.legal_name) in items[0].title
    assert queries.agenda_items(finance) == []  # Finance does not own clients


def test_the_admin_site_only_reads_invoices(client, admin, client_, finance):
    invoice = issued(client_, by=finance)
    client.force_login(admin)
    change = f"/admin/receivables/invoice/{invoice.pk}/change/"
    assert client.get(change).status_code == 200  # read
    assert client.post(change, {"buyer_name": "Khác", "total_vnd": "1"}).status_code == 403
    delete = f"/admin/receivables/invoice/{invoice.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.buyer_name, stored.total_vnd) == (client_.legal_name, invoice.total_vnd)

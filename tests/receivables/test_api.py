"""The receivables API: invoices (drafted, from a milestone, changed while drafts, issued,
credited, cancelled, replaced, disputed), credit notes, payments with their Idempotency-Key and
allocations, reconciliation statements, the ageing report and promises to pay; what each
answers, to whom, and how it says no. Only KAMs, Directors, Finance and admins see receivables,
and only of the clients they see: Sales, a Planner, a department member, a KAM off the account
team and another team's people get 404 or an empty list."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from kam.clients.models import ClientTeamMember
from kam.receivables import services
from kam.receivables.models import (
    Allocation,
    CreditNote,
    Invoice,
    Payment,
    PaymentPromise,
    Statement,
)
from tests.clients.factories import StakeholderFactory
from tests.receivables.factories import billable_client, draft, issued, milestone_contract, paid

# Those who see nothing of lan's client: her teammate off its account team, another team's KAM
# and Director, a department member, a Planner and Sales.
OUTSIDERS = ["hoa", "minh", "director2", "creative", "planner", "sales"]
EMPTY = {"items": [], "count": 0}


def today():
    return timezone.localdate()


def day(offset: int = 0) -> str:
    return str(today() + timedelta(days=offset))


@pytest.fixture
def api(db):
    """`api(user).send("post", path, body, headers)`: JSON in and out as that user."""

    class Api:
        def __init__(self, user):
            # Answers come in the caller's language; the messages are matched in English.
            user.language = "en"
            user.save(update_fields=["language"])
            self.http = HttpClient(HTTP_HOST="127.0.0.1")
            self.http.force_login(user)

        def get(self, path, **params):
            return self.http.get(f"/api/v1{path}", params)

        def send(self, method, path, body=None, headers=None):
            return getattr(self.http, method)(
                f"/api/v1{path}",
                data=json.dumps(body or {}),
                content_type="application/json",
                headers=headers or {},
            )

    return Api


@pytest.fixture
def sua_viet(lan):
    return billable_client(legal_name="Công ty Cổ phần Sữa Việt", short_name="Sữa Việt", owner=lan)


@pytest.fixture
def hoa_sen(minh):
    return billable_client(legal_name="Công ty TNHH Hoa Sen", owner=minh)


def ids(response) -> list[int]:
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return [row["id"] for row in rows]


def invoice_of(client, finance, amount: int = 100_000_000, **fields) -> Invoice:
    """An invoice issued by Finance at 10% VAT: `amount` before VAT."""
    return issued(client, by=finance, amount=amount, vat_code="10", **fields)


def line(**fields) -> dict:
    return {
        "description": "Phí quản lý chiến dịch tháng 11",
        "unit": "tháng",
        "quantity": 1,
        "unit_price": 100_000_000,
        "vat_code": "10",
        **fields,
    }


# --- Signing in -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/invoices",
        "/invoices/1",
        "/credit-notes",
        "/credit-notes/1",
        "/payments",
        "/payments/1",
        "/payments/1/suggested-allocations",
        "/statements",
        "/statements/1",
        "/reports/ar-ageing",
        "/promises",
    ],
)
def test_an_anonymous_visitor_gets_401_everywhere(client, db, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- Invoices -------------------------------------------------------------------------------
class TestInvoices:
    def test_a_kam_drafts_an_invoice_and_finance_issues_it(self, api, lan, finance, sua_viet):
        body = {
            "client_id": sua_viet.pk,
            "lines": [
                line(),
                line(description="Sản xuất video", unit="gói", quantity=2.5, unit_price=8_000_000),
            ],
            "note": "Theo hợp đồng khung",
        }
        made = api(lan).send("post", "/invoices", body)
        assert made.status_code == 201, made.content
        invoice = made.json()
        assert (invoice["status"], invoice["payment_state"], invoice["number"]) == (
            "draft",
            None,
            f"Draft invoice {invoice['id']}",
        )
        assert invoice["client"] == {"id": sua_viet.pk, "name": "Sữa Việt"}
        assert [(row["description"], row["amount"]) for row in invoice["lines"]] == [
            ("Phí quản lý chiến dịch tháng 11", 100_000_000),
            ("Sản xuất video", 20_000_000),
        ]
        assert (invoice["subtotal"], invoice["vat_amount"], invoice["total"]) == (
            120_000_000,
            12_000_000,
            132_000_000,
        )
        assert (invoice["total_vnd"], invoice["open_amount"], invoice["issued_on"]) == (
            132_000_000,
            0,
            None,
        )
        path = f"/invoices/{invoice['id']}/issue"
        assert api(lan).send("post", path).status_code == 404  # the KAM drafts, Finance issues
        issued_ = api(finance).send("post", path, {})
        assert issued_.status_code == 200, issued_.content
        invoice = issued_.json()
        assert invoice["number"] == f"1C{today().year % 100:02d}TAA-0000001"
        assert (invoice["status"], invoice["payment_state"], invoice["overdue"]) == (
            "issued",
            "unpaid",
            False,
        )
        assert (invoice["issued_on"], invoice["due_on"]) == (day(), day(30))
        assert (invoice["open_amount"], invoice["settled_amount"]) == (132_000_000, 0)
        assert invoice["buyer_name"] == "Công ty Cổ phần Sữa Việt"
        assert invoice["buyer_tax_code"] == sua_viet.tax_code
        assert invoice["issued_by"]["id"] == finance.pk
        again = api(finance).send("post", path, {})
        assert again.status_code == 409
        assert again.json()["detail"] == "This invoice is issued already."

    def test_an_invoice_in_another_currency_needs_its_rate(self, api, finance, sua_viet):
        caller = api(finance)
        body = {"client_id": sua_viet.pk, "currency": "USD", "lines": [line(unit_price=1234.56)]}
        no_rate = caller.send("post", "/invoices", body)
        assert (no_rate.status_code, no_rate.json()["field"]) == (400, "exchange_rate")
        assert "exchange rate" in no_rate.json()["detail"]
        made = caller.send("post", "/invoices", body | {"exchange_rate": 25_000})
        assert made.status_code == 201, made.content
        invoice = made.json()
        assert (invoice["currency"], invoice["exchange_rate"]) == ("USD", 25_000)
        assert (invoice["subtotal"], invoice["vat_amount"], invoice["total"]) == (
            1234.56,
            123.46,
            1358.02,
        )
        assert invoice["total_vnd"] == 33_950_500
        assert Invoice.objects.count() == 1

    @pytest.mark.parametrize(
        ("change", "status", "field"),
        [
            ({"lines": [line(unit_price=1000.5)]}, 400, "unit_price"),  # VND has no cents
            ({"lines": [line(vat_code="7")]}, 400, "vat_code"),
            ({"currency": "JPY", "exchange_rate": 170}, 400, "currency"),
            ({"lines": [line(quantity=10**6, unit_price=10**8)]}, 400, "lines"),  # too large
            ({"lines": []}, 422, None),
            ({"lines": [line(unit_price="1000")]}, 422, None),
            ({"lines": [line(quantity=0)]}, 422, None),
            ({"payment_terms_days": 400}, 422, None),
            ({"client_id": "1"}, 422, None),
        ],
    )
    def test_a_draft_that_breaks_a_rule_is_refused(
        self, api, finance, sua_viet, change, status, field
    ):
        body = {"client_id": sua_viet.pk, "lines": [line()]} | change
        refused = api(finance).send("post", "/invoices", body)
        assert refused.status_code == status, refused.content
        assert refused.json()["detail"]
        if field:
            assert refused.json()["field"] == field
        assert not Invoice.objects.exists()

    def test_a_draft_changes_and_goes_but_an_issued_invoice_answers_409_unchanged(
        self, api, lan, finance, sua_viet
    ):
        caller = api(lan)
        made = caller.send("post", "/invoices", {"client_id": sua_viet.pk, "lines": [line()]})
        pk = made.json()["id"]
        noted = caller.send("patch", f"/invoices/{pk}", {"note": "Đợt 2", "payment_terms_days": 45})
        assert noted.status_code == 200, noted.content
        assert (noted.json()["note"], noted.json()["payment_terms_days"]) == ("Đợt 2", 45)
        assert [row["amount"] for row in noted.json()["lines"]] == [100_000_000]  # kept
        relined = caller.send("patch", f"/invoices/{pk}", {"lines": [line(unit_price=5_000_000)]})
        assert relined.json()["total"] == 5_500_000
        assert relined.json()["note"] == "Đợt 2"
        services.issue_invoice(by=finance, invoice=Invoice.objects.get(pk=pk))
        before = api(finance).get(f"/invoices/{pk}").json()
        for person in (lan, finance):
            changed = api(person).send("patch", f"/invoices/{pk}", {"note": "Sửa sau khi xuất"})
            deleted = api(person).send("delete", f"/invoices/{pk}")
            for answer in (changed, deleted):
                assert answer.status_code == 409, answer.content
                assert answer.json()["detail"] == (
                    "An issued invoice cannot be changed or deleted: issue a credit note."
                )
        assert api(finance).get(f"/invoices/{pk}").json() == before
        other = caller.send("post", "/invoices", {"client_id": sua_viet.pk, "lines": [line()]})
        gone = caller.send("delete", f"/invoices/{other.json()['id']}")
        assert gone.status_code == 204
        assert caller.get(f"/invoices/{other.json()['id']}").status_code == 404
        assert list(Invoice.objects.values_list("pk", flat=True)) == [pk]

    def test_the_list_filters_by_client_status_open_and_overdue(self, api, lan, finance, sua_viet):
        late = invoice_of(sua_viet, finance, issued_on=today() - timedelta(days=40))
        settled = invoice_of(sua_viet, finance, amount=1_000, issued_on=today() - timedelta(days=5))
        paid(sua_viet, 1_100, by=finance, allocate_oldest_first=False)
        services.allocate_payment(
            by=finance,
            payment=Payment.objects.get(),
            shares=[services.payments.Share(invoice=settled, amount=1_100)],
        )
        current = invoice_of(sua_viet, finance)
        drafted = draft(sua_viet, by=lan, vat_code="10")
        elsewhere = invoice_of(billable_client(owner=lan), finance)
        caller = api(lan)
        assert ids(caller.get("/invoices")) == [
            drafted.pk,
            elsewhere.pk,
            current.pk,
            settled.pk,
            late.pk,
        ]
        assert ids(caller.get("/invoices", client_id=sua_viet.pk, status="issued")) == [
            current.pk,
            settled.pk,
            late.pk,
        ]
        assert ids(caller.get("/invoices", client_id=sua_viet.pk, open="true")) == [
            current.pk,
            late.pk,
        ]
        assert ids(caller.get("/invoices", client_id=sua_viet.pk, open="false")) == [
            drafted.pk,
            settled.pk,
        ]
        assert ids(caller.get("/invoices", overdue="true")) == [late.pk]
        assert late.pk not in ids(caller.get("/invoices", overdue="false"))
        rows = {row["id"]: row for row in caller.get("/invoices").json()["items"]}
        assert (rows[late.pk]["overdue"], rows[late.pk]["due_on"]) == (True, day(-10))
        assert rows[settled.pk]["payment_state"] == "paid"
        assert caller.get("/invoices", status="paid").status_code == 422

    def test_a_credit_note_reduces_an_invoice_and_a_cancellation_cancels_it(
        self, api, lan, finance, sua_viet
    ):
        invoice = invoice_of(sua_viet, finance)
        caller = api(finance)
        path = f"/invoices/{invoice.pk}/credit-notes"
        assert api(lan).send("post", path, {"amount": 1_100, "reason": "x"}).status_code == 404
        too_much = caller.send("post", path, {"amount": 110_000_001, "reason": "Giảm giá"})
        assert (too_much.status_code, too_much.json()["field"]) == (400, "amount")
        credited = caller.send("post", path, {"amount": 11_000_000, "reason": "Giảm 10%"})
        assert credited.status_code == 201, credited.content
        note = credited.json()
        assert note["number"] == f"1C{today().year % 100:02d}TAD-0000001"
        assert (note["subtotal"], note["vat_amount"], note["total"], note["total_vnd"]) == (
            10_000_000,
            1_000_000,
            11_000_000,
            11_000_000,
        )
        assert (note["cancels_invoice"], note["invoice"]["id"], note["currency"]) == (
            False,
            invoice.pk,
            "VND",
        )
        detail = caller.get(f"/invoices/{invoice.pk}").json()
        assert (detail["open_amount"], detail["payment_state"]) == (99_000_000, "partly_paid")
        assert [row["id"] for row in detail["credit_notes"]] == [note["id"]]
        settled = caller.send("post", f"/invoices/{invoice.pk}/cancel", {"reason": "Sai"})
        assert settled.status_code == 409  # credited already: the credit note stays
        other = invoice_of(sua_viet, finance)
        cancelled = caller.send("post", f"/invoices/{other.pk}/cancel", {"reason": "Sai tên"})
        assert cancelled.status_code == 201, cancelled.content
        assert (cancelled.json()["cancels_invoice"], cancelled.json()["total_vnd"]) == (
            True,
            110_000_000,
        )
        after = caller.get(f"/invoices/{other.pk}").json()
        assert (after["status"], after["payment_state"], after["open_amount"]) == (
            "cancelled",
            None,
            0,
        )
        again = caller.send("post", f"/invoices/{other.pk}/cancel", {"reason": "Sai tên"})
        assert again.status_code == 409
        assert caller.send("post", f"/invoices/{other.pk}/cancel", {"reason": ""}).status_code == (
            422
        )
        notes = api(lan).get("/credit-notes")
        assert ids(notes) == [cancelled.json()["id"], note["id"]]
        assert ids(api(lan).get("/credit-notes", invoice_id=other.pk)) == [cancelled.json()["id"]]
        assert api(lan).get("/credit-notes", client_id=sua_viet.pk).json()["count"] == 2
        one = api(lan).get(f"/credit-notes/{note['id']}")
        assert one.status_code == 200
        assert one.json()["client"] == {"id": sua_viet.pk, "name": "Sữa Việt"}

    def test_a_replacement_is_a_draft_copy_of_the_cancelled_invoice(self, api, finance, sua_viet):
        invoice = invoice_of(sua_viet, finance, amount=7_000_000)
        replaced = api(finance).send(
            "post", f"/invoices/{invoice.pk}/replace", {"reason": "Sai mã số thuế"}
        )
        assert replaced.status_code == 201, replaced.content
        body = replaced.json()
        assert (body["status"], body["replaces_id"], body["total"]) == (
            "draft",
            invoice.pk,
            7_700_000,
        )
        assert CreditNote.objects.get().cancels_invoice

    def test_a_signed_contracts_milestone_is_invoiced_once(self, api, lan, minh, sales, sua_viet):
        contract = milestone_contract(sua_viet)
        milestone = contract.milestones.order_by("position").first()
        path = f"/milestones/{milestone.pk}/invoice"
        for outsider in (minh, sales):
            assert api(outsider).send("post", path).status_code == 404
        made = api(lan).send("post", path)
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["milestone_id"], body["contract"]["id"], body["status"]) == (
            milestone.pk,
            contract.pk,
            "draft",
        )
        assert [row["vat_code"] for row in body["lines"]] == ["8"]
        assert body["subtotal"] == milestone.amount
        again = api(lan).send("post", path)
        assert again.status_code == 409
        assert again.json()["detail"] == "This milestone is invoiced already."
        assert api(lan).send("post", "/milestones/999999/invoice").status_code == 404

    def test_a_draft_names_one_of_the_clients_contracts(self, api, lan, sua_viet, hoa_sen):
        theirs = milestone_contract(hoa_sen)
        ours = milestone_contract(billable_client(owner=lan))
        caller = api(lan)
        body = {"client_id": sua_viet.pk, "lines": [line()]}
        assert caller.send("post", "/invoices", body | {"contract_id": theirs.pk}).status_code == (
            404
        )
        mixed = caller.send("post", "/invoices", body | {"contract_id": ours.pk})
        assert (mixed.status_code, mixed.json()["field"]) == (400, "contract")

    def test_the_clients_dispute_is_recorded_and_settled(self, api, lan, finance, sua_viet):
        invoice = invoice_of(sua_viet, finance)
        caller = api(lan)
        disputed = caller.send(
            "post", f"/invoices/{invoice.pk}/dispute", {"note": "Chưa nghiệm thu đợt 2"}
        )
        assert disputed.status_code == 200, disputed.content
        assert (disputed.json()["disputed"], disputed.json()["dispute_note"]) == (
            True,
            "Chưa nghiệm thu đợt 2",
        )
        settled = caller.send("post", f"/invoices/{invoice.pk}/dispute/settle")
        assert (settled.status_code, settled.json()["disputed"]) == (200, False)
        assert caller.send("post", f"/invoices/{invoice.pk}/dispute/settle").status_code == 409
        drafted = draft(sua_viet, by=lan, vat_code="10")
        on_draft = caller.send("post", f"/invoices/{drafted.pk}/dispute", {"note": "x"})
        assert on_draft.status_code == 409

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_invoice(
        self, api, everyone, finance, sua_viet, persona
    ):
        ClientTeamMember.objects.create(
            client=sua_viet, user=everyone["creative"], role="department"
        )
        invoice = invoice_of(sua_viet, finance)
        drafted = draft(sua_viet, by=finance, vat_code="10")
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/invoices/{invoice.pk}"),
            caller.send("patch", f"/invoices/{drafted.pk}", {"note": "x"}),
            caller.send("delete", f"/invoices/{drafted.pk}"),
            caller.send("post", f"/invoices/{drafted.pk}/issue", {}),
            caller.send("post", f"/invoices/{invoice.pk}/dispute", {"note": "x"}),
            caller.send("post", f"/invoices/{invoice.pk}/cancel", {"reason": "x"}),
            caller.send("post", "/invoices", {"client_id": sua_viet.pk, "lines": [line()]}),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("110000000" not in answer.content.decode() for answer in answers)
        assert caller.get("/invoices").json() == EMPTY
        assert caller.get("/credit-notes").json() == EMPTY
        assert Invoice.objects.count() == 2 and not Invoice.objects.get(pk=drafted.pk).note

    def test_the_account_team_the_director_and_finance_read_it(
        self, api, hoa, director, finance, admin, sua_viet
    ):
        ClientTeamMember.objects.create(client=sua_viet, user=hoa, role="kam")
        invoice = invoice_of(sua_viet, finance)
        for person in (hoa, director, finance, admin):
            response = api(person).get(f"/invoices/{invoice.pk}")
            assert response.status_code == 200
            assert response.json()["total_vnd"] == 110_000_000
            assert ids(api(person).get("/invoices")) == [invoice.pk]

    def test_reading_invoices_takes_a_bounded_number_of_queries(
        self, api, lan, finance, sua_viet, django_assert_max_num_queries
    ):
        caller = api(lan)
        for rounds in (1, 3):
            for _ in range(rounds):
                invoice = invoice_of(sua_viet, finance, amount=1_000_000)
                paid(sua_viet, 500_000, by=finance, allocate_oldest_first=True)
                services.credit_invoice(by=finance, invoice=invoice, amount=1_000, reason="Giảm")
                milestone_contract(sua_viet)
            with django_assert_max_num_queries(4):
                assert caller.get("/invoices").json()["count"] >= rounds
            settled = Invoice.objects.filter(allocations__isnull=False).first()
            with django_assert_max_num_queries(6):
                assert caller.get(f"/invoices/{settled.pk}").json()["allocations"]
            with django_assert_max_num_queries(4):
                assert caller.get("/credit-notes").json()["count"] >= rounds


# --- Payments -------------------------------------------------------------------------------
def payment_body(client, **fields) -> dict:
    return {
        "client_id": client.pk,
        "amount": 50_000_000,
        "method": "bank",
        "bank_reference": "VCB 2611280001",
        "payer": "CONG TY CP SUA VIET",
        "note": "",
        **fields,
    }


class TestPayments:
    def test_finance_records_a_payment_and_settles_the_oldest_invoices(
        self, api, lan, finance, sua_viet
    ):
        older = invoice_of(sua_viet, finance, amount=10_000_000, issued_on=today() - timedelta(3))
        newer = invoice_of(sua_viet, finance, amount=100_000_000)
        body = payment_body(sua_viet, allocate_oldest_first=True)
        assert api(lan).send("post", "/payments", body).status_code == 404  # Finance records
        made = api(finance).send("post", "/payments", body)
        assert made.status_code == 201, made.content
        payment = made.json()
        assert (payment["amount"], payment["allocated_amount"], payment["unallocated_amount"]) == (
            50_000_000,
            50_000_000,
            0,
        )
        assert (payment["received_on"], payment["method"], payment["client"]["id"]) == (
            day(),
            "bank",
            sua_viet.pk,
        )
        assert [(row["invoice"]["id"], row["amount"]) for row in payment["allocations"]] == [
            (older.pk, 11_000_000),
            (newer.pk, 39_000_000),
        ]
        assert api(lan).get(f"/payments/{payment['id']}").json() == payment  # the KAM reads it
        invoices = {row["id"]: row for row in api(lan).get("/invoices").json()["items"]}
        assert invoices[older.pk]["payment_state"] == "paid"
        assert invoices[newer.pk]["payment_state"] == "partly_paid"
        assert invoices[newer.pk]["open_amount"] == 71_000_000
        allocations = api(lan).get(f"/invoices/{newer.pk}").json()["allocations"]
        assert [(row["payment_id"], row["amount"]) for row in allocations] == [
            (payment["id"], 39_000_000)
        ]

    def test_the_same_idempotency_key_answers_the_one_payment(self, api, finance, sua_viet):
        caller = api(finance)
        key = {"Idempotency-Key": "c0ffee00-0000-4000-8000-000000000001"}
        first = caller.send("post", "/payments", payment_body(sua_viet), key)
        again = caller.send("post", "/payments", payment_body(sua_viet), key)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        assert Payment.objects.filter(idempotency_key=key["Idempotency-Key"]).count() == 1
        other = caller.send("post", "/payments", payment_body(sua_viet, amount=60_000_000), key)
        assert other.status_code == 422
        assert "Idempotency-Key" in other.json()["detail"]
        for bad in ("k" * 121, "khóa thanh toán"):
            refused = caller.send(
                "post", "/payments", payment_body(sua_viet), {"Idempotency-Key": bad}
            )
            assert refused.status_code == 422, bad
        unkeyed = [caller.send("post", "/payments", payment_body(sua_viet)) for _ in range(2)]
        assert [answer.status_code for answer in unkeyed] == [201, 201]  # no key: two payments
        assert Payment.objects.count() == 3

    @pytest.mark.parametrize("amount", [0, -5_000, 5_000.5, "5000", None, 10**15, True])
    def test_a_payment_is_whole_dong_above_zero(self, api, finance, sua_viet, amount):
        refused = api(finance).send("post", "/payments", payment_body(sua_viet, amount=amount))
        assert refused.status_code == 422, refused.content
        assert refused.json()["detail"]
        assert not Payment.objects.exists()

    def test_a_payment_in_the_future_or_of_a_client_one_does_not_see_is_refused(
        self, api, lan, minh, finance, sua_viet
    ):
        caller = api(finance)
        future = caller.send("post", "/payments", payment_body(sua_viet, received_on=day(1)))
        assert (future.status_code, future.json()["field"]) == (400, "received_on")
        unknown = caller.send("post", "/payments", payment_body(sua_viet, client_id=999_999))
        assert unknown.status_code == 404
        assert caller.send(
            "post", "/payments", payment_body(sua_viet, method="cheque")
        ).status_code == (422)
        assert not Payment.objects.exists()

    def test_parts_of_a_payment_settle_invoices_within_both_balances(
        self, api, finance, sua_viet, hoa_sen
    ):
        first = invoice_of(sua_viet, finance, amount=10_000_000)  # 11 triệu with VAT
        second = invoice_of(sua_viet, finance, amount=20_000_000)  # 22 triệu
        cancelled = invoice_of(sua_viet, finance, amount=1_000_000)
        services.cancel_invoice(by=finance, invoice=cancelled, reason="Trùng")
        drafted = draft(sua_viet, by=finance, vat_code="10")
        theirs = invoice_of(hoa_sen, finance)
        payment = paid(sua_viet, 30_000_000, by=finance)
        caller = api(finance)
        path = f"/payments/{payment.pk}/allocations"

        def allocate(*shares):
            body = {"allocations": [{"invoice_id": i.pk, "amount": a} for i, a in shares]}
            return caller.send("post", path, body)

        over_payment = allocate((first, 11_000_000), (second, 20_000_000))
        assert over_payment.status_code == 400
        assert (
            over_payment.json()["detail"]
            == "Only 30.000.000 ₫ of this payment is left to allocate."
        )
        over_invoice = allocate((first, 11_000_001))
        assert (over_invoice.status_code, over_invoice.json()["field"]) == (400, "amount")
        refused = allocate((cancelled, 1_000))
        assert refused.status_code == 409
        assert refused.json()["detail"] == "A cancelled invoice takes no payment."
        assert allocate((drafted, 1_000)).status_code == 409
        assert allocate((theirs, 1_000)).status_code == 400  # another client's invoice
        assert allocate((first, 0)).status_code == 422
        assert allocate((first, 1.5)).status_code == 422
        assert caller.send("post", path, {"allocations": []}).status_code == 422
        assert not Allocation.objects.exists()
        made = allocate((first, 11_000_000), (second, 19_000_000))
        assert made.status_code == 201, made.content
        assert (made.json()["allocated_amount"], made.json()["unallocated_amount"]) == (
            30_000_000,
            0,
        )
        assert allocate((second, 1)).status_code == 400  # nothing left of the payment
        states = {
            row["id"]: row["payment_state"] for row in caller.get("/invoices").json()["items"]
        }
        assert (states[first.pk], states[second.pk]) == ("paid", "partly_paid")
        allocation = Allocation.objects.get(invoice=first)
        removed = caller.send("delete", f"/allocations/{allocation.pk}")
        assert removed.status_code == 204
        after = caller.get(f"/invoices/{first.pk}").json()
        assert (after["open_amount"], after["payment_state"]) == (11_000_000, "unpaid")
        assert caller.get(f"/payments/{payment.pk}").json()["unallocated_amount"] == 11_000_000
        assert caller.send("delete", f"/allocations/{allocation.pk}").status_code == 404

    def test_the_suggestion_settles_the_invoice_due_first_first(self, api, lan, finance, sua_viet):
        later = invoice_of(sua_viet, finance, amount=10_000_000, payment_terms_days=60)
        sooner = invoice_of(sua_viet, finance, amount=10_000_000, payment_terms_days=15)
        payment = paid(sua_viet, 15_000_000, by=finance)
        suggested = api(lan).get(f"/payments/{payment.pk}/suggested-allocations")
        assert suggested.status_code == 200
        assert [
            (row["invoice"]["id"], row["due_on"], row["open_amount"], row["amount"])
            for row in suggested.json()
        ] == [
            (sooner.pk, day(15), 11_000_000, 11_000_000),
            (later.pk, day(60), 11_000_000, 4_000_000),
        ]
        assert not Allocation.objects.exists()  # only a suggestion

    def test_the_list_filters_by_client_and_what_is_left_to_allocate(
        self, api, lan, finance, sua_viet
    ):
        invoice_of(sua_viet, finance, amount=10_000_000)
        whole = paid(sua_viet, 11_000_000, by=finance, allocate_oldest_first=True)
        left = paid(sua_viet, 5_000_000, by=finance)
        elsewhere = paid(billable_client(owner=lan), 1_000, by=finance)
        caller = api(lan)
        assert ids(caller.get("/payments")) == [elsewhere.pk, left.pk, whole.pk]
        assert ids(caller.get("/payments", client_id=sua_viet.pk)) == [left.pk, whole.pk]
        assert ids(caller.get("/payments", unallocated="true")) == [elsewhere.pk, left.pk]
        assert ids(caller.get("/payments", unallocated="false")) == [whole.pk]

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_payment(
        self, api, everyone, finance, sua_viet, persona
    ):
        invoice = invoice_of(sua_viet, finance)
        payment = paid(sua_viet, 1_000_000, by=finance, allocate_oldest_first=True)
        allocation = Allocation.objects.get()
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/payments/{payment.pk}"),
            caller.get(f"/payments/{payment.pk}/suggested-allocations"),
            caller.send(
                "post",
                f"/payments/{payment.pk}/allocations",
                {"allocations": [{"invoice_id": invoice.pk, "amount": 1}]},
            ),
            caller.send("delete", f"/allocations/{allocation.pk}"),
            caller.send("post", "/payments", payment_body(sua_viet)),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert caller.get("/payments").json() == EMPTY
        assert Payment.objects.count() == 1 and Allocation.objects.count() == 1

    def test_a_kam_reads_but_neither_records_nor_allocates(self, api, lan, finance, sua_viet):
        invoice = invoice_of(sua_viet, finance)
        payment = paid(sua_viet, 1_000_000, by=finance)
        caller = api(lan)
        assert caller.get(f"/payments/{payment.pk}").status_code == 200
        body = {"allocations": [{"invoice_id": invoice.pk, "amount": 1}]}
        assert caller.send("post", f"/payments/{payment.pk}/allocations", body).status_code == 404
        assert not Allocation.objects.exists()

    def test_reading_payments_takes_a_bounded_number_of_queries(
        self, api, lan, finance, sua_viet, django_assert_max_num_queries
    ):
        caller = api(lan)
        for rounds in (1, 4):
            for _ in range(rounds):
                invoice_of(sua_viet, finance, amount=1_000_000)
                invoice_of(sua_viet, finance, amount=1_000_000)
                payment = paid(sua_viet, 3_000_000, by=finance, allocate_oldest_first=True)
            with django_assert_max_num_queries(4):
                assert caller.get("/payments").json()["count"] >= rounds
            with django_assert_max_num_queries(5):
                assert len(caller.get(f"/payments/{payment.pk}").json()["allocations"]) == 2
            with django_assert_max_num_queries(4):
                caller.get(f"/payments/{payment.pk}/suggested-allocations")


# --- Statements -----------------------------------------------------------------------------
class TestStatements:
    def test_a_statement_is_made_sent_answered_and_its_dispute_settled(
        self, api, lan, finance, sua_viet, django_capture_on_commit_callbacks
    ):
        invoice_of(sua_viet, finance, amount=10_000_000, issued_on=today() - timedelta(days=40))
        invoice_of(sua_viet, finance, amount=20_000_000, issued_on=today() - timedelta(days=3))
        paid(sua_viet, 5_000_000, by=finance, days_ago=1)
        caller = api(lan)
        body = {"client_id": sua_viet.pk, "period_start": day(-30), "period_end": day()}
        made = caller.send("post", "/statements", body)
        assert made.status_code == 201, made.content
        statement = made.json()
        figures = ("opening_balance", "invoiced", "credited", "paid", "closing_balance")
        assert [statement[name] for name in figures] == [
            11_000_000,
            22_000_000,
            0,
            5_000_000,
            28_000_000,
        ]
        assert [(row["kind"], row["debit"], row["credit"]) for row in statement["lines"]] == [
            ("invoice", 22_000_000, 0),
            ("payment", 0, 5_000_000),
        ]
        assert (statement["status"], statement["answer"], statement["link_expires_at"]) == (
            "draft",
            None,
            None,
        )
        assert statement["recipient"]["name"] == "Nguyễn Thị Kế Toán"
        path = f"/statements/{statement['id']}"
        with django_capture_on_commit_callbacks(execute=True):  # the email goes once committed
            sent = caller.send("post", f"{path}/send", {})
        assert sent.status_code == 200, sent.content
        assert sent.json()["status"] == "sent" and sent.json()["link_expires_at"]
        record = Statement.objects.get()
        token = services.statements.statement_token(record)
        assert token not in sent.content.decode() and record.link_nonce not in sent.content.decode()
        (message,) = mail.outbox
        assert message.to == ["ketoan@khachhang.vn"] and token in message.body
        assert caller.send("delete", path).status_code == 409  # the client has it
        assert caller.send("post", f"{path}/settle-dispute").status_code == 409
        services.answer_statement(
            token=token, agrees=False, name="Kế toán", comment="Thiếu khoản 5 triệu ngày 27/11"
        )
        answer = caller.get(path).json()["answer"]
        assert (answer["confirmed"], answer["comment"], answer["dispute_settled_at"]) == (
            False,
            "Thiếu khoản 5 triệu ngày 27/11",
            None,
        )
        settled = caller.send("post", f"{path}/settle-dispute")
        assert settled.status_code == 200, settled.content
        assert settled.json()["answer"]["dispute_settled_at"]
        assert caller.send("post", f"{path}/send", {}).status_code == 409  # answered already

    def test_a_statement_goes_to_one_of_the_clients_people_with_an_email(
        self, api, lan, sua_viet, hoa_sen
    ):
        caller = api(lan)
        body = {"client_id": sua_viet.pk, "period_start": day(-30), "period_end": day()}
        pk = caller.send("post", "/statements", body).json()["id"]
        theirs = StakeholderFactory(client=hoa_sen, email="ketoan@hoasen.vn")
        elsewhere = caller.send("post", f"/statements/{pk}/send", {"recipient_id": theirs.pk})
        assert (elsewhere.status_code, elsewhere.json()["field"]) == (400, "recipient_id")
        silent = StakeholderFactory(client=sua_viet, email="")
        no_email = caller.send("post", f"/statements/{pk}/send", {"recipient_id": silent.pk})
        assert (no_email.status_code, no_email.json()["field"]) == (400, "recipient")
        assert not mail.outbox

    def test_a_period_that_has_not_passed_or_runs_backwards_is_refused(self, api, lan, sua_viet):
        caller = api(lan)
        for start, end in ((-10, 1), (0, -5)):
            body = {"client_id": sua_viet.pk, "period_start": day(start), "period_end": day(end)}
            refused = caller.send("post", "/statements", body)
            assert (refused.status_code, refused.json()["field"]) == (400, "period_end")
        bad = {"client_id": sua_viet.pk, "period_start": 0, "period_end": day()}
        assert caller.send("post", "/statements", bad).status_code == 422
        assert not Statement.objects.exists()

    def test_a_draft_statement_is_deleted_and_the_list_filters(self, api, lan, sua_viet):
        caller = api(lan)
        other = billable_client(owner=lan)
        made = {
            client.pk: caller.send(
                "post",
                "/statements",
                {"client_id": client.pk, "period_start": day(-30), "period_end": day()},
            ).json()["id"]
            for client in (sua_viet, other)
        }
        assert ids(caller.get("/statements")) == [made[other.pk], made[sua_viet.pk]]
        assert ids(caller.get("/statements", client_id=other.pk)) == [made[other.pk]]
        assert caller.get("/statements", status="sent").json() == EMPTY
        assert caller.send("delete", f"/statements/{made[other.pk]}").status_code == 204
        assert ids(caller.get("/statements", status="draft")) == [made[sua_viet.pk]]

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_statement(
        self, api, everyone, finance, sua_viet, persona
    ):
        statement = services.make_statement(
            by=finance, client=sua_viet, period_start=today() - timedelta(30), period_end=today()
        )
        caller = api(everyone[persona])
        path = f"/statements/{statement.pk}"
        body = {"client_id": sua_viet.pk, "period_start": day(-30), "period_end": day()}
        answers = [
            caller.get(path),
            caller.send("post", f"{path}/send", {}),
            caller.send("post", f"{path}/settle-dispute"),
            caller.send("delete", path),
            caller.send("post", "/statements", body),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert caller.get("/statements").json() == EMPTY
        assert Statement.objects.get().status == "draft" and not mail.outbox

    def test_reading_statements_takes_a_bounded_number_of_queries(
        self, api, lan, finance, sua_viet, django_assert_max_num_queries
    ):
        caller = api(lan)
        for rounds in (1, 3):
            for _ in range(rounds):
                invoice_of(sua_viet, finance, amount=1_000)
                paid(sua_viet, 500, by=finance)
                statement = services.make_statement(
                    by=lan, client=sua_viet, period_start=today(), period_end=today()
                )
            with django_assert_max_num_queries(4):
                assert caller.get("/statements").json()["count"] >= rounds
            with django_assert_max_num_queries(4):
                assert len(caller.get(f"/statements/{statement.pk}").json()["lines"]) >= 2


# --- Ageing ---------------------------------------------------------------------------------
class TestAgeing:
    @pytest.fixture
    def ledger(self, finance, sua_viet, hoa_sen):
        """lan's client owes 110 triệu 100 days overdue, 55 triệu 45 days overdue and 220 triệu
        not yet due (of which 20 triệu is paid); minh's owes 11 triệu 10 days overdue."""
        invoice_of(sua_viet, finance, payment_terms_days=0, issued_on=today() - timedelta(100))
        invoice_of(
            sua_viet,
            finance,
            amount=50_000_000,
            payment_terms_days=0,
            issued_on=today() - timedelta(45),
        )
        invoice_of(
            hoa_sen,
            finance,
            amount=10_000_000,
            payment_terms_days=0,
            issued_on=today() - timedelta(10),
        )
        current = invoice_of(sua_viet, finance, amount=200_000_000)
        payment = paid(sua_viet, 20_000_000, by=finance)
        services.allocate_payment(
            by=finance, payment=payment, shares=[services.payments.Share(current, 20_000_000)]
        )

    def test_finance_reads_every_clients_ageing_and_the_dso(self, api, finance, ledger, sua_viet):
        report = api(finance).get("/reports/ar-ageing")
        assert report.status_code == 200, report.content
        body = report.json()
        assert body["as_of"] == day()
        assert body["totals"] == {
            "current": 200_000_000,
            "days_1_30": 11_000_000,
            "days_31_60": 55_000_000,
            "days_61_90": 0,
            "days_over_90": 110_000_000,
            "total": 376_000_000,
        }
        # Open 376 triệu against 286 triệu invoiced in the last 90 days.
        assert body["dso"] == float((Decimal(376) * 90 / 286).quantize(Decimal("0.1")))
        first = body["items"][0]
        assert first == {
            "client": {"id": sua_viet.pk, "name": "Sữa Việt"},
            "current": 200_000_000,
            "days_1_30": 0,
            "days_31_60": 55_000_000,
            "days_61_90": 0,
            "days_over_90": 110_000_000,
            "total": 365_000_000,
            "overdue_count": 2,
        }
        assert body["count"] == 2 and len(body["items"]) == 2
        paged = api(finance).get("/reports/ar-ageing", page=2, page_size=1).json()
        assert ([row["total"] for row in paged["items"]], paged["count"]) == ([11_000_000], 2)

    def test_a_kam_reads_their_clients_and_a_day_in_the_past(
        self, api, lan, minh, finance, ledger, sua_viet
    ):
        mine = api(lan).get("/reports/ar-ageing").json()
        assert [row["client"]["id"] for row in mine["items"]] == [sua_viet.pk]
        assert mine["totals"]["total"] == 365_000_000
        by_owner = api(finance).get("/reports/ar-ageing", owner_id=minh.pk).json()
        assert by_owner["totals"]["total"] == 11_000_000
        earlier = api(lan).get("/reports/ar-ageing", as_of=day(-30)).json()
        assert (earlier["totals"]["days_1_30"], earlier["totals"]["current"]) == (
            55_000_000,
            200_000_000,
        )
        assert api(lan).get("/reports/ar-ageing", as_of="30/11/2026").status_code == 422

    @pytest.mark.parametrize("persona", ["creative", "planner", "sales"])
    def test_those_who_see_no_receivables_get_404(self, api, everyone, ledger, persona):
        assert api(everyone[persona]).get("/reports/ar-ageing").status_code == 404

    def test_another_teams_kam_sees_only_their_own(self, api, minh, ledger, hoa_sen):
        body = api(minh).get("/reports/ar-ageing").json()
        assert [row["client"]["id"] for row in body["items"]] == [hoa_sen.pk]

    def test_the_report_takes_a_bounded_number_of_queries(
        self, api, lan, finance, sua_viet, django_assert_max_num_queries
    ):
        caller = api(lan)
        for rounds in (1, 4):
            for _ in range(rounds):
                invoice_of(billable_client(owner=lan), finance, amount=1_000)
            with django_assert_max_num_queries(7):
                assert caller.get("/reports/ar-ageing").json()["count"] >= rounds


# --- Promises -------------------------------------------------------------------------------
class TestPromises:
    def test_a_kam_records_a_promise_to_pay(self, api, lan, finance, sua_viet):
        invoice = invoice_of(sua_viet, finance)
        accountant = sua_viet.stakeholders.get()
        body = {
            "client_id": sua_viet.pk,
            "pay_by": day(7),
            "amount": 50_000_000,
            "promised_by_id": accountant.pk,
            "invoice_id": invoice.pk,
            "note": "Gọi điện ngày 28/11",
        }
        made = api(lan).send("post", "/promises", body)
        assert made.status_code == 201, made.content
        promise = made.json()
        assert (promise["state"], promise["paid"], promise["promised_by_name"]) == (
            "open",
            0,
            "Nguyễn Thị Kế Toán",
        )
        assert (promise["invoice"]["id"], promise["promised_by"]["id"], promise["pay_by"]) == (
            invoice.pk,
            accountant.pk,
            day(7),
        )
        assert (promise["promised_on"], promise["recorded_by"]["id"]) == (day(), lan.pk)

    def test_a_promise_breaking_a_rule_is_refused(self, api, lan, sua_viet, hoa_sen):
        caller = api(lan)
        body = {"client_id": sua_viet.pk, "pay_by": day(7), "amount": 1_000}
        theirs = StakeholderFactory(client=hoa_sen)
        for change, field in (
            ({"pay_by": day(-1)}, "pay_by"),
            ({"promised_by_id": theirs.pk}, "promised_by_id"),
            ({}, "promised_by_name"),
        ):
            refused = caller.send("post", "/promises", body | change)
            assert (refused.status_code, refused.json()["field"]) == (400, field)
        assert caller.send("post", "/promises", body | {"amount": 0}).status_code == 422
        assert caller.send("post", "/promises", body | {"client_id": hoa_sen.pk}).status_code == 404
        assert not PaymentPromise.objects.exists()

    def test_the_list_says_which_promises_were_kept_broken_or_are_open(
        self, api, lan, finance, sua_viet
    ):
        def promise(amount: int, **fields):
            return services.record_promise(
                by=lan,
                client=sua_viet,
                pay_by=today() + timedelta(days=3),
                amount=amount,
                promised_by_name="Anh Tuấn",
                **fields,
            )

        kept = promise(5_000_000)
        paid(sua_viet, 5_000_000, by=finance)
        still_open = promise(900_000_000)
        broken = promise(700_000_000)
        # Ten days on, the broken one's date has passed short.
        PaymentPromise.objects.filter(pk=broken.pk).update(
            promised_on=today() - timedelta(days=10), pay_by=today() - timedelta(days=3)
        )
        caller = api(lan)
        listed = {row["id"]: row["state"] for row in caller.get("/promises").json()["items"]}
        assert listed == {kept.pk: "kept", still_open.pk: "open", broken.pk: "broken"}
        for state, promised in (("kept", kept), ("open", still_open), ("broken", broken)):
            assert ids(caller.get("/promises", state=state)) == [promised.pk]
        assert caller.get("/promises", client_id=sua_viet.pk).json()["count"] == 3
        assert caller.get("/promises", state="late").status_code == 422

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_sees_no_promise_and_records_none(self, api, everyone, sua_viet, persona):
        services.record_promise(
            by=everyone["lan"],
            client=sua_viet,
            pay_by=today(),
            amount=1_000,
            promised_by_name="Anh Tuấn",
        )
        caller = api(everyone[persona])
        body = {"client_id": sua_viet.pk, "pay_by": day(1), "amount": 1, "promised_by_name": "X"}
        assert caller.send("post", "/promises", body).status_code == 404
        assert caller.get("/promises").json() == EMPTY
        assert PaymentPromise.objects.count() == 1

    def test_reading_promises_takes_a_bounded_number_of_queries(
        self, api, lan, finance, sua_viet, django_assert_max_num_queries
    ):
        caller = api(lan)
        accountant = sua_viet.stakeholders.get()
        for rounds in (1, 4):
            for _ in range(rounds):
                services.record_promise(
                    by=lan,
                    client=sua_viet,
                    pay_by=today(),
                    amount=1_000,
                    promised_by=accountant,
                    invoice=invoice_of(sua_viet, finance, amount=1_000),
                )
            with django_assert_max_num_queries(4):
                assert caller.get("/promises").json()["count"] >= rounds

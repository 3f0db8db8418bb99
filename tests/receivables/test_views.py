"""The receivables pages: the ageing and its drill-down, a client's receivables with the
collection call and the promise logged there, the panels on the client's and the contract's
pages, invoices (drafting, changing, issuing, crediting, cancelling, replacing, disputing, the
PDF), payments and their allocation, statements and the client accountant's page behind the
emailed link. On each: the access policy (Finance and the owning KAM in; Sales, a Planner,
a department member and another team's KAM get 404), a message beside the field for bad input
with nothing saved, and bounded queries that do not grow with the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import ClientTeamMember
from kam.receivables import services
from kam.receivables.forms import previous_month
from kam.receivables.models import (
    Allocation,
    CreditNote,
    Invoice,
    Payment,
    PaymentPromise,
    Statement,
)
from kam.receivables.services.statements import statement_token
from tests.receivables.factories import billable_client, draft, issued, milestone_contract, paid

pytestmark = pytest.mark.django_db
NOBODY = ["minh", "sales", "planner", "creative"]


def today():
    return timezone.localdate()


def url(name: str, *args) -> str:
    return reverse(f"receivables:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def login(client, everyone):
    """`login(name)` signs the test client in as that persona, in English."""

    def sign_in(name: str):
        user = everyone[name]
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def sua_viet(lan):
    return billable_client(owner=lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def overdue(sua_viet, finance):
    """An invoice of 1.080.000 ₫ issued 45 days ago, due 15 days ago."""
    return issued(sua_viet, by=finance, amount=1_000_000, issued_on=today() - timedelta(days=45))


@pytest.fixture
def world(sua_viet, overdue, finance, lan):
    """The client with an overdue invoice partly paid, a credit note on a second invoice, a
    draft, a payment with credit left, a promise and a statement."""
    second = issued(sua_viet, by=finance, amount=2_000_000)
    note = services.credit_invoice(by=finance, invoice=second, amount=108_000, reason="Giảm giá")
    payment = paid(sua_viet, 500_000, by=finance)
    services.allocate_payment(
        by=finance, payment=payment, shares=[services.payments.Share(overdue, 300_000)]
    )
    promise = services.record_promise(
        by=lan,
        client=sua_viet,
        pay_by=today() + timedelta(days=7),
        amount=780_000,
        promised_by_name="Chị Kế Toán",
    )
    start, end = previous_month()
    statement = services.make_statement(by=lan, client=sua_viet, period_start=start, period_end=end)
    return {
        "client": sua_viet,
        "invoice": overdue,
        "second": second,
        "draft": draft(sua_viet, by=lan),
        "note": note,
        "payment": payment,
        "allocation": payment.allocations.get(),
        "promise": promise,
        "statement": statement,
    }


def pages_of(world) -> list[str]:
    """Every page about the world's client that the owning KAM and Finance both read."""
    client = world["client"]
    return [
        url("ageing"),
        url("ageing") + f"?client={client.pk}&bucket=days_1_30",
        url("client_receivables", client.pk),
        url("client_panel", client.pk),
        url("invoice_list") + f"?client={client.pk}",
        url("invoice_create") + f"?client={client.pk}",
        url("invoice_detail", world["invoice"].pk),
        url("invoice_detail", world["draft"].pk),
        url("invoice_edit", world["draft"].pk),
        url("credit_note_detail", world["note"].pk),
        url("payment_list") + f"?client={client.pk}",
        url("payment_detail", world["payment"].pk),
        url("statement_list") + f"?client={client.pk}",
        url("statement_create") + f"?client={client.pk}",
        url("statement_detail", world["statement"].pk),
    ]


# --- Access ---------------------------------------------------------------------------------
class TestAccess:
    @pytest.mark.parametrize("name", ["finance", "lan", "hoa_on_team", "director", "admin"])
    def test_every_page_renders_for_finance_and_the_clients_kam_side(self, login, world, hoa, name):
        if name == "hoa_on_team":
            ClientTeamMember.objects.create(client=world["client"], user=hoa, role="kam")
            name = "hoa"
        http = login(name)
        for page in pages_of(world):
            response = http.get(page)
            assert response.status_code == 200, page

    @pytest.mark.parametrize("name", NOBODY)
    def test_anyone_else_gets_404_everywhere(self, login, world, name):
        http = login(name)
        lists = {url("ageing"), url("invoice_list"), url("payment_list"), url("statement_list")}
        for page in pages_of(world):
            if page.split("?")[0] in lists and name == "minh":
                continue  # another team's KAM reads their own lists: tested below
            assert http.get(page).status_code == 404, page

    @pytest.mark.parametrize("name", NOBODY)
    def test_anyone_else_gets_404_for_the_downloads_and_every_action(self, login, world, name):
        http = login(name)
        invoice, statement, client = world["invoice"], world["statement"], world["client"]
        for page in (
            url("invoice_pdf", invoice.pk),
            url("statement_pdf", statement.pk),
            url("statement_xlsx", statement.pk),
        ):
            assert http.get(page).status_code == 404, page
        for action in (
            url("invoice_issue", world["draft"].pk),
            url("invoice_delete", world["draft"].pk),
            url("invoice_dispute", invoice.pk),
            url("invoice_dispute_settle", invoice.pk),
            url("invoice_replace", invoice.pk),
            url("payment_allocate", world["payment"].pk),
            url("allocation_remove", world["allocation"].pk),
            url("statement_send", statement.pk),
            url("statement_delete", statement.pk),
            url("statement_settle", statement.pk),
            url("promise_create", client.pk),
            url("call_create", client.pk),
        ):
            assert http.post(action, {"reason": "x", "note": "x"}).status_code == 404, action
        assert Invoice.objects.get(pk=world["draft"].pk).status == "draft"
        assert Statement.objects.filter(pk=statement.pk).exists()

    def test_the_detail_pages_in_bounded_queries(self, login, world, django_assert_max_num_queries):
        http = login("finance")
        for page, most in (
            (url("invoice_detail", world["invoice"].pk), 11),
            (url("invoice_detail", world["draft"].pk), 8),
            (url("payment_detail", world["payment"].pk), 9),
            (url("statement_detail", world["statement"].pk), 10),
            (url("credit_note_detail", world["note"].pk), 4),
        ):
            with django_assert_max_num_queries(most):
                assert http.get(page).status_code == 200, page

    def test_another_teams_kam_sees_none_of_the_clients_money_in_the_lists(self, login, world):
        http = login("minh")
        for page in (url("ageing"), url("invoice_list"), url("payment_list")):
            response = http.get(page)
            assert response.status_code == 200
            assert "Sữa Việt" not in text(response)
        assert world["statement"].number not in text(http.get(url("statement_list")))

    def test_a_teammate_not_on_the_account_team_gets_404(self, login, world):
        assert login("hoa").get(url("client_receivables", world["client"].pk)).status_code == 404

    def test_signing_in_is_required(self, client, world):
        response = client.get(url("ageing"))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_only_finance_records_payments(self, login, world):
        client = world["client"]
        assert login("lan").get(url("payment_create") + f"?client={client.pk}").status_code == 404
        assert (
            login("finance").get(url("payment_create") + f"?client={client.pk}").status_code == 200
        )

    def test_the_kam_does_not_issue_credit_or_allocate(self, login, world):
        http = login("lan")
        invoice, payment = world["invoice"], world["payment"]
        assert http.post(url("invoice_issue", world["draft"].pk)).status_code == 404
        assert (
            http.post(
                url("invoice_credit", invoice.pk), {"credit-amount": "1000", "credit-reason": "x"}
            ).status_code
            == 404
        )
        assert (
            http.post(url("invoice_cancel", invoice.pk), {"cancel-reason": "x"}).status_code == 404
        )
        assert http.post(url("payment_allocate_oldest", payment.pk)).status_code == 404
        assert http.post(url("allocation_remove", world["allocation"].pk)).status_code == 404
        assert Invoice.objects.get(pk=world["draft"].pk).status == "draft"

    def test_the_kam_sees_the_actions_they_may_take_and_not_finances(self, login, world):
        page = text(login("lan").get(url("invoice_detail", world["invoice"].pk)))
        assert 'data-testid="dispute-form"' in page
        assert 'data-testid="credit-form"' not in page
        page = text(login("finance").get(url("invoice_detail", world["invoice"].pk)))
        assert 'data-testid="credit-form"' in page and 'data-testid="cancel-form"' in page


# --- The panels on the client's and the contract's pages ------------------------------------
class TestPanels:
    def test_the_client_page_loads_the_panel_only_for_those_who_see_receivables(
        self, login, sua_viet, sales
    ):
        panel = url("client_panel", sua_viet.pk)
        page = login("lan").get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert page.status_code == 200 and panel in text(page)
        ClientTeamMember.objects.create(client=sua_viet, user=sales, role="sales")
        page = login("sales").get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert page.status_code == 200 and panel not in text(page)

    def test_the_client_panel_says_what_is_owed_and_overdue_since_when(
        self, login, overdue, django_assert_max_num_queries
    ):
        http = login("lan")
        with django_assert_max_num_queries(10):
            panel = http.get(url("client_panel", overdue.client.pk), HTTP_HX_REQUEST="true")
        body = text(panel)
        assert "1.080.000 ₫" in body
        assert "the oldest 15 days past due" in body
        assert url("client_receivables", overdue.client.pk) in body

    def test_the_contract_page_loads_the_invoicing_panel(self, login, sua_viet):
        contract = milestone_contract(sua_viet)
        page = login("lan").get(reverse("delivery:contract_detail", args=[contract.pk]))
        assert url("contract_panel", contract.pk) in text(page)

    def test_the_kam_drafts_a_milestones_invoice_from_the_panel(
        self, login, sua_viet, django_assert_max_num_queries
    ):
        contract = milestone_contract(sua_viet)
        milestone = contract.milestones.order_by("position").first()
        http = login("lan")
        with django_assert_max_num_queries(10):
            panel = http.get(url("contract_panel", contract.pk))
        assert text(panel).count('data-testid="draft-milestone-invoice"') == 3
        response = http.post(url("milestone_invoice", milestone.pk))
        invoice = Invoice.objects.get(milestone=milestone)
        assert response.status_code == 302 and response["Location"] == url(
            "invoice_detail", invoice.pk
        )
        assert invoice.status == "draft" and invoice.total == Decimal(648_000_000)
        panel = text(http.get(url("contract_panel", contract.pk)))
        assert panel.count('data-testid="draft-milestone-invoice"') == 2
        assert url("invoice_detail", invoice.pk) in panel

    def test_a_milestone_is_not_drafted_twice(self, login, sua_viet):
        milestone = milestone_contract(sua_viet).milestones.first()
        http = login("lan")
        http.post(url("milestone_invoice", milestone.pk))
        response = http.post(url("milestone_invoice", milestone.pk), follow=True)
        assert "This milestone is invoiced already." in text(response)
        assert Invoice.objects.filter(milestone=milestone).count() == 1

    def test_a_draft_contract_offers_no_invoice(self, login, sua_viet):
        from tests.delivery.factories import draft_contract

        contract = draft_contract(client=sua_viet)
        panel = text(login("lan").get(url("contract_panel", contract.pk)))
        assert "draft-milestone-invoice" not in panel

    @pytest.mark.parametrize("name", NOBODY)
    def test_others_get_no_panel(self, login, sua_viet, name):
        contract = milestone_contract(sua_viet)
        http = login(name)
        assert http.get(url("client_panel", sua_viet.pk)).status_code == 404
        assert http.get(url("contract_panel", contract.pk)).status_code == 404
        milestone = contract.milestones.first()
        assert http.post(url("milestone_invoice", milestone.pk)).status_code == 404
        assert not Invoice.objects.exists()


# --- The ageing -----------------------------------------------------------------------------
class TestAgeing:
    def test_each_client_by_days_overdue_with_totals_and_dso(self, login, world):
        page = text(login("finance").get(url("ageing")))
        assert "Sữa Việt" in page
        assert 'data-testid="ageing-totals"' in page
        assert "780.000 ₫" in page  # 1-30 days overdue
        assert "2.832.000 ₫" in page  # all open
        assert 'data-testid="dso"' in page

    def test_a_cell_opens_the_invoices_behind_it(self, login, world):
        client = world["client"]
        http = login("lan")
        page = text(http.get(url("ageing") + f"?client={client.pk}&bucket=days_1_30"))
        drill = page.split('data-testid="drill-down"')[1]
        assert str(world["invoice"]) in drill and str(world["second"]) not in drill
        page = text(http.get(url("ageing") + f"?client={client.pk}&bucket=total"))
        drill = page.split('data-testid="drill-down"')[1]
        assert str(world["invoice"]) in drill and str(world["second"]) in drill

    def test_garbage_filters_are_ignored(self, login, world):
        http = login("finance")
        for query in (
            "?client=abc&bucket=x",
            "?owner=-1",
            "?client=99999999999&bucket=total",
            "?page=zz",
        ):
            assert http.get(url("ageing") + query).status_code == 200

    def test_directors_and_finance_narrow_it_to_one_kam(self, login, world, minh, finance):
        theirs = billable_client(owner=minh, legal_name="Công ty TNHH Bia Sài Gòn")
        issued(theirs, by=finance, amount=5_000_000)
        http = login("finance")
        page = text(http.get(url("ageing")))
        assert "Sữa Việt" in page and "Bia Sài Gòn" in page
        page = text(http.get(url("ageing") + f"?owner={minh.pk}"))
        assert "Sữa Việt" not in page and "Bia Sài Gòn" in page
        assert 'data-testid="ageing-filters"' not in text(login("lan").get(url("ageing")))

    @pytest.mark.parametrize("count", [2, 8])
    def test_the_page_in_queries_that_do_not_grow_with_the_clients(
        self, login, finance, lan, count, django_assert_max_num_queries
    ):
        for number in range(count):
            client = billable_client(owner=lan)
            issued(client, by=finance, amount=1_000_000 + number)
        http = login("finance")
        with django_assert_max_num_queries(10):
            response = http.get(url("ageing") + f"?client={client.pk}&bucket=current")
        assert response.status_code == 200
        assert text(response).count('data-testid="row-total"') == count


# --- One client's receivables ---------------------------------------------------------------
class TestClientReceivables:
    def test_the_account_with_balance_invoices_credit_promises_and_statements(self, login, world):
        page = text(login("lan").get(url("client_receivables", world["client"].pk)))
        assert "2.632.000 ₫" in page  # 1.080.000 + 2.160.000 - 108.000 - 500.000
        assert str(world["invoice"]) in page and "15 days overdue" in page
        assert "200.000 ₫" in page  # left of the payment: the client's credit
        assert "Chị Kế Toán" in page
        assert world["statement"].number in page
        assert str(world["note"]) in page
        assert 'data-testid="call-form"' in page and 'data-testid="promise-form"' in page
        assert 'data-testid="record-payment"' not in page  # Finance's

    def test_a_broken_promise_is_flagged(self, login, world):
        PaymentPromise.objects.filter(pk=world["promise"].pk).update(
            promised_on=today() - timedelta(days=20), pay_by=today() - timedelta(days=10)
        )
        page = text(login("lan").get(url("client_receivables", world["client"].pk)))
        assert 'data-testid="broken-promise"' in page

    def test_the_page_in_bounded_queries(self, login, world, django_assert_max_num_queries):
        http = login("lan")
        with django_assert_max_num_queries(22):
            assert http.get(url("client_receivables", world["client"].pk)).status_code == 200

    def test_a_collection_call_with_a_promise(self, login, sua_viet):
        person = sua_viet.stakeholders.get()
        response = login("lan").post(
            url("call_create", sua_viet.pk),
            {
                "summary": "Chị Kế Toán hẹn chuyển khoản thứ Sáu",
                "stakeholder": person.pk,
                "promise_pay_by": (today() + timedelta(days=3)).isoformat(),
                "promise_amount": "1080000",
            },
        )
        assert response.status_code == 302
        promise = PaymentPromise.objects.get()
        assert promise.amount == Decimal(1_080_000) and promise.promised_by == person
        assert sua_viet.interactions.filter(kind="call").count() == 1

    def test_a_call_needs_what_was_said_and_saves_nothing(self, login, sua_viet):
        response = login("lan").post(
            url("call_create", sua_viet.pk),
            {"summary": "", "promise_amount": "1000"},
        )
        assert response.status_code == 422
        assert "Say briefly what happened." in text(response)
        assert not sua_viet.interactions.exists() and not PaymentPromise.objects.exists()

    def test_a_calls_promise_in_the_past_is_refused_beside_its_date(self, login, sua_viet):
        response = login("lan").post(
            url("call_create", sua_viet.pk),
            {
                "summary": "Hẹn trả",
                "stakeholder": sua_viet.stakeholders.get().pk,
                "promise_pay_by": (today() - timedelta(days=1)).isoformat(),
                "promise_amount": "1000",
            },
        )
        assert response.status_code == 422
        assert 'id="id_promise_pay_by_error"' in text(response)
        assert not sua_viet.interactions.exists()

    def test_a_promise_to_pay(self, login, world):
        client = world["client"]
        response = login("lan").post(
            url("promise_create", client.pk),
            {
                "pay_by": (today() + timedelta(days=10)).isoformat(),
                "amount": "780000",
                "promised_by_name": "Anh Hùng",
                "invoice": world["invoice"].pk,
            },
        )
        assert response.status_code == 302
        assert PaymentPromise.objects.filter(
            promised_by_name="Anh Hùng", invoice=world["invoice"]
        ).exists()

    @pytest.mark.parametrize(
        "changes, message",
        [
            ({"amount": "1000.5"}, "Give an amount in whole dong."),
            ({"promised_by_name": ""}, "Say who promised."),
            ({"pay_by": "2000-01-01"}, "The date to pay by is today or later."),
        ],
    )
    def test_a_bad_promise_is_refused_and_saves_nothing(self, login, sua_viet, changes, message):
        data = {
            "pay_by": (today() + timedelta(days=10)).isoformat(),
            "amount": "780000",
            "promised_by_name": "Anh Hùng",
            **changes,
        }
        response = login("lan").post(url("promise_create", sua_viet.pk), data)
        assert response.status_code == 422 and message in text(response)
        assert not PaymentPromise.objects.exists()


# --- Invoices -------------------------------------------------------------------------------
def invoice_data(*lines, **terms) -> dict:
    """The invoice form as posted: its terms and the rows given (the rest left empty)."""
    rows = list(lines) or [
        {"description": "Phí quản lý fanpage tháng 11", "unit_price": "10000000"}
    ]
    data = {
        "payment_terms_days": "30",
        "currency": "VND",
        "exchange_rate": "",
        "note": "",
        "lines-TOTAL_FORMS": str(len(rows) + 1),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        **terms,
    }
    for index, row in enumerate([*rows, {}]):
        values = {
            "description": "",
            "unit": "",
            "quantity": "1",
            "unit_price": "",
            "vat_code": "10",
        }
        values.update(row)
        for name, value in values.items():
            data[f"lines-{index}-{name}"] = value
    return data


class TestDraftingInvoices:
    def test_the_kam_drafts_an_invoice_with_its_lines(self, login, sua_viet):
        response = login("lan").post(
            url("invoice_create") + f"?client={sua_viet.pk}",
            invoice_data(
                {
                    "description": "Phí quản lý fanpage",
                    "unit": "tháng",
                    "quantity": "2",
                    "unit_price": "10000000",
                    "vat_code": "8",
                },
                {"description": "Chi phí quảng cáo", "unit_price": "5000000", "vat_code": "10"},
            ),
        )
        invoice = Invoice.objects.get()
        assert response.status_code == 302 and response["Location"] == url(
            "invoice_detail", invoice.pk
        )
        assert invoice.status == "draft" and invoice.client == sua_viet
        assert invoice.lines.count() == 2
        assert invoice.total == Decimal(20_000_000 + 1_600_000 + 5_000_000 + 500_000)

    def test_the_vat_codes_offered_are_those_with_a_rate_today(self, login, sua_viet):
        page = text(login("lan").get(url("invoice_create") + f"?client={sua_viet.pk}"))
        assert '<option value="8"' in page and '<option value="exempt"' in page

    @pytest.mark.parametrize(
        "lines, terms, message",
        [
            ([{"description": "Phí", "unit_price": "1000.5"}], {}, "Give an amount in whole dong."),
            ([{"description": "", "unit_price": "1000"}], {}, "Each line needs its description."),
            (
                [{"description": "Phí", "unit_price": "1000", "quantity": "0"}],
                {},
                "Quantity must be above 0.",
            ),
            (
                [{"description": "Phí", "unit_price": "1000", "vat_code": "7"}],
                {},
                "Select a valid choice.",
            ),
            ([{"description": "Phí", "unit_price": "abc"}], {}, "Enter a number."),
            ([], {"currency": "USD"}, "needs its exchange rate to VND"),
            ([], {"payment_terms_days": "400"}, "Payment terms are from 0 to 365 days."),
        ],
    )
    def test_bad_input_is_refused_beside_it_and_saves_nothing(
        self, login, sua_viet, lines, terms, message
    ):
        response = login("lan").post(
            url("invoice_create") + f"?client={sua_viet.pk}", invoice_data(*lines, **terms)
        )
        assert response.status_code == 422
        assert message in text(response)
        assert not Invoice.objects.exists()

    def test_an_invoice_of_no_lines_is_refused(self, login, sua_viet):
        data = invoice_data()
        data["lines-0-description"] = data["lines-0-unit_price"] = ""
        response = login("lan").post(url("invoice_create") + f"?client={sua_viet.pk}", data)
        assert response.status_code == 422
        assert "An invoice needs at least one line." in text(response)

    def test_an_invoice_in_dollars_keeps_its_rate(self, login, sua_viet):
        login("lan").post(
            url("invoice_create") + f"?client={sua_viet.pk}",
            invoice_data(
                {"description": "Media fee", "unit_price": "1000.50", "vat_code": "10"},
                currency="USD",
                exchange_rate="25430.5",
            ),
        )
        invoice = Invoice.objects.get()
        assert invoice.currency == "USD" and invoice.exchange_rate == Decimal("25430.5")
        assert invoice.total == Decimal("1100.55")

    def test_without_a_client_the_form_sends_you_to_the_clients_page(self, login):
        response = login("lan").get(url("invoice_create"))
        assert response.status_code == 302 and response["Location"] == url("invoice_list")

    def test_a_draft_is_changed(self, login, sua_viet, lan):
        invoice = draft(sua_viet, by=lan, amount=1_000_000)
        http = login("lan")
        form = text(http.get(url("invoice_edit", invoice.pk)))
        assert "Phí dịch vụ truyền thông" in form
        data = invoice_data(
            {"description": "Phí sửa lại", "unit_price": "2000000", "vat_code": "8"}
        )
        data["lines-INITIAL_FORMS"] = "1"
        response = http.post(url("invoice_edit", invoice.pk), data)
        assert response.status_code == 302
        invoice.refresh_from_db()
        assert list(invoice.lines.values_list("description", flat=True)) == ["Phí sửa lại"]
        assert invoice.total == Decimal(2_160_000)

    def test_an_issued_invoice_is_not_edited_or_deleted(self, login, overdue):
        http = login("finance")
        response = http.get(url("invoice_edit", overdue.pk))
        assert response.status_code == 302 and response["Location"] == url(
            "invoice_detail", overdue.pk
        )
        response = http.post(url("invoice_edit", overdue.pk), invoice_data())
        assert response.status_code == 422 and "issue a credit note" in text(response)
        response = http.post(url("invoice_delete", overdue.pk), follow=True)
        assert "issue a credit note" in text(response)
        assert Invoice.objects.filter(pk=overdue.pk, status="issued").exists()

    def test_a_draft_is_deleted(self, login, sua_viet, lan):
        invoice = draft(sua_viet, by=lan)
        response = login("lan").post(url("invoice_delete", invoice.pk))
        assert response.status_code == 302 and response["Location"] == url(
            "client_receivables", sua_viet.pk
        )
        assert not Invoice.objects.exists()


class TestIssuedInvoices:
    def test_finance_issues_a_draft(self, login, sua_viet, lan):
        invoice = draft(sua_viet, by=lan)
        response = login("finance").post(url("invoice_issue", invoice.pk), {"issue-issued_on": ""})
        assert response.status_code == 302
        invoice.refresh_from_db()
        assert invoice.status == "issued" and invoice.number == 1 and invoice.issued_on == today()

    def test_an_issue_date_in_the_future_is_refused_beside_it(self, login, sua_viet, lan):
        invoice = draft(sua_viet, by=lan)
        tomorrow = (today() + timedelta(days=1)).isoformat()
        response = login("finance").post(
            url("invoice_issue", invoice.pk), {"issue-issued_on": tomorrow}
        )
        assert response.status_code == 422
        assert 'id="id_issue-issued_on_error"' in text(response)
        assert "This date cannot be in the future." in text(response)
        assert Invoice.objects.get(pk=invoice.pk).status == "draft"

    def test_a_credit_note(self, login, overdue):
        response = login("finance").post(
            url("invoice_credit", overdue.pk),
            {"credit-amount": "108000", "credit-reason": "Giảm 10% theo thỏa thuận"},
        )
        assert response.status_code == 302
        note = CreditNote.objects.get()
        assert note.total_vnd == Decimal(108_000) and note.invoice == overdue
        overdue.refresh_from_db()
        assert overdue.settled_amount == Decimal(108_000)

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"credit-amount": "108000", "credit-reason": ""}, "Say why."),
            ({"credit-amount": "1000.5", "credit-reason": "x"}, "Give an amount in whole dong."),
            ({"credit-amount": "99000000", "credit-reason": "x"}, "At most what is still open"),
        ],
    )
    def test_a_bad_credit_note_is_refused_and_issues_nothing(self, login, overdue, data, message):
        response = login("finance").post(url("invoice_credit", overdue.pk), data)
        assert response.status_code == 422 and message in text(response)
        assert not CreditNote.objects.exists()

    def test_cancelling_needs_a_reason(self, login, overdue):
        http = login("finance")
        response = http.post(url("invoice_cancel", overdue.pk), {"cancel-reason": ""})
        assert response.status_code == 422 and "Say why." in text(response)
        response = http.post(url("invoice_cancel", overdue.pk), {"cancel-reason": "Sai thông tin"})
        assert response.status_code == 302
        assert Invoice.objects.get(pk=overdue.pk).status == "cancelled"
        assert CreditNote.objects.get().cancels_invoice

    def test_a_paid_invoice_is_not_cancelled_and_says_why(self, login, world):
        response = login("finance").post(
            url("invoice_cancel", world["invoice"].pk), {"cancel-reason": "Sai"}
        )
        assert response.status_code == 422
        assert "take its payments off first" in text(response)

    def test_replacing_opens_the_new_draft(self, login, overdue):
        response = login("finance").post(
            url("invoice_replace", overdue.pk), {"replace-reason": "Sai mã số thuế"}
        )
        replacement = Invoice.objects.get(replaces=overdue)
        assert response.status_code == 302
        assert response["Location"] == url("invoice_detail", replacement.pk)
        assert replacement.status == "draft" and replacement.total == overdue.total
        page = text(login("finance").get(url("invoice_detail", overdue.pk)))
        assert 'data-testid="replacement"' in page

    def test_the_kam_marks_a_dispute_and_settles_it(self, login, overdue):
        http = login("lan")
        response = http.post(url("invoice_dispute", overdue.pk), {"dispute-note": ""})
        assert response.status_code == 422 and "Say what the client disputes." in text(response)
        response = http.post(url("invoice_dispute", overdue.pk), {"dispute-note": "Sai số lượng"})
        assert response.status_code == 302
        page = text(http.get(url("invoice_detail", overdue.pk)))
        assert "Sai số lượng" in page and 'data-testid="settle-dispute"' in page
        http.post(url("invoice_dispute_settle", overdue.pk))
        assert not Invoice.objects.get(pk=overdue.pk).disputed

    def test_the_pdf_is_a_private_download(self, login, overdue):
        response = login("lan").get(url("invoice_pdf", overdue.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "1C" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"%PDF")

    def test_a_credit_notes_page(self, login, world):
        page = text(login("lan").get(url("credit_note_detail", world["note"].pk)))
        assert "Giảm giá" in page and str(world["second"]) in page


class TestInvoiceList:
    def test_filters_by_status_state_and_client(self, login, world, minh, finance):
        theirs = billable_client(owner=minh, legal_name="Công ty TNHH Bia Sài Gòn")
        issued(theirs, by=finance)
        http = login("finance")
        page = text(http.get(url("invoice_list") + "?status=draft"))
        assert "Draft invoice" in page and str(world["invoice"]) not in page
        page = text(http.get(url("invoice_list") + "?state=overdue"))
        assert str(world["invoice"]) in page and str(world["second"]) not in page
        page = text(http.get(url("invoice_list") + f"?client={world['client'].pk}"))
        assert "Bia Sài Gòn" not in page and 'data-testid="new-invoice"' in page

    def test_htmx_gets_the_rows_only(self, login, world):
        response = login("lan").get(url("invoice_list") + "?state=open", HTTP_HX_REQUEST="true")
        assert "<html" not in text(response) and 'data-testid="invoice-table"' in text(response)
        assert "HX-Request" in response["Vary"]

    @pytest.mark.parametrize("count", [2, 8])
    def test_in_queries_that_do_not_grow_with_the_rows(
        self, login, sua_viet, finance, count, django_assert_max_num_queries
    ):
        for _number in range(count):
            issued(sua_viet, by=finance)
        http = login("finance")
        with django_assert_max_num_queries(6):
            response = http.get(url("invoice_list") + "?state=open")
        assert text(response).count('data-testid="invoice-status"') == count


# --- Payments -------------------------------------------------------------------------------
def payment_data(**changes) -> dict:
    return {
        "amount": "1080000",
        "received_on": today().isoformat(),
        "method": "bank",
        "bank_reference": "VCB 123456",
        "payer": "Công ty CP Sữa Việt",
        "note": "",
        "allocate_oldest_first": "on",
        "idempotency_key": "page-test-1",
        **changes,
    }


class TestPayments:
    def test_finance_records_a_payment_allocated_oldest_first(self, login, overdue):
        response = login("finance").post(
            url("payment_create") + f"?client={overdue.client.pk}", payment_data()
        )
        payment = Payment.objects.get()
        assert response.status_code == 302 and response["Location"] == url(
            "payment_detail", payment.pk
        )
        assert payment.allocated_amount == Decimal(1_080_000)
        overdue.refresh_from_db()
        assert overdue.settled_on == today()

    def test_the_form_sent_twice_records_one_payment(self, login, overdue):
        http = login("finance")
        create = url("payment_create") + f"?client={overdue.client.pk}"
        form = text(http.get(create))
        assert 'name="idempotency_key"' in form
        http.post(create, payment_data())
        response = http.post(create, payment_data(), follow=True)
        assert "This payment was recorded already." in text(response)
        assert Payment.objects.count() == 1

    def test_the_same_form_changed_after_recording_says_so_and_records_nothing(
        self, login, overdue
    ):
        http = login("finance")
        create = url("payment_create") + f"?client={overdue.client.pk}"
        http.post(create, payment_data())
        response = http.post(create, payment_data(amount="2000"))
        assert response.status_code == 422
        assert "This form was recorded already with other figures" in text(response)
        assert Payment.objects.count() == 1

    @pytest.mark.parametrize(
        "changes, message",
        [
            ({"amount": "1000.5"}, "Give an amount in whole dong."),
            ({"amount": ""}, "Give an amount in whole dong."),
            ({"amount": "-5"}, "The amount must be above 0."),
            ({"received_on": "2999-01-01"}, "This date cannot be in the future."),
            ({"method": "bitcoin"}, "Select a valid choice."),
        ],
    )
    def test_a_bad_payment_is_refused_beside_the_field(self, login, overdue, changes, message):
        response = login("finance").post(
            url("payment_create") + f"?client={overdue.client.pk}", payment_data(**changes)
        )
        assert response.status_code == 422 and message in text(response)
        assert not Payment.objects.exists()

    def test_the_suggestion_is_prefilled_and_allocated_as_changed(self, login, world):
        payment = world["payment"]
        http = login("finance")
        page = text(http.get(url("payment_detail", payment.pk)))
        field = f'name="invoice_{world["invoice"].pk}"'
        assert field in page and 'value="200000"' in page  # what is left, to the oldest
        response = http.post(
            url("payment_allocate", payment.pk),
            {f"invoice_{world['invoice'].pk}": "50000", f"invoice_{world['second'].pk}": "150000"},
        )
        assert response.status_code == 302
        payment.refresh_from_db()
        assert payment.allocated_amount == Decimal(500_000)
        assert Allocation.objects.get(invoice=world["second"]).amount == Decimal(150_000)

    @pytest.mark.parametrize(
        "amounts, message",
        [
            ({"invoice": "150000", "second": "150000"}, "Only 200.000 ₫ of this payment is left"),
            ({"invoice": "100.5"}, "Give an amount in whole dong."),
            ({}, "Choose the invoices this payment settles."),
            ({"invoice": "abc"}, "Enter a number."),
        ],
    )
    def test_a_bad_allocation_is_refused_and_allocates_nothing(
        self, login, world, amounts, message
    ):
        data = {f"invoice_{world[key].pk}": value for key, value in amounts.items()}
        response = login("finance").post(url("payment_allocate", world["payment"].pk), data)
        assert response.status_code == 422 and message in text(response)
        assert Payment.objects.get(pk=world["payment"].pk).allocated_amount == Decimal(300_000)

    def test_oldest_first_in_one_click_and_an_allocation_taken_off(self, login, world):
        payment = world["payment"]
        http = login("finance")
        http.post(url("payment_allocate_oldest", payment.pk))
        payment.refresh_from_db()
        assert payment.allocated_amount == payment.amount
        # The rest went to the oldest invoice too: its one allocation is now the whole payment.
        assert Allocation.objects.get(pk=world["allocation"].pk).amount == payment.amount
        response = http.post(url("allocation_remove", world["allocation"].pk))
        assert response.status_code == 302
        assert not Allocation.objects.filter(pk=world["allocation"].pk).exists()
        payment.refresh_from_db()
        assert payment.allocated_amount == 0

    def test_nothing_left_to_allocate_says_so(self, login, world):
        http = login("finance")
        payment = world["payment"]
        http.post(url("payment_allocate_oldest", payment.pk))
        response = http.post(url("payment_allocate_oldest", payment.pk), follow=True)
        assert "Nothing to allocate" in text(response)

    @pytest.mark.parametrize("count", [2, 8])
    def test_the_list_in_queries_that_do_not_grow_with_the_rows(
        self, login, sua_viet, finance, count, django_assert_max_num_queries
    ):
        for number in range(count):
            paid(sua_viet, 1_000 + number, by=finance)
        http = login("finance")
        with django_assert_max_num_queries(6):
            response = http.get(url("payment_list") + "?state=unallocated")
        assert text(response).count(url("payment_detail", 0)[:-2]) >= count

    def test_the_payment_page_in_bounded_queries(self, login, world, django_assert_max_num_queries):
        http = login("finance")
        with django_assert_max_num_queries(14):
            assert http.get(url("payment_detail", world["payment"].pk)).status_code == 200


# --- Statements -----------------------------------------------------------------------------
class TestStatements:
    def test_a_statement_of_the_previous_month_by_default(self, login, overdue):
        http = login("lan")
        create = url("statement_create") + f"?client={overdue.client.pk}"
        start, end = previous_month()
        form = text(http.get(create))
        assert start.isoformat() in form and end.isoformat() in form
        response = http.post(
            create, {"period_start": start.isoformat(), "period_end": end.isoformat()}
        )
        statement = Statement.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("statement_detail", statement.pk)
        assert statement.closing_balance == Decimal(1_080_000)

    @pytest.mark.parametrize(
        "period, message",
        [
            (("2026-02-01", "2026-01-01"), "The end date is before the start date."),
            (("2026-01-01", "2999-01-01"), "A statement covers days that have passed."),
            (("", ""), "This field is required."),
        ],
    )
    def test_a_bad_period_is_refused_and_makes_nothing(self, login, sua_viet, period, message):
        response = login("lan").post(
            url("statement_create") + f"?client={sua_viet.pk}",
            {"period_start": period[0], "period_end": period[1]},
        )
        assert response.status_code == 422 and message in text(response)
        assert not Statement.objects.exists()

    def test_sending_it_to_the_accountant(self, login, world, django_capture_on_commit_callbacks):
        statement = world["statement"]
        person = world["client"].stakeholders.get()
        with django_capture_on_commit_callbacks(execute=True):
            response = login("lan").post(
                url("statement_send", statement.pk), {"recipient": person.pk}
            )
        assert response.status_code == 302
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [person.email]
        page = text(login("lan").get(url("statement_detail", statement.pk)))
        assert 'data-testid="link-expiry"' in page and "Send it again" in page

    def test_a_recipient_without_an_email_is_refused(self, login, world):
        from tests.clients.factories import StakeholderFactory

        nobody = StakeholderFactory(client=world["client"], email="")
        response = login("lan").post(
            url("statement_send", world["statement"].pk), {"recipient": nobody.pk}
        )
        assert response.status_code == 422 and "Select a valid choice." in text(response)
        assert not mail.outbox

    def test_a_draft_is_deleted(self, login, world):
        response = login("lan").post(url("statement_delete", world["statement"].pk))
        assert response.status_code == 302
        assert not Statement.objects.exists()

    def test_the_pdf_and_the_workbook(self, login, world):
        http = login("finance")
        pdf = http.get(url("statement_pdf", world["statement"].pk))
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert pdf["Cache-Control"] == "private, no-store"
        xlsx = http.get(url("statement_xlsx", world["statement"].pk))
        assert xlsx["Content-Disposition"].startswith("attachment;")
        assert xlsx.content.startswith(b"PK")

    @pytest.mark.parametrize("count", [2, 6])
    def test_the_list_in_queries_that_do_not_grow_with_the_rows(
        self, login, sua_viet, lan, count, django_assert_max_num_queries
    ):
        for months in range(count):
            end = today().replace(day=1) - timedelta(days=1 + 31 * months)
            services.make_statement(
                by=lan, client=sua_viet, period_start=end.replace(day=1), period_end=end
            )
        http = login("lan")
        with django_assert_max_num_queries(6):
            response = http.get(url("statement_list"))
        assert text(response).count("BBDC-") == count


# --- The client accountant's page behind the link -------------------------------------------
@pytest.fixture
def sent(world, lan):
    """The world's statement, sent to the client's accountant."""
    return services.send_statement(by=lan, statement=world["statement"])


def public(statement: Statement, lang: str = "") -> str:
    path = url("statement_public", statement_token(statement))
    return f"{path}?lang={lang}" if lang else path


class TestThePublicLink:
    def test_the_statement_in_vietnamese_with_the_form_and_private_headers(self, client, sent):
        response = client.get(public(sent))
        assert response.status_code == 200
        page = text(response)
        assert '<html lang="vi">' in page and sent.number in page
        assert "csrfmiddlewaretoken" in page and 'value="confirm"' in page
        assert response["X-Robots-Tag"] == "noindex"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Language"] == "vi"
        assert "Sign out" not in page

    def test_english_when_asked(self, client, sent):
        response = client.get(public(sent, "en"))
        assert '<html lang="en">' in text(response) and "Your answer" in text(response)
        assert response["Content-Language"] == "en"

    def test_a_signed_in_kam_sees_it_in_the_clients_language_without_the_menu(self, login, sent):
        page = text(login("lan").get(public(sent)))
        assert '<html lang="vi">' in page and "Sign out" not in page

    def test_confirming_then_a_second_answer_is_refused(self, client, sent):
        response = client.post(
            public(sent, "en"), {"name": "Nguyễn Thị Kế Toán", "comment": "", "answer": "confirm"}
        )
        assert response.status_code == 302 and response["Location"] == public(sent, "en")
        sent.refresh_from_db()
        assert sent.status == "confirmed" and sent.answered_by_name == "Nguyễn Thị Kế Toán"
        page = text(client.get(public(sent, "en")))
        assert 'data-testid="answered"' in page and 'data-testid="answer-form"' not in page
        again = client.post(
            public(sent, "en"), {"name": "Ai đó", "answer": "dispute", "comment": "x"}
        )
        assert again.status_code == 403
        assert "This statement is answered already." in text(again)
        sent.refresh_from_db()
        assert sent.status == "confirmed"

    def test_a_dispute_needs_what_differs(self, client, sent):
        response = client.post(
            public(sent, "en"), {"name": "Kế Toán", "comment": "", "answer": "dispute"}
        )
        assert response.status_code == 422
        assert "Say what differs from your books." in text(response)
        assert Statement.objects.get(pk=sent.pk).status == "sent"
        response = client.post(
            public(sent, "en"),
            {"name": "Kế Toán", "comment": "Thiếu khoản thanh toán 15/10", "answer": "dispute"},
        )
        assert response.status_code == 302
        assert Statement.objects.get(pk=sent.pk).status == "disputed"

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"name": "", "answer": "confirm"}, "Give your name."),
            ({"name": "Kế Toán", "answer": "maybe"}, "Choose Confirm or Dispute."),
        ],
    )
    def test_a_bad_answer_is_refused_beside_it(self, client, sent, data, message):
        response = client.post(public(sent, "en"), data)
        assert response.status_code == 422 and message in text(response)
        assert Statement.objects.get(pk=sent.pk).status == "sent"

    def test_the_kam_settles_the_dispute_afterwards(self, client, login, sent):
        client.post(public(sent), {"name": "Kế Toán", "comment": "Sai", "answer": "dispute"})
        http = login("lan")
        page = text(http.get(url("statement_detail", sent.pk)))
        assert 'data-testid="settle-statement"' in page and "Sai" in page
        http.post(url("statement_settle", sent.pk))
        assert Statement.objects.get(pk=sent.pk).dispute_resolved_at is not None

    def test_an_expired_link_is_refused_with_a_friendly_page(self, client, sent):
        Statement.objects.filter(pk=sent.pk).update(
            link_expires_at=timezone.now() - timedelta(seconds=1)
        )
        response = client.get(public(sent, "en"))
        assert response.status_code == 403
        assert 'data-testid="link-refused"' in text(response)
        assert "Ask the agency for a new one." in text(response)
        assert (
            response["X-Robots-Tag"] == "noindex"
            and response["Cache-Control"] == "private, no-store"
        )

    def test_a_link_replaced_by_a_later_sending_is_refused(self, client, sent, lan):
        old = public(sent)
        services.send_statement(by=lan, statement=sent)
        assert client.get(old).status_code == 403
        assert client.post(old, {"name": "x", "answer": "confirm"}).status_code == 403
        assert Statement.objects.get(pk=sent.pk).status == "sent"

    @pytest.mark.parametrize(
        "token",
        ["x", ".", "a:b:c", "eyJzIjoxfQ:1abc:zzz", "%E2%9C%93", "0" * 2000, "..:::..", "Zm9v.YmFy"],
    )
    def test_a_garbage_or_tampered_token_is_a_403_never_an_error(self, client, sent, token):
        for path in (f"/s/{token}/", public(sent)[:-3] + "xx/"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert 'data-testid="link-refused"' in text(response)
        assert client.post(f"/s/{token}/", {"name": "x", "answer": "confirm"}).status_code == 403

    def test_a_draft_statement_has_no_working_link(self, client, world):
        assert client.get(public(world["statement"])).status_code == 403

    def test_csrf_applies_to_the_answer(self, sent):
        strict = HttpClient(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        response = strict.post(public(sent), {"name": "Kế Toán", "answer": "confirm"})
        assert response.status_code == 403
        assert Statement.objects.get(pk=sent.pk).status == "sent"

    def test_the_page_in_bounded_queries(self, client, sent, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):
            assert client.get(public(sent)).status_code == 200


def test_the_receivables_pages_are_in_the_money_menu_for_those_who_see_them(finance, sales):
    def money_menu(user) -> list[str]:
        user.language = "en"
        user.save(update_fields=["language"])
        browser = HttpClient()
        browser.force_login(user)
        items = browser.get("/").context["nav_items"]
        return [
            str(entry["label"])
            for item in items
            if str(item["label"]) == "Money"
            for entry in item.get("children", [])
        ]

    assert money_menu(finance)[-4:] == ["Receivables", "Invoices", "Payments", "Statements"]
    assert money_menu(sales) == []

"""The budget pages: the list (states, margins, filters), the panel on the project's page and
setting a budget up, the budget's page and the Director's floor, recording and cancelling
costs (the margin reason asked only when the guard says so), ordering a booking, re-baselines,
the margin approvals, the money panel of a change and the client's approval moved here, the
cost of a client's request, the week of hours, the books and profitability. On each: the
access policy (owner, teammate, outsider, department member, Sales, Planner: 404) and
bounded queries that do not grow with the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kam.budgets import queries, services
from kam.budgets.models import Baseline, Cost, MarginApproval, TimeEntry
from kam.clients import services as clients
from kam.clients.models import ClientTeamMember
from kam.delivery import services as delivery
from kam.delivery.models import ChangeRequest, Project, Task
from kam.pitching.models import CreativeBrief
from tests.budgets.factories import bill, budgeted_project, estimated_project, line_of, order
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import running_project, task
from tests.people.factories import UserFactory
from tests.pitching.factories import department

pytestmark = pytest.mark.django_db
NOBODY = ["minh", "creative", "sales", "planner"]


def today():
    return timezone.localdate()


def url(name: str, *args) -> str:
    return reverse(f"budgets:{name}", args=args)


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
    return ClientFactory(owner=lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def budget(sua_viet):
    return budgeted_project(client=sua_viet)


def planned_by(project, planner) -> None:
    """The Planner of the brief behind the project: they see the project, never its money."""
    CreativeBrief.objects.create(
        brief=project.brief, planner=planner, problem="Tết", assigned_by=project.client.owner
    )


def on_account_team(client, user, role: str = "kam") -> None:
    ClientTeamMember.objects.create(client=client, user=user, role=role)


def change_request(project, *, cost: int, price: int, paid_by: str = "client") -> ChangeRequest:
    kam = project.client.owner
    change = delivery.create_change_request(
        by=kam,
        project=project,
        requested_by=StakeholderFactory(client=project.client),
        title="Thêm một bản TVC 15 giây",
        description="Cắt thêm bản 15 giây cho TikTok",
        days_effect=7,
        paid_by=paid_by,
    )
    delivery.add_change_line(
        by=kam,
        change=change,
        effect="add",
        kind="production",
        description="Bản cắt 15 giây",
        quantity=Decimal(1),
        unit_cost_amount=Decimal(cost),
        unit_price_amount=Decimal(price),
    )
    return change


def cost_form(budget, **changes) -> dict:
    return {
        "kind": "bill",
        "line": line_of(budget, "production").pk,
        "supplier": "Công ty Sản xuất Phim Sao Mai",
        "description": "Quay TVC ngày 1",
        "reference": "HĐ 0012",
        "amount": "100000000",
        "incurred_on": today().isoformat(),
        **changes,
    }


# --- Navigation -----------------------------------------------------------------------------
class TestNavigation:
    def nav(self, http) -> str:
        """The bar's labels, those inside its menus included."""
        items = http.get("/").context["nav_items"]
        return " ".join(
            str(entry["label"]) for item in items for entry in [item, *item.get("children", [])]
        )

    def test_the_money_pages_share_one_menu(self, login):
        items = login("director").get("/").context["nav_items"]
        money = next(item for item in items if str(item["label"]) == "Money")
        # Budgets' pages open the menu; later apps' money pages (receivables) follow them.
        assert [str(entry["label"]) for entry in money["children"]][:3] == [
            "Budgets",
            "Margin approvals",
            "Profitability",
        ]

    def test_kams_see_budgets_and_profitability_a_department_member_only_their_time(self, login):
        kam = self.nav(login("lan"))
        assert "Budgets" in kam and "Profitability" in kam and "My time" in kam
        assert "Books" not in kam
        member = self.nav(login("creative"))
        assert "My time" in member
        assert "Budgets" not in member and "Profitability" not in member

    def test_finance_keeps_the_books(self, login):
        assert "Books" in self.nav(login("finance"))


# --- The list -------------------------------------------------------------------------------
class TestTheList:
    @pytest.mark.parametrize("count", [2, 7])
    def test_each_budget_with_its_margins_and_state_in_bounded_queries(
        self, login, sua_viet, count, django_assert_max_num_queries
    ):
        budgets = [budgeted_project(client=sua_viet) for _ in range(count)]
        bill(budgets[0], 450_000_000)  # production 90%: near
        bill(budgets[1], 510_000_000, margin_reason="Quay lại")  # over the line
        http = login("lan")
        with django_assert_max_num_queries(6):
            page = http.get(url("budget_list"))
        assert page.status_code == 200
        rows = page.context["rows"]
        assert len(rows) == count
        assert [row.state for row in rows[:2]] == ["over", "near"]
        assert all(row.state == "under" for row in rows[2:])
        assert rows[0].budget.used_amount == Decimal(510_000_000)
        assert rows[-1].margins.planned_percent == Decimal("33.3")
        assert "800.000.000 ₫" in text(page)

    def test_the_list_agrees_with_the_budgets_page(self, login, budget):
        placed = order(budget, 150_000_000)
        bill(budget, 100_000_000, kind="kol", order=placed)
        bill(budget, 10_000_000, kind=None, description="Taxi")
        row = login("lan").get(url("budget_list")).context["rows"][0]
        figures = queries.figures_of(budget)
        assert row.budget.forecast_cost_amount == figures.margins.forecast_cost
        assert row.budget.used_amount == figures.total.used
        assert row.margins.forecast == figures.margins.forecast

    def test_the_state_filter_and_the_search_by_project(self, login, sua_viet):
        near = budgeted_project(client=sua_viet)
        bill(near, 420_000_000)
        calm = budgeted_project(client=sua_viet)
        calm.project.title = "Ra mắt sữa hạt"
        calm.project.save()
        http = login("lan")
        assert [
            r.budget for r in http.get(url("budget_list"), {"state": "near"}).context["rows"]
        ] == [near]
        found = http.get(url("budget_list"), {"q": "sua hat"}).context["rows"]
        assert [r.budget for r in found] == [calm]
        assert http.get(url("budget_list"), {"state": "nonsense"}).status_code == 200

    def test_open_projects_budgets_by_default_and_closed_ones_on_asking(self, login, sua_viet):
        live, delivered, cancelled = (budgeted_project(client=sua_viet) for _ in range(3))
        Project.objects.filter(pk=delivered.project_id).update(status=Project.Status.DELIVERED)
        Project.objects.filter(pk=cancelled.project_id).update(status=Project.Status.CANCELLED)
        http = login("lan")

        def listed(**filters) -> set:
            return {r.budget for r in http.get(url("budget_list"), filters).context["rows"]}

        assert listed() == listed(projects="open") == listed(projects="nonsense") == {live}
        assert listed(projects="closed") == {delivered, cancelled}
        assert listed(projects="all") == {live, delivered, cancelled}

    def test_an_outsider_sees_none_and_those_who_never_see_money_get_404(self, login, budget):
        assert list(login("minh").get(url("budget_list")).context["rows"]) == []
        for name in ["creative", "sales", "planner"]:
            assert login(name).get(url("budget_list")).status_code == 404


# --- The project's panel and setting up -----------------------------------------------------
class TestTheProjectPanel:
    def test_the_project_page_loads_the_panel_only_for_those_who_see_money(
        self, login, budget, sua_viet, everyone
    ):
        panel = url("project_panel", budget.project.pk)
        page = login("lan").get(reverse("delivery:project_detail", args=[budget.project.pk]))
        assert panel in text(page)
        # A Planner of the brief sees the project, never its money.
        planned_by(budget.project, everyone["planner"])
        page = login("planner").get(reverse("delivery:project_detail", args=[budget.project.pk]))
        assert page.status_code == 200 and panel not in text(page)

    def test_the_summary_warnings_and_a_link_to_the_budget(
        self, login, budget, django_assert_max_num_queries
    ):
        bill(budget, 420_000_000)
        http = login("lan")
        with django_assert_max_num_queries(12):
            panel = http.get(url("project_panel", budget.project.pk), HTTP_HX_REQUEST="true")
        assert panel.status_code == 200
        body = text(panel)
        assert url("budget_detail", budget.pk) in body
        assert "800.000.000 ₫" in body and "80% used" in body
        assert "Set up the budget" not in body

    def test_without_a_budget_the_kam_sets_it_up_from_the_panel(self, login, sua_viet):
        project = estimated_project(client=sua_viet)
        http = login("lan")
        panel = http.get(url("project_panel", project.pk))
        assert "Set up the budget" in text(panel)
        assert "Set up the budget" not in text(
            login("finance").get(url("project_panel", project.pk))
        )
        response = login("lan").post(url("budget_create", project.pk))
        budget = project.budget
        assert response["Location"] == url("budget_detail", budget.pk)
        assert budget.lines.count() == 3

    def test_a_second_set_up_is_refused_with_a_message(self, login, budget):
        response = login("lan").post(url("budget_create", budget.project.pk), follow=True)
        assert "has its budget already" in text(response)

    @pytest.mark.parametrize("name", [*NOBODY, "hoa"])
    def test_anyone_else_gets_404(self, login, budget, name):
        http = login(name)
        assert http.get(url("project_panel", budget.project.pk)).status_code == 404
        assert http.post(url("budget_create", budget.project.pk)).status_code == 404


# --- The budget's page ----------------------------------------------------------------------
class TestTheBudgetPage:
    @pytest.mark.parametrize("count", [1, 8])
    def test_lines_totals_margins_burn_costs_and_history_in_bounded_queries(
        self, login, budget, creative, count, django_assert_max_num_queries
    ):
        for n in range(count):
            bill(budget, 10_000_000, description=f"Hoá đơn {n}", supplier=f"Nhà cung cấp {n}")
        order(budget, 50_000_000)
        work = task(budget.project, assignee=creative)
        services.enter_time(by=creative, task=work, worked_on=today(), hours=Decimal(3))
        delivery.confirm_booking(
            by=budget.project.client.owner,
            booking=delivery.add_booking(
                by=budget.project.client.owner,
                project=budget.project,
                kind="kol",
                name="Sơn Tùng",
                fee_amount=Decimal(80_000_000),
                starts_on=today() + timedelta(days=3),
                ends_on=today() + timedelta(days=3),
            ),
        )
        http = login("lan")
        with django_assert_max_num_queries(26):
            page = http.get(url("budget_detail", budget.pk))
        assert page.status_code == 200
        body = text(page)
        assert len(page.context["costs"]) == count + 1
        assert page.context["figures"].total.actual == Decimal(10_000_000 * count)
        assert 'data-testid="burn-chart"' in body and "<polyline" in body
        assert "Sơn Tùng" in body  # a confirmed booking to order
        assert "Hoàng Gia Bảo" in body  # effort by person
        assert 'id="history-title"' in body and "recorded a cost" in body
        assert "Baseline 1" in body

    def test_the_80_percent_warning_and_the_margin_under_the_floor(self, login, budget, director):
        bill(budget, 420_000_000)
        page = text(login("lan").get(url("budget_detail", budget.pk)))
        assert "80% reached" in page and 'data-testid="under-floor"' not in page
        cost = bill(budget, 300_000_000, margin_reason="Quay lại")
        services.decide_margin(by=director, approval=cost.margin_approval, approve=True, note="OK")
        page = text(login("lan").get(url("budget_detail", budget.pk)))
        assert 'data-testid="under-floor"' in page and "under the floor of 20%" in page

    def test_a_teammate_on_the_account_team_works_the_budget_one_off_it_gets_404(
        self, login, budget, everyone
    ):
        assert login("hoa").get(url("budget_detail", budget.pk)).status_code == 404
        on_account_team(budget.project.client, everyone["hoa"])
        page = login("hoa").get(url("budget_detail", budget.pk))
        assert page.status_code == 200 and "cost_form" in page.context

    @pytest.mark.parametrize("name", NOBODY)
    def test_outsiders_department_members_sales_and_planners_get_404(self, login, budget, name):
        assert login(name).get(url("budget_detail", budget.pk)).status_code == 404

    def test_finance_reads_and_records_costs_without_the_kams_or_directors_forms(
        self, login, budget
    ):
        page = login("finance").get(url("budget_detail", budget.pk))
        assert page.status_code == 200
        assert "cost_form" in page.context
        assert "floor_form" not in page.context and "baseline_form" not in page.context


class TestTheMarginFloor:
    def test_the_director_moves_the_floor_saying_why(self, login, budget):
        response = login("director").post(
            url("budget_floor", budget.pk), {"margin_floor_percent": "15", "reason": "Khách lớn"}
        )
        assert response["Location"] == url("budget_detail", budget.pk) + "#margins"
        budget.refresh_from_db()
        assert budget.margin_floor_percent == Decimal(15)

    def test_without_a_reason_it_is_refused_beside_the_field(self, login, budget):
        response = login("director").post(
            url("budget_floor", budget.pk), {"margin_floor_percent": "15", "reason": ""}
        )
        assert response.status_code == 422
        assert "reason" in response.context["floor_form"].errors
        budget.refresh_from_db()
        assert budget.margin_floor_percent == Decimal(20)

    @pytest.mark.parametrize("name", ["lan", "director2", "finance", "creative"])
    def test_no_one_else_moves_it(self, login, budget, name):
        response = login(name).post(
            url("budget_floor", budget.pk), {"margin_floor_percent": "0", "reason": "x"}
        )
        assert response.status_code == 404
        assert "floor_form" not in (login(name).get(url("budget_detail", budget.pk)).context or {})


# --- Costs ----------------------------------------------------------------------------------
class TestCosts:
    def test_a_bill_is_recorded_from_the_form(self, login, budget, django_assert_max_num_queries):
        http = login("lan")
        with django_assert_max_num_queries(9):
            form = http.get(url("cost_create", budget.pk))
        assert form.status_code == 200 and form.context["form"].asks_margin_reason is False
        response = http.post(url("cost_create", budget.pk), cost_form(budget))
        assert response["Location"] == url("budget_detail", budget.pk) + "#costs"
        cost = Cost.objects.get()
        assert (cost.kind, cost.amount, cost.reference, cost.status) == (
            "bill",
            Decimal(100_000_000),
            "HĐ 0012",
            "recorded",
        )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"amount": "100.5"}, "amount"),
            ({"amount": "-3"}, "amount"),
            ({"amount": "nhiều"}, "amount"),
            ({"supplier": ""}, "supplier"),
            ({"incurred_on": "2999-01-01"}, "incurred_on"),
        ],
    )
    def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(
        self, login, budget, changes, field
    ):
        response = login("lan").post(url("cost_create", budget.pk), cost_form(budget, **changes))
        assert response.status_code == 422
        assert field in response.context["form"].errors
        assert not Cost.objects.exists()

    def test_a_bill_over_its_order_asks_the_reason_beside_the_field(self, login, budget):
        placed = order(budget, 100_000_000)
        data = cost_form(budget, line="", order=placed.pk, amount="120000000")
        http = login("lan")
        refused = http.post(url("cost_create", budget.pk), data)
        assert refused.status_code == 422
        assert "over_order_reason" in refused.context["form"].errors
        http.post(url("cost_create", budget.pk), {**data, "over_order_reason": "Thêm 1 bài"})
        assert Cost.objects.get(kind="bill").over_order_reason == "Thêm 1 bài"

    def test_a_cost_under_the_margin_floor_asks_why_then_waits_for_a_director(self, login, budget):
        data = cost_form(budget, amount="700000000")
        http = login("lan")
        asked = http.post(url("cost_create", budget.pk), data)
        assert asked.status_code == 422
        form = asked.context["form"]
        assert form.asks_margin_reason and "margin_reason" in form.errors
        assert "under the floor of 20%" in text(asked)
        assert 'name="margin_reason"' in text(asked) and "<textarea" in text(asked)
        assert not Cost.objects.exists()
        response = http.post(
            url("cost_create", budget.pk), {**data, "margin_reason": "Khách đổi kịch bản"}
        )
        assert response.status_code == 302
        cost = Cost.objects.get()
        assert cost.status == "awaiting"
        assert cost.margin_approval.reason == "Khách đổi kịch bản"

    def test_a_cost_is_cancelled_with_a_reason(self, login, budget):
        cost = bill(budget, 50_000_000)
        http = login("lan")
        refused = http.post(url("cost_cancel", cost.pk), {"reason": ""}, follow=True)
        assert "Say why the cost is cancelled" in text(refused)
        cost.refresh_from_db()
        assert cost.status == "recorded"
        response = http.post(url("cost_cancel", cost.pk), {"reason": "Nhập trùng"})
        assert response["Location"] == url("budget_detail", budget.pk) + "#costs"
        cost.refresh_from_db()
        assert (cost.status, cost.cancelled_reason) == ("cancelled", "Nhập trùng")

    def test_a_confirmed_booking_is_ordered_in_one_click(self, login, budget, lan):
        booking = delivery.add_booking(
            by=lan,
            project=budget.project,
            kind="kol",
            name="Sơn Tùng",
            fee_amount=Decimal(80_000_000),
            starts_on=today() + timedelta(days=3),
            ends_on=today() + timedelta(days=3),
        )
        delivery.confirm_booking(by=lan, booking=booking)
        http = login("lan")
        prefilled = http.get(
            url("cost_create", budget.pk), {"kind": "order", "booking": booking.pk}
        )
        assert prefilled.context["form"].initial["supplier"] == "Sơn Tùng"
        kol = line_of(budget, "kol")
        page = http.get(url("budget_detail", budget.pk))
        assert page.context["bookings"] == [{"booking": booking, "line": kol}]
        response = http.post(url("booking_order", booking.pk), {"line": kol.pk})
        assert response["Location"] == url("budget_detail", budget.pk) + "#bookings"
        placed = Cost.objects.get()
        assert (placed.kind, placed.amount, placed.line, placed.booking) == (
            "order",
            Decimal(80_000_000),
            kol,
            booking,
        )
        assert (
            "bookings" not in http.get(url("budget_detail", budget.pk)).context
            or not (http.get(url("budget_detail", budget.pk)).context["bookings"])
        )

    @pytest.mark.parametrize("name", NOBODY)
    def test_anyone_else_gets_404(self, login, budget, name, lan):
        cost = bill(budget, 10_000_000)
        booking = delivery.add_booking(
            by=lan,
            project=budget.project,
            kind="kol",
            name="Sơn Tùng",
            fee_amount=Decimal(80_000_000),
            starts_on=today() + timedelta(days=3),
            ends_on=today() + timedelta(days=3),
        )
        http = login(name)
        assert http.get(url("cost_create", budget.pk)).status_code == 404
        assert http.post(url("cost_create", budget.pk), cost_form(budget)).status_code == 404
        assert http.post(url("cost_cancel", cost.pk), {"reason": "x"}).status_code == 404
        assert http.post(url("booking_order", booking.pk)).status_code == 404
        assert Cost.objects.count() == 1


# --- Re-baselines ---------------------------------------------------------------------------
def line_data(**changes) -> dict:
    return {
        "kind": "vendor",
        "department": "",
        "supplier": "In ấn Minh Long",
        "description": "In ấn POSM",
        "quantity": "1000",
        "unit_cost_amount": "20000",
        "unit_price_amount": "30000",
        **changes,
    }


class TestRebaselines:
    def test_the_kam_writes_a_rebaseline_and_the_director_approves_it(self, login, budget):
        http = login("lan")
        started = http.post(url("baseline_start", budget.pk), {"reason": "Khách tăng phạm vi"})
        baseline = budget.baselines.get(number=2)
        assert started["Location"] == url("baseline_detail", baseline.pk) + "#lines"
        added = http.post(url("baseline_line_add", baseline.pk), line_data())
        assert added["Location"] == url("baseline_detail", baseline.pk) + "#lines"
        production = baseline.lines.get(kind="production")
        edited = http.post(
            url("baseline_line_edit", production.pk),
            line_data(kind="production", supplier="", description="Sản xuất TVC 30 giây",
                      quantity="1", unit_cost_amount="600000000", unit_price_amount="750000000"),
        )  # fmt: skip
        assert edited["Location"] == url("baseline_detail", baseline.pk) + "#lines"
        http.post(url("baseline_line_remove", baseline.lines.get(kind="kol").pk))
        http.post(url("baseline_edit", baseline.pk), {"reason": "Khách thêm POSM"})
        http.post(url("baseline_submit", baseline.pk))
        baseline.refresh_from_db()
        assert (baseline.status, baseline.reason) == ("pending", "Khách thêm POSM")
        page = login("director").get(url("baseline_detail", baseline.pk))
        assert page.context["can_decide"] and "approve_form" in page.context
        assert "Hai KOL đăng bài" in text(page)  # the line it leaves out
        refused = login("director").post(url("baseline_approve", baseline.pk), {})
        assert refused.status_code == 422 and "note" in refused.context["approve_form"].errors
        approved = login("director").post(
            url("baseline_approve", baseline.pk), {"approve-note": "Hợp lý"}
        )
        assert approved["Location"] == url("baseline_detail", baseline.pk) + "#decision"
        assert queries.figures_of(budget).total.budget == Decimal(720_000_000)

    def test_a_bad_line_is_refused_beside_its_field(self, login, budget):
        baseline = services.start_baseline(by=budget.project.client.owner, budget=budget)
        http = login("lan")
        for changes, field in [
            ({"quantity": "0"}, "quantity"),
            ({"kind": "department"}, "department"),
            ({"description": ""}, "description"),
        ]:
            response = http.post(url("baseline_line_add", baseline.pk), line_data(**changes))
            assert response.status_code == 422
            assert field in response.context["line_form"].errors
        assert baseline.lines.count() == 3

    def test_submitting_without_a_reason_says_why_it_is_refused(self, login, budget):
        baseline = services.start_baseline(by=budget.project.client.owner, budget=budget)
        response = login("lan").post(url("baseline_submit", baseline.pk), follow=True)
        assert "Say why the budget is restated" in text(response)
        baseline.refresh_from_db()
        assert baseline.status == "draft"

    def test_the_director_rejects_with_a_reason_and_a_draft_is_discarded(self, login, budget, lan):
        baseline = services.start_baseline(by=lan, budget=budget, reason="Thêm POSM")
        services.submit_baseline(by=lan, baseline=baseline)
        login("director").post(url("baseline_reject", baseline.pk), {"reject-note": "Chưa đủ"})
        baseline.refresh_from_db()
        assert (baseline.status, baseline.decision_note) == ("rejected", "Chưa đủ")
        second = services.start_baseline(by=lan, budget=budget)
        response = login("lan").post(url("baseline_discard", second.pk))
        assert response["Location"] == url("budget_detail", budget.pk) + "#baselines"
        assert not Baseline.objects.filter(pk=second.pk).exists()

    def test_the_page_in_bounded_queries(self, login, budget, django_assert_max_num_queries):
        baseline = services.start_baseline(by=budget.project.client.owner, budget=budget)
        for n in range(6):
            services.add_baseline_line(
                by=budget.project.client.owner,
                baseline=baseline,
                kind="vendor",
                description=f"Dòng {n}",
                quantity=Decimal(1),
                unit_cost_amount=Decimal(1000),
                unit_price_amount=Decimal(2000),
            )
        http = login("lan")
        with django_assert_max_num_queries(10):
            page = http.get(url("baseline_detail", baseline.pk))
        assert page.status_code == 200 and len(page.context["rows"]) == 9

    def test_the_kam_cannot_approve_and_others_get_404(self, login, budget, lan):
        baseline = services.start_baseline(by=lan, budget=budget, reason="Thêm POSM")
        services.submit_baseline(by=lan, baseline=baseline)
        assert login("lan").post(url("baseline_approve", baseline.pk)).status_code == 404
        assert login("director2").post(url("baseline_approve", baseline.pk)).status_code == 404
        line = baseline.lines.first()
        for name in NOBODY:
            http = login(name)
            assert http.get(url("baseline_detail", baseline.pk)).status_code == 404
            assert http.post(url("baseline_start", budget.pk)).status_code == 404
            assert http.post(url("baseline_line_remove", line.pk)).status_code == 404
            assert http.post(url("baseline_reject", baseline.pk)).status_code == 404
        baseline.refresh_from_db()
        assert baseline.status == "pending"


# --- The margin guard's approvals -----------------------------------------------------------
class TestApprovals:
    @pytest.fixture
    def waiting(self, budget):
        return bill(budget, 700_000_000, margin_reason="Khách đổi kịch bản").margin_approval

    @pytest.mark.parametrize("count", [1, 6])
    def test_the_waiting_ones_first_in_bounded_queries(
        self, login, budget, director, count, django_assert_max_num_queries
    ):
        decided = bill(budget, 700_000_000, margin_reason="Lần đầu").margin_approval
        services.decide_margin(by=director, approval=decided, approve=False, note="Không")
        for n in range(count):
            bill(budget, 700_000_000, margin_reason=f"Lý do {n}", description=f"Quay {n}")
        http = login("director")
        with django_assert_max_num_queries(6):
            page = http.get(url("approval_list"))
        approvals = list(page.context["page"])
        assert len(approvals) == count + 1
        assert [a.status for a in approvals] == ["pending"] * count + ["rejected"]
        assert len(login("lan").get(url("approval_list")).context["page"]) == count + 1
        assert len(login("director2").get(url("approval_list")).context["page"]) == 0

    def test_the_director_approves_with_a_reason_and_the_cost_counts(
        self, login, waiting, django_assert_max_num_queries
    ):
        http = login("director")
        with django_assert_max_num_queries(8):
            page = http.get(url("approval_detail", waiting.pk))
        assert page.context["can_decide"] and "Khách đổi kịch bản" in text(page)
        assert "16.7%" in text(page)
        refused = http.post(url("approval_decide", waiting.pk), {"decision": "approve", "note": ""})
        assert refused.status_code == 422 and "note" in refused.context["form"].errors
        no_choice = http.post(url("approval_decide", waiting.pk), {"note": "OK"})
        assert no_choice.status_code == 422
        response = http.post(
            url("approval_decide", waiting.pk), {"decision": "approve", "note": "Khách chiến lược"}
        )
        assert response["Location"] == url("approval_detail", waiting.pk)
        waiting.refresh_from_db()
        assert waiting.status == "approved" and waiting.cost.status == "recorded"
        again = http.post(url("approval_decide", waiting.pk), {"decision": "reject", "note": "x"})
        assert again.status_code == 422 and "has decided this already" in text(again)

    def test_the_kam_reads_it_without_the_decision(self, login, waiting):
        http = login("lan")
        page = http.get(url("approval_detail", waiting.pk))
        assert page.status_code == 200 and page.context["form"] is None
        assert (
            http.post(
                url("approval_decide", waiting.pk), {"decision": "approve", "note": "Tự duyệt"}
            ).status_code
            == 404
        )

    @pytest.mark.parametrize("name", [*NOBODY, "director2"])
    def test_anyone_else_gets_404(self, login, waiting, name):
        http = login(name)
        assert http.get(url("approval_detail", waiting.pk)).status_code == 404
        assert (
            http.post(
                url("approval_decide", waiting.pk), {"decision": "approve", "note": "x"}
            ).status_code
            == 404
        )
        waiting.refresh_from_db()
        assert waiting.is_pending

    def test_sales_planners_and_department_members_have_no_list(self, login):
        for name in ["creative", "sales", "planner"]:
            assert login(name).get(url("approval_list")).status_code == 404


# --- A change request's money and the client's approval -------------------------------------
class TestChanges:
    def test_the_change_page_loads_the_money_panel_for_those_who_see_money(
        self, login, budget, everyone
    ):
        change = change_request(budget.project, cost=50_000_000, price=80_000_000)
        panel = url("change_panel", change.pk)
        page = login("lan").get(reverse("delivery:change_detail", args=[change.pk]))
        assert panel in text(page)
        assert url("change_approve", change.pk) in text(page)
        assert "the client (billable)" in text(page)
        planned_by(budget.project, everyone["planner"])
        page = login("planner").get(reverse("delivery:change_detail", args=[change.pk]))
        assert page.status_code == 200 and panel not in text(page)

    def test_the_panel_shows_what_it_costs_who_pays_and_the_margin_after_it(
        self, login, budget, django_assert_max_num_queries
    ):
        change = change_request(budget.project, cost=50_000_000, price=80_000_000, paid_by="agency")
        http = login("lan")
        with django_assert_max_num_queries(12):
            panel = http.get(url("change_panel", change.pk), HTTP_HX_REQUEST="true")
        body = text(panel)
        assert "50.000.000 ₫" in body and "the agency (absorbed)" in body
        assert panel.context["effect"].margins_after.forecast == Decimal(350_000_000)
        assert panel.context["ask_form"] is None  # above the floor

    def test_under_the_floor_the_kam_asks_a_director_from_the_panel(self, login, budget):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        http = login("lan")
        panel = http.get(url("change_panel", change.pk), HTTP_HX_REQUEST="true")
        assert panel.context["ask_form"] is not None
        refused = http.post(
            url("change_ask_approval", change.pk), {"reason": ""}, HTTP_HX_REQUEST="true"
        )
        assert refused.status_code == 422
        assert "reason" in refused.context["ask_form"].errors
        assert 'id="money"' in text(refused)
        asked = http.post(
            url("change_ask_approval", change.pk),
            {"reason": "Giữ khách chiến lược"},
            HTTP_HX_REQUEST="true",
            follow=True,
        )
        assert asked.status_code == 200
        assert "Waiting for a Director" in text(asked) and "A Director is asked" in text(asked)
        assert MarginApproval.objects.get().change_request == change

    def test_without_htmx_asking_comes_back_to_the_change_page(self, login, budget):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        response = login("lan").post(url("change_ask_approval", change.pk), {"reason": "Giữ"})
        assert (
            response["Location"] == reverse("delivery:change_detail", args=[change.pk]) + "#money"
        )

    def test_the_clients_approval_is_a_budgets_page_now(self, login, budget):
        with pytest.raises(NoReverseMatch):
            reverse("delivery:change_approve", args=[1])
        change = change_request(budget.project, cost=50_000_000, price=80_000_000)
        response = login("lan").post(
            url("change_approve", change.pk),
            {"approve-decided_on": today().isoformat(), "approve-note": "Đồng ý"},
        )
        assert response["Location"] == (
            reverse("delivery:change_detail", args=[change.pk]) + "#decision"
        )
        change.refresh_from_db()
        assert change.status == "approved"
        assert budget.lines.filter(change_request=change).count() == 1

    def test_under_the_floor_it_waits_for_the_directors_approval(self, login, budget, lan):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        refused = login("lan").post(url("change_approve", change.pk), {"approve-note": "OK"})
        assert refused.status_code == 422
        assert "ask a Director to approve it first" in text(refused)
        approval = services.request_change_approval(by=lan, change=change, reason="Giữ khách")
        login("director").post(
            url("approval_decide", approval.pk), {"decision": "approve", "note": "Đồng ý"}
        )
        approved = login("lan").post(url("change_approve", change.pk), {"approve-note": "OK"})
        assert approved.status_code == 302
        change.refresh_from_db()
        assert change.status == "approved"

    @pytest.mark.parametrize("name", NOBODY)
    def test_anyone_else_gets_404(self, login, budget, name):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        http = login(name)
        assert http.get(url("change_panel", change.pk)).status_code == 404
        assert http.post(url("change_ask_approval", change.pk), {"reason": "x"}).status_code == 404
        assert http.post(url("change_approve", change.pk)).status_code == 404
        change.refresh_from_db()
        assert change.status == "open" and not change.margin_approvals.exists()

    def test_finance_reads_the_panel_but_neither_asks_nor_approves(self, login, budget):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        http = login("finance")
        assert http.get(url("change_panel", change.pk)).context["ask_form"] is None
        assert http.post(url("change_ask_approval", change.pk), {"reason": "x"}).status_code == 404
        assert http.post(url("change_approve", change.pk)).status_code == 404


# --- A client's request ---------------------------------------------------------------------
class TestRequests:
    @pytest.fixture
    def item(self, budget, lan, creative):
        item = clients.log_request(
            by=lan,
            client=budget.project.client,
            title="Thêm bản cắt dọc",
            paid_by="agency",
            assignee=creative,
        )
        bill(budget, 3_000_000, client_request=item)
        return item

    def test_the_request_page_shows_who_pays_and_loads_what_it_costs(self, login, item):
        page = login("lan").get(reverse("clients:request_detail", args=[item.pk]))
        assert "the agency (absorbed)" in text(page)
        assert url("request_panel", item.pk) in text(page)
        member = login("creative").get(reverse("clients:request_detail", args=[item.pk]))
        assert member.status_code == 200 and url("request_panel", item.pk) not in text(member)

    def test_the_panel_sums_what_it_costs(self, login, item, django_assert_max_num_queries):
        http = login("lan")
        with django_assert_max_num_queries(6):
            panel = http.get(url("request_panel", item.pk), HTTP_HX_REQUEST="true")
        assert panel.context["cost"].total == Decimal(3_000_000)
        assert "3.000.000 ₫" in text(panel) and "it comes out of the margin" in text(panel)

    @pytest.mark.parametrize("name", NOBODY)
    def test_anyone_else_gets_404(self, login, item, name):
        assert login(name).get(url("request_panel", item.pk)).status_code == 404

    def test_the_request_form_asks_who_pays(self, login, sua_viet):
        form = login("lan").get(reverse("clients:client_request_add", args=[sua_viet.pk]))
        assert "paid_by" in form.context["form"].fields

    def test_the_change_request_form_asks_who_pays(self, login, budget):
        form = login("lan").get(reverse("delivery:change_create", args=[budget.project.pk]))
        assert "paid_by" in form.context["form"].fields


# --- My time --------------------------------------------------------------------------------
class TestTimesheet:
    @pytest.fixture
    def work(self, budget, creative):
        services.set_cost_rate(
            by=UserFactory(is_finance=True),
            department=department("creative"),
            hourly_amount=Decimal(250_000),
            valid_from=today() - timedelta(days=30),
        )
        return task(budget.project, assignee=creative, title="Thiết kế key visual")

    @pytest.fixture
    def other(self, budget, creative):
        return task(budget.project, assignee=creative, title="Thiết kế banner")

    def cell(self, work, day) -> str:
        return f"h-{work.pk}-{day.isoformat()}"

    @pytest.mark.parametrize("count", [1, 6])
    def test_the_week_lists_the_persons_tasks_with_hours_only_in_bounded_queries(
        self, login, budget, creative, work, count, django_assert_max_num_queries
    ):
        for n in range(count):
            extra = task(budget.project, assignee=creative, title=f"Việc {n}")
            services.enter_time(by=creative, task=extra, worked_on=today(), hours=Decimal("0.5"))
        http = login("creative")
        with django_assert_max_num_queries(7):
            page = http.get(url("timesheet"))
        assert page.status_code == 200
        assert len(page.context["rows"]) == count + 1
        body = text(page)
        assert "Thiết kế key visual" in body and "₫" not in body
        assert self.cell(work, today()) in body

    def test_tasks_starting_after_the_week_wait_for_their_week(self, login, work, other):
        Task.objects.filter(pk=other.pk).update(
            starts_on=today() + timedelta(days=8), due_on=today() + timedelta(days=20)
        )
        http = login("creative")
        this_week = [row.task for row in http.get(url("timesheet")).context["rows"]]
        later = today() + timedelta(days=8)
        then = http.get(url("timesheet"), {"week": later.isoformat()}).context["rows"]
        assert this_week == [work] and [row.task for row in then] == [work, other]

    def test_the_whole_week_is_saved_at_once_and_zero_clears_a_day(
        self, login, creative, work, other
    ):
        monday = today() - timedelta(days=today().weekday())
        services.enter_time(by=creative, task=other, worked_on=monday, hours=Decimal(2))
        http = login("creative")
        response = http.post(
            url("timesheet") + f"?week={monday.isoformat()}",
            {self.cell(work, today()): "2,5", self.cell(other, monday): "0"},
        )
        assert response.status_code == 302
        entry = TimeEntry.objects.get()
        assert (entry.task, entry.hours, entry.cost_amount) == (work, Decimal("2.5"), 625_000)

    def test_one_bad_cell_saves_nothing_and_says_why_in_its_cell(
        self, login, creative, work, other
    ):
        http = login("creative")
        response = http.post(
            url("timesheet"),
            {self.cell(work, today()): "3", self.cell(other, today()): "abc"},
        )
        assert response.status_code == 422
        assert not TimeEntry.objects.exists()
        failed = [c for row in response.context["rows"] for c in row.cells if c.error]
        assert [c.name for c in failed] == [self.cell(other, today())]
        assert "Give the hours as a number" in text(response)
        assert 'value="3"' in text(response)  # what was typed stays

    def test_more_than_24_hours_a_day_is_refused_and_moving_hours_is_not(
        self, login, creative, work, other
    ):
        services.enter_time(by=creative, task=work, worked_on=today(), hours=Decimal(20))
        http = login("creative")
        over = http.post(url("timesheet"), {self.cell(other, today()): "5"})
        assert over.status_code == 422 and "more than 24 hours" in text(over)
        moved = http.post(
            url("timesheet"), {self.cell(work, today()): "4", self.cell(other, today()): "20"}
        )
        assert moved.status_code == 302
        assert sorted(TimeEntry.objects.values_list("hours", flat=True)) == [4, 20]

    def test_days_to_come_are_not_open_and_the_weeks_move(self, login, work):
        http = login("creative")
        page = http.get(url("timesheet"), {"week": today().isoformat()})
        cells = page.context["rows"][0].cells
        assert [cell.open for cell in cells] == [cell.day <= today() for cell in cells]
        last_week = http.get(url("timesheet"), {"week": (today() - timedelta(days=7)).isoformat()})
        assert last_week.context["week"] == page.context["week"] - timedelta(days=7)
        assert http.get(url("timesheet"), {"week": "not-a-date"}).status_code == 200

    def test_anyone_signed_in_has_a_timesheet_and_no_one_enters_anothers_hours(
        self, login, work, creative
    ):
        http = login("minh")
        page = http.get(url("timesheet"))
        assert page.status_code == 200 and page.context["rows"] == []
        http.post(url("timesheet"), {self.cell(work, today()): "3"})
        assert not TimeEntry.objects.exists()


# --- The books ------------------------------------------------------------------------------
class TestBooks:
    def test_finance_closes_a_month_and_sets_what_an_hour_costs(
        self, login, django_assert_max_num_queries
    ):
        http = login("finance")
        with django_assert_max_num_queries(6):
            assert http.get(url("books")).status_code == 200
        last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
        closed = http.post(url("month_close"), {"month": last_month.strftime("%Y-%m")})
        assert closed["Location"] == url("books") + "#months"
        assert queries.is_month_closed(last_month)
        again = http.post(url("month_close"), {"month": last_month.strftime("%Y-%m")})
        assert again.status_code == 422 and "month" in again.context["month_form"].errors
        rate = http.post(
            url("rate_create"),
            {"department": department("creative").pk, "hourly_amount": "250000",
             "valid_from": today().isoformat()},
        )  # fmt: skip
        assert rate["Location"] == url("books") + "#rates"
        assert queries.cost_rates().get().hourly_amount == Decimal(250_000)

    @pytest.mark.parametrize(
        ("data", "form", "field"),
        [
            ({"month": "2999-01"}, "month_form", "month"),
            ({"month": ""}, "month_form", "month"),
        ],
    )
    def test_a_bad_month_is_refused_beside_its_field(self, login, data, form, field):
        response = login("finance").post(url("month_close"), data)
        assert response.status_code == 422 and field in response.context[form].errors

    def test_a_rate_needs_its_day_and_a_whole_amount(self, login):
        http = login("finance")
        no_day = http.post(url("rate_create"), {"hourly_amount": "1000"})
        assert no_day.status_code == 422 and "valid_from" in no_day.context["rate_form"].errors
        fraction = http.post(
            url("rate_create"), {"hourly_amount": "1000.5", "valid_from": today().isoformat()}
        )
        assert "hourly_amount" in fraction.context["rate_form"].errors

    @pytest.mark.parametrize("name", ["lan", "director", *NOBODY])
    def test_only_finance_and_admins_keep_the_books(self, login, name):
        http = login(name)
        assert http.get(url("books")).status_code == 404
        assert http.post(url("month_close"), {"month": "2020-01"}).status_code == 404
        assert http.post(url("rate_create"), {}).status_code == 404
        assert login("admin").get(url("books")).status_code == 200


# --- Profitability --------------------------------------------------------------------------
class TestProfitability:
    @pytest.fixture
    def reached(self, budget):
        contract = budget.project.contract
        kam = budget.project.client.owner
        contract.value_amount = Decimal(1_200_000_000)
        contract.save(update_fields=["value_amount"])
        milestone = delivery.add_milestone(
            by=kam, contract=contract, title="Đợt 1", due_on=today(), amount=Decimal(1_200_000_000)
        )
        delivery.sign_contract(by=kam, contract=contract, signed_on=today())
        delivery.reach_milestone(by=kam, milestone=milestone, reached_on=today())
        bill(budget, 300_000_000)
        return budget

    @pytest.mark.parametrize("count", [1, 4])
    def test_by_client_with_totals_trend_and_drill_down_in_bounded_queries(
        self, login, reached, lan, count, django_assert_max_num_queries
    ):
        for _ in range(count - 1):
            bill(budgeted_project(client=ClientFactory(owner=lan)), 10_000_000)
        http = login("lan")
        with django_assert_max_num_queries(14):
            page = http.get(url("profitability"))
        assert page.status_code == 200
        rows = page.context["report"].rows
        assert len(rows) == count
        sua_viet = next(row for row in rows if row.label == "Công ty CP Sữa Việt")
        assert (sua_viet.revenue, sua_viet.margin) == (Decimal(1_200_000_000), 900_000_000)
        assert page.context["total"].margin == sum(row.margin for row in rows)
        assert 'data-testid="margin-trend"' in text(page)
        assert sua_viet.url in text(page).replace("&amp;", "&")
        projects = http.get(sua_viet.url)
        assert projects.context["client"] == reached.project.client
        project_row = projects.context["report"].rows[0]
        assert project_row.url == url("budget_detail", reached.pk)

    def test_the_rows_come_a_page_at_a_time_under_the_total_of_them_all(
        self, login, reached, lan, monkeypatch
    ):
        monkeypatch.setattr("kam.budgets.views.profitability.PAGE_SIZE", 1)
        bill(budgeted_project(client=ClientFactory(owner=lan)), 10_000_000)
        http = login("lan")
        first = http.get(url("profitability"))
        second = http.get(url("profitability"), {"page": 2})
        labels = [
            [row.label for row in page.context["page"].object_list] for page in (first, second)
        ]
        assert len(labels[0]) == len(labels[1]) == 1 and labels[0] != labels[1]
        assert first.context["total"].cost == Decimal(310_000_000)
        assert "1 to 1 of 2" in text(first) and "page=2" in text(first)

    @pytest.mark.parametrize("by", ["kam", "team", "month", "project"])
    def test_every_grouping(self, login, reached, by):
        page = login("lan").get(url("profitability"), {"by": by})
        assert page.status_code == 200
        assert page.context["total"].revenue == Decimal(1_200_000_000)

    def test_a_period_ending_before_it_starts_is_said_beside_the_field(self, login, reached):
        page = login("lan").get(
            url("profitability"), {"start": today().isoformat(), "end": "2000-01-01"}
        )
        assert page.status_code == 200
        assert "The period ends after it starts" in text(page)

    def test_an_outsider_sees_nothing_of_the_client_and_a_hidden_client_is_404(
        self, login, reached
    ):
        http = login("minh")
        assert http.get(url("profitability")).context["report"].rows == []
        client = reached.project.client.pk
        assert http.get(url("profitability"), {"client": client}).status_code == 404

    @pytest.mark.parametrize("name", ["creative", "sales", "planner"])
    def test_those_who_never_see_money_get_404(self, login, name):
        assert login(name).get(url("profitability")).status_code == 404


def test_a_project_without_an_estimate_gets_a_budget_to_write(login, sua_viet):
    project = running_project(client=sua_viet)
    response = login("lan").post(url("budget_create", project.pk))
    baseline = project.budget.baselines.get()
    assert response["Location"] == url("budget_detail", project.budget.pk)
    page = login("lan").get(url("baseline_detail", baseline.pk))
    assert page.context["can_write"] and "line_form" in page.context


# --- Every page at once ---------------------------------------------------------------------
@pytest.fixture
def everything(budget, lan):
    """One of each thing a budgets page shows, by the names its URLs take."""
    waiting = bill(budget, 700_000_000, margin_reason="Quay lại").margin_approval
    baseline = services.start_baseline(by=lan, budget=budget, reason="Thêm POSM")
    booking = delivery.add_booking(
        by=lan,
        project=budget.project,
        kind="kol",
        name="Sơn Tùng",
        fee_amount=Decimal(80_000_000),
        starts_on=today() + timedelta(days=3),
        ends_on=today() + timedelta(days=3),
    )
    item = clients.log_request(by=lan, client=budget.project.client, title="Thêm bản cắt dọc")
    return {
        "budget": budget.pk,
        "project": budget.project.pk,
        "cost": bill(budget, 1_000_000).pk,
        "booking": booking.pk,
        "baseline": baseline.pk,
        "line": baseline.lines.first().pk,
        "approval": waiting.pk,
        "change": change_request(budget.project, cost=1, price=2).pk,
        "request": item.pk,
    }


ROUTES = [
    ("budget_list", ()),
    ("project_panel", ("project",)),
    ("budget_create", ("project",)),
    ("budget_detail", ("budget",)),
    ("budget_floor", ("budget",)),
    ("cost_create", ("budget",)),
    ("booking_order", ("booking",)),
    ("cost_cancel", ("cost",)),
    ("request_panel", ("request",)),
    ("baseline_start", ("budget",)),
    ("baseline_detail", ("baseline",)),
    ("baseline_edit", ("baseline",)),
    ("baseline_line_add", ("baseline",)),
    ("baseline_line_edit", ("line",)),
    ("baseline_line_remove", ("line",)),
    ("baseline_submit", ("baseline",)),
    ("baseline_approve", ("baseline",)),
    ("baseline_reject", ("baseline",)),
    ("baseline_discard", ("baseline",)),
    ("approval_list", ()),
    ("approval_detail", ("approval",)),
    ("approval_decide", ("approval",)),
    ("change_approve", ("change",)),
    ("change_panel", ("change",)),
    ("change_ask_approval", ("change",)),
    ("books", ()),
    ("month_close", ()),
    ("rate_create", ()),
    ("profitability", ()),
]


@pytest.mark.parametrize("name", ["creative", "sales", "planner"])
def test_every_budgets_page_but_the_timesheet_is_404_to_those_who_never_see_money(
    login, everything, name
):
    http = login(name)
    for route, keys in ROUTES:
        address = url(route, *[everything[key] for key in keys])
        assert http.get(address).status_code in (404, 405), route
        assert http.post(address, {"reason": "x", "note": "x"}).status_code == 404, route
    assert http.get(url("timesheet")).status_code == 200


def test_every_page_answers_the_kam_without_an_error(login, everything):
    http = login("lan")
    for route, keys in ROUTES:
        if route in ("books", "month_close", "rate_create"):
            continue
        response = http.get(url(route, *[everything[key] for key in keys]))
        assert response.status_code in (200, 405), route

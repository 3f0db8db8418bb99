"""The budgets API: budgets (+ lines, baselines, the margin floor), costs, the caller's time
entries, margin approvals and what a change costs (+ the client's approval of a change), the
profitability report, closed months and cost rates; what each answers, to whom, and how it says
no. Only the KAM side of a client and Finance see money: a department member, Sales or a Planner
gets 404 (or an empty list) everywhere here but on their own time."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from kam.budgets import services
from kam.budgets.models import Baseline, BudgetLine, ClosedMonth, Cost, CostRate, TimeEntry
from kam.clients import services as clients
from kam.clients.models import ClientTeamMember
from kam.delivery import services as delivery
from kam.delivery.models import ChangeRequest
from tests.budgets.factories import bill, budgeted_project, estimated_project, line_of, order
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import booking, running_project, task
from tests.pitching.factories import department

# Those who see no money of lan's client: her teammate off its account team, another team's KAM
# and Director, a department member, a Planner and Sales.
OUTSIDERS = ["hoa", "minh", "director2", "creative", "planner", "sales"]


def today():
    return timezone.localdate()


def day(offset: int = 0) -> str:
    return str(today() + timedelta(days=offset))


@pytest.fixture
def api(db):
    """`api(user).send("post", path, body)`: JSON in and out as that user."""

    class Api:
        def __init__(self, user):
            # Answers come in the caller's language; the messages are matched in English.
            user.language = "en"
            user.save(update_fields=["language"])
            self.http = HttpClient(HTTP_HOST="127.0.0.1")
            self.http.force_login(user)

        def get(self, path, **params):
            return self.http.get(f"/api/v1{path}", params)

        def send(self, method, path, body=None):
            return getattr(self.http, method)(
                f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json"
            )

    return Api


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", short_name="Sữa Việt", owner=lan)


@pytest.fixture
def hoa_sen(minh):
    return ClientFactory(legal_name="Công ty TNHH Hoa Sen", owner=minh)


@pytest.fixture
def budget(sua_viet):
    """lan's budget from the estimate: 800 triệu of cost, 1,2 tỷ of price, a 20% floor."""
    return budgeted_project(client=sua_viet)


@pytest.fixture
def rate(finance):
    """An hour of the creative department costs 250.000 đ."""
    return services.set_cost_rate(
        by=finance,
        department=department("creative"),
        hourly_amount=Decimal(250_000),
        valid_from=today() - timedelta(days=60),
    )


@pytest.fixture
def work(budget, creative, rate):
    """creative's task on lan's project."""
    return task(budget.project, assignee=creative, title="Thiết kế key visual")


def ids(response) -> list[int]:
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return [row["id"] for row in rows]


def on_account_team(client, user, role="kam"):
    return ClientTeamMember.objects.create(client=client, user=user, role=role)


def last_month():
    return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


def change_request(project, *, cost: int, price: int, paid_by: str = "client"):
    """An open change adding a production line of `cost` and `price`."""
    kam = project.client.owner
    change = delivery.create_change_request(
        by=kam,
        project=project,
        requested_by=StakeholderFactory(client=project.client),
        title="Thêm bản TVC 15 giây",
        description="Cắt thêm bản 15 giây cho TikTok",
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


def bill_body(budget, **fields) -> dict:
    return {
        "project_id": budget.project_id,
        "kind": "bill",
        "supplier": "Công ty Sản xuất Phim Sao Mai",
        "description": "Quay TVC",
        "amount": 100_000_000,
        "line_id": line_of(budget, "production").pk,
        **fields,
    }


# --- Signing in -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/budgets",
        "/budgets/1",
        "/budgets/1/lines",
        "/budgets/1/baselines",
        "/baselines/1",
        "/costs",
        "/costs/1",
        "/time-entries",
        "/margin-approvals",
        "/margin-approvals/1",
        "/change-requests/1/money",
        "/reports/profitability",
        "/closed-months",
        "/cost-rates",
    ],
)
def test_an_anonymous_visitor_gets_401_everywhere(client, db, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- Budgets --------------------------------------------------------------------------------
class TestBudgets:
    def test_a_kam_sets_up_the_budget_from_the_estimate_and_reads_its_margins(
        self, api, lan, sua_viet
    ):
        project = estimated_project(client=sua_viet)
        caller = api(lan)
        made = caller.send("post", "/budgets", {"project_id": project.pk})
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["project"], body["client"]) == (
            {"id": project.pk, "title": project.title},
            {"id": sua_viet.pk, "name": "Sữa Việt"},
        )
        assert [(line["kind"], line["budget"], line["price"]) for line in body["lines"]] == [
            ("department", 100_000_000, 150_000_000),
            ("kol", 200_000_000, 300_000_000),
            ("production", 500_000_000, 750_000_000),
        ]
        assert body["total"] == {
            "budget": 800_000_000,
            "committed": 0,
            "actual": 0,
            "used": 0,
            "remaining": 800_000_000,
            "forecast": 800_000_000,
            "used_percent": 0.0,
        }
        assert body["price"] == 1_200_000_000
        assert body["margins"] == {
            "revenue": 1_200_000_000,
            "planned_cost": 800_000_000,
            "forecast_cost": 800_000_000,
            "planned": 400_000_000,
            "planned_percent": 33.3,
            "forecast": 400_000_000,
            "forecast_percent": 33.3,
            "floor_percent": 20.0,
            "under_floor": False,
        }
        assert (body["unplanned"], body["alerts"], body["open_baseline_id"]) == (None, [], None)
        again = caller.send("post", "/budgets", {"project_id": project.pk})
        assert again.status_code == 409
        assert "budget already" in again.json()["detail"]

    def test_each_line_shows_what_is_committed_spent_left_and_forecast(self, api, lan, budget):
        placed = order(budget, 150_000_000)
        bill(budget, 100_000_000, kind="kol", order=placed)
        bill(budget, 400_000_000)
        bill(budget, 10_000_000, kind=None, description="Taxi cho đoàn quay")
        body = api(lan).get(f"/budgets/{budget.pk}").json()
        kol = next(line for line in body["lines"] if line["kind"] == "kol")
        assert kol | {"id": 0} == {
            "id": 0,
            "position": kol["position"],
            "kind": "kol",
            "department": None,
            "supplier": "",
            "description": "Hai KOL đăng bài",
            "quantity": 2.0,
            "unit_cost_amount": 100_000_000,
            "unit_price_amount": 150_000_000,
            "price": 300_000_000,
            "change_request_id": None,
            "budget": 200_000_000,
            "committed": 50_000_000,
            "actual": 100_000_000,
            "used": 150_000_000,
            "remaining": 50_000_000,
            "forecast": 200_000_000,
            "used_percent": 75.0,
        }
        assert body["unplanned"]["actual"] == 10_000_000
        assert body["unplanned"]["used_percent"] is None
        assert (body["total"]["committed"], body["total"]["actual"]) == (50_000_000, 510_000_000)
        # Every column of the total is the exact sum of its lines and the unplanned row.
        for column in ("budget", "committed", "actual", "forecast"):
            rows = [line[column] for line in body["lines"]] + [body["unplanned"][column]]
            assert sum(rows) == body["total"][column]
        warned = [
            (alert["line_description"], alert["threshold_percent"]) for alert in body["alerts"]
        ]
        assert warned == [("Sản xuất TVC 30 giây", 80)]
        lines = api(lan).get(f"/budgets/{budget.pk}/lines")
        assert lines.status_code == 200
        assert lines.json() == body["lines"]

    def test_the_list_sums_each_budget_as_its_detail_does(self, api, lan, budget, sua_viet, work):
        # An order partly billed, a line gone over, costs outside the plan, time on a line.
        placed = order(budget, 150_000_000)
        bill(budget, 100_000_000, kind="kol", order=placed)
        bill(budget, 150_000_000, kind="department", margin_reason="Thêm thiết kế")
        bill(budget, 20_000_000, kind=None)
        services.enter_time(by=work.assignee, task=work, worked_on=today(), hours=Decimal(8))
        quiet = budgeted_project(client=sua_viet)
        empty = services.create_budget(by=lan, project=running_project(client=sua_viet))
        caller = api(lan)
        listed = {row["id"]: row for row in caller.get("/budgets").json()["items"]}
        assert set(listed) == {budget.pk, quiet.pk, empty.pk}
        for pk in listed:
            detail = caller.get(f"/budgets/{pk}").json()
            for name in ("total", "margins", "price", "project", "client", "fee_percent"):
                assert listed[pk][name] == detail[name], (pk, name)
        assert listed[budget.pk]["total"]["forecast"] == 800_000_000 + 52_000_000 + 20_000_000
        assert listed[empty.pk]["margins"]["forecast_percent"] is None
        assert listed[empty.pk]["margins"]["under_floor"] is True

    def test_the_list_filters_by_client_and_project(self, api, lan, budget, sua_viet):
        other_client = ClientFactory(owner=lan)
        elsewhere = budgeted_project(client=other_client)
        caller = api(lan)
        assert ids(caller.get("/budgets", client_id=other_client.pk)) == [elsewhere.pk]
        assert ids(caller.get("/budgets", project_id=budget.project_id)) == [budget.pk]
        assert caller.get("/budgets", client_id="x").status_code == 422

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_money(self, api, everyone, budget, persona):
        on_account_team(budget.project.client, everyone["creative"], role="department")
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/budgets/{budget.pk}"),
            caller.get(f"/budgets/{budget.pk}/lines"),
            caller.get(f"/budgets/{budget.pk}/baselines"),
            caller.send(
                "patch", f"/budgets/{budget.pk}/floor", {"margin_floor_percent": 0, "reason": "x"}
            ),
            caller.send("post", f"/budgets/{budget.pk}/baselines", {"reason": "x"}),
            caller.send("post", "/budgets", {"project_id": budgeted_project().project_id}),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("800000000" not in answer.content.decode() for answer in answers)
        assert caller.get("/budgets").json() == {"items": [], "count": 0}
        assert Baseline.objects.filter(budget=budget).count() == 1

    def test_a_kam_on_the_account_team_and_finance_read_it(self, api, hoa, finance, budget):
        on_account_team(budget.project.client, hoa)
        for person in (hoa, finance):
            response = api(person).get(f"/budgets/{budget.pk}")
            assert response.status_code == 200
            assert response.json()["total"]["budget"] == 800_000_000
            assert ids(api(person).get("/budgets")) == [budget.pk]

    def test_only_a_director_moves_the_floor_and_says_why(self, api, lan, director, budget):
        body = {"margin_floor_percent": 10, "reason": "Khách chiến lược"}
        assert api(lan).send("patch", f"/budgets/{budget.pk}/floor", body).status_code == 404
        caller = api(director)
        blank = caller.send(
            "patch", f"/budgets/{budget.pk}/floor", {"margin_floor_percent": 10, "reason": " "}
        )
        assert (blank.status_code, blank.json()["field"]) == (400, "reason")
        for bad in ({"margin_floor_percent": 101}, {"margin_floor_percent": "10"}, {"reason": ""}):
            refused = caller.send("patch", f"/budgets/{budget.pk}/floor", body | bad)
            assert refused.status_code == 422, bad
        moved = caller.send("patch", f"/budgets/{budget.pk}/floor", body)
        assert moved.status_code == 200, moved.content
        assert (moved.json()["margin_floor_percent"], moved.json()["margins"]["floor_percent"]) == (
            10.0,
            10.0,
        )

    def test_a_project_one_may_not_see_or_a_bad_id_is_refused(self, api, lan, hoa_sen):
        caller = api(lan)
        unseen = caller.send(
            "post", "/budgets", {"project_id": estimated_project(client=hoa_sen).pk}
        )
        missing = caller.send("post", "/budgets", {"project_id": 999999})
        assert unseen.status_code == missing.status_code == 404
        assert unseen.json() == missing.json()
        assert caller.send("post", "/budgets", {"project_id": "1"}).status_code == 422
        assert caller.send("post", "/budgets", {}).status_code == 422

    def test_reading_takes_a_bounded_number_of_queries(
        self, api, lan, sua_viet, budget, django_assert_max_num_queries
    ):
        for _ in range(3):
            other = budgeted_project(client=sua_viet)
            bill(other, 10_000_000)
            order(other, 20_000_000)
        bill(budget, 400_000_000)
        caller = api(lan)
        with django_assert_max_num_queries(4):
            assert caller.get("/budgets").json()["count"] == 4
        with django_assert_max_num_queries(9):
            assert len(caller.get(f"/budgets/{budget.pk}").json()["lines"]) == 3
        with django_assert_max_num_queries(6):
            assert len(caller.get(f"/budgets/{budget.pk}/lines").json()) == 3


# --- Baselines ------------------------------------------------------------------------------
LINE = {
    "kind": "vendor",
    "description": "In ấn POSM",
    "quantity": 1000,
    "unit_cost_amount": 20_000,
    "unit_price_amount": 30_000,
}


class TestBaselines:
    def test_a_rebaseline_is_written_submitted_and_approved_once(
        self, api, lan, director, admin, budget
    ):
        caller = api(lan)
        started = caller.send("post", f"/budgets/{budget.pk}/baselines", {})
        assert started.status_code == 201, started.content
        body = started.json()
        assert (body["number"], body["status"], body["source"], len(body["lines"])) == (
            2,
            "draft",
            "written",
            3,
        )
        assert body["lines_cost_amount"] == 800_000_000
        baseline_id = body["id"]
        production = next(line for line in body["lines"] if line["kind"] == "production")
        kol = next(line for line in body["lines"] if line["kind"] == "kol")
        patched = caller.send(
            "patch", f"/baseline-lines/{production['id']}", {"unit_cost_amount": 600_000_000}
        )
        assert patched.status_code == 200, patched.content
        assert (patched.json()["cost_amount"], patched.json()["description"]) == (
            600_000_000,
            "Sản xuất TVC 30 giây",
        )
        assert caller.send("delete", f"/baseline-lines/{kol['id']}").status_code == 204
        added = caller.send("post", f"/baselines/{baseline_id}/lines", LINE)
        assert added.status_code == 201, added.content
        assert (added.json()["cost_amount"], added.json()["line_id"]) == (20_000_000, None)
        unexplained = caller.send("post", f"/baselines/{baseline_id}/submit")
        assert (unexplained.status_code, unexplained.json()["field"]) == (400, "reason")
        reason = caller.send("patch", f"/baselines/{baseline_id}", {"reason": "Khách tăng phạm vi"})
        assert reason.json()["reason"] == "Khách tăng phạm vi"
        submitted = caller.send("post", f"/baselines/{baseline_id}/submit")
        assert submitted.json()["status"] == "pending"
        frozen = caller.send("post", f"/baselines/{baseline_id}/lines", LINE)
        assert frozen.status_code == 409
        assert (
            caller.send(
                "post", f"/baselines/{baseline_id}/approve", {"note": "Tự duyệt"}
            ).status_code
            == 404
        )
        boss = api(director)
        silent = boss.send("post", f"/baselines/{baseline_id}/approve", {})
        assert (silent.status_code, silent.json()["field"]) == (400, "note")
        approved = boss.send("post", f"/baselines/{baseline_id}/approve", {"note": "Hợp lý"})
        assert approved.status_code == 200, approved.content
        assert (approved.json()["status"], approved.json()["cost_amount"]) == (
            "approved",
            720_000_000,
        )
        assert approved.json()["decided_by"]["id"] == director.pk
        late = api(admin).send("post", f"/baselines/{baseline_id}/approve", {"note": "Cũng OK"})
        assert late.status_code == 409
        assert "approved this baseline already" in late.json()["detail"]
        assert caller.get(f"/budgets/{budget.pk}").json()["total"]["budget"] == 720_000_000
        history = caller.get(f"/budgets/{budget.pk}/baselines").json()
        assert [(row["number"], row["status"]) for row in history] == [
            (2, "approved"),
            (1, "approved"),
        ]
        assert caller.get(f"/baselines/{history[1]['id']}").json()["lines_cost_amount"] == (
            800_000_000
        )

    def test_a_rejected_rebaseline_changes_nothing_and_a_draft_is_discarded(
        self, api, lan, director, budget
    ):
        caller = api(lan)
        first = caller.send("post", f"/budgets/{budget.pk}/baselines", {"reason": "Tăng"}).json()
        caller.send("post", f"/baselines/{first['id']}/submit")
        rejected = api(director).send("post", f"/baselines/{first['id']}/reject", {"note": "Chưa"})
        assert rejected.json()["status"] == "rejected"
        assert caller.send("delete", f"/baselines/{first['id']}").status_code == 409
        draft = caller.send("post", f"/budgets/{budget.pk}/baselines", {"reason": "Lần 2"}).json()
        assert caller.send("post", f"/budgets/{budget.pk}/baselines", {}).status_code == 409
        assert caller.send("delete", f"/baselines/{draft['id']}").status_code == 204
        assert caller.get(f"/baselines/{draft['id']}").status_code == 404
        original = budget.baselines.get(number=1)
        assert caller.send("delete", f"/baselines/{original.pk}").status_code == 409
        assert caller.get(f"/budgets/{budget.pk}").json()["total"]["budget"] == 800_000_000

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"kind": "gift"}, 422, None),
            ({"quantity": 0}, 422, None),
            ({"quantity": -2}, 422, None),
            ({"quantity": "1"}, 422, None),
            ({"unit_cost_amount": -1}, 422, None),
            ({"unit_cost_amount": 1.5}, 422, None),
            ({"description": ""}, 422, None),
            ({"description": " "}, 400, "description"),
            ({"supplier": None}, 422, None),
            ({"kind": "department"}, 400, "department"),
            ({"kind": "department", "department_id": 999999}, 400, "department_id"),
        ],
    )
    def test_bad_lines_are_refused(self, api, lan, budget, body, status, field):
        baseline = services.start_baseline(by=lan, budget=budget)
        response = api(lan).send("post", f"/baselines/{baseline.pk}/lines", LINE | body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert baseline.lines.count() == 3

    def test_a_department_line_names_its_department(self, api, lan, budget):
        baseline = services.start_baseline(by=lan, budget=budget)
        creative = department("creative")
        body = LINE | {"kind": "department", "department_id": creative.pk}
        response = api(lan).send("post", f"/baselines/{baseline.pk}/lines", body)
        assert response.status_code == 201, response.content
        assert (response.json()["department_id"], response.json()["department_name"]) == (
            creative.pk,
            str(creative),
        )
        nulled = api(lan).send(
            "patch", f"/baseline-lines/{response.json()['id']}", {"quantity": None}
        )
        assert (nulled.status_code, nulled.json()["field"]) == (400, "quantity")

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404(self, api, everyone, budget, persona):
        baseline = services.start_baseline(by=budget.project.client.owner, budget=budget)
        line = baseline.lines.first()
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/baselines/{baseline.pk}"),
            caller.send("patch", f"/baselines/{baseline.pk}", {"reason": "x"}),
            caller.send("post", f"/baselines/{baseline.pk}/lines", LINE),
            caller.send("patch", f"/baseline-lines/{line.pk}", {"quantity": 3}),
            caller.send("delete", f"/baseline-lines/{line.pk}"),
            caller.send("post", f"/baselines/{baseline.pk}/submit"),
            caller.send("post", f"/baselines/{baseline.pk}/approve", {"note": "OK"}),
            caller.send("post", f"/baselines/{baseline.pk}/reject", {"note": "Không"}),
            caller.send("delete", f"/baselines/{baseline.pk}"),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert baseline.lines.count() == 3

    def test_reading_takes_a_bounded_number_of_queries(
        self, api, lan, budget, django_assert_max_num_queries
    ):
        baseline = services.start_baseline(by=lan, budget=budget)
        for n in range(5):
            services.add_baseline_line(
                by=lan,
                baseline=baseline,
                kind="department",
                department=department("creative"),
                description=f"Dòng {n}",
                quantity=Decimal(1),
                unit_cost_amount=Decimal(1),
                unit_price_amount=Decimal(2),
            )
        caller = api(lan)
        with django_assert_max_num_queries(4):
            assert len(caller.get(f"/budgets/{budget.pk}/baselines").json()) == 2
        with django_assert_max_num_queries(4):
            assert len(caller.get(f"/baselines/{baseline.pk}").json()["lines"]) == 8


# --- Costs ----------------------------------------------------------------------------------
class TestCosts:
    def test_an_order_and_bills_against_it_over_it_only_with_a_reason(self, api, lan, budget):
        caller = api(lan)
        placed = caller.send(
            "post",
            "/costs",
            bill_body(
                budget,
                kind="order",
                supplier="Hoa hậu Thùy Tiên",
                description="Hai bài đăng",
                amount=150_000_000,
                line_id=line_of(budget, "kol").pk,
                reference="PO-001",
            ),
        )
        assert placed.status_code == 201, placed.content
        body = placed.json()
        assert (body["kind"], body["status"], body["amount"], body["incurred_on"]) == (
            "order",
            "recorded",
            150_000_000,
            day(),
        )
        assert (body["line"]["id"], body["billed_amount"], body["margin_approval"]) == (
            line_of(budget, "kol").pk,
            0,
            None,
        )
        order_id = body["id"]
        against = {"kind": "bill", "order_id": order_id, "line_id": None}
        over = caller.send("post", "/costs", bill_body(budget, amount=160_000_000, **against))
        assert (over.status_code, over.json()["field"]) == (400, "over_order_reason")
        assert "say why the bill is over" in over.json()["detail"]
        billed = caller.send(
            "post",
            "/costs",
            bill_body(budget, amount=160_000_000, over_order_reason="Thêm 1 bài", **against),
        )
        assert billed.status_code == 201, billed.content
        assert (billed.json()["order_id"], billed.json()["line"]["id"]) == (
            order_id,
            line_of(budget, "kol").pk,
        )
        assert caller.get(f"/costs/{order_id}").json()["billed_amount"] == 160_000_000
        refused = caller.send("post", f"/costs/{order_id}/cancel", {"reason": "Huỷ"})
        assert refused.status_code == 409 and "cancel them first" in refused.json()["detail"]

    def test_a_cost_under_the_floor_waits_for_a_director_who_decides_once(
        self, api, lan, director, admin, budget
    ):
        caller = api(lan)
        unexplained = caller.send("post", "/costs", bill_body(budget, amount=700_000_000))
        assert (unexplained.status_code, unexplained.json()["field"]) == (400, "margin_reason")
        assert "under the floor of 20%" in unexplained.json()["detail"]
        held = caller.send(
            "post", "/costs", bill_body(budget, amount=700_000_000, margin_reason="Quay lại")
        )
        assert held.status_code == 201, held.content
        assert held.json()["status"] == "awaiting"
        approval = held.json()["margin_approval"]
        assert approval["status"] == "pending"
        assert caller.get(f"/budgets/{budget.pk}").json()["total"]["actual"] == 0
        waiting = caller.get("/margin-approvals", status="pending").json()
        assert [row["id"] for row in waiting["items"]] == [approval["id"]]
        row = waiting["items"][0]
        assert (row["cost_id"], row["margin_percent"], row["floor_percent"], row["reason"]) == (
            held.json()["id"],
            16.7,
            20.0,
            "Quay lại",
        )
        assert (
            caller.send(
                "post",
                f"/margin-approvals/{approval['id']}/decide",
                {"approve": True, "note": "OK"},
            ).status_code
            == 404
        )
        boss = api(director)
        silent = boss.send("post", f"/margin-approvals/{approval['id']}/decide", {"approve": True})
        assert (silent.status_code, silent.json()["field"]) == (400, "note")
        loose = boss.send(
            "post", f"/margin-approvals/{approval['id']}/decide", {"approve": 1, "note": "OK"}
        )
        assert loose.status_code == 422
        decided = boss.send(
            "post",
            f"/margin-approvals/{approval['id']}/decide",
            {"approve": True, "note": "Khách chiến lược"},
        )
        assert decided.status_code == 200, decided.content
        assert (decided.json()["status"], decided.json()["decided_by"]["id"]) == (
            "approved",
            director.pk,
        )
        again = api(admin).send(
            "post",
            f"/margin-approvals/{approval['id']}/decide",
            {"approve": False, "note": "Không"},
        )
        assert again.status_code == 409
        assert caller.get(f"/costs/{held.json()['id']}").json()["status"] == "recorded"
        assert caller.get(f"/budgets/{budget.pk}").json()["margins"]["under_floor"] is True

    def test_a_line_order_or_booking_of_another_project_is_refused(
        self, api, lan, sua_viet, hoa_sen, budget
    ):
        other = budgeted_project(client=sua_viet)
        theirs = budgeted_project(client=hoa_sen)
        elsewhere = booking(other.project)
        elsewhere_asked = clients.log_request(by=lan, client=ClientFactory(owner=lan), title="Hỏi")
        caller = api(lan)
        answers = {
            "line": caller.send(
                "post", "/costs", bill_body(budget, line_id=line_of(other, "kol").pk)
            ),
            "order": caller.send(
                "post",
                "/costs",
                bill_body(budget, order_id=order(other, 1_000_000).pk, line_id=None),
            ),
            "booking": caller.send("post", "/costs", bill_body(budget, booking_id=elsewhere.pk)),
            "client_request": caller.send(
                "post", "/costs", bill_body(budget, client_request_id=elsewhere_asked.pk)
            ),
        }
        assert {name: answer.status_code for name, answer in answers.items()} == {
            "line": 400,
            "order": 400,
            "booking": 400,
            "client_request": 400,
        }
        assert {name: answer.json()["field"] for name, answer in answers.items()} == {
            "line": "line",
            "order": "order",
            "booking": "booking",
            "client_request": "client_request",
        }
        unseen = [
            caller.send("post", "/costs", bill_body(budget, line_id=line_of(theirs, "kol").pk)),
            caller.send("post", "/costs", bill_body(budget, line_id=999999)),
            caller.send("post", "/costs", bill_body(budget, order_id=999999)),
            caller.send("post", "/costs", bill_body(budget, booking_id=booking(theirs.project).pk)),
            caller.send("post", "/costs", bill_body(budget, client_request_id=999999)),
            caller.send("post", "/costs", bill_body(theirs)),
        ]
        assert [answer.status_code for answer in unseen] == [404] * len(unseen)
        assert not Cost.objects.filter(project=budget.project).exists()

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"amount": "1000"}, 422, None),
            ({"amount": 1.5}, 422, None),
            ({"amount": -1}, 422, None),
            ({"amount": 0}, 400, "amount"),
            ({"kind": "gift"}, 422, None),
            ({"supplier": ""}, 422, None),
            ({"supplier": " "}, 400, "supplier"),
            ({"incurred_on": "31/12/2026"}, 422, None),
            ({"incurred_on": day(1)}, 400, "incurred_on"),
            ({"line_id": "1"}, 422, None),
            ({"kind": "order", "order_id": "{order}"}, 400, "order"),
        ],
    )
    def test_bad_costs_are_refused(self, api, lan, budget, body, status, field):
        placed = order(budget, 1_000_000)
        if body.get("order_id") == "{order}":
            body = body | {"order_id": placed.pk}
        response = api(lan).send("post", "/costs", bill_body(budget, **body))
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert Cost.objects.count() == 1

    def test_nothing_is_recorded_or_cancelled_in_a_closed_month(self, api, lan, finance, budget):
        caller = api(lan)
        old = caller.send("post", "/costs", bill_body(budget, incurred_on=str(last_month())))
        assert old.status_code == 201
        services.close_month(by=finance, month=last_month())
        late = caller.send("post", "/costs", bill_body(budget, incurred_on=str(last_month())))
        assert (late.status_code, late.json()["field"]) == (400, "incurred_on")
        assert "is closed" in late.json()["detail"]
        cancel = caller.send("post", f"/costs/{old.json()['id']}/cancel", {"reason": "Trùng"})
        assert cancel.status_code == 400 and "is closed" in cancel.json()["detail"]

    def test_a_cost_is_cancelled_once_with_a_reason(self, api, lan, budget):
        cost = bill(budget, 50_000_000)
        caller = api(lan)
        unexplained = caller.send("post", f"/costs/{cost.pk}/cancel", {})
        assert (unexplained.status_code, unexplained.json()["field"]) == (400, "reason")
        cancelled = caller.send("post", f"/costs/{cost.pk}/cancel", {"reason": "Nhập trùng"})
        assert cancelled.status_code == 200, cancelled.content
        assert (cancelled.json()["status"], cancelled.json()["cancelled_reason"]) == (
            "cancelled",
            "Nhập trùng",
        )
        assert caller.send("post", f"/costs/{cost.pk}/cancel", {"reason": "Lại"}).status_code == 409
        assert caller.get(f"/budgets/{budget.pk}").json()["total"]["actual"] == 0

    def test_a_confirmed_booking_becomes_a_purchase_order(self, api, lan, budget):
        kol = booking(budget.project, name="Sơn Tùng", fee_amount=Decimal(80_000_000))
        delivery.confirm_booking(by=lan, booking=kol)
        response = api(lan).send(
            "post", f"/bookings/{kol.pk}/order", {"line_id": line_of(budget, "kol").pk}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["kind"], body["amount"], body["supplier"], body["booking_id"]) == (
            "order",
            80_000_000,
            "Sơn Tùng",
            kol.pk,
        )
        unseen = api(lan).send("post", f"/bookings/{kol.pk}/order", {"line_id": 999999})
        assert unseen.status_code == 404

    def test_listing_filters_by_project_kind_and_status(self, api, lan, sua_viet, budget):
        placed = order(budget, 100_000_000)
        billed = bill(budget, 10_000_000)
        dropped = bill(budget, 5_000_000)
        services.cancel_cost(by=lan, cost=dropped, reason="Trùng")
        other = bill(budgeted_project(client=sua_viet), 1_000_000)
        caller = api(lan)
        assert sorted(ids(caller.get("/costs"))) == sorted(
            [placed.pk, billed.pk, dropped.pk, other.pk]
        )
        mine = caller.get("/costs", project_id=budget.project_id)
        assert sorted(ids(mine)) == sorted([placed.pk, billed.pk, dropped.pk])
        assert ids(caller.get("/costs", kind="order")) == [placed.pk]
        assert ids(caller.get("/costs", status="cancelled")) == [dropped.pk]
        assert caller.get("/costs", kind="gift").status_code == 422
        assert caller.get("/costs", project_id=999999).status_code == 404

    def test_finance_records_and_reads_costs(self, api, finance, budget):
        response = api(finance).send("post", "/costs", bill_body(budget))
        assert response.status_code == 201, response.content
        assert response.json()["created_by"]["id"] == finance.pk
        assert ids(api(finance).get("/costs")) == [response.json()["id"]]

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, budget, persona):
        on_account_team(budget.project.client, everyone["creative"], role="department")
        cost = bill(budget, 50_000_000, description="Quay TVC bí mật")
        kol = booking(budget.project)
        delivery.confirm_booking(by=budget.project.client.owner, booking=kol)
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/costs/{cost.pk}"),
            caller.get("/costs", project_id=budget.project_id),
            caller.send("post", f"/costs/{cost.pk}/cancel", {"reason": "x"}),
            caller.send("post", "/costs", bill_body(budget)),
            caller.send("post", f"/bookings/{kol.pk}/order", {}),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("bí mật" not in answer.content.decode() for answer in answers)
        assert caller.get("/costs").json() == {"items": [], "count": 0}
        assert Cost.objects.count() == 1

    def test_listing_and_reading_take_a_bounded_number_of_queries(
        self, api, lan, budget, django_assert_max_num_queries
    ):
        for n in range(5):
            placed = order(budget, 10_000_000, description=f"Đơn {n}")
            bill(budget, 5_000_000, kind="kol", order=placed)
        caller = api(lan)
        with django_assert_max_num_queries(4):
            assert caller.get("/costs").json()["count"] == 10
        with django_assert_max_num_queries(5):
            assert caller.get("/costs", project_id=budget.project_id).json()["count"] == 10
        with django_assert_max_num_queries(5):
            assert caller.get(f"/costs/{placed.pk}").json()["billed_amount"] == 5_000_000


# --- Time -----------------------------------------------------------------------------------
class TestTime:
    def test_putting_the_same_day_twice_keeps_one_entry_and_zero_clears_it(
        self, api, creative, work, budget
    ):
        caller = api(creative)
        body = {"task_id": work.pk, "worked_on": day(), "hours": 2.5, "note": "Phác thảo"}
        first = caller.send("put", "/time-entries", body)
        assert first.status_code == 200, first.content
        entry = first.json()
        assert (entry["hours"], entry["worked_on"], entry["task"]["id"], entry["project"]) == (
            2.5,
            day(),
            work.pk,
            {"id": budget.project_id, "title": budget.project.title},
        )
        # Hours only: a department member never reads a rate or a cost.
        assert not {"rate_amount", "cost_amount", "rate", "cost"} & set(entry)
        again = caller.send("put", "/time-entries", body)
        assert (again.status_code, again.json()["id"]) == (200, entry["id"])
        changed = caller.send("put", "/time-entries", body | {"hours": 4})
        assert (changed.json()["id"], changed.json()["hours"]) == (entry["id"], 4.0)
        assert TimeEntry.objects.get().cost_amount == Decimal(1_000_000)
        cleared = caller.send("put", "/time-entries", body | {"hours": 0})
        assert cleared.status_code == 204
        assert not TimeEntry.objects.exists()
        assert caller.send("put", "/time-entries", body | {"hours": 0}).status_code == 204

    def test_the_list_is_ones_own_and_filters_by_days_and_task(
        self, api, creative, lan, work, budget
    ):
        other = task(budget.project, assignee=creative, title="Storyboard")
        services.enter_time(by=creative, task=work, worked_on=today(), hours=2)
        services.enter_time(by=creative, task=other, worked_on=today(), hours=1)
        services.enter_time(by=creative, task=work, worked_on=today() - timedelta(days=40), hours=3)
        mine = task(budget.project, assignee=lan, title="Họp khách")
        services.enter_time(by=lan, task=mine, worked_on=today(), hours=1)
        caller = api(creative)
        week = caller.get("/time-entries").json()
        assert week["count"] == 2
        assert {row["task"]["id"] for row in week["items"]} == {work.pk, other.pk}
        span = caller.get("/time-entries", start=day(-60), end=day(), task_id=work.pk).json()
        assert [row["hours"] for row in span["items"]] == [2.0, 3.0]
        backwards = caller.get("/time-entries", start=day(), end=day(-1))
        assert (backwards.status_code, backwards.json()["field"]) == (400, "start")
        assert caller.get("/time-entries", start="hôm qua").status_code == 422

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"hours": 25}, 422, None),
            ({"hours": -1}, 422, None),
            ({"hours": "2"}, 422, None),
            ({"hours": 1.255}, 422, None),
            ({"worked_on": "2026-02-30"}, 422, None),
            ({"task_id": "1"}, 422, None),
            ({"worked_on": "{tomorrow}"}, 400, "worked_on"),
            ({"hours": 5}, 400, "hours"),
        ],
    )
    def test_bad_time_is_refused(self, api, creative, work, budget, body, status, field):
        # 20 hours on another task already: 5 more make the day longer than 24 hours.
        services.enter_time(
            by=creative, task=task(budget.project, assignee=creative), worked_on=today(), hours=20
        )
        if body.get("worked_on") == "{tomorrow}":
            body = {"worked_on": day(1)}
        payload = {"task_id": work.pk, "worked_on": day(), "hours": 1, **body}
        response = api(creative).send("put", "/time-entries", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert TimeEntry.objects.count() == 1

    def test_no_time_in_a_closed_month(self, api, creative, finance, work):
        services.close_month(by=finance, month=last_month())
        response = api(creative).send(
            "put", "/time-entries", {"task_id": work.pk, "worked_on": str(last_month()), "hours": 1}
        )
        assert (response.status_code, response.json()["field"]) == (400, "worked_on")

    def test_only_ones_own_entry_is_removed(self, api, creative, lan, work):
        entry = services.enter_time(by=creative, task=work, worked_on=today(), hours=2)
        assert api(lan).send("delete", f"/time-entries/{entry.pk}").status_code == 404
        assert api(creative).send("delete", f"/time-entries/{entry.pk}").status_code == 204
        assert not TimeEntry.objects.exists()
        assert api(creative).send("delete", f"/time-entries/{entry.pk}").status_code == 404

    def test_a_task_one_does_not_work_on_is_refused(self, api, minh, creative, work):
        unseen = api(minh).send(
            "put", "/time-entries", {"task_id": work.pk, "worked_on": day(), "hours": 1}
        )
        assert unseen.status_code == 404
        missing = api(creative).send(
            "put", "/time-entries", {"task_id": 999999, "worked_on": day(), "hours": 1}
        )
        assert missing.status_code == 404
        assert not TimeEntry.objects.exists()

    def test_the_time_burns_the_budget_read_by_the_kam(self, api, creative, lan, work, budget):
        api(creative).send(
            "put", "/time-entries", {"task_id": work.pk, "worked_on": day(), "hours": 8}
        )
        line = next(
            row
            for row in api(lan).get(f"/budgets/{budget.pk}").json()["lines"]
            if row["kind"] == "department"
        )
        assert line["actual"] == 2_000_000

    def test_listing_takes_a_bounded_number_of_queries(
        self, api, creative, work, budget, django_assert_max_num_queries
    ):
        for n in range(6):
            services.enter_time(
                by=creative, task=work, worked_on=today() - timedelta(days=n), hours=1
            )
        caller = api(creative)
        with django_assert_max_num_queries(4):
            assert caller.get("/time-entries", start=day(-10), end=day()).json()["count"] == 6


# --- Changes: what they cost, the Director's approval, the client's approval ----------------
class TestChanges:
    def test_a_change_under_the_floor_needs_a_director_before_the_client_approves(
        self, api, lan, director, budget
    ):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        caller = api(lan)
        money = caller.get(f"/change-requests/{change.pk}/money")
        assert money.status_code == 200, money.content
        body = money.json()
        assert (body["cost"], body["price"], body["paid_by"], body["under_floor"]) == (
            300_000_000,
            0,
            "agency",
            True,
        )
        assert (body["margins_after"]["forecast"], body["margins_after"]["forecast_percent"]) == (
            100_000_000,
            8.3,
        )
        assert (body["floor_percent"], body["approval"]) == (20.0, None)
        refused = caller.send("post", f"/change-requests/{change.pk}/approve", {})
        assert refused.status_code == 400 and "ask a Director" in refused.json()["detail"]
        unexplained = caller.send("post", f"/change-requests/{change.pk}/margin-approval", {})
        assert (unexplained.status_code, unexplained.json()["field"]) == (400, "reason")
        asked = caller.send(
            "post", f"/change-requests/{change.pk}/margin-approval", {"reason": "Giữ khách"}
        )
        assert asked.status_code == 201, asked.content
        assert (asked.json()["change_request_id"], asked.json()["status"]) == (change.pk, "pending")
        again = caller.send(
            "post", f"/change-requests/{change.pk}/margin-approval", {"reason": "Lần nữa"}
        )
        assert again.status_code == 409
        api(director).send(
            "post",
            f"/margin-approvals/{asked.json()['id']}/decide",
            {"approve": True, "note": "Đồng ý"},
        )
        assert caller.get(f"/change-requests/{change.pk}/money").json()["approval"]["status"] == (
            "approved"
        )
        approved = caller.send("post", f"/change-requests/{change.pk}/approve", {"note": "Email"})
        assert approved.status_code == 200, approved.content
        assert (approved.json()["status"], approved.json()["decision_note"]) == (
            "approved",
            "Email",
        )
        assert len(approved.json()["lines"]) == 1
        added = BudgetLine.objects.get(change_request=change)
        assert (added.cost_amount, added.price_amount) == (Decimal(300_000_000), 0)
        assert caller.get(f"/budgets/{budget.pk}").json()["margins"]["forecast"] == 100_000_000

    def test_a_change_above_the_floor_is_approved_without_a_director(self, api, lan, budget):
        change = change_request(budget.project, cost=50_000_000, price=80_000_000)
        caller = api(lan)
        needless = caller.send(
            "post", f"/change-requests/{change.pk}/margin-approval", {"reason": "x"}
        )
        assert needless.status_code == 400 and "no approval is needed" in needless.json()["detail"]
        approved = caller.send("post", f"/change-requests/{change.pk}/approve", {})
        assert approved.status_code == 200, approved.content
        assert caller.get(f"/budgets/{budget.pk}").json()["margins"]["revenue"] == 1_280_000_000

    def test_without_a_budget_a_change_shows_its_cost_and_no_margin(self, api, lan, sua_viet):
        change = change_request(running_project(client=sua_viet), cost=10, price=20)
        body = api(lan).get(f"/change-requests/{change.pk}/money").json()
        assert (body["cost"], body["price"], body["margins_after"], body["under_floor"]) == (
            10,
            20,
            None,
            False,
        )

    def test_finance_reads_the_money_and_neither_asks_nor_approves(self, api, finance, budget):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        caller = api(finance)
        assert caller.get(f"/change-requests/{change.pk}/money").status_code == 200
        approve = caller.send("post", f"/change-requests/{change.pk}/approve", {})
        # A 404 like any refusal, not the margin the change would leave.
        assert approve.status_code == 404 and "floor" not in approve.content.decode()
        asked = caller.send(
            "post", f"/change-requests/{change.pk}/margin-approval", {"reason": "x"}
        )
        assert asked.status_code == 404
        change.refresh_from_db()
        assert change.status == ChangeRequest.Status.OPEN

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_margin(self, api, everyone, budget, persona):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        approval = services.request_change_approval(
            by=budget.project.client.owner, change=change, reason="Giữ khách"
        )
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/change-requests/{change.pk}/money"),
            caller.send("post", f"/change-requests/{change.pk}/margin-approval", {"reason": "x"}),
            caller.send("post", f"/change-requests/{change.pk}/approve", {}),
            caller.get(f"/margin-approvals/{approval.pk}"),
            caller.send(
                "post", f"/margin-approvals/{approval.pk}/decide", {"approve": True, "note": "OK"}
            ),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("Giữ khách" not in answer.content.decode() for answer in answers)
        assert caller.get("/margin-approvals").json() == {"items": [], "count": 0}
        approval.refresh_from_db()
        assert approval.status == "pending"

    def test_reading_takes_a_bounded_number_of_queries(
        self, api, lan, budget, django_assert_max_num_queries
    ):
        for _ in range(4):
            bill(budget, 1_000_000, kind=None)
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        services.request_change_approval(by=lan, change=change, reason="Giữ khách")
        for n in range(3):
            bill(budget, 700_000_000 + n, margin_reason="Quay lại")
        caller = api(lan)
        with django_assert_max_num_queries(10):
            assert caller.get(f"/change-requests/{change.pk}/money").status_code == 200
        with django_assert_max_num_queries(4):
            assert caller.get("/margin-approvals").json()["count"] == 4


# --- Profitability --------------------------------------------------------------------------
def signed_and_reached(budget, amounts: list[int]) -> None:
    """Sign the project's contract with milestones of `amounts` and reach them today."""
    contract = budget.project.contract
    kam = budget.project.client.owner
    contract.value_amount = Decimal(sum(amounts))
    contract.save(update_fields=["value_amount"])
    milestones = [
        delivery.add_milestone(
            by=kam, contract=contract, title=f"Đợt {n}", due_on=today(), amount=Decimal(amount)
        )
        for n, amount in enumerate(amounts, start=1)
    ]
    delivery.sign_contract(by=kam, contract=contract, signed_on=today())
    for milestone in milestones:
        delivery.reach_milestone(by=kam, milestone=milestone, reached_on=today())


class TestProfitability:
    @pytest.fixture
    def reached(self, budget, work):
        signed_and_reached(budget, [400_000_000, 800_000_000])
        bill(budget, 300_000_000)
        services.enter_time(by=work.assignee, task=work, worked_on=today(), hours=4)
        return budget

    @pytest.mark.parametrize("by", ["month", "kam", "team"])
    def test_revenue_less_bills_and_time_is_the_margin(self, api, lan, reached, by):
        start = today().replace(day=1)
        response = api(lan).get("/reports/profitability", by=by, start=str(start), end=day())
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["by"], body["start"], body["end"]) == (by, str(start), day())
        [row] = body["rows"]
        assert (row["revenue"], row["bills"], row["effort"], row["cost"], row["margin"]) == (
            1_200_000_000,
            300_000_000,
            1_000_000,
            301_000_000,
            899_000_000,
        )
        assert row["margin_percent"] == 74.9
        assert body["total"] | {"label": ""} == row | {"key": None, "label": ""}
        expected = {"month": str(start), "kam": lan.pk, "team": lan.team_id}
        assert row["key"] == expected[by]

    @pytest.mark.parametrize("by", ["client", "project"])
    def test_by_client_and_project(self, api, lan, reached, sua_viet, by):
        body = api(lan).get("/reports/profitability", by=by).json()
        [row] = body["rows"]
        keys = {"client": sua_viet.pk, "project": reached.project_id}
        assert (row["key"], row["margin"]) == (keys[by], 899_000_000)

    def test_one_clients_projects_and_another_teams_sees_none(self, api, lan, minh, reached):
        client_id = reached.project.client_id
        mine = api(lan).get("/reports/profitability", by="month", client_id=client_id).json()
        assert mine["total"]["revenue"] == 1_200_000_000
        assert api(minh).get("/reports/profitability", by="month").json()["rows"] == []
        unseen = api(minh).get("/reports/profitability", by="month", client_id=client_id)
        assert unseen.status_code == 404

    @pytest.mark.parametrize(
        "params,status,field",
        [
            ({"by": "week"}, 400, "by"),
            ({"start": day(), "end": day(-1)}, 400, "start"),
            ({"start": "01/01/2026"}, 422, None),
            ({"client_id": 0}, 422, None),
        ],
    )
    def test_bad_parameters_are_refused(self, api, lan, db, params, status, field):
        response = api(lan).get("/reports/profitability", **params)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field

    @pytest.mark.parametrize("persona", ["creative", "planner", "sales"])
    def test_those_who_see_no_money_get_404(self, api, everyone, persona):
        assert api(everyone[persona]).get("/reports/profitability").status_code == 404

    def test_the_report_takes_a_bounded_number_of_queries(
        self, api, lan, reached, sua_viet, django_assert_max_num_queries
    ):
        for _ in range(3):
            other = budgeted_project(client=sua_viet)
            signed_and_reached(other, [100_000_000])
            bill(other, 10_000_000)
        caller = api(lan)
        with django_assert_max_num_queries(7):
            body = caller.get("/reports/profitability", by="kam").json()
        assert body["total"]["revenue"] == 1_500_000_000


# --- Closed months and cost rates -----------------------------------------------------------
class TestBooks:
    def test_finance_closes_a_month_once(self, api, finance, lan):
        caller = api(finance)
        closed = caller.send(
            "post", "/closed-months", {"month": str(last_month() + timedelta(days=9))}
        )
        assert closed.status_code == 201, closed.content
        assert (closed.json()["month"], closed.json()["closed_by"]["id"]) == (
            str(last_month()),
            finance.pk,
        )
        again = caller.send("post", "/closed-months", {"month": str(last_month())})
        assert (again.status_code, again.json()["field"]) == (400, "month")
        future = caller.send("post", "/closed-months", {"month": day(40)})
        assert future.status_code == 400
        assert caller.send("post", "/closed-months", {"month": 0}).status_code == 422
        assert api(lan).send("post", "/closed-months", {"month": day()}).status_code == 404
        assert [row["month"] for row in api(lan).get("/closed-months").json()["items"]] == [
            str(last_month())
        ]
        assert ClosedMonth.objects.count() == 1

    def test_finance_sets_what_an_hour_costs(self, api, finance, lan):
        creative = department("creative")
        caller = api(finance)
        body = {"department_id": creative.pk, "hourly_amount": 250_000, "valid_from": day(-10)}
        made = caller.send("post", "/cost-rates", body)
        assert made.status_code == 201, made.content
        assert (made.json()["department"], made.json()["hourly_amount"]) == (
            {"id": creative.pk, "name": str(creative)},
            250_000,
        )
        general = caller.send("post", "/cost-rates", body | {"department_id": None})
        assert (general.status_code, general.json()["department"]) == (201, None)
        twice = caller.send("post", "/cost-rates", body)
        assert (twice.status_code, twice.json()["field"]) == (400, "valid_from")
        assert caller.send("post", "/cost-rates", body | {"hourly_amount": -1}).status_code == 422
        unknown = caller.send("post", "/cost-rates", body | {"department_id": 999999})
        assert (unknown.status_code, unknown.json()["field"]) == (400, "department_id")
        assert api(lan).send("post", "/cost-rates", body | {"valid_from": day()}).status_code == 404
        assert api(lan).get("/cost-rates").json()["count"] == 2
        assert CostRate.objects.count() == 2

    @pytest.mark.parametrize("persona", ["creative", "planner", "sales"])
    def test_those_who_see_no_money_read_no_rates(self, api, everyone, rate, persona):
        caller = api(everyone[persona])
        assert caller.get("/cost-rates").json() == {"items": [], "count": 0}
        assert caller.get("/closed-months").json() == {"items": [], "count": 0}

    def test_listing_takes_a_bounded_number_of_queries(
        self, api, finance, django_assert_max_num_queries
    ):
        for n in range(1, 4):
            services.set_cost_rate(
                by=finance,
                department=department("creative"),
                hourly_amount=Decimal(n),
                valid_from=today() - timedelta(days=n),
            )
            services.close_month(
                by=finance, month=(today().replace(day=1) - timedelta(days=32 * n))
            )
        caller = api(finance)
        with django_assert_max_num_queries(4):
            assert caller.get("/cost-rates").json()["count"] == 3
        with django_assert_max_num_queries(4):
            assert caller.get("/closed-months").json()["count"] == 3

"""The insights API: revenue targets (set and adjusted by a Director, with their history),
satisfaction surveys (sent, sent again, followed up; never their link), account health with its
reasons, the caller's agenda and revenue against target with the commission preview; what each
answers, to whom, and how it says no. A teammate off the account team, another team's KAM and
Director, Sales and a department member get 404 or an empty list, never the data."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import Client
from kam.insights import services
from kam.insights.health import SIGNALS
from kam.insights.models import HealthHistory, Survey, Target
from kam.insights.services.surveys import survey_token
from kam.people import services as people_services
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import signed_contract
from tests.insights.factories import delivered_project, scored
from tests.receivables.factories import billable_client, issued, paid

pytestmark = pytest.mark.django_db

# Those who see nothing of lan's client: her teammate off its account team, another team's KAM
# and Director, Sales and a department member.
OUTSIDERS = ["hoa", "minh", "director2", "sales", "creative"]
EMPTY = {"items": [], "count": 0}
Q2_2025 = "2025-05-10"


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def api(db):
    """`api(user).send("post", path, body)`: JSON in and out as that user, in English."""

    class Api:
        def __init__(self, user):
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
def sua_viet(lan) -> Client:
    return billable_client(legal_name="Công ty Cổ phần Sữa Việt", short_name="Sữa Việt", owner=lan)


@pytest.fixture
def mai(sua_viet):
    """Sữa Việt's decision maker, the person a survey goes to first."""
    return StakeholderFactory(
        client=sua_viet,
        full_name="Trần Thị Mai",
        email="mai@suaviet.vn",
        decision_role="decision_maker",
        relationship=4,
    )


@pytest.fixture
def hoa_sen(minh) -> Client:
    return billable_client(legal_name="Công ty TNHH Hoa Sen", short_name="Hoa Sen", owner=minh)


def ids(response) -> list[int]:
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return [row["id"] for row in rows]


def lans_target(director, lan, *, amount=1_500_000_000, metric="collected", **fields) -> Target:
    values = {"period": "quarter", "day": date(2025, 5, 10), "reason": "Kế hoạch quý 2", **fields}
    return services.set_target(by=director, kam=lan, metric=metric, amount=amount, **values)


def sent(client: Client, stakeholder) -> Survey:
    return services.send_survey(by=client.owner, client=client, stakeholder=stakeholder)


def answered(survey: Survey, *, csat: int, nps: int, comment: str = "") -> Survey:
    return services.answer_survey(token=survey_token(survey), csat=csat, nps=nps, comment=comment)


# --- Signing in -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/targets",
        "/targets/1",
        "/surveys",
        "/surveys/1",
        "/health",
        "/health/1",
        "/agenda",
        "/reports/attainment",
    ],
)
def test_an_anonymous_visitor_gets_401_everywhere(client, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_kam_reads_their_agenda_with_a_personal_token(client, lan, sua_viet, mai):
    answered(sent(sua_viet, mai), csat=2, nps=3)
    _token, key = people_services.create_api_token(by=lan, name="tests")
    response = client.get("/api/v1/agenda", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert any("Sữa Việt" in item["title"] for item in response.json())


# --- Targets --------------------------------------------------------------------------------
class TestTargets:
    def test_the_director_sets_lans_quarterly_target_and_adjusts_it_with_a_reason(
        self, api, director, lan
    ):
        body = {
            "kam_id": lan.pk,
            "metric": "collected",
            "period": "quarter",
            "day": Q2_2025,
            "amount": "1500000000",
            "reason": "Kế hoạch quý 2",
        }
        made = api(director).send("post", "/targets", body)
        assert made.status_code == 201, made.content
        target = made.json()
        assert target["kam"] == {"id": lan.pk, "name": "Nguyễn Thị Lan"}
        assert target["team"] is None
        assert (target["metric"], target["period"], target["period_label"]) == (
            "collected",
            "quarter",
            "Q2/2025",
        )
        assert (target["starts_on"], target["ends_on"]) == ("2025-04-01", "2025-06-30")
        assert target["amount"] == 1_500_000_000
        assert target["set_by"]["id"] == director.pk
        assert [(row["amount_before"], row["amount_after"]) for row in target["history"]] == [
            (None, 1_500_000_000)
        ]
        path = f"/targets/{target['id']}"
        change = {"amount": 1_800_000_000, "reason": "Khách hàng mới ký thêm hợp đồng"}
        adjusted = api(director).send("patch", path, change)
        assert adjusted.status_code == 200, adjusted.content
        assert adjusted.json()["amount"] == 1_800_000_000
        history = api(lan).get(path).json()["history"]
        assert [(row["amount_before"], row["amount_after"], row["reason"]) for row in history] == [
            (1_500_000_000, 1_800_000_000, "Khách hàng mới ký thêm hợp đồng"),
            (None, 1_500_000_000, "Kế hoạch quý 2"),
        ]
        assert history[0]["changed_by"] == {"id": director.pk, "name": "Trần Minh Đức"}

    def test_setting_a_period_that_has_a_target_adjusts_it_and_needs_a_reason(
        self, api, director, lan
    ):
        target = lans_target(director, lan)
        body = {"kam_id": lan.pk, "metric": "collected", "period": "quarter", "day": "2025-06-30"}
        no_reason = api(director).send("post", "/targets", body | {"amount": 2_000_000_000})
        assert no_reason.status_code == 400
        assert no_reason.json() == {"detail": "Say why the target changes.", "field": "reason"}
        again = api(director).send(
            "post", "/targets", body | {"amount": 2_000_000_000, "reason": "Tăng chỉ tiêu"}
        )
        assert again.status_code == 200, again.content
        assert again.json()["id"] == target.pk and len(again.json()["history"]) == 2
        assert Target.objects.count() == 1

    def test_the_director_sets_their_teams_target(self, api, director, team_a):
        body = {
            "team_id": team_a.pk,
            "metric": "booked",
            "period": "year",
            "day": "2025-02-01",
            "amount": 12_000_000_000,
        }
        made = api(director).send("post", "/targets", body)
        assert made.status_code == 201, made.content
        assert made.json()["team"] == {"id": team_a.pk, "name": "Nhóm A"}
        assert made.json()["kam"] is None
        assert (made.json()["starts_on"], made.json()["ends_on"]) == ("2025-01-01", "2025-12-31")

    def test_who_reads_lans_target(self, api, everyone):
        target = lans_target(everyone["director"], everyone["lan"])
        for name in ("lan", "director", "finance", "admin"):
            assert api(everyone[name]).get(f"/targets/{target.pk}").status_code == 200, name
            assert ids(api(everyone[name]).get("/targets")) == [target.pk], name
        for name in OUTSIDERS:
            response = api(everyone[name]).get(f"/targets/{target.pk}")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
            assert api(everyone[name]).get("/targets").json() == EMPTY, name

    def test_only_her_director_or_an_admin_sets_or_adjusts_lans_target(self, api, everyone):
        lan = everyone["lan"]
        target = lans_target(everyone["director"], lan)
        body = {"kam_id": lan.pk, "metric": "booked", "period": "month", "day": Q2_2025}
        change = {"amount": 1, "reason": "Thử"}
        for name in ("lan", "hoa", "minh", "director2", "finance", "sales"):
            caller = api(everyone[name])
            assert caller.send("post", "/targets", body | {"amount": 1}).status_code == 404, name
            assert caller.send("patch", f"/targets/{target.pk}", change).status_code == 404, name
        made = api(everyone["admin"]).send("post", "/targets", body | {"amount": 1})
        assert made.status_code == 201
        assert (
            api(everyone["admin"]).send("patch", f"/targets/{target.pk}", change).status_code == 200
        )
        assert Target.objects.get(pk=target.pk).amount == 1

    def test_another_teams_director_cannot_set_a_target_for_a_team_they_do_not_lead(
        self, api, director2, team_a
    ):
        body = {"team_id": team_a.pk, "metric": "booked", "period": "year", "day": Q2_2025}
        response = api(director2).send("post", "/targets", body | {"amount": 1})
        assert response.status_code == 404
        assert not Target.objects.exists()

    @pytest.mark.parametrize(
        ("change", "status"),
        [
            ({"amount": 1.5}, 422),  # whole dong: no fraction, as a number
            ({"amount": "1.5"}, 422),  # nor as text
            ({"amount": 1.0}, 422),  # a float is not a count of dong
            ({"amount": -1}, 422),
            ({"amount": 10**15}, 422),
            ({"amount": True}, 422),
            ({"amount": "1,5 tỷ"}, 422),
            ({"metric": "revenue"}, 422),
            ({"period": "week"}, 422),
            ({"day": "10/05/2025"}, 422),
            ({"day": 20250510}, 422),
            ({"day": "2101-01-01"}, 400),  # past the years a target may be for
            ({"day": "9999-12-31"}, 422),  # past the calendar the API reads
            ({"kam_id": "5"}, 422),
            ({"reason": "x" * 301}, 422),
        ],
    )
    def test_bad_input_to_set_a_target_is_refused(self, api, director, lan, change, status):
        body = {
            "kam_id": lan.pk,
            "metric": "collected",
            "period": "quarter",
            "day": Q2_2025,
            "amount": 1_000_000,
        }
        response = api(director).send("post", "/targets", body | change)
        assert response.status_code == status, response.content
        assert "detail" in response.json()
        assert not Target.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "kam"),  # neither a KAM nor a team
            ({"kam_id": "lan", "team_id": "team"}, "kam"),  # both
        ],
    )
    def test_a_target_is_for_one_kam_or_one_team(self, api, director, lan, team_a, body, field):
        named = {"lan": lan.pk, "team": team_a.pk}
        body = {key: named[value] for key, value in body.items()}
        base = {"metric": "booked", "period": "month", "day": Q2_2025, "amount": 1}
        response = api(director).send("post", "/targets", base | body)
        assert (response.status_code, response.json()["field"]) == (400, field)

    def test_an_unknown_kam_or_team_is_a_404(self, api, director):
        base = {"metric": "booked", "period": "month", "day": Q2_2025, "amount": 1}
        for who in ({"kam_id": 999_999}, {"team_id": 999_999}):
            assert api(director).send("post", "/targets", base | who).status_code == 404

    @pytest.mark.parametrize(
        ("change", "status", "field"),
        [
            ({"amount": 2_000_000_000}, 422, None),  # no reason at all
            ({"amount": 2_000_000_000, "reason": ""}, 422, None),
            ({"amount": 2_000_000_000, "reason": "   "}, 400, "reason"),
            ({"amount": 1.5, "reason": "Sai"}, 422, None),
            ({"amount": 1_500_000_000, "reason": "Như cũ"}, 400, "amount"),  # no change
            ({"reason": "Thiếu số"}, 422, None),
        ],
    )
    def test_bad_input_to_adjust_a_target_is_refused(
        self, api, director, lan, change, status, field
    ):
        target = lans_target(director, lan)
        response = api(director).send("patch", f"/targets/{target.pk}", change)
        assert response.status_code == status, response.content
        assert response.json().get("field") == field
        assert Target.objects.get().amount == 1_500_000_000

    def test_targets_are_filtered_by_period_metric_kam_team_and_year(
        self, api, director, lan, hoa, team_a
    ):
        quarter = lans_target(director, lan)
        month = lans_target(director, lan, metric="booked", period="month")
        hoas = lans_target(director, hoa, day=date(2024, 3, 1))
        team = services.set_target(
            by=director, team=team_a, metric="invoiced", period="year", day=date(2025, 1, 1),
            amount=9_000_000_000,
        )  # fmt: skip
        caller = api(director)
        assert set(ids(caller.get("/targets"))) == {quarter.pk, month.pk, hoas.pk, team.pk}
        assert ids(caller.get("/targets", period="month")) == [month.pk]
        assert set(ids(caller.get("/targets", metric="collected"))) == {quarter.pk, hoas.pk}
        assert set(ids(caller.get("/targets", kam_id=lan.pk))) == {quarter.pk, month.pk}
        assert ids(caller.get("/targets", team_id=team_a.pk)) == [team.pk]
        assert ids(caller.get("/targets", year=2024)) == [hoas.pk]
        assert ids(caller.get("/targets", page_size=1, page=2)) == [quarter.pk]
        # A KAM sees their own and their team's, not a teammate's.
        assert set(ids(api(lan).get("/targets"))) == {quarter.pk, month.pk, team.pk}
        for bad in ({"year": 1999}, {"period": "week"}, {"metric": "x"}, {"kam_id": 0}):
            assert caller.get("/targets", **bad).status_code == 422, bad

    def test_reading_targets_takes_a_bounded_number_of_queries(
        self, api, director, lan, hoa, django_assert_max_num_queries
    ):
        caller = api(director)
        for rounds, year in ((1, 2023), (3, 2024)):
            for kam in (lan, hoa)[: min(rounds, 2)]:
                for metric in ("booked", "invoiced", "collected")[:rounds]:
                    target = lans_target(director, kam, metric=metric, day=date(year, 5, 1))
                    services.adjust_target(by=director, target=target, amount=1, reason="Đổi")
            with django_assert_max_num_queries(4):
                assert caller.get("/targets").json()["count"] >= rounds
            with django_assert_max_num_queries(4):
                assert len(caller.get(f"/targets/{target.pk}").json()["history"]) == 2


# --- Surveys --------------------------------------------------------------------------------
class TestSurveys:
    def test_lan_sends_a_survey_to_the_decision_maker_when_no_one_is_named(
        self, api, lan, sua_viet, mai, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            made = api(lan).send("post", "/surveys", {"client_id": sua_viet.pk})
        assert made.status_code == 201, made.content
        survey = made.json()
        assert survey["client"] == {"id": sua_viet.pk, "name": "Sữa Việt"}
        assert survey["stakeholder"] == {"id": mai.pk, "name": "Trần Thị Mai"}
        assert (survey["reason"], survey["status"], survey["project"]) == ("manual", "sent", None)
        assert (survey["csat"], survey["nps"], survey["answered_at"]) == (None, None, None)
        assert (survey["link_expired"], survey["low_score"], survey["to_follow_up"]) == (
            False,
            False,
            False,
        )
        assert survey["sent_by"]["id"] == lan.pk
        record = Survey.objects.get()
        token = survey_token(record)
        assert token not in made.content.decode() and record.link_nonce not in made.content.decode()
        assert "link_nonce" not in survey and "token" not in survey
        assert [message.to for message in mailoutbox] == [["mai@suaviet.vn"]]
        assert token in mailoutbox[0].body
        shown = api(lan).get(f"/surveys/{record.pk}")
        assert (
            token not in shown.content.decode() and record.link_nonce not in shown.content.decode()
        )

    def test_a_survey_goes_to_the_person_named(self, api, director, sua_viet, mai):
        other = StakeholderFactory(client=sua_viet, email="an@suaviet.vn", full_name="Lê An")
        body = {"client_id": sua_viet.pk, "stakeholder_id": other.pk}
        made = api(director).send("post", "/surveys", body)
        assert made.status_code == 201, made.content
        assert made.json()["stakeholder"]["id"] == other.pk

    def test_a_survey_about_a_delivered_project_is_sent_once(self, api, lan, sua_viet, mai):
        project = delivered_project(client=sua_viet)
        body = {"client_id": sua_viet.pk, "project_id": project.pk}
        made = api(lan).send("post", "/surveys", body)
        assert made.status_code == 201, made.content
        assert made.json()["reason"] == "project"
        assert made.json()["project"] == {"id": project.pk, "title": project.title}
        again = api(lan).send("post", "/surveys", body)
        assert again.status_code == 409
        assert again.json()["detail"] == "This project's survey is sent already."

    def test_a_client_with_nobody_to_ask_gets_a_clear_400(self, api, lan):
        quiet = ClientFactory(owner=lan)
        StakeholderFactory(client=quiet, email="")  # nobody with an email
        response = api(lan).send("post", "/surveys", {"client_id": quiet.pk})
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Nobody at this client has an email address to send the survey to.",
            "field": "stakeholder_id",
        }

    def test_the_contact_and_project_must_be_the_clients_own(
        self, api, lan, minh, sua_viet, mai, hoa_sen
    ):
        theirs = StakeholderFactory(client=hoa_sen, email="x@hoasen.vn")
        no_email = StakeholderFactory(client=sua_viet, email="", full_name="Phạm Bình")
        cases = [
            ({"stakeholder_id": theirs.pk}, "stakeholder_id"),
            ({"stakeholder_id": 999_999}, "stakeholder_id"),
            ({"stakeholder_id": no_email.pk}, "stakeholder"),
            ({"project_id": 999_999}, "project_id"),
        ]
        for extra, field in cases:
            response = api(lan).send("post", "/surveys", {"client_id": sua_viet.pk} | extra)
            assert (response.status_code, response.json()["field"]) == (400, field), extra
        assert not Survey.objects.exists()

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"client_id": "1"},
            {"client_id": 0},
            {"client_id": 1, "stakeholder_id": 1.5},
            {"client_id": 1, "project_id": True},
        ],
    )
    def test_bad_input_to_send_a_survey_is_a_422(self, api, lan, body):
        response = api(lan).send("post", "/surveys", body)
        assert response.status_code == 422 and "detail" in response.json()

    def test_who_sends_a_survey_to_lans_client(self, api, everyone, sua_viet, mai):
        for name in [*OUTSIDERS, "finance"]:
            response = api(everyone[name]).send("post", "/surveys", {"client_id": sua_viet.pk})
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
        for name in ("lan", "director", "admin"):
            response = api(everyone[name]).send("post", "/surveys", {"client_id": sua_viet.pk})
            assert response.status_code == 201, name
        assert Survey.objects.count() == 3

    def test_who_reads_a_survey_of_lans_client(self, api, everyone, sua_viet, mai):
        survey = answered(sent(sua_viet, mai), csat=5, nps=10, comment="Rất hài lòng")
        for name in ("lan", "director", "finance", "admin"):
            response = api(everyone[name]).get(f"/surveys/{survey.pk}")
            assert response.status_code == 200, name
            assert (response.json()["csat"], response.json()["nps"]) == (5, 10)
            assert ids(api(everyone[name]).get("/surveys")) == [survey.pk]
        for name in OUTSIDERS:
            response = api(everyone[name]).get(f"/surveys/{survey.pk}")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
            assert api(everyone[name]).get("/surveys").json() == EMPTY

    def test_surveys_are_filtered_by_client_status_and_low_score(self, api, lan, sua_viet, mai):
        other = ClientFactory(owner=lan)
        theirs = StakeholderFactory(client=other, email="khach@khac.vn")
        waiting = sent(sua_viet, mai)
        happy = answered(sent(sua_viet, mai), csat=5, nps=9)
        unhappy = answered(sent(other, theirs), csat=2, nps=3)
        caller = api(lan)
        assert set(ids(caller.get("/surveys"))) == {waiting.pk, happy.pk, unhappy.pk}
        assert set(ids(caller.get("/surveys", client_id=sua_viet.pk))) == {waiting.pk, happy.pk}
        assert set(ids(caller.get("/surveys", status="answered"))) == {happy.pk, unhappy.pk}
        assert ids(caller.get("/surveys", status="sent")) == [waiting.pk]
        assert ids(caller.get("/surveys", low="true")) == [unhappy.pk]
        assert set(ids(caller.get("/surveys", low="false"))) == {waiting.pk, happy.pk}
        assert caller.get("/surveys", status="lost").status_code == 422
        assert caller.get("/surveys", client_id="abc").status_code == 422

    def test_sending_a_survey_again_gives_it_a_new_link(
        self, api, lan, sua_viet, mai, mailoutbox, django_capture_on_commit_callbacks
    ):
        survey = sent(sua_viet, mai)
        old_token = survey_token(survey)
        with django_capture_on_commit_callbacks(execute=True):
            response = api(lan).send("post", f"/surveys/{survey.pk}/send")
        assert response.status_code == 200, response.content
        survey.refresh_from_db()
        assert survey_token(survey) != old_token
        assert survey_token(survey) in mailoutbox[-1].body
        assert survey_token(survey) not in response.content.decode()
        answered(survey, csat=4, nps=8)
        again = api(lan).send("post", f"/surveys/{survey.pk}/send")
        assert again.status_code == 409
        assert again.json()["detail"] == "The client has answered this survey already."

    def test_only_the_kam_side_sends_a_survey_again(self, api, everyone, sua_viet, mai):
        survey = sent(sua_viet, mai)
        for name in [*OUTSIDERS, "finance"]:
            response = api(everyone[name]).send("post", f"/surveys/{survey.pk}/send")
            assert response.status_code == 404, name
        assert (
            api(everyone["director"]).send("post", f"/surveys/{survey.pk}/send").status_code == 200
        )

    def test_lan_follows_up_a_low_score(self, api, lan, sua_viet, mai):
        survey = answered(sent(sua_viet, mai), csat=2, nps=4, comment="Trễ hạn hai tuần")
        path = f"/surveys/{survey.pk}/follow-up"
        done = api(lan).send("post", path, {"note": "Đã gọi chị Mai, hẹn họp rút kinh nghiệm"})
        assert done.status_code == 200, done.content
        body = done.json()
        assert (body["low_score"], body["to_follow_up"]) == (True, False)
        assert body["follow_up_note"] == "Đã gọi chị Mai, hẹn họp rút kinh nghiệm"
        assert body["followed_up_by"] == {"id": lan.pk, "name": "Nguyễn Thị Lan"}
        assert sua_viet.interactions.filter(kind="call").exists()
        again = api(lan).send("post", path, {"note": "Gọi lại"})
        assert again.status_code == 409

    @pytest.mark.parametrize(
        ("body", "status"),
        [({}, 422), ({"note": ""}, 422), ({"note": "   "}, 400), ({"note": "x" * 501}, 422)],
    )
    def test_a_follow_up_needs_a_note(self, api, lan, sua_viet, mai, body, status):
        survey = answered(sent(sua_viet, mai), csat=1, nps=0)
        response = api(lan).send("post", f"/surveys/{survey.pk}/follow-up", body)
        assert response.status_code == status and "detail" in response.json()
        survey.refresh_from_db()
        assert survey.followed_up_at is None

    def test_a_good_score_has_nothing_to_follow_up(self, api, lan, sua_viet, mai):
        survey = answered(sent(sua_viet, mai), csat=5, nps=10)
        response = api(lan).send("post", f"/surveys/{survey.pk}/follow-up", {"note": "Cảm ơn"})
        assert response.status_code == 409

    def test_only_the_kam_side_follows_up(self, api, everyone, sua_viet, mai):
        survey = answered(sent(sua_viet, mai), csat=1, nps=2)
        for name in [*OUTSIDERS, "finance"]:
            response = api(everyone[name]).send(
                "post", f"/surveys/{survey.pk}/follow-up", {"note": "Đã gọi"}
            )
            assert response.status_code == 404, name
        survey.refresh_from_db()
        assert survey.followed_up_at is None

    def test_reading_surveys_takes_a_bounded_number_of_queries(
        self, api, lan, sua_viet, mai, django_assert_max_num_queries
    ):
        caller = api(lan)
        for rounds in (1, 3):
            for _ in range(rounds):
                survey = answered(sent(sua_viet, mai), csat=2, nps=3)
                services.follow_up_survey(by=lan, survey=survey, note="Đã gọi")
                delivered = delivered_project(client=sua_viet)
                services.send_survey(
                    by=lan, client=sua_viet, stakeholder=mai, project=delivered, reason="project"
                )
            with django_assert_max_num_queries(4):
                assert caller.get("/surveys").json()["count"] >= rounds
            with django_assert_max_num_queries(3):
                assert caller.get(f"/surveys/{survey.pk}").json()["followed_up_by"]


# --- Health ---------------------------------------------------------------------------------
class TestHealth:
    def test_lan_reads_the_health_of_her_clients_with_the_top_reasons(
        self, api, lan, sua_viet, hoa_sen
    ):
        scored(sua_viet)
        scored(hoa_sen)
        response = api(lan).get("/health")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        row = body["items"][0]
        assert row["client"] == {"id": sua_viet.pk, "name": "Sữa Việt"}
        assert row["owner"] == {"id": lan.pk, "name": "Nguyễn Thị Lan"}
        assert 0 <= row["score"] <= 100 and row["trend"] is None
        assert row["at_risk"] == (row["score"] < 60)
        assert 1 <= len(row["reasons"]) <= 3
        first = row["reasons"][0]
        assert set(first) == {"signal", "label", "lost", "text"}
        assert first["lost"] > 0 and first["text"] and first["label"]
        assert [reason["lost"] for reason in row["reasons"]] == sorted(
            (reason["lost"] for reason in row["reasons"]), reverse=True
        )
        contact = next(r for r in row["reasons"] if r["signal"] == "contact")
        assert (contact["label"], contact["text"]) == ("Contact", "No contact recorded")

    def test_health_is_filtered_by_risk_and_kam(self, api, finance, lan, minh, sua_viet, hoa_sen):
        scored(sua_viet)
        scored(hoa_sen)
        caller = api(finance)

        def clients(**params) -> list[int]:
            return [row["client"]["id"] for row in caller.get("/health", **params).json()["items"]]

        assert set(clients()) == {sua_viet.pk, hoa_sen.pk}
        assert clients(owner_id=minh.pk) == [hoa_sen.pk]
        at_risk = {pk for pk in clients() if caller.get(f"/health/{pk}").json()["at_risk"]}
        assert set(clients(at_risk="true")) == at_risk
        assert set(clients(at_risk="false")) == {sua_viet.pk, hoa_sen.pk} - at_risk
        assert caller.get("/health", owner_id="x").status_code == 422
        assert caller.get("/health", at_risk="perhaps").status_code == 422

    def test_a_clients_health_shows_every_signal_and_its_history(self, api, lan, sua_viet):
        scored(sua_viet)
        HealthHistory.objects.create(client=sua_viet, on=today() - timedelta(days=40), score=90)
        HealthHistory.objects.create(client=sua_viet, on=today() - timedelta(days=400), score=10)
        response = api(lan).get(f"/health/{sua_viet.pk}")
        assert response.status_code == 200, response.content
        body = response.json()
        assert {row["signal"] for row in body["signals"]} == {signal.code for signal in SIGNALS}
        for row in body["signals"]:
            assert set(row) == {"signal", "label", "lost", "facts", "text"}
        assert [row["on"] for row in body["history"]] == [
            str(today() - timedelta(days=40)),
            str(today()),
        ]
        assert body["history"][-1]["score"] == body["score"]
        assert len(body["reasons"]) <= 3

    def test_a_client_not_scored_yet_is_a_404_that_says_so(self, api, lan, sua_viet):
        response = api(lan).get(f"/health/{sua_viet.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "This client has no health score yet."}

    def test_who_reads_the_health_of_lans_client(self, api, everyone, sua_viet):
        scored(sua_viet)
        for name in ("lan", "director", "finance", "admin"):
            assert api(everyone[name]).get(f"/health/{sua_viet.pk}").status_code == 200, name
            assert api(everyone[name]).get("/health").json()["count"] == 1, name
        for name in OUTSIDERS:
            response = api(everyone[name]).get(f"/health/{sua_viet.pk}")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
            assert api(everyone[name]).get("/health").json() == EMPTY, name
        assert api(everyone["lan"]).get("/health/999999").json() == {"detail": "Not found."}

    def test_lan_recomputes_her_clients_health(self, api, lan, sua_viet, mai):
        first = api(lan).send("post", f"/health/{sua_viet.pk}/recompute")
        assert first.status_code == 200, first.content
        assert first.json()["client"]["id"] == sua_viet.pk
        answered(sent(sua_viet, mai), csat=1, nps=0)
        again = api(lan).send("post", f"/health/{sua_viet.pk}/recompute")
        satisfaction = next(r for r in again.json()["signals"] if r["signal"] == "satisfaction")
        assert satisfaction["facts"] == {"csat": 1, "nps": 0}
        assert again.json()["score"] < first.json()["score"]

    def test_only_the_kam_side_recomputes(self, api, everyone, sua_viet):
        for name in [*OUTSIDERS, "finance"]:
            response = api(everyone[name]).send("post", f"/health/{sua_viet.pk}/recompute")
            assert response.status_code == 404, name
        assert not HealthHistory.objects.exists()
        assert (
            api(everyone["director"]).send("post", f"/health/{sua_viet.pk}/recompute").status_code
            == 200
        )

    def test_a_client_lost_since_its_score_has_none_to_read(self, api, lan, sua_viet):
        scored(sua_viet)
        Client.objects.filter(pk=sua_viet.pk).update(status=Client.Status.LOST)
        response = api(lan).get(f"/health/{sua_viet.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "A lost client has no health score."}
        assert api(lan).get("/health").json()["count"] == 0

    def test_a_lost_client_is_not_scored(self, api, lan):
        lost = ClientFactory(owner=lan, status=Client.Status.LOST)
        response = api(lan).send("post", f"/health/{lost.pk}/recompute")
        assert response.status_code == 409
        assert response.json() == {"detail": "A lost client has no health score."}

    def test_reading_health_takes_a_bounded_number_of_queries(
        self, api, lan, django_assert_max_num_queries
    ):
        caller = api(lan)
        for rounds in (1, 3):
            clients = [ClientFactory(owner=lan) for _ in range(rounds)]
            for client in clients:
                scored(client)
            with django_assert_max_num_queries(4):
                assert caller.get("/health").json()["count"] >= rounds
            with django_assert_max_num_queries(5):
                assert caller.get(f"/health/{clients[-1].pk}").json()["history"]


# --- Agenda ---------------------------------------------------------------------------------
class TestAgenda:
    def test_a_low_score_waits_on_lans_agenda_until_followed_up(self, api, lan, sua_viet, mai):
        survey = answered(sent(sua_viet, mai), csat=2, nps=3, comment="Chậm phản hồi")
        response = api(lan).get("/agenda")
        assert response.status_code == 200
        item = next(row for row in response.json() if row["action"] == "Call the unhappy client")
        assert item["title"] == "Sữa Việt: Trần Thị Mai rated 2/5, 3/10"
        assert item["detail"] == "Chậm phản hồi"
        assert (item["due_on"], item["late"], item["value"]) == (None, False, None)
        assert isinstance(item["urgency"], int) and item["urgency"] == 80
        assert item["url"] == reverse("insights:survey_detail", args=[survey.pk])
        assert item["done_url"] and item["needs_note"] is True and item["done_label"]
        services.follow_up_survey(by=lan, survey=survey, note="Đã gọi")
        assert all(
            row["action"] != "Call the unhappy client" for row in api(lan).get("/agenda").json()
        )

    def test_the_agenda_is_the_callers_own(self, api, lan, minh, sua_viet, mai):
        answered(sent(sua_viet, mai), csat=1, nps=1)
        assert any("Sữa Việt" in row["title"] for row in api(lan).get("/agenda").json())
        assert not any("Sữa Việt" in row["title"] for row in api(minh).get("/agenda").json())

    def test_the_agenda_is_ranked_late_first_with_the_value_at_stake(self, api, lan, sua_viet, mai):
        answered(sent(sua_viet, mai), csat=1, nps=1)
        renewing = ClientFactory(owner=lan, short_name="Gia Hạn")
        signed_contract(
            client=renewing,
            starts_on=today() - timedelta(days=300),
            ends_on=today() + timedelta(days=3),
        )
        items = api(lan).get("/agenda").json()
        urgencies = [item["urgency"] for item in items]
        assert urgencies == sorted(urgencies, reverse=True)
        renewal = next(item for item in items if item["action"] == "Open the renewal")
        assert renewal["value"] == 2_000_000_000
        assert renewal["due_on"] == str(today() + timedelta(days=3))
        assert renewal["late"] is False

    def test_reading_the_agenda_takes_a_bounded_number_of_queries(
        self, api, lan, django_assert_max_num_queries
    ):
        caller = api(lan)
        counts = []
        for rounds in (1, 3):
            for _ in range(rounds):
                client = ClientFactory(owner=lan)
                person = StakeholderFactory(client=client, email="khach@khachhang.vn")
                answered(sent(client, person), csat=1, nps=1)
            # Every app's agenda source runs (17 queries now); more items must not mean more.
            with django_assert_max_num_queries(20) as queries:
                assert len(caller.get("/agenda").json()) >= rounds
            counts.append(len(queries))
        assert counts[0] == counts[1]


# --- Revenue against target -----------------------------------------------------------------
@pytest.fixture
def quarter_of_lan(director, lan, hoa, finance, sua_viet):
    """This quarter: lan's client invoiced 100 triệu before VAT (108 with VAT 8%) and paid all of
    it; lan's collected target is 100 triệu, hoa's booked one 500 triệu."""
    issued(sua_viet, by=finance, amount=100_000_000)
    paid(sua_viet, 108_000_000, by=finance, allocate_oldest_first=True)
    services.set_target(
        by=director, kam=lan, metric="collected", period="quarter", day=today(),
        amount=100_000_000,
    )  # fmt: skip
    services.set_target(
        by=director, kam=hoa, metric="booked", period="quarter", day=today(), amount=500_000_000
    )


class TestAttainment:
    def test_lan_sees_her_own_row_with_her_commission(self, api, lan, quarter_of_lan):
        response = api(lan).get("/reports/attainment")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["period"] == "quarter"
        assert body["starts_on"] <= str(today()) <= body["ends_on"]
        assert [(row["kam_id"], row["name"]) for row in body["rows"]] == [
            (lan.pk, "Nguyễn Thị Lan")
        ]
        row = body["rows"][0]
        assert row["team_id"] == lan.team_id
        invoiced, collected = row["metrics"]["invoiced"], row["metrics"]["collected"]
        assert (invoiced["actual"], invoiced["target"], invoiced["percent"]) == (
            100_000_000,
            None,
            None,
        )
        assert (collected["actual"], collected["target"], collected["percent"]) == (
            100_000_000,
            100_000_000,
            100,
        )
        assert (collected["gap"], collected["on_track"]) == (0, True)
        assert collected["projected"] >= collected["actual"]
        assert row["metrics"]["booked"]["actual"] == 0
        assert row["commission"] == {
            "collected": 100_000_000,
            "attainment_percent": 100,
            "rate_percent": 3.0,
            "amount": 3_000_000,
            "next_tier": {"percent": 120, "rate_percent": 4.0},
        }

    def test_the_director_sees_each_kam_of_team_a_with_commission_and_the_team(
        self, api, director, lan, hoa, minh, team_a, quarter_of_lan
    ):
        rows = api(director).get("/reports/attainment").json()["rows"]
        assert [(row["kam_id"], row["team_id"]) for row in rows] == [
            (hoa.pk, team_a.pk),
            (lan.pk, team_a.pk),
            (None, team_a.pk),
        ]
        kams, team = rows[:2], rows[2]
        assert all(row["commission"] is not None for row in kams)
        assert kams[0]["commission"]["amount"] is None  # hoa has no collected target
        assert team["commission"] is None and team["name"] == "Nhóm A"
        assert team["metrics"]["collected"]["actual"] == 100_000_000
        assert team["metrics"]["booked"]["actual"] == 0

    def test_finance_sees_every_kam_with_commission(
        self, api, finance, lan, hoa, minh, quarter_of_lan
    ):
        rows = api(finance).get("/reports/attainment").json()["rows"]
        kams = [row for row in rows if row["kam_id"]]
        assert {row["kam_id"] for row in kams} == {lan.pk, hoa.pk, minh.pk}
        assert all(row["commission"] is not None for row in kams)
        assert all(row["commission"] is None for row in rows if row["kam_id"] is None)

    def test_another_teams_director_sees_only_their_team(
        self, api, director2, lan, minh, team_a, team_b, quarter_of_lan
    ):
        rows = api(director2).get("/reports/attainment").json()["rows"]
        assert [(row["kam_id"], row["team_id"]) for row in rows] == [
            (minh.pk, team_b.pk),
            (None, team_b.pk),
        ]
        refused = api(director2).get("/reports/attainment", team_id=team_a.pk)
        assert (refused.status_code, refused.json()) == (404, {"detail": "Not found."})

    def test_the_period_and_team_are_chosen(self, api, director, lan, hoa, team_a, quarter_of_lan):
        caller = api(director)
        month = caller.get("/reports/attainment", period="month", day="2025-02-14").json()
        assert (month["starts_on"], month["ends_on"], month["label"]) == (
            "2025-02-01",
            "2025-02-28",
            "02/2025",
        )
        assert all(row["metrics"]["collected"]["actual"] == 0 for row in month["rows"])
        year = caller.get("/reports/attainment", period="year", team_id=team_a.pk).json()
        assert year["label"] == str(today().year)
        assert {row["kam_id"] for row in year["rows"]} == {lan.pk, hoa.pk, None}

    @pytest.mark.parametrize(
        "params",
        [{"period": "week"}, {"day": "14/02/2025"}, {"day": "0"}, {"team_id": 0}],
    )
    def test_bad_input_to_the_report_is_a_422(self, api, director, params):
        response = api(director).get("/reports/attainment", **params)
        assert response.status_code == 422 and "detail" in response.json()

    @pytest.mark.parametrize("name", ["sales", "creative"])
    def test_people_without_targets_get_404(self, api, everyone, name):
        response = api(everyone[name]).get("/reports/attainment")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})

    def test_the_report_takes_a_bounded_number_of_queries(
        self, api, finance, everyone, django_assert_max_num_queries
    ):
        caller = api(finance)
        for rounds in (1, 3):
            for _ in range(rounds):
                issued(billable_client(owner=everyone["minh"]), by=finance, amount=1_000_000)
            with django_assert_max_num_queries(9):
                assert caller.get("/reports/attainment").json()["rows"]

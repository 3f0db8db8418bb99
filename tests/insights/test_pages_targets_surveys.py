"""The targets and surveys pages: a Director sets and adjusts a KAM's target (and nobody else
does), the KAM sends a survey from the client's page, the stakeholder answers it once through
the public link (refused when tampered, expired or replaced), a low score waits on Today until
followed up; bad input gets a message beside the field, never a 500, and lists stay within a
bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.http import Http404
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import ClientTeamMember
from kam.delivery import services as delivery_services
from kam.insights.models import Survey, Target
from kam.insights.services import surveys as survey_services
from kam.insights.services import targets as target_services
from kam.insights.services.surveys import survey_token
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import running_project

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"insights:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def public(survey: Survey) -> str:
    return url("survey_public", survey_token(survey))


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
def visitor():
    """The stakeholder's browser: no login, English chosen on the page."""
    browser = HttpClient(HTTP_HOST="127.0.0.1")
    browser.cookies["kam_language"] = "en"
    return browser


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def decider(sua_viet):
    return StakeholderFactory(
        client=sua_viet,
        full_name="Trần Thị Mai",
        email="mai@suaviet.vn",
        decision_role="decision_maker",
    )


@pytest.fixture
def survey(lan, sua_viet, decider):
    return survey_services.send_survey(by=lan, client=sua_viet, stakeholder=decider)


@pytest.fixture
def unhappy(survey):
    """The survey answered with a low score."""
    return survey_services.answer_survey(
        token=survey_token(survey), csat=2, nps=4, comment="Trễ hạn hai tuần"
    )


def set_lan_target(director, lan, amount=1_500_000_000) -> Target:
    return target_services.set_target(
        by=director,
        kam=lan,
        metric="collected",
        period="quarter",
        day=date(2025, 5, 10),
        amount=amount,
    )


TARGET_FORM = {
    "team": "",
    "metric": "collected",
    "period": "quarter",
    "day": "2025-05-10",
    "amount": "1500000000",
    "reason": "",
}


# --- Targets --------------------------------------------------------------------------------
class TestSettingTargets:
    def test_the_director_sets_lans_quarterly_collected_target_then_adjusts_it(self, login, lan):
        http = login("director")
        form = http.get(url("target_set"))
        assert form.status_code == 200 and lan.full_name in text(form)
        response = http.post(url("target_set"), {**TARGET_FORM, "kam": lan.pk})
        target = Target.objects.get()
        assert response.status_code == 302 and response["Location"] == url(
            "target_detail", target.pk
        )
        assert (target.user, target.metric, target.period) == (lan, "collected", "quarter")
        assert target.starts_on == date(2025, 4, 1) and target.amount == 1_500_000_000
        response = http.post(
            url("target_adjust", target.pk),
            {"amount": "1800000000", "reason": "Thêm hợp đồng Tết"},
        )
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.amount == 1_800_000_000
        page = text(http.get(url("target_detail", target.pk)))
        assert "Q2/2025" in page and "Thêm hợp đồng Tết" in page
        assert "1.500.000.000" in page and "1.800.000.000" in page
        assert target.changes.count() == 2

    def test_the_director_sets_a_target_for_the_team_they_lead(self, login, team_a):
        data = {**TARGET_FORM, "kam": "", "team": team_a.pk, "metric": "booked"}
        assert login("director").post(url("target_set"), data).status_code == 302
        assert Target.objects.get().team == team_a

    def test_a_kam_cannot_set_targets(self, login, lan):
        http = login("lan")
        assert http.get(url("target_set")).status_code == 404
        assert http.post(url("target_set"), {**TARGET_FORM, "kam": lan.pk}).status_code == 404
        assert not Target.objects.exists()

    def test_another_director_cannot_set_lans_target(self, login, lan, director2):
        http = login("director2")
        assert lan.full_name not in text(http.get(url("target_set")))
        response = http.post(url("target_set"), {**TARGET_FORM, "kam": lan.pk})
        assert response.status_code == 422 and not Target.objects.exists()
        with pytest.raises(Http404):
            set_lan_target(director2, lan)

    def test_another_director_gets_404_on_lans_target_and_cannot_adjust_it(
        self, login, director, lan
    ):
        target = set_lan_target(director, lan)
        http = login("director2")
        assert http.get(url("target_detail", target.pk)).status_code == 404
        response = http.post(url("target_adjust", target.pk), {"amount": "1", "reason": "x"})
        assert response.status_code == 404
        target.refresh_from_db()
        assert target.amount == 1_500_000_000

    def test_lan_sees_her_target_without_the_adjust_form(self, login, director, lan):
        target = set_lan_target(director, lan)
        page = text(login("lan").get(url("target_detail", target.pk)))
        assert "1.500.000.000" in page and 'data-testid="adjust"' not in page
        assert (
            login("lan").post(url("target_adjust", target.pk), {"amount": "1"}).status_code == 404
        )

    @pytest.mark.parametrize("name", ["minh", "sales", "creative"])
    def test_others_get_404_on_lans_target(self, login, director, lan, name):
        target = set_lan_target(director, lan)
        assert login(name).get(url("target_detail", target.pk)).status_code == 404

    @pytest.mark.parametrize(
        "amount, message",
        [
            ("1500000.5", "Give an amount in whole dong."),
            ("-5", "The amount must be above 0."),
            ("", "Give an amount in whole dong."),
            ("abc", "Enter a number."),
            ("1e400", "no more than 18 digits"),
            ("99999999999999999999999999999999", "no more than 18 digits"),
        ],
    )
    def test_a_bad_amount_gets_a_message_beside_it_not_a_500(self, login, lan, amount, message):
        response = login("director").post(
            url("target_set"), {**TARGET_FORM, "kam": lan.pk, "amount": amount}
        )
        assert response.status_code == 422 and message in text(response)
        assert not Target.objects.exists()

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"kam": "", "team": ""}, "Choose a KAM or a team."),
            ({"day": "not a day"}, "Enter a valid date."),
            ({"day": ""}, "Choose the period."),
            ({"day": "9999-06-01", "period": "year"}, "Choose a period between 2000 and 2100."),
            ({"day": "1999-12-31"}, "Choose a period between 2000 and 2100."),
            ({"period": "week"}, "Select a valid choice."),
            ({"kam": "999999999999"}, "Select a valid choice."),
        ],
    )
    def test_bad_choices_are_refused_beside_the_field(self, login, lan, data, message):
        response = login("director").post(url("target_set"), {**TARGET_FORM, "kam": lan.pk, **data})
        assert response.status_code == 422 and message in text(response)
        assert not Target.objects.exists()

    def test_replacing_a_target_needs_a_reason(self, login, director, lan):
        set_lan_target(director, lan)
        http = login("director")
        response = http.post(url("target_set"), {**TARGET_FORM, "kam": lan.pk, "amount": "2"})
        assert response.status_code == 422 and "Say why the target changes." in text(response)
        data = {**TARGET_FORM, "kam": lan.pk, "amount": "2", "reason": "Giảm vì mất khách"}
        assert http.post(url("target_set"), data).status_code == 302
        assert Target.objects.get().amount == 2

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"amount": "1800000000", "reason": ""}, "Say why the target changes."),
            ({"amount": "1500000000", "reason": "x"}, "The target is this amount already."),
            ({"amount": "0.5", "reason": "x"}, "Give an amount in whole dong."),
        ],
    )
    def test_an_adjustment_is_refused_beside_the_field(self, login, director, lan, data, message):
        target = set_lan_target(director, lan)
        response = login("director").post(url("target_adjust", target.pk), data)
        assert response.status_code == 422 and message in text(response)
        target.refresh_from_db()
        assert target.amount == 1_500_000_000 and target.changes.count() == 1


class TestTheTargetList:
    def test_each_sees_the_targets_of_their_scope(self, login, director, director2, lan, minh):
        mine = set_lan_target(director, lan)
        theirs = target_services.set_target(
            by=director2, kam=minh, metric="booked", period="year", day=date(2025, 1, 1), amount=9
        )
        page = text(login("lan").get(url("target_list")))
        assert url("target_detail", mine.pk) in page
        assert url("target_detail", theirs.pk) not in page
        assert 'data-testid="new-target"' not in page
        page = text(login("finance").get(url("target_list")))
        assert url("target_detail", mine.pk) in page and url("target_detail", theirs.pk) in page
        assert 'data-testid="new-target"' in text(login("director").get(url("target_list")))

    def test_the_filters_narrow_the_list_and_bad_ones_are_ignored(self, login, director, lan):
        quarter = set_lan_target(director, lan)
        month = target_services.set_target(
            by=director, kam=lan, metric="booked", period="month", day=date(2024, 3, 3), amount=5
        )
        http = login("director")
        page = text(http.get(url("target_list"), {"period": "month"}))
        assert url("target_detail", month.pk) in page
        assert url("target_detail", quarter.pk) not in page
        page = text(http.get(url("target_list"), {"year": "2025", "metric": "collected"}))
        assert url("target_detail", quarter.pk) in page
        assert url("target_detail", month.pk) not in page
        response = http.get(url("target_list"), {"year": "x", "period": "?", "page": "zz"})
        assert response.status_code == 200
        assert url("target_detail", month.pk) in text(response)

    def test_sales_and_creative_do_not_have_targets(self, login):
        assert login("sales").get(url("target_list")).status_code == 404
        assert login("creative").get(url("target_list")).status_code == 404

    def test_the_list_in_bounded_queries(
        self, login, director, lan, hoa, team_a, django_assert_max_num_queries
    ):
        for metric in ("booked", "invoiced", "collected"):
            for kam in (lan, hoa):
                target_services.set_target(
                    by=director,
                    kam=kam,
                    metric=metric,
                    period="month",
                    day=date(2025, 1, 5),
                    amount=10,
                )
            target_services.set_target(
                by=director,
                team=team_a,
                metric=metric,
                period="year",
                day=date(2025, 1, 5),
                amount=30,
            )
        http = login("director")
        with django_assert_max_num_queries(6):
            assert http.get(url("target_list")).status_code == 200
        target = Target.objects.filter(user=lan).first()
        with django_assert_max_num_queries(6):
            assert http.get(url("target_detail", target.pk)).status_code == 200


# --- Surveys --------------------------------------------------------------------------------
class TestSendingASurvey:
    def test_lan_sends_a_survey_from_the_clients_page_to_the_decider(
        self, login, sua_viet, decider
    ):
        StakeholderFactory(client=sua_viet, full_name="Không Email")
        http = login("lan")
        form = http.get(url("survey_send", sua_viet.pk))
        page = text(form)
        assert form.status_code == 200 and "Trần Thị Mai" in page
        assert f'value="{decider.pk}" selected' in page and "Không Email" not in page
        response = http.post(url("survey_send", sua_viet.pk), {"stakeholder": decider.pk})
        survey = Survey.objects.get()
        assert response.status_code == 302 and response["Location"] == url(
            "survey_detail", survey.pk
        )
        assert (survey.stakeholder, survey.reason, survey.sent_by.username) == (
            decider,
            "manual",
            "lan",
        )
        page = text(http.get(url("survey_detail", survey.pk)))
        assert 'data-testid="waiting"' in page and 'data-testid="resend-survey"' in page

    def test_a_survey_about_a_delivered_project(self, login, lan, sua_viet, decider):
        project = running_project(client=sua_viet)
        delivery_services.deliver_project(by=lan, project=project, reason="Giao sớm")
        http = login("lan")
        assert project.title in text(http.get(url("survey_send", sua_viet.pk)))
        data = {"stakeholder": decider.pk, "project": project.pk}
        assert http.post(url("survey_send", sua_viet.pk), data).status_code == 302
        survey = Survey.objects.get()
        assert survey.project == project and survey.reason == "project"
        # Its survey is sent: the project is no longer offered, nor accepted.
        assert project.title not in text(http.get(url("survey_send", sua_viet.pk)))
        response = http.post(url("survey_send", sua_viet.pk), data)
        assert response.status_code == 422 and Survey.objects.count() == 1

    @pytest.mark.parametrize("stakeholder", ["", "999999", "abc"])
    def test_a_bad_recipient_is_refused_beside_it(self, login, sua_viet, decider, stakeholder):
        response = login("lan").post(url("survey_send", sua_viet.pk), {"stakeholder": stakeholder})
        assert response.status_code == 422 and not Survey.objects.exists()

    def test_someone_elses_stakeholder_is_not_accepted(self, login, sua_viet, decider, minh):
        other = StakeholderFactory(client=ClientFactory(owner=minh), email="x@y.vn")
        response = login("lan").post(url("survey_send", sua_viet.pk), {"stakeholder": other.pk})
        assert response.status_code == 422 and not Survey.objects.exists()

    @pytest.mark.parametrize("name", ["minh", "sales", "creative", "finance"])
    def test_those_off_the_kam_side_cannot_send(self, login, sua_viet, decider, name):
        http = login(name)
        assert http.get(url("survey_send", sua_viet.pk)).status_code == 404
        response = http.post(url("survey_send", sua_viet.pk), {"stakeholder": decider.pk})
        assert response.status_code == 404 and not Survey.objects.exists()

    def test_resending_makes_a_new_link(self, login, survey):
        old = survey.link_nonce
        response = login("lan").post(url("survey_resend", survey.pk))
        assert response.status_code == 302
        survey.refresh_from_db()
        assert survey.link_nonce != old

    def test_an_answered_survey_is_not_resent(self, login, unhappy):
        http = login("lan")
        assert 'data-testid="resend-survey"' not in text(http.get(url("survey_detail", unhappy.pk)))
        http.post(url("survey_resend", unhappy.pk))
        page = text(http.get(url("survey_detail", unhappy.pk)))
        assert "The client has answered this survey already." in page


class TestThePublicPage:
    def test_the_form_without_login_with_private_headers(self, visitor, survey):
        response = visitor.get(public(survey))
        page = text(response)
        assert response.status_code == 200
        assert 'data-testid="survey-answer-form"' in page and "Trần Thị Mai" in page
        assert "csrfmiddlewaretoken" in page
        assert page.count('name="csat"') == 5 and page.count('name="nps"') == 11
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Robots-Tag"] == "noindex"
        assert response["Cache-Control"] == "private, no-store"
        assert "Sign out" not in page

    def test_in_vietnamese_by_default(self, client, survey):
        response = client.get(public(survey))
        assert '<html lang="vi">' in text(response) and response["Content-Language"] == "vi"

    def test_answering_once_then_thanks_and_a_second_answer_is_refused(self, visitor, survey):
        data = {"csat": "5", "nps": "10", "comment": "Rất hài lòng"}
        response = visitor.post(public(survey), data)
        assert response.status_code == 302 and response["Location"] == public(survey)
        survey.refresh_from_db()
        assert (survey.status, survey.csat, survey.nps) == ("answered", 5, 10)
        assert survey.comment == "Rất hài lòng" and not survey.low_score
        page = text(visitor.get(public(survey)))
        assert 'data-testid="answered"' in page and 'data-testid="survey-answer-form"' not in page
        again = visitor.post(public(survey), {"csat": "1", "nps": "0"})
        assert again.status_code == 403 and "answered already" in text(again)
        survey.refresh_from_db()
        assert (survey.csat, survey.nps) == (5, 10)

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"csat": "7", "nps": "8"}, "Choose how satisfied you are, from 1 to 5."),
            ({"csat": "4", "nps": "11"}, "Choose how likely you are to recommend us"),
            ({"csat": "abc", "nps": "8"}, "Choose how satisfied you are, from 1 to 5."),
            ({"csat": "4", "nps": "abc"}, "Choose how likely you are to recommend us"),
            ({"csat": "", "nps": ""}, "Choose how satisfied you are, from 1 to 5."),
            ({"csat": "0", "nps": "-1"}, "Choose how satisfied you are, from 1 to 5."),
            ({}, "Choose how satisfied you are, from 1 to 5."),
        ],
    )
    def test_out_of_range_scores_get_a_message_and_nothing_is_saved(
        self, visitor, survey, data, message
    ):
        response = visitor.post(public(survey), data)
        assert response.status_code == 422 and message in text(response)
        assert response["Referrer-Policy"] == "same-origin"
        assert Survey.objects.get(pk=survey.pk).status == "sent"

    @pytest.mark.parametrize(
        "token", ["x", ".", "a:b:c", "eyJzIjoxfQ:1abc:zzz", "%E2%9C%93", "0" * 2000, "..:::.."]
    )
    def test_a_garbage_or_tampered_token_is_a_403_never_an_error(self, visitor, survey, token):
        tampered = survey_token(survey)[:-2] + "xx"
        for path in (f"/q/{token}/", url("survey_public", tampered)):
            response = visitor.get(path)
            assert response.status_code == 403, path
            assert 'data-testid="link-refused"' in text(response)
            assert response["Referrer-Policy"] == "same-origin"
        assert visitor.post(f"/q/{token}/", {"csat": "5", "nps": "9"}).status_code == 403
        assert Survey.objects.get(pk=survey.pk).status == "sent"

    def test_an_expired_link_is_refused(self, visitor, survey):
        Survey.objects.filter(pk=survey.pk).update(
            link_expires_at=timezone.now() - timedelta(seconds=1)
        )
        response = visitor.get(public(survey))
        assert response.status_code == 403 and "Ask the agency for a new one." in text(response)
        assert visitor.post(public(survey), {"csat": "5", "nps": "9"}).status_code == 403
        assert Survey.objects.get(pk=survey.pk).status == "sent"

    def test_the_link_of_a_resent_survey_is_refused(self, visitor, survey, lan):
        old = public(survey)
        resent = survey_services.resend_survey(by=lan, survey=survey)
        assert visitor.get(old).status_code == 403
        assert visitor.post(old, {"csat": "5", "nps": "9"}).status_code == 403
        assert visitor.get(public(resent)).status_code == 200

    def test_csrf_applies_to_the_answer(self, survey):
        strict = HttpClient(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        response = strict.post(public(survey), {"csat": "5", "nps": "9"})
        assert response.status_code == 403
        assert Survey.objects.get(pk=survey.pk).status == "sent"

    def test_the_page_in_bounded_queries(self, visitor, survey, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            assert visitor.get(public(survey)).status_code == 200


class TestALowScore:
    def test_it_waits_on_lans_today_until_followed_up_from_there(self, login, sua_viet, unhappy):
        http = login("lan")
        page = text(http.get("/"))
        assert "Công ty CP Sữa Việt" in page and url("survey_detail", unhappy.pk) in page
        response = http.post(
            url("survey_follow_up", unhappy.pk), {"note": "Đã gọi, giảm 5% đợt sau", "next": "/"}
        )
        assert response.status_code == 302 and response["Location"] == "/"
        unhappy.refresh_from_db()
        assert unhappy.followed_up_at is not None and unhappy.follow_up_note.startswith("Đã gọi")
        page = text(http.get("/"))
        assert url("survey_detail", unhappy.pk) not in page and "The follow-up is logged" in page

    def test_a_follow_up_without_a_note_is_refused_and_goes_back(self, login, unhappy):
        http = login("lan")
        response = http.post(url("survey_follow_up", unhappy.pk), {"note": " ", "next": "/"})
        assert response.status_code == 302 and response["Location"] == "/"
        assert "Say what you agreed with the client." in text(http.get("/"))
        assert Survey.objects.get(pk=unhappy.pk).followed_up_at is None

    def test_an_outside_next_goes_to_the_survey_instead(self, login, unhappy):
        response = login("lan").post(
            url("survey_follow_up", unhappy.pk), {"note": "Đã gọi", "next": "https://evil.example/"}
        )
        assert response["Location"] == url("survey_detail", unhappy.pk)

    def test_followed_up_from_the_surveys_page(self, login, unhappy):
        http = login("lan")
        page = text(http.get(url("survey_detail", unhappy.pk)))
        assert 'data-testid="follow-up"' in page and "Trễ hạn hai tuần" in page
        response = http.post(url("survey_follow_up", unhappy.pk), {"note": "Đã gặp"})
        assert response["Location"] == url("survey_detail", unhappy.pk)
        page = text(http.get(url("survey_detail", unhappy.pk)))
        assert 'data-testid="followed-up"' in page and "Đã gặp" in page
        again = http.post(url("survey_follow_up", unhappy.pk), {"note": "Lần nữa"}, follow=True)
        assert "no low score waiting" in text(again)

    def test_a_good_score_has_no_follow_up(self, login, survey):
        survey_services.answer_survey(token=survey_token(survey), csat=5, nps=9)
        page = text(login("lan").get(url("survey_detail", survey.pk)))
        assert 'data-testid="follow-up"' not in page and 'data-testid="survey-answer"' in page


class TestWhoSeesSurveys:
    def test_another_teams_kam_gets_404_on_lans_clients_survey(self, login, unhappy):
        http = login("minh")
        assert http.get(url("survey_detail", unhappy.pk)).status_code == 404
        assert http.post(url("survey_resend", unhappy.pk)).status_code == 404
        response = http.post(url("survey_follow_up", unhappy.pk), {"note": "x", "next": "/"})
        assert response.status_code == 404
        assert Survey.objects.get(pk=unhappy.pk).followed_up_at is None
        assert "Sữa Việt" not in text(http.get(url("survey_list")))

    def test_a_teammate_off_the_account_team_gets_404_and_a_planner_on_it_reads_it(
        self, login, unhappy, sua_viet, planner
    ):
        assert login("hoa").get(url("survey_detail", unhappy.pk)).status_code == 404
        ClientTeamMember.objects.create(client=sua_viet, user=planner, role="planner")
        http = login("planner")
        page = text(http.get(url("survey_detail", unhappy.pk)))
        assert "Trễ hạn hai tuần" in page and 'data-testid="follow-up"' not in page
        response = http.post(url("survey_follow_up", unhappy.pk), {"note": "x"})
        assert response.status_code == 404

    def test_the_director_and_finance_see_it(self, login, unhappy):
        assert login("director").get(url("survey_detail", unhappy.pk)).status_code == 200
        page = text(login("finance").get(url("survey_detail", unhappy.pk)))
        assert "Trễ hạn hai tuần" in page and 'data-testid="follow-up"' not in page


class TestTheSurveyList:
    def test_the_results_and_the_filters(self, login, lan, sua_viet, decider, unhappy):
        happy = survey_services.send_survey(by=lan, client=sua_viet, stakeholder=decider)
        survey_services.answer_survey(token=survey_token(happy), csat=5, nps=10)
        waiting = survey_services.send_survey(by=lan, client=sua_viet, stakeholder=decider)
        http = login("lan")
        page = text(http.get(url("survey_list")))
        assert 'data-testid="results-answers">2<' in page
        assert 'data-testid="results-csat">3.5<' in page
        assert 'data-testid="results-nps">0<' in page  # one promoter, one detractor
        assert lan.full_name in page
        for survey in (unhappy, happy, waiting):
            assert url("survey_detail", survey.pk) in page
        page = text(http.get(url("survey_list"), {"low": "1"}))
        assert url("survey_detail", unhappy.pk) in page
        assert url("survey_detail", happy.pk) not in page
        page = text(http.get(url("survey_list"), {"status": "sent"}))
        assert url("survey_detail", waiting.pk) in page
        assert url("survey_detail", unhappy.pk) not in page
        page = text(http.get(url("survey_list"), {"client": sua_viet.pk}))
        assert 'data-testid="client-filter"' in page and url("survey_detail", happy.pk) in page
        page = text(http.get(url("survey_list"), {"client": sua_viet.pk + 1000}))
        assert url("survey_detail", happy.pk) not in page

    @pytest.mark.parametrize(
        "query",
        [{"client": "abc"}, {"client": "-1"}, {"status": "x"}, {"low": "zz"}, {"page": "-"}],
    )
    def test_bad_filters_are_ignored(self, login, unhappy, query):
        response = login("lan").get(url("survey_list"), query)
        assert response.status_code == 200

    def test_the_list_in_bounded_queries(
        self, login, lan, sua_viet, decider, django_assert_max_num_queries
    ):
        for number in range(6):
            survey = survey_services.send_survey(by=lan, client=sua_viet, stakeholder=decider)
            if number % 2:
                survey_services.answer_survey(token=survey_token(survey), csat=2, nps=3)
        http = login("lan")
        with django_assert_max_num_queries(8):
            assert http.get(url("survey_list")).status_code == 200
        with django_assert_max_num_queries(9):
            assert http.get(url("survey_list"), {"client": sua_viet.pk}).status_code == 200
        survey = Survey.objects.filter(status="answered").first()
        with django_assert_max_num_queries(8):
            assert http.get(url("survey_detail", survey.pk)).status_code == 200

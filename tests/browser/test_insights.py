"""Insights end to end in the browser, as issue 10's "done when" tells it: a client's decision
maker answers a survey through its link with a low score; KAM Lan signs in and Today shows
what needs her, most urgent first — the late next step, then the unhappy client —, the
client's health has dropped with "satisfaction" among its reasons, and she resolves the low
score from Today in two clicks; her Director sees her attainment against the target he set."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kam.core.money import format_money
from kam.insights import services
from kam.insights.models import HealthScore, Survey
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory
from tests.receivables.factories import billable_client, issued, paid


def in_english(page: Page) -> None:
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.fixture
def story(transactional_db, lan, director, finance):
    today = timezone.localdate()
    sua_viet = billable_client(legal_name="Công ty CP Sữa Việt", short_name="Sữa Việt", owner=lan)
    decider = StakeholderFactory(
        client=sua_viet, full_name="Trần Thu Hà", decision_role="decision_maker",
        email="ha.tran@suaviet.vn",
    )  # fmt: skip
    # Money Lan collected this quarter, against the target her Director sets.
    invoice = issued(sua_viet, by=finance, amount=400_000_000)
    paid(sua_viet, invoice.total_vnd, by=finance, allocate_oldest_first=True)
    services.set_target(
        by=director, kam=lan, metric="collected", period="quarter", day=today,
        amount=1_000_000_000,
    )  # fmt: skip
    other = ClientFactory(owner=lan, legal_name="Công ty TNHH Gạch Men Á Châu")
    InteractionFactory(
        client=other, kind="call", next_step="Gửi lại báo giá gạch men",
        next_step_due_on=today - timedelta(days=3), next_step_owner=lan,
    )  # fmt: skip
    services.recompute_health()
    survey = services.send_survey(by=lan, client=sua_viet, stakeholder=decider)
    return {"client": sua_viet, "survey": survey, "collected": invoice.subtotal}


def test_a_low_score_reaches_todays_top_and_the_clients_health(
    page: Page, sign_in, url, lan, director, story, shots_dir
):
    client, survey = story["client"], story["survey"]
    health_before = HealthScore.objects.get(client=client).score

    # The decision maker answers on the public page, without an account, once.
    page.goto(url(f"/q/{services.surveys.survey_token(survey)}/"))
    form = page.get_by_test_id("survey-answer-form")
    form.locator("input[name=csat][value='2']").check()
    form.locator("input[name=nps][value='3']").check()
    form.locator("textarea[name=comment]").fill("Tiến độ chậm, ít cập nhật cho chúng tôi.")
    page.get_by_test_id("send-answer").click()
    expect(page.get_by_test_id("answered")).to_be_visible()
    assert Survey.objects.get().low_score

    # Lan's Today: the late next step first, then the unhappy client with what they said.
    sign_in(lan)
    in_english(page)
    items = page.get_by_test_id("agenda-item")
    expect(items.first).to_contain_text("Gửi lại báo giá gạch men")
    unhappy = items.filter(has_text="Call the unhappy client")
    expect(unhappy).to_contain_text("2/5")
    expect(unhappy).to_contain_text("Tiến độ chậm")
    if shots_dir:
        page.screenshot(path=shots_dir / "insights-today.png", full_page=True)

    # The client's health dropped, the survey named among the reasons.
    page.goto(url(f"/clients/{client.pk}/health/"))
    health_after = HealthScore.objects.get(client=client).score
    assert health_after < health_before
    expect(page.get_by_test_id("health-score")).to_contain_text(str(health_after))
    expect(page.get_by_test_id("signals")).to_contain_text("satisfaction 2/5")

    # Resolved from Today: a word on what was agreed, one click, back on Today without it.
    page.goto(url("/"))
    unhappy = page.get_by_test_id("agenda-item").filter(has_text="Call the unhappy client")
    unhappy.locator("input[name=note]").fill("Đã gọi chị Hà, hẹn họp cập nhật hàng tuần.")
    unhappy.get_by_role("button").click()
    expect(page).to_have_url(url("/"))
    expect(page.get_by_test_id("agenda")).not_to_contain_text("Call the unhappy client")
    assert Survey.objects.get().followed_up_at is not None


def test_the_director_sees_attainment_against_the_target_he_set(
    page: Page, sign_in, url, lan, director, story
):
    sign_in(director)
    in_english(page)
    page.goto(url("/dashboard/team/"))
    row = page.get_by_test_id(f"team-kam-{lan.pk}")
    # Collected 432 million, 400 million before VAT, against 1 billion: 40%.
    expect(row).to_contain_text(format_money(story["collected"]))
    expect(row).to_contain_text("40%")

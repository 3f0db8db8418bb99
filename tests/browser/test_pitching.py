"""From brief to approved proposal, end to end in the browser: the KAM records the client's
brief from the client page, hands the creative brief to the Planner, the team's seven ideas are
reviewed and three shortlisted, the proposal is priced and sent, pitched, answered with
feedback, revised into version 2 and approved; the Planner finds the creative brief on her
agenda; a department member on the brief sees no money."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kam.pitching.models import Brief, Idea, Proposal
from tests.clients.factories import ClientFactory, StakeholderFactory

IDEAS = [
    "Mâm cơm ba thế hệ",
    "Tết không xa",
    "Bình sữa may mắn",
    "Lì xì vị sữa",
    "Hành trình về quê",
    "Góc bếp ngày Tết",
    "Sữa cho ông bà",
]


@pytest.fixture
def sua_viet(transactional_db, lan):
    client = ClientFactory(legal_name="Công ty CP Sữa Việt", short_name="Sữa Việt", owner=lan)
    StakeholderFactory(client=client, full_name="Trần Thị Mai", title="Giám đốc Marketing")
    return client


def open_summary(page: Page, name: str) -> None:
    page.locator("summary", has_text=name).first.click()


def add_idea(page: Page, title: str) -> None:
    open_summary(page, "Add an idea")
    form = page.locator("form[action$='/ideas/']")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Description").fill(f"{title}: chuỗi phim ngắn và hoạt động trên mạng xã hội")
    form.get_by_role("button", name="Add the idea").click()
    expect(page.get_by_text("The idea is added.")).to_be_visible()


def score(page: Page, title: str, scores: tuple[int, int, int, int]) -> None:
    # The reader's review form is in the row under the idea's.
    row = page.locator("tr", has_text=title).first.locator("xpath=following-sibling::tr[1]")
    row.locator("summary", has_text="Score this idea").click()
    for label, value in zip(
        ["Fit to brief", "Creativity", "Feasibility", "Cost"], scores, strict=True
    ):
        row.get_by_label(label).select_option(str(value))
    row.get_by_role("button", name="Save my scores").click()


def add_line(page: Page, description: str, cost: int, price: int) -> None:
    open_summary(page, "Add a line")
    form = page.locator("form[action$='/lines/']")
    form.get_by_label("Kind").select_option("production")
    form.get_by_label("Description").fill(description)
    form.get_by_label("Quantity").fill("1")
    form.get_by_label("Unit cost (VND)").fill(str(cost))
    form.get_by_label("Client unit price (VND)").fill(str(price))
    form.get_by_role("button", name="Add the line").click()
    expect(page.get_by_text("The line is added to the estimate.")).to_be_visible()


def test_a_kam_takes_a_brief_to_an_approved_proposal(
    page: Page, sign_in, url, lan, planner, creative, sua_viet, browser, shots_dir
):
    sign_in(lan)
    page.get_by_test_id("language-en").click()

    # The brief, recorded from the client page, and the KAM's proposed budget.
    page.goto(url(f"/clients/{sua_viet.pk}/"))
    page.get_by_test_id("client-briefs").get_by_role("button", name="New brief").click()
    page.get_by_label("Title").fill("Chiến dịch Tết 2027")
    page.get_by_label("Objectives").fill("Tăng doanh số Tết 20% và nhận biết thương hiệu")
    page.get_by_label("Budget from (VND)").fill("1800000000")
    page.get_by_label("Budget up to (VND)").fill("2000000000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Chiến dịch Tết 2027")
    brief = Brief.objects.get()
    open_summary(page, "Propose a budget")
    page.get_by_label("Proposed budget (VND)").fill("1950000000")
    page.get_by_label("Why this budget").fill("TVC, KOL và activation đủ phủ mùa Tết")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.get_by_text("The proposed budget is saved.")).to_be_visible()

    # The creative brief goes to the Planner, who finds it on her agenda.
    open_summary(page, "Hand the brief to a Planner")
    page.get_by_label("Planner").select_option(str(planner.pk))
    page.get_by_role("button", name="Hand over the creative brief").click()
    brief.refresh_from_db()
    assert brief.status == Brief.Status.PLANNING
    assert brief.creative_brief.problem == brief.objectives
    planner_page = browser.new_page()
    sign_in(planner, on=planner_page)
    planner_page.get_by_test_id("language-en").click()
    planner_page.get_by_test_id("agenda").get_by_role(
        "link", name="Write the creative brief"
    ).click()
    planner_page.get_by_role("button", name="Mark ready for ideas").click()
    brief.creative_brief.refresh_from_db()
    assert brief.creative_brief.status == "ready"
    planner_page.close()

    # A department's creative is brought onto the brief: she sees it, without a figure.
    open_summary(page, "Bring someone onto the brief")
    page.get_by_label("Person").select_option(str(creative.pk))
    page.get_by_role("button", name="Add", exact=True).click()
    creative_page = browser.new_page()
    sign_in(creative, on=creative_page)
    creative_page.goto(page.url.split("#")[0])
    expect(creative_page.locator("h1")).to_contain_text("Chiến dịch Tết 2027")
    expect(creative_page.locator("main")).not_to_contain_text("₫")
    creative_page.close()

    # Seven ideas; the review scores them; the proposal is refused until three are shortlisted.
    for title in IDEAS:
        add_idea(page, title)
    for title, scores in zip(
        IDEAS[:4], [(5, 5, 4, 3), (4, 5, 3, 3), (4, 3, 5, 5), (2, 2, 2, 2)], strict=True
    ):
        score(page, title, scores)
    ideas = page.locator("#ideas")
    expect(ideas.locator("tbody tr").first).to_contain_text("Mâm cơm ba thế hệ")
    for title in IDEAS[:2]:
        ideas.locator("tr", has_text=title).get_by_role("button", name="Add to shortlist").click()
        expect(
            ideas.locator("tr", has_text=title).get_by_role("button", name="Take off")
        ).to_be_visible()
    expect(page.get_by_text("at least 3 shortlisted ideas")).to_be_visible()
    expect(page.get_by_role("button", name="Create the proposal")).to_be_disabled()
    ideas.locator("tr", has_text=IDEAS[2]).get_by_role("button", name="Add to shortlist").click()
    expect(page.get_by_role("button", name="Create the proposal")).to_be_enabled()
    assert Idea.objects.filter(brief=brief, is_shortlisted=True).count() == 3
    page.get_by_role("button", name="Create the proposal").click()

    # Version 1: priced at a 22 % margin with an 8 % VAT, sent, pitched, answered.
    expect(page.get_by_test_id("version-status")).to_have_text("draft")
    add_line(page, "Sản xuất TVC 30 giây", 780_000_000, 1_000_000_000)
    page.get_by_role("button", name="Edit the version").click()
    page.get_by_label("Narrative").fill("Tết sum vầy bên ly sữa Việt")
    page.get_by_label("VAT (%)").fill("8")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("margin")).to_contain_text("22")
    page.get_by_role("button", name="Send to the client").click()
    expect(page.get_by_test_id("version-status")).to_have_text("sent to the client")
    page.get_by_role("button", name="Plan a pitch").click()
    held = timezone.localtime().replace(microsecond=0) - timezone.timedelta(hours=2)
    page.get_by_label("When").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(re.compile("Nguyễn Thị Lan")).check()
    page.get_by_label(re.compile("Trần Thị Mai")).check()
    page.get_by_label("Outcome").select_option("revise")
    page.get_by_role("button", name="Save").click()
    open_summary(page, "Record feedback")
    page.get_by_label("What the client said").fill("Giảm chi phí TVC, thêm một KOL miền Bắc")
    page.get_by_role("button", name="Record the feedback").click()
    expect(page.get_by_text("The client's feedback is recorded.")).to_be_visible()

    # Version 2 starts from version 1; its line changes show as a diff; sent and approved.
    page.get_by_role("button", name="Revise: start version 2").click()
    expect(page.get_by_test_id("version-status")).to_have_text("draft")
    add_line(page, "KOL miền Bắc", 90_000_000, 120_000_000)
    expect(page.get_by_text("1 change to the estimate since the previous version")).to_be_visible()
    page.get_by_role("button", name="Send to the client").click()
    expect(page.get_by_test_id("version-status")).to_have_text("sent to the client")
    page.get_by_role("button", name="Record the approval").click()
    expect(page.get_by_text("The client approved the proposal.")).to_be_visible()
    if shots_dir:
        page.screenshot(path=shots_dir / "pitching-proposal.png", full_page=True)

    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.APPROVED
    assert proposal.approved_version.number == 2
    assert proposal.approved_version.lines.count() == 2
    assert proposal.versions.get(number=1).lines.count() == 1  # version 1 stayed as sent
    assert proposal.approved_version.vat_percent == Decimal(8)
    brief.refresh_from_db()
    assert brief.status == Brief.Status.APPROVED

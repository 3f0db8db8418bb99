"""Budget control end to end in the browser: the KAM sets up a project's budget from its
approved estimate on the project's page, records a vendor's bill and watches the burn; a
Creative member enters her hours in her week's timesheet (hours, never money); a second bill
takes the production line past 80% and the warning shows on the budget, the project and the
KAM's agenda; a change the agency absorbs would take the margin under the floor, so the KAM
asks a Director from the change's page, the Director approves it with a reason, and the KAM
records the client's approval; last, profitability by client, down to the project's budget."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from kam.budgets import services
from kam.budgets.models import Budget, Cost, MarginApproval, TimeEntry
from kam.delivery import services as delivery
from kam.delivery.models import ChangeRequest
from tests.budgets.factories import estimated_project
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import task
from tests.pitching.factories import department

KEY_VISUAL = "Thiết kế key visual Tết"
CHANGE = "Thêm bản TVC 15 giây cho TikTok"


@pytest.fixture(autouse=True)
def departments(transactional_db):
    """Put the migration's departments back: a transactional test may follow another that
    emptied every table."""
    migration = import_module("kam.people.migrations.0002_default_departments")
    migration.add_default_departments(apps, None)


@pytest.fixture
def project(transactional_db, lan, finance):
    """A running project under an approved estimate (cost 800 triệu, price 1,2 tỷ), its signed
    contract's first milestone reached; an hour of Creative costs 500.000 ₫."""
    client = ClientFactory(legal_name="Công ty CP Sữa Việt", short_name="Sữa Việt", owner=lan)
    StakeholderFactory(client=client, full_name="Trần Thị Mai", title="Giám đốc Marketing")
    project = estimated_project(client=client)
    contract = project.contract
    contract.value_amount = Decimal(1_200_000_000)
    contract.save(update_fields=["value_amount"])
    today = timezone.localdate()
    first = delivery.add_milestone(
        by=lan, contract=contract, title="Đợt 1", due_on=today, amount=Decimal(600_000_000)
    )
    delivery.add_milestone(
        by=lan, contract=contract, title="Đợt 2", due_on=today, amount=Decimal(600_000_000)
    )
    delivery.sign_contract(by=lan, contract=contract, signed_on=today)
    delivery.reach_milestone(by=lan, milestone=first, reached_on=today)
    services.set_cost_rate(
        by=finance,
        department=department("creative"),
        hourly_amount=Decimal(500_000),
        valid_from=today - timedelta(days=60),
    )
    return project


def message(page: Page, text: str):
    return page.locator(".messages").get_by_text(text)


def in_english(page: Page) -> None:
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def record_bill(page: Page, amount: int, description: str) -> None:
    page.locator("summary", has_text="Record a cost").click()
    form = page.get_by_test_id("cost-form")
    form.get_by_label("Kind").select_option("bill")
    form.get_by_label("Budget line").select_option(label="Sản xuất TVC 30 giây (production)")
    form.get_by_label("Vendor / KOL").fill("Công ty Sản xuất Phim Sao Mai")
    form.get_by_label("What", exact=True).fill(description)
    form.get_by_label("Amount before VAT (VND)").fill(str(amount))
    form.get_by_role("button", name="Record the cost").click()
    expect(message(page, "The cost is recorded.")).to_be_visible()


def test_a_kam_watches_the_budget_burn_and_guards_the_margin(
    page: Page, sign_in, url, lan, creative, director, project, browser, shots_dir
):
    today = timezone.localdate()
    work = task(project, assignee=creative, title=KEY_VISUAL)
    page.set_viewport_size({"width": 1280, "height": 1100})
    sign_in(lan)
    in_english(page)

    # The project's page offers to set up the budget; it comes from the approved estimate.
    page.goto(url(f"/projects/{project.pk}/"))
    panel = page.get_by_test_id("budget-panel")
    expect(panel).to_contain_text("The project has no budget yet")
    panel.get_by_role("button", name="Set up the budget").click()
    expect(message(page, "The budget is set up.")).to_be_visible()
    budget = Budget.objects.get()
    expect(page.get_by_test_id("budget-total")).to_contain_text("800.000.000 ₫")
    expect(page.get_by_test_id("forecast-margin")).to_contain_text("33.3%")
    expect(page.get_by_test_id("burn-chart")).to_contain_text("Nothing spent yet")

    # A vendor's bill: the burn starts.
    record_bill(page, 300_000_000, "Quay TVC ngày 1")
    expect(page.get_by_test_id("costs")).to_contain_text("Quay TVC ngày 1")
    expect(page.get_by_test_id("burn-chart").locator("circle")).to_have_count(1)
    expect(
        page.get_by_test_id("budget-lines").locator("tr", has_text="Sản xuất TVC")
    ).to_contain_text("60.0%")
    expect(page.get_by_test_id("warnings")).to_have_count(0)

    # The Creative member enters her hours in her week: hours only, never money.
    member = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(creative, on=member)
    in_english(member)
    member.get_by_role("link", name="My time").click()
    sheet = member.get_by_test_id("timesheet")
    row = sheet.locator("tr", has_text=KEY_VISUAL)
    expect(row).to_contain_text("Sữa Việt")
    row.locator(f'input[name="h-{work.pk}-{today.isoformat()}"]').fill("30")
    member.get_by_test_id("save-week").click()
    expect(member.get_by_text("Nothing is saved")).to_be_visible()
    expect(member.get_by_test_id("timesheet")).to_contain_text("at most 24")
    assert not TimeEntry.objects.exists()
    cell = member.locator(f'input[name="h-{work.pk}-{today.isoformat()}"]')
    cell.fill("7,5")
    member.get_by_test_id("save-week").click()
    expect(member.get_by_text("The week's hours are saved.")).to_be_visible()
    expect(cell).to_have_value("7.5")
    expect(member.locator("main")).not_to_contain_text("₫")
    assert TimeEntry.objects.get().cost_amount == Decimal(3_750_000)
    if shots_dir:
        member.screenshot(path=shots_dir / "budget-timesheet.png", full_page=True)
    member.close()

    # The KAM sees the time on the budget; a second bill takes production past 80%.
    page.reload()
    expect(page.get_by_test_id("effort")).to_contain_text("Hoàng Gia Bảo")
    expect(page.get_by_test_id("effort")).to_contain_text("3.750.000 ₫")
    expect(page.get_by_test_id("burn-chart").locator("circle")).to_have_count(1)
    expect(page.get_by_test_id("burn-chart")).to_contain_text("303.750.000 ₫")
    record_bill(page, 110_000_000, "Quay TVC ngày 2")
    warnings = page.get_by_test_id("warnings")
    expect(warnings).to_contain_text("Sản xuất TVC 30 giây: 80% reached")
    page.goto(url(f"/projects/{project.pk}/"))
    expect(page.get_by_test_id("budget-warnings")).to_contain_text("80% used")
    page.goto(url("/"))
    expect(page.get_by_test_id("agenda")).to_contain_text("has used 80% of its budget")
    page.goto(url("/budgets/"))
    expect(
        page.get_by_test_id("budget-table").locator("tr", has_text=project.title)
    ).to_contain_text("near the budget")

    # A change the agency absorbs would take the margin under the floor of 20%.
    change = delivery.create_change_request(
        by=lan,
        project=project,
        requested_by=project.client.stakeholders.get(),
        title=CHANGE,
        description="Khách hàng muốn thêm bản 15 giây, agency chịu chi phí",
        days_effect=5,
        paid_by="agency",
    )
    delivery.add_change_line(
        by=lan,
        change=change,
        effect="add",
        kind="production",
        description="Dựng bản 15 giây",
        quantity=Decimal(1),
        unit_cost_amount=Decimal(300_000_000),
        unit_price_amount=Decimal(0),
    )
    page.goto(url(f"/change-requests/{change.pk}/"))
    money = page.get_by_test_id("change-money")
    expect(money).to_contain_text("the agency (absorbed)")
    expect(money.get_by_test_id("margin-after")).to_contain_text("⚠")
    approve = page.locator("form[action$='/approve/']")
    approve.get_by_label("The client's words").fill("Đồng ý")
    approve.get_by_role("button", name="Record the approval").click()
    expect(page.get_by_test_id("decision")).to_contain_text("ask a Director to approve it first")
    assert ChangeRequest.objects.get().status == "open"
    ask = page.get_by_test_id("ask-director")
    ask.get_by_role("button", name="Ask a Director to approve").click()
    expect(page.get_by_test_id("ask-director")).to_contain_text("Say why the change is worth it")
    page.get_by_test_id("ask-director").get_by_label("Why the change is worth it").fill(
        "Khách chiến lược, giữ quan hệ cho hợp đồng năm sau"
    )
    page.get_by_test_id("ask-director").get_by_role("button", name="Ask a Director").click()
    expect(page.get_by_test_id("guard-state")).to_contain_text("Waiting for a Director")
    approval = MarginApproval.objects.get()
    if shots_dir:
        page.screenshot(path=shots_dir / "budget-change.png", full_page=True)

    # The Director finds it waiting and approves it, saying why.
    boss = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(director, on=boss)
    in_english(boss)
    expect(boss.get_by_test_id("agenda")).to_contain_text("Approve a margin under the floor")
    boss.goto(url("/approvals/"))
    boss.get_by_test_id("approval-table").get_by_role("link", name=CHANGE).click()
    expect(boss.get_by_test_id("approval-facts")).to_contain_text("Khách chiến lược")
    decide = boss.get_by_test_id("decide")
    decide.get_by_role("button", name="Approve the margin under the floor").click()
    expect(boss.get_by_test_id("decide")).to_contain_text("Give the reason for the decision")
    decide = boss.get_by_test_id("decide")
    decide.get_by_label("The reason for the decision").fill("Đồng ý: khách trọng yếu")
    decide.get_by_role("button", name="Approve the margin under the floor").click()
    expect(boss.get_by_text("Approved: the margin under the floor is accepted.")).to_be_visible()
    expect(boss.get_by_test_id("approval-status")).to_have_text("approved")
    boss.close()
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by) == ("approved", director)

    # The KAM records the client's approval: the budget takes the change in.
    page.goto(url(f"/change-requests/{change.pk}/"))
    expect(page.get_by_test_id("guard-state")).to_contain_text(
        "approved the margin under the floor"
    )
    approve = page.locator("form[action$='/approve/']")
    approve.get_by_label("The client's words").fill("Đồng ý, thêm 5 ngày")
    approve.get_by_role("button", name="Record the approval").click()
    expect(message(page, "The client's approval is recorded")).to_be_visible()
    expect(page.get_by_test_id("change-status")).to_have_text("approved")
    assert budget.lines.filter(change_request=change).get().cost_amount == Decimal(300_000_000)

    # Profitability by client, down to the project and its budget.
    page.locator("summary", has_text="Money").click()  # the money pages' menu of the bar
    page.get_by_role("link", name="Profitability").click()
    table = page.get_by_test_id("profitability")
    row = table.locator("tbody tr", has_text="Sữa Việt")
    expect(row).to_contain_text("600.000.000 ₫")  # the milestone reached
    expect(row).to_contain_text("413.750.000 ₫")  # two bills and the hours
    expect(row).to_contain_text("186.250.000 ₫")
    expect(page.get_by_test_id("margin-trend").locator("rect")).to_have_count(12)
    if shots_dir:
        page.screenshot(path=shots_dir / "budget-profitability.png", full_page=True)
    row.get_by_role("link", name="Sữa Việt").click()
    expect(page.get_by_test_id("all-clients")).to_be_visible()
    page.get_by_test_id("profitability").get_by_role("link", name=project.title).click()
    expect(page.locator("h1")).to_contain_text(project.title)
    expect(page.get_by_test_id("approvals")).to_contain_text("approved")
    if shots_dir:
        page.screenshot(path=shots_dir / "budget.png", full_page=True)
    assert Cost.objects.filter(status="recorded").count() == 2

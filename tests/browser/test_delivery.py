"""From approved proposal to delivered project, end to end in the browser: the KAM turns the
approved proposal into a contract (its payment schedule, signed) and a project with its four
phases; plans tasks for Creative, KOL and Production, one waiting for another; books a KOL with
a confirmed backup; a Creative member works her queue; the KOL cancels and the backup takes the
place; a late client-facing task is flagged, its slip recorded with the call that told the
client (on the client's timeline); a change request is priced and approved, moving the delivery
date and joining the check against the brief; every item is ticked and the project delivered."""

import re
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from kam.delivery.models import Booking, ChangeRequest, Contract, Project, Slip, Task
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import approved_proposal, running_project

SCRIPT = "Kịch bản TVC 30 giây"
KOL_TASK = "Chốt lịch KOL miền Bắc"
STORYBOARD = "Storyboard gửi khách hàng duyệt"
KOL = "Hoa hậu Thùy Tiên"
BACKUP = "Ca sĩ Hòa Minzy"
CHANGE = "Thêm một bản TVC 15 giây"
LINK = "https://drive.example.com/kich-ban-tvc-v1"


@pytest.fixture(autouse=True)
def departments(transactional_db):
    """Put the migration's departments back: a transactional test may follow another that
    emptied every table."""
    migration = import_module("kam.people.migrations.0002_default_departments")
    migration.add_default_departments(apps, None)


@pytest.fixture
def sua_viet(transactional_db, lan):
    client = ClientFactory(legal_name="Công ty CP Sữa Việt", short_name="Sữa Việt", owner=lan)
    StakeholderFactory(client=client, full_name="Trần Thị Mai", title="Giám đốc Marketing")
    return client


def shown(day: date) -> str:
    """A date as the pages show it (dd/mm/yyyy in both languages)."""
    return day.strftime("%d/%m/%Y")


def message(page: Page, text: str):
    return page.locator(".messages").get_by_text(text)


def add_milestone(page: Page, title: str, due_on: date, amount: int) -> None:
    page.locator("summary", has_text="Add a milestone").click()
    form = page.locator("form[action$='/milestones/new/']")
    form.get_by_label("What", exact=True).fill(title)
    form.get_by_label("Due", exact=True).fill(due_on.isoformat())
    form.get_by_label("Amount to invoice (VND)").fill(str(amount))
    form.get_by_role("button", name="Add the milestone").click()
    expect(message(page, "The milestone is added to the payment schedule.")).to_be_visible()


def new_task(
    page: Page,
    *,
    title: str,
    department: str,
    phase_pk: int,
    starts_on: date,
    due_on: date,
    status: str = "todo",
    client_facing: bool = False,
    waits_for: str = "",
) -> None:
    page.get_by_test_id("new-task").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("What is needed").fill(f"{title}: theo brief Tết của Sữa Việt")
    page.get_by_label("Phase", exact=True).select_option(str(phase_pk))
    page.get_by_label("Department", exact=True).select_option(label=department)
    page.get_by_label("Starts", exact=True).fill(starts_on.isoformat())
    page.get_by_label("Due", exact=True).fill(due_on.isoformat())
    page.get_by_label("Status", exact=True).select_option(status)
    if client_facing:
        page.get_by_label("The client sees this date").check()
    if waits_for:
        page.get_by_label(waits_for).check()
    page.get_by_role("button", name="Save").click()
    expect(message(page, "The task is given out.")).to_be_visible()
    expect(page.get_by_test_id("tasks").locator("tr", has_text=title)).to_be_visible()


def test_a_kam_takes_an_approved_proposal_to_a_delivered_project(
    page: Page, sign_in, url, lan, creative, sua_viet, browser, shots_dir
):
    today = timezone.localdate()
    proposal = approved_proposal(client=sua_viet)
    page.set_viewport_size({"width": 1280, "height": 1100})
    sign_in(lan)
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The approved proposal becomes a draft contract, its form filled from the proposal.
    page.goto(url(f"/proposals/{proposal.pk}/"))
    page.get_by_test_id("start-contract").click()
    expect(page.locator("h1")).to_contain_text(f"Contract for {proposal.title}")
    expect(page.get_by_label("Title", exact=True)).to_have_value(proposal.title)
    expect(page.get_by_label("Value before VAT (VND)")).to_have_value(
        re.compile(r"^2000000000(\.0+)?$")
    )
    expect(page.get_by_label("Contract number")).not_to_have_value("")
    expect(page.get_by_label("Starts", exact=True)).to_have_value(today.isoformat())
    page.get_by_label("Starts", exact=True).fill((today - timedelta(days=10)).isoformat())
    page.get_by_label("Ends", exact=True).fill((today + timedelta(days=80)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(message(page, "The contract is entered as a draft")).to_be_visible()
    expect(page.get_by_test_id("contract-status")).to_have_text("draft")
    contract = Contract.objects.get()
    assert contract.proposal == proposal

    # Its payment schedule covers the value exactly; then it is recorded as signed.
    add_milestone(page, "Đợt 1: ký hợp đồng", today + timedelta(days=20), 1_200_000_000)
    expect(page.get_by_test_id("schedule-gap")).to_be_visible()
    add_milestone(page, "Đợt 2: nghiệm thu", today + timedelta(days=80), 800_000_000)
    expect(page.get_by_test_id("milestones").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("schedule-gap")).to_have_count(0)
    page.get_by_role("button", name="Record as signed").click()
    expect(message(page, "The signed contract is recorded")).to_be_visible()
    expect(page.get_by_test_id("contract-status")).to_have_text("signed")

    # The project under it comes with the four usual phases; pre-production starts.
    page.get_by_test_id("start-project").click()
    expect(page.get_by_label("Delivery due")).to_have_value(
        (today + timedelta(days=80)).isoformat()
    )
    page.get_by_role("button", name="Save").click()
    expect(message(page, "The project is started with its phases")).to_be_visible()
    expect(page.get_by_test_id("project-status")).to_have_text("planning")
    phases = page.get_by_test_id("phases").locator("tbody tr")
    expect(phases).to_have_count(4)
    for kind in ["pre-production", "production", "post-production", "wrap-up"]:
        expect(page.get_by_test_id("phases")).to_contain_text(kind)
    phases.first.get_by_role("button", name="start").click()
    expect(page.get_by_test_id("project-status")).to_have_text("running")
    expect(phases.first.locator("mark")).to_have_text("in progress")
    project = Project.objects.get()
    pre_production = project.phases.get(position=1)

    # Tasks for three departments: Creative's script should have started three days ago; KOL's
    # booking waits for the script; Production's storyboard, a date the client sees, is late.
    new_task(
        page,
        title=SCRIPT,
        department="Creative",
        phase_pk=pre_production.pk,
        starts_on=today - timedelta(days=3),
        due_on=today + timedelta(days=4),
    )
    new_task(
        page,
        title=KOL_TASK,
        department="KOL",
        phase_pk=pre_production.pk,
        starts_on=today + timedelta(days=5),
        due_on=today + timedelta(days=12),
        waits_for=SCRIPT,
    )
    new_task(
        page,
        title=STORYBOARD,
        department="Production",
        phase_pk=pre_production.pk,
        starts_on=today - timedelta(days=8),
        due_on=today - timedelta(days=1),
        status="doing",
        client_facing=True,
    )
    tasks = page.get_by_test_id("tasks")
    expect(tasks.locator("tr", has_text=KOL_TASK).get_by_role("link", name=SCRIPT)).to_be_visible()
    flags = page.get_by_test_id("flags")
    expect(flags.get_by_test_id("flagged-task")).to_have_count(2)
    expect(flags.locator("li", has_text=SCRIPT)).to_contain_text("Predicted late")
    expect(flags.locator("li", has_text=STORYBOARD)).to_contain_text("Late")
    expect(flags).not_to_contain_text(KOL_TASK)

    # A KOL booked, and a backup standing by for her, confirmed.
    page.get_by_role("button", name="New booking").click()
    page.get_by_label("Kind", exact=True).select_option("kol")
    page.get_by_label("Who or what").fill(KOL)
    page.get_by_label("Fee (VND)").fill("150000000")
    page.get_by_label("From", exact=True).fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("To", exact=True).fill((today + timedelta(days=15)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(message(page, "The booking is recorded.")).to_be_visible()
    bookings = page.get_by_test_id("bookings")
    bookings.locator("tr", has_text=KOL).get_by_role("link", name="add a backup").click()
    expect(page.locator("h1")).to_have_text(f"Backup for {KOL}")
    page.get_by_label("Kind", exact=True).select_option("kol")
    page.get_by_label("Who or what").fill(BACKUP)
    page.get_by_label("Fee (VND)").fill("120000000")
    page.get_by_label("From", exact=True).fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("To", exact=True).fill((today + timedelta(days=15)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(message(page, "The backup stands by.")).to_be_visible()
    backup_row = bookings.locator("tr.backup")
    expect(backup_row).to_contain_text(BACKUP)
    backup_row.get_by_role("button", name="confirm").click()
    expect(message(page, f"“{BACKUP}” is confirmed.")).to_be_visible()
    expect(bookings.locator("tr.backup mark")).to_have_text("confirmed")

    # The Creative member finds the script in her department's queue (not KOL's work), starts
    # it there, then finishes it on its page with the link to what she delivered.
    creative_page = browser.new_page(viewport={"width": 1280, "height": 1100})
    sign_in(creative, on=creative_page)
    creative_page.get_by_test_id("language-en").click()
    expect(creative_page.locator("html")).to_have_attribute("lang", "en")
    creative_page.goto(url("/tasks/"))
    queue = creative_page.get_by_test_id("queue-table")
    row = queue.locator("tbody tr", has_text=SCRIPT)
    expect(row).to_contain_text("Sữa Việt")
    expect(row).to_contain_text("Predicted late")
    expect(queue).not_to_contain_text(KOL_TASK)
    expect(queue).not_to_contain_text(STORYBOARD)
    row.get_by_label("Status").select_option("doing")
    row.get_by_role("button", name="move").click()
    expect(creative_page.get_by_text(f"“{SCRIPT}” is updated.")).to_be_visible()
    row = creative_page.get_by_test_id("queue-table").locator("tbody tr", has_text=SCRIPT)
    expect(row.get_by_label("Status")).to_have_value("doing")
    expect(row).not_to_contain_text("Predicted late")
    row.get_by_role("link", name=SCRIPT).click()
    expect(creative_page.get_by_test_id("task-status")).to_have_text("doing")
    expect(creative_page.locator("main")).not_to_contain_text("₫")
    work = creative_page.get_by_test_id("work")
    work.get_by_label("Status").select_option("done")
    work.get_by_label("Deliverable links").fill(LINK)
    work.get_by_role("button", name="Save").click()
    expect(creative_page.get_by_text("The task is updated.")).to_be_visible()
    expect(creative_page.get_by_test_id("task-status")).to_have_text("done")
    expect(creative_page.get_by_test_id("deliverables").get_by_role("link")).to_have_attribute(
        "href", LINK
    )
    creative_page.close()

    # Back to the KAM: the KOL cancels; her confirmed backup takes the place in the same step.
    page.goto(url(f"/projects/{project.pk}/"))
    expect(tasks.locator("tr", has_text=SCRIPT).locator("mark").first).to_have_text("done")
    bookings.locator("tr", has_text=KOL).get_by_role("link", name="cancel…").click()
    expect(page.get_by_label("Its backup takes its place")).to_be_checked()
    page.get_by_label("Why the booking is cancelled").fill("Trùng lịch quay phim ở Hàn Quốc")
    page.get_by_role("button", name="Save").click()
    expect(message(page, f"“{KOL}” is cancelled; “{BACKUP}” takes its place.")).to_be_visible()
    expect(bookings.locator("tr.backup")).to_have_count(0)
    expect(bookings.locator("tr", has_text=KOL)).to_contain_text("cancelled")
    expect(bookings.locator("tr", has_text=KOL)).to_contain_text("Trùng lịch quay phim")
    expect(bookings.locator("tr", has_text=BACKUP).locator("mark")).to_have_text("confirmed")
    history = page.locator("section.history")
    expect(history.locator("li", has_text="promoted the backup in its place")).to_contain_text(
        BACKUP
    )
    assert Booking.objects.get(name=BACKUP).backup_for is None

    # What slips: the late storyboard the client sees, and the milestones it puts at risk.
    flags = page.get_by_test_id("flags")
    expect(flags.get_by_test_id("flagged-task")).to_have_count(1)
    late = flags.get_by_test_id("flagged-task")
    expect(late).to_contain_text(STORYBOARD)
    expect(late.get_by_test_id("late-badge")).to_have_text("Late")
    expect(late).to_contain_text("the client sees this date")
    expect(flags.get_by_test_id("flagged-milestone")).to_have_count(2)
    expect(flags.get_by_test_id("flagged-milestone").first).to_contain_text("At risk")

    # Its slip is recorded with the call that told the client.
    new_due = today + timedelta(days=6)
    late.get_by_role("link", name="record the slip and tell the client").click()
    expect(page.locator("h1")).to_contain_text(f"The task “{STORYBOARD}” slips")
    page.get_by_label("New date").fill(new_due.isoformat())
    page.get_by_label("Why the date slips").fill("Khách hàng đổi concept bao bì")
    page.get_by_label("How the client was told").select_option("call")
    page.get_by_label("Trần Thị Mai").check()
    page.get_by_role("button", name="Save").click()
    expect(message(page, "The new date is recorded, with how the client was told.")).to_be_visible()
    expect(page.get_by_test_id("task-facts")).to_contain_text(shown(new_due))
    page.get_by_role("link", name=project.title).first.click()
    expect(page.get_by_test_id("flags")).to_contain_text("Nothing late or predicted late.")
    slip_row = page.get_by_test_id("slips").locator("tbody tr", has_text=STORYBOARD)
    expect(slip_row).to_contain_text(shown(today - timedelta(days=1)))
    expect(slip_row).to_contain_text(shown(new_due))
    expect(slip_row).to_contain_text("call")
    slip = Slip.objects.get()
    assert list(slip.interaction.stakeholders.values_list("full_name", flat=True)) == [
        "Trần Thị Mai"
    ]

    # The client's page shows the call on its timeline.
    page.goto(url(f"/clients/{sua_viet.pk}/"))
    call = page.locator("#interactions li.interaction", has_text=STORYBOARD)
    expect(call).to_contain_text("Call")
    expect(call).to_contain_text("Trần Thị Mai")
    expect(call).to_contain_text(
        f"moves from {shown(today - timedelta(days=1))} to {shown(new_due)}"
    )

    # A change request from the client's marketing director, priced and approved: a week more.
    page.goto(url(f"/projects/{project.pk}/"))
    page.get_by_role("button", name="New change request").click()
    page.get_by_label("Requested by").select_option(label="Trần Thị Mai — Giám đốc Marketing")
    page.get_by_label("Title", exact=True).fill(CHANGE)
    page.get_by_label("What changes").fill("Cắt thêm bản 15 giây cho TikTok")
    page.get_by_label("Effect on delivery (days)").fill("7")
    page.get_by_role("button", name="Save").click()
    expect(message(page, "The change request is recorded")).to_be_visible()
    expect(page.get_by_test_id("change-status")).to_have_text("waiting for the client")
    page.locator("summary", has_text="Add a line").click()
    line_form = page.locator("form[action$='/lines/']")
    line_form.get_by_label("Kind", exact=True).select_option("production")
    line_form.get_by_label("What", exact=True).fill("Dựng bản TVC 15 giây")
    line_form.get_by_label("Quantity").fill("1")
    line_form.get_by_label("Unit cost (VND)").fill("60000000")
    line_form.get_by_label("Unit price to the client (VND)").fill("90000000")
    line_form.get_by_role("button", name="Add the line").click()
    expect(message(page, "The line is added to the change.")).to_be_visible()
    expect(page.get_by_test_id("change-lines")).to_contain_text("Dựng bản TVC 15 giây")
    expect(page.get_by_test_id("price-effect")).to_contain_text("90")
    approve = page.locator("form[action$='/approve/']")
    approve.get_by_label("The client's words").fill("Đồng ý, thêm 7 ngày")
    approve.get_by_role("button", name="Record the approval").click()
    expect(message(page, "The client's approval is recorded")).to_be_visible()
    expect(page.get_by_test_id("change-status")).to_have_text("approved")
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.APPROVED

    # The project's delivery date moved a week; the change joined the check against the brief.
    page.get_by_role("link", name=project.title).first.click()
    new_end = today + timedelta(days=87)
    expect(page.get_by_test_id("project-facts")).to_contain_text(
        f"{shown(today - timedelta(days=10))} \u2013 {shown(new_end)}"
    )
    expect(page.get_by_test_id("changes").locator("tr", has_text=CHANGE)).to_contain_text(
        "approved"
    )
    check = page.get_by_test_id("check")
    expect(check.get_by_test_id("check-items").locator("li", has_text=CHANGE)).to_contain_text(
        "change request"
    )
    items = check.get_by_test_id("check-items").locator("li")
    count = items.count()
    assert count == 4  # the brief's objective, mandatory and KPI, and the change
    expect(page.get_by_test_id("unchecked-count")).to_have_text(f"{count} items not ticked")

    # Every item ticked (each click swaps the check in place), then delivered.
    for left in range(count - 1, -1, -1):
        page.get_by_test_id("check").get_by_role("button", name="tick", exact=True).first.click()
        expect(page.get_by_test_id("unchecked-count")).to_have_text(
            re.compile(rf"^{left} items? not ticked$")
        )
    expect(page.get_by_test_id("check-items")).not_to_contain_text("☐")
    expect(page.get_by_test_id("deliver")).not_to_contain_text("Some items are not ticked")
    page.get_by_role("button", name="Mark as delivered").click()
    expect(message(page, "The project is delivered.")).to_be_visible()
    expect(page.get_by_test_id("project-status")).to_have_text("delivered")
    expect(page.get_by_test_id("project-facts")).to_contain_text(f"delivered {shown(today)}")
    expect(page.get_by_test_id("new-task")).to_have_count(0)
    if shots_dir:
        page.screenshot(path=shots_dir / "delivery-project.png", full_page=True)

    project.refresh_from_db()
    assert project.status == Project.Status.DELIVERED
    assert project.ends_on == new_end
    assert project.unchecked_reason == ""
    assert Task.objects.get(title=SCRIPT).deliverables == LINK
    assert Task.objects.get(title=STORYBOARD).due_on == new_due


def test_delivering_with_items_unticked_needs_the_reason(page: Page, sign_in, url, lan, sua_viet):
    project = running_project(client=sua_viet)
    sign_in(lan)
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(url(f"/projects/{project.pk}/"))
    check = page.get_by_test_id("check")
    expect(check.get_by_test_id("unchecked-count")).to_have_text("3 items not ticked")
    check.get_by_role("button", name="tick", exact=True).first.click()
    expect(page.get_by_test_id("unchecked-count")).to_have_text("2 items not ticked")
    deliver = page.get_by_test_id("deliver")
    expect(deliver).to_contain_text("Some items are not ticked")

    # Refused beside the form while two items are not ticked and no reason is given.
    deliver.get_by_role("button", name="Mark as delivered").click()
    expect(page.get_by_test_id("deliver").locator(".form-error")).to_contain_text(
        "2 items of the check against the brief are not ticked"
    )
    expect(page.get_by_test_id("project-status")).to_have_text("running")

    page.get_by_label("Why it is delivered with items unchecked").fill(
        "Khách hàng nhận báo cáo sau chiến dịch vào quý sau"
    )
    page.get_by_role("button", name="Mark as delivered").click()
    expect(message(page, "The project is delivered.")).to_be_visible()
    expect(page.get_by_test_id("project-status")).to_have_text("delivered")
    expect(page.get_by_text("Delivered with items unchecked")).to_be_visible()
    project.refresh_from_db()
    assert project.unchecked_reason.startswith("Khách hàng nhận báo cáo")

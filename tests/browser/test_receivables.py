"""Reconciliation and collections end to end in the browser, as PRODUCT.md's story tells it:
Finance drafts the first milestone's invoice from the contract page and issues it (VAT 8%,
dated 65 days ago so that, 30 days' terms later, it is 35 days overdue); records the client's
half payment, allocated oldest first; sees the rest age in the 31-60 days column and drills
down to it; the dunning job runs twice and the reminder goes out once; Finance makes the
month's reconciliation statement and sends it; the client's accountant opens the emailed link
without an account and confirms it; the KAM finds the overdue client on their agenda."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from kam.receivables import services
from kam.receivables.models import DunningNotice, Invoice, Payment, Statement
from tests.delivery.factories import signed_contract
from tests.receivables.factories import billable_client

HALF = 324_000_000  # half of the first milestone: 600 triệu + 8% VAT = 648 triệu


@pytest.fixture
def contract(transactional_db, lan):
    client = billable_client(legal_name="Công ty CP Sữa Việt", short_name="Sữa Việt", owner=lan)
    return signed_contract(client=client)


def message(page: Page, text: str):
    return page.locator(".messages").get_by_text(text)


def in_english(page: Page) -> None:
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_finance_invoices_collects_and_reconciles_a_milestone(
    page: Page, sign_in, url, lan, finance, contract, browser, shots_dir
):
    today = timezone.localdate()
    client = contract.client
    page.set_viewport_size({"width": 1280, "height": 1100})
    sign_in(finance)
    in_english(page)

    # The contract's page lists its milestones for invoicing; the first is drafted in a click.
    page.goto(url(f"/contracts/{contract.pk}/"))
    panel = page.get_by_test_id("invoicing-panel")
    panel.get_by_test_id("draft-milestone-invoice").first.click()
    expect(page.get_by_test_id("invoice-lines")).to_contain_text("8%")
    expect(page.get_by_test_id("invoice-total")).to_contain_text("648.000.000 ₫")

    # Issued 65 days ago: the next number of the series, due 30 days later.
    issue = page.get_by_test_id("issue")
    issue.get_by_label("Issue date").fill((today - timedelta(days=65)).isoformat())
    issue.get_by_test_id("issue-invoice").click()
    invoice = Invoice.objects.get()
    assert invoice.status == "issued" and invoice.number == 1
    expect(page.locator("h1")).to_contain_text(str(invoice))
    expect(page.get_by_test_id("open-amount")).to_contain_text("648.000.000 ₫")
    expect(page.get_by_test_id("issue-invoice")).to_have_count(0)  # never issued twice

    # The client pays half; allocated oldest first, the rest stays open.
    page.goto(url(f"/payments/new/?client={client.pk}"))
    page.get_by_label("Amount (VND)").fill(str(HALF))
    page.get_by_label("Bank reference").fill("VCB 2611 SUAVIET")
    page.get_by_label("Allocate it to the oldest open invoices first").check()
    page.get_by_role("button", name="Record the payment").click()
    payment = Payment.objects.get()
    expect(page.get_by_test_id("allocations")).to_contain_text(str(invoice))
    assert payment.allocated_amount == HALF
    invoice.refresh_from_db()
    assert invoice.open_amount == HALF

    # Ageing: the rest is 35 days overdue, in the 31-60 column; its cell drills down to it.
    page.goto(url("/receivables/"))
    row = page.get_by_test_id("ageing").locator("tr", has_text="Sữa Việt")
    cell = row.locator('a[href*="bucket=days_31_60"]')
    expect(cell).to_have_text("324.000.000 ₫")
    expect(row.locator('a[href*="bucket=days_1_30"]')).to_have_count(0)
    cell.click()
    expect(page.get_by_test_id("drill-down")).to_contain_text(str(invoice))
    if shots_dir:
        page.screenshot(path=shots_dir / "receivables-ageing.png", full_page=True)

    # The daily dunning job, run twice: the 30-day reminder goes out once.
    assert services.send_due_reminders() == 1
    assert services.send_due_reminders() == 0
    reminders = [m for m in mail.outbox if str(invoice) in m.subject]
    assert len(reminders) == 1 and reminders[0].to == ["ketoan@khachhang.vn"]
    assert DunningNotice.objects.get().step_days == 30
    page.goto(url(f"/invoices/{invoice.pk}/"))
    expect(page.get_by_test_id("invoice-reminders")).to_contain_text("ketoan@khachhang.vn")

    # The month's statement: opening balance the whole invoice, the half payment, the rest.
    page.goto(url(f"/statements/new/?client={client.pk}"))
    page.get_by_label("From").fill(today.replace(day=1).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    statement = Statement.objects.get()
    assert (statement.opening_balance, statement.paid, statement.closing_balance) == (
        648_000_000,
        HALF,
        HALF,
    )
    page.get_by_test_id("send-statement").click()
    statement.refresh_from_db()
    assert statement.status == "sent"
    (sent,) = [m for m in mail.outbox if statement.number in m.subject]
    link = re.search(r"http://\S+/s/\S+/", sent.body).group(0)

    # The client's accountant opens the link, with no account, and confirms.
    accountant = browser.new_page(viewport={"width": 390, "height": 844})
    accountant.goto(url("/s/" + link.split("/s/", 1)[1]))
    title = accountant.get_by_role("heading", name=re.compile("biên bản đối chiếu", re.I))
    expect(title).to_contain_text(statement.number)
    expect(accountant.locator("body")).to_contain_text("324.000.000 ₫")
    accountant.locator('input[name="name"]').fill("Nguyễn Thị Kế Toán")
    accountant.get_by_test_id("confirm").click()
    expect(accountant.get_by_test_id("answer")).to_contain_text("Nguyễn Thị Kế Toán")
    expect(accountant.get_by_test_id("confirm")).to_have_count(0)
    if shots_dir:
        accountant.screenshot(path=shots_dir / "statement-confirmed.png", full_page=True)
    accountant.close()
    statement.refresh_from_db()
    assert statement.status == "confirmed"

    # The KAM's agenda: the client owes, overdue.
    kam = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(lan, on=kam)
    in_english(kam)
    item = kam.get_by_test_id("agenda").locator("li", has_text="Sữa Việt")
    expect(item).to_contain_text("324.000.000 ₫")
    item.get_by_role("link").first.click()
    expect(kam.get_by_test_id("open-invoices")).to_contain_text(str(invoice))
    kam.close()

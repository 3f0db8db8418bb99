"""The KAM's path through a key client: create it, add a stakeholder, log a meeting with a next
step in one step on the client page, see it flagged when it goes quiet, find it without accents;
another team's KAM sees none of it. And a thousand clients in from an XLSX file and out again."""

import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
from django.utils import timezone
from playwright.sync_api import Page, expect

from kam.clients.models import Client, Interaction


def test_a_kam_looks_after_a_key_client_from_creation_to_going_quiet(
    page: Page, sign_in, lan, minh, browser, url, shots_dir
):
    sign_in(lan)
    page.get_by_test_id("language-en").click()

    # A new key client.
    page.goto(url("/clients/"))
    page.get_by_role("button", name="Add a client").click()
    page.get_by_label("Legal name").fill("Công ty Cổ phần Sữa Việt")
    page.get_by_label("Short name").fill("Sữa Việt")
    page.get_by_label("Tax code").fill("0312345673")
    page.get_by_label("Industry").select_option("fmcg")
    page.get_by_label("Tier").select_option("key")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Công ty Cổ phần Sữa Việt")
    client = Client.objects.get()
    assert client.owner == lan and client.tier == "key"

    # A stakeholder, phone typed the Vietnamese way.
    page.get_by_role("link", name="Add a stakeholder").click()
    page.get_by_label("Full name").fill("Trần Thu Hà")
    page.get_by_label("Job title").fill("Giám đốc Marketing")
    page.get_by_label("Role in the decision").select_option("decision_maker")
    page.get_by_label("Influence (1-5)").fill("5")
    page.get_by_label("Phone").fill("+84 912 345 678")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Trần Thu Hà")).to_be_visible()
    expect(page.get_by_text("0912345678")).to_be_visible()

    # A meeting with a next step, logged in one step without leaving the page.
    page.evaluate("window.kamMarker = 'still the same page'")
    page.get_by_role("button", name="Log an interaction").click()
    form = page.locator("#interactions form")
    form.get_by_label("Kind").select_option("meeting")
    form.get_by_label("Trần Thu Hà").check()
    form.get_by_label("Summary").fill("Họp kick-off chiến dịch Tết")
    form.get_by_label("Next step", exact=True).fill("Gửi creative brief")
    form.get_by_label("Next step due").fill("2026-12-05")
    form.get_by_label("Next step owner").select_option(str(lan.pk))
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The interaction is logged.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Họp kick-off chiến dịch Tết")
    assert page.evaluate("window.kamMarker") == "still the same page"
    meeting = Interaction.objects.get()
    assert meeting.next_step_owner == lan and list(meeting.stakeholders.all())

    # Fresh contact: not quiet. Forty days on (the meeting moved back), it is.
    page.goto(url("/clients/"))
    expect(page.get_by_test_id("quiet-flag")).to_have_count(0)
    Interaction.objects.filter(pk=meeting.pk).update(
        happened_at=timezone.now() - timedelta(days=40)
    )
    page.reload()
    expect(page.get_by_test_id("quiet-flag")).to_have_count(1)
    if shots_dir:
        page.screenshot(path=str(shots_dir / "client-list-quiet.png"), full_page=True)

    # Found by its name without accents, as typed on a phone.
    page.goto(url("/clients/?tier=growth"))
    expect(page.get_by_role("link", name="Công ty Cổ phần Sữa Việt")).to_have_count(0)
    page.goto(url("/clients/"))
    page.get_by_test_id("client-search").fill("sua viet")
    expect(page).to_have_url(re.compile(r"/clients/\?q=sua(%20|\+)viet"))
    expect(page.get_by_role("link", name="Công ty Cổ phần Sữa Việt")).to_be_visible()

    # Another team's KAM sees none of it.
    other = browser.new_context()
    try:
        minh_page = sign_in(minh, on=other.new_page())
        minh_page.goto(url("/clients/?q=sua+viet"))
        expect(minh_page.get_by_text("Sữa Việt")).to_have_count(0)
        response = minh_page.goto(url(f"/clients/{client.pk}/"))
        assert response.status == 404
    finally:
        other.close()


def test_a_kam_imports_a_thousand_clients_from_xlsx_and_exports_them_back(
    page: Page, sign_in, lan, url, tmp_path
):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Legal name", "Tier", "Industry"])
    for number in range(1000):
        workbook.active.append([f"Công ty Khách hàng {number:04d}", "key", "FMCG"])
    upload = tmp_path / "khach-hang.xlsx"
    workbook.save(upload)

    sign_in(lan)
    page.get_by_test_id("language-en").click()
    page.goto(url("/clients/"))
    page.get_by_role("button", name="Import").click()
    page.get_by_label("What the file holds").select_option("clients")
    page.get_by_label("Spreadsheet (XLSX or CSV)").set_input_files(upload)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Every row is valid")).to_be_visible()
    expect(page.get_by_text("1000 rows")).to_be_visible()
    page.get_by_role("button", name="Import all rows").click()
    expect(page.get_by_text("1000 rows are imported.")).to_be_visible()
    assert Client.objects.filter(owner=lan, tier="key", industry="fmcg").count() == 1000

    with page.expect_download() as download:
        page.get_by_test_id("export-clients").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    content = Path(download.value.path()).read_bytes()
    exported = openpyxl.load_workbook(io.BytesIO(content)).active
    names = [row[0] for row in exported.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 1000 and names[0] == "Công ty Khách hàng 0000"

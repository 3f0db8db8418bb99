"""A proposal version as a workbook and as a printed summary: every line, the totals kam
computes, text that Excel must not run, Vietnamese that survives printing; and the downloads
only for those who see the version's money."""

import io
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from kam.core.http import attachment_disposition
from kam.pitching import exports, queries, services
from kam.pitching.views import exports as views
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.pitching.factories import department, shortlisted_brief

FORMULA = '=HYPERLINK("http://example.com","Bấm vào đây")'


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty CP Sữa Việt", owner=lan, tax_code="0312345673")


@pytest.fixture
def version(lan, sua_viet):
    """Version 2 of a Tết proposal: v1 priced, sent and answered, then revised."""
    brief = shortlisted_brief(
        client=sua_viet, title="Tết 2026 — Sum vầy", objectives="Tăng nhận biết thương hiệu"
    )
    services.propose_budget(
        by=lan, brief=brief, amount=Decimal(1_900_000_000), rationale="Đủ cho TVC và KOL"
    )
    proposal = services.create_proposal(by=lan, brief=brief, title="Đề xuất Tết Sữa Việt")
    first = queries.current_version(proposal)
    services.update_version(
        by=lan,
        version=first,
        narrative="Câu chuyện bữa cơm đoàn viên",
        agency_fee_percent=Decimal(10),
        vat_percent=Decimal(8),
    )
    lines = [
        ("department", department("creative"), "", "Ý tưởng và kịch bản", 1, 90, 150),
        ("kol", None, "Hà Anh Tuấn", "Đăng 3 bài Facebook", 3, 80, 110),
        ("production", None, "Đông Á Films", "Sản xuất TVC 30 giây", "1.5", 500, 640),
        ("vendor", None, "In Ấn Sài Gòn", FORMULA, 1000, "0.020333", "0.03"),
    ]
    for kind, dept, supplier, description, quantity, cost, price in lines:
        services.add_estimate_line(
            by=lan,
            version=first,
            kind=kind,
            department=dept,
            supplier=supplier,
            description=description,
            quantity=Decimal(quantity),
            unit_cost_amount=(Decimal(cost) * 1_000_000).to_integral_value(),
            unit_price_amount=(Decimal(price) * 1_000_000).to_integral_value(),
        )
    services.send_version(by=lan, version=first)
    nhung = StakeholderFactory(client=sua_viet, full_name="Nguyễn Thị Hồng Nhung")
    services.record_feedback(
        by=lan,
        version=first,
        text="Khách muốn thêm một KOL miền Bắc, giữ tổng ngân sách.",
        stakeholder=nhung,
    )
    services.schedule_pitch(
        by=lan,
        proposal=proposal,
        version=first,
        held_at=timezone.now() - timedelta(days=1),
        presenters=[lan],
        attendees=[nhung],
        location="Văn phòng Sữa Việt, Quận 7",
        outcome="revise",
    )
    second = services.revise_proposal(by=lan, proposal=proposal)
    return queries.get_version_for(lan, second.pk)


def _cells(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows()]


def _values(content: bytes) -> list[list]:
    return [[cell.value for cell in row] for row in _cells(content)]


def _totals(rows: list[list]) -> dict:
    """The totals block: label in the column before the last, value in the last."""
    return {row[-2]: row[-1] for row in rows if len(row) >= 2 and row[-2] and not row[0]}


# --- The workbook ---------------------------------------------------------------------------
def test_the_workbook_holds_every_line_with_its_amounts_as_numbers(version):
    lines = list(queries.lines_of(version))
    rows = _values(exports.estimate_xlsx(version))
    descriptions = [row[3] for row in rows]
    for line in lines:
        row = rows[
            descriptions.index(line.description if line.description != FORMULA else "'" + FORMULA)
        ]
        assert row[4] == line.quantity
        assert row[5:9] == [
            line.unit_cost_amount,
            line.cost_amount,
            line.unit_price_amount,
            line.price_amount,
        ]
        assert all(isinstance(value, int) for value in row[5:9])
    assert len(lines) == 4


def test_the_workbooks_totals_are_the_databases_totals_exactly(version, lan):
    totals = queries.totals_of(version)
    with translation.override("en"):
        rows = _values(exports.estimate_xlsx(version))
    found = _totals(rows)
    assert found["Total cost"] == totals.cost
    assert found["Total client price"] == totals.price
    assert found["Agency fee (%)"] == totals.fee_percent == 10
    assert found["Agency fee"] == totals.fee
    assert found["Revenue"] == totals.revenue
    assert found["Margin"] == totals.margin
    assert Decimal(str(found["Margin (%)"])) == totals.margin_percent
    assert found["VAT (%)"] == totals.vat_percent == 8
    assert found["VAT"] == totals.vat
    assert found["Total with VAT"] == totals.total
    # The totals are the sum of the lines as written.
    assert totals.price == sum(row[8] for row in rows if isinstance(row[8], int) and row[3])


def test_money_is_formatted_as_whole_dong_with_thousands(version):
    cells = _cells(exports.estimate_xlsx(version))
    lines = [row for row in cells if row[0].value and isinstance(row[5].value, int)]
    amounts = [cell for row in lines for cell in row[5:9]]
    assert len(lines) == 4
    assert {cell.number_format for cell in amounts} == {"#,##0"}


def test_a_description_that_looks_like_a_formula_is_stored_as_text(version):
    cells = [cell for row in _cells(exports.estimate_xlsx(version)) for cell in row]
    [escaped] = [
        cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert escaped.data_type == "s"
    assert escaped.value == "'" + FORMULA
    assert not any(cell.data_type == "f" for cell in cells)


def test_the_heading_names_the_client_proposal_version_and_date(version):
    with translation.override("en"):
        rows = _values(exports.estimate_xlsx(version))
    heading = {row[0]: row[1] for row in rows[:6] if row and row[0]}
    assert heading["Client"] == "Công ty CP Sữa Việt"
    assert heading["Proposal"] == "Đề xuất Tết Sữa Việt"
    assert heading["Version"].startswith("2 — ")
    assert heading["Date"] is not None


def test_the_column_headers_are_in_the_readers_language(version):
    with translation.override("en"):
        english = _values(exports.estimate_xlsx(version))
    with translation.override("vi"):
        vietnamese = _values(exports.estimate_xlsx(version))
    header = next(row for row in english if row[:1] == ["Kind"])
    assert header[:4] == ["Kind", "Department", "Vendor / KOL", "Description"]
    assert any("Mô tả" in row and "Phòng ban" in row for row in vietnamese)
    assert any("Khách hàng" in row for row in vietnamese)


# --- The printed summary --------------------------------------------------------------------
def _pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    # Words a narrow column wraps onto two lines are still the same words.
    return " ".join(result.stdout.decode("utf-8").split())


def test_the_summary_is_a_pdf_whose_vietnamese_survives_printing(version, lan):
    with translation.override("vi"):
        content = exports.summary_pdf(version, printed_by=lan)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    for words in [
        "Công ty CP Sữa Việt",
        "Đề xuất Tết Sữa Việt",
        "Tăng nhận biết thương hiệu",
        "Nguyễn Thị Hồng Nhung",
        "Khách muốn thêm một KOL miền Bắc",
        "Sản xuất TVC 30 giây",
        "Đông Á Films",
        "Nguyễn Thị Lan",
        "Văn phòng Sữa Việt, Quận 7",
    ]:
        assert words in text, words


def test_the_summary_shows_the_totals_margin_ideas_and_history(version):
    totals = queries.totals_of(version)
    with translation.override("en"):
        text = _pdf_text(exports.summary_pdf(version))
    assert "1.900.000.000 ₫" in text  # the proposed budget
    assert f"{totals.total:,}".replace(",", ".") in text
    assert "Margin (" in text and "floor 20%" in text
    for idea in version.ideas.all():
        assert idea.title in text
    assert "v1" in text and "v2" in text
    assert "Sent to the client" in text and "Draft" in text


# --- The downloads --------------------------------------------------------------------------
def _urls(version) -> dict[str, str]:
    return {
        "xlsx": reverse("pitching:version_estimate_xlsx", args=[version.pk]),
        "pdf": reverse("pitching:version_summary_pdf", args=[version.pk]),
    }


def test_the_kam_downloads_the_estimate_and_the_summary(login, lan, version):
    browser = login(lan)
    urls = _urls(version)
    workbook = browser.get(urls["xlsx"])
    assert workbook.status_code == 200
    assert workbook["Content-Type"] == views.XLSX_TYPE
    assert workbook["Content-Disposition"].startswith('attachment; filename="')
    assert "filename*=UTF-8''" in workbook["Content-Disposition"]
    assert load_workbook(io.BytesIO(workbook.content))
    summary = browser.get(urls["pdf"])
    assert summary.status_code == 200
    assert summary["Content-Type"] == views.PDF_TYPE
    assert summary.content.startswith(b"%PDF")
    assert ".pdf" in summary["Content-Disposition"]


def test_an_outsider_and_a_department_member_get_404(login, version, minh, creative, lan):
    # The creative is on the brief's team: they see the brief and its ideas, never its money.
    services.add_brief_member(by=lan, brief=version.proposal.brief, user=creative)
    urls = _urls(version)
    for person in (minh, creative):
        browser = login(person)
        for url in urls.values():
            assert browser.get(url).status_code == 404, (person, url)


def test_signing_in_comes_first(client, version):
    for url in _urls(version).values():
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_views_answer_through_a_request_factory_too(lan, minh, version):
    """The view functions alone, wired or not."""
    from django.http import Http404

    request = RequestFactory().get("/")
    request.user = lan
    response = views.version_estimate_xlsx(request, version.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == views.XLSX_TYPE
    request.user = minh
    with pytest.raises(Http404):
        views.version_summary_pdf(request, version.pk)


def test_the_downloads_read_a_bounded_number_of_queries(
    login, lan, version, django_assert_max_num_queries
):
    browser = login(lan)
    urls = _urls(version)
    # The session, the user, the version; then the lines and their totals.
    with django_assert_max_num_queries(5):
        assert browser.get(urls["xlsx"]).status_code == 200
    with django_assert_max_num_queries(12):
        assert browser.get(urls["pdf"]).status_code == 200


def test_the_summarys_queries_do_not_grow_with_versions_lines_or_feedback(
    lan, version, django_assert_max_num_queries
):
    # Lines, ideas, totals, versions and their feedback, pitches and their people, the KAM.
    with django_assert_max_num_queries(9):
        exports.summary_pdf(version)
    services.send_version(by=lan, version=version)
    services.record_feedback(by=lan, version=version, text="Đồng ý về nguyên tắc.")
    third = services.revise_proposal(by=lan, proposal=version.proposal)
    for number in range(5):
        services.add_estimate_line(
            by=lan,
            version=third,
            kind="vendor",
            description=f"Hạng mục thêm {number}",
            quantity=Decimal(1),
            unit_cost_amount=Decimal(1_000_000),
            unit_price_amount=Decimal(1_300_000),
        )
    services.send_version(by=lan, version=third)
    services.approve_proposal(by=lan, proposal=version.proposal)
    third = queries.get_version_for(lan, third.pk)
    with django_assert_max_num_queries(9):
        content = exports.summary_pdf(third)
    with translation.override("en"):
        assert "The client approved version 3" in _pdf_text(exports.summary_pdf(third))
    assert content.startswith(b"%PDF")


def test_a_download_name_keeps_its_vietnamese_and_has_an_ascii_fallback():
    header = attachment_disposition("Đề xuất Tết - v2 - dự toán.xlsx")
    assert header.startswith('attachment; filename="de-xuat-tet-v2-du-toan.xlsx"; ')
    assert header.endswith(
        "filename*=UTF-8''%C4%90%E1%BB%81%20xu%E1%BA%A5t%20T%E1%BA%BFt"
        "%20-%20v2%20-%20d%E1%BB%B1%20to%C3%A1n.xlsx"
    )
    assert attachment_disposition('"; x=1.pdf').startswith('attachment; filename="x-1.pdf"')

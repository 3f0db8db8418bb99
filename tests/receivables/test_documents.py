"""The receivables documents people outside kam read: the reconciliation statement as a PDF and
a workbook, and the printable invoice. Vietnamese diacritics survive printing, money is in the
house format, amounts are also in words, and who owes whom is said the right way round."""

import io
import os
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from kam.core.vietnam import amount_in_words
from kam.receivables import documents
from kam.receivables.models import Invoice, InvoiceLine, Statement, StatementLine
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import signed_contract

CLIENT_NAME = "Công ty Cổ phần Sữa Việt Đông Á"
FORMULA = '=HYPERLINK("http://example.com","Bấm vào đây")'
START, END = date(2026, 1, 1), date(2026, 3, 31)


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        # .ci/run installs it: in CI a missing tool is a broken set-up, not a reason to skip.
        if os.environ.get("CI"):
            pytest.fail("poppler-utils is not installed")
        pytest.skip("poppler-utils is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    # Words a narrow column or a long sentence wraps onto two lines are still the same words.
    return " ".join(result.stdout.decode("utf-8").split())


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(
        legal_name=CLIENT_NAME,
        owner=lan,
        tax_code="0312345673",
        address="25 Lê Duẩn, Phường Sài Gòn, TP. Hồ Chí Minh",
    )


@pytest.fixture
def accountant(sua_viet):
    return StakeholderFactory(
        client=sua_viet, full_name="Nguyễn Thị Kế Toán", title="Kế toán trưởng"
    )


def make_statement(client, by, *, opening=0, lines=(), number="BBDC-2026-0001", **fields):
    """A statement written directly: its figures added up from `lines`, given as (day, kind,
    reference, description, debit, credit)."""
    kinds = StatementLine.Kind
    invoiced = sum((line[4] for line in lines if line[1] == kinds.INVOICE), Decimal(0))
    credited = sum((line[5] for line in lines if line[1] == kinds.CREDIT), Decimal(0))
    paid = sum((line[5] for line in lines if line[1] == kinds.PAYMENT), Decimal(0))
    statement = Statement.objects.create(
        client=client,
        number=number,
        period_start=START,
        period_end=END,
        opening_balance=Decimal(opening),
        invoiced=invoiced,
        credited=credited,
        paid=paid,
        closing_balance=Decimal(opening) + invoiced - credited - paid,
        created_by=by,
        **fields,
    )
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            position=position,
            on=day,
            kind=kind,
            reference=reference,
            description=description,
            debit=Decimal(debit),
            credit=Decimal(credit),
        )
        for position, (day, kind, reference, description, debit, credit) in enumerate(
            lines, start=1
        )
    )
    return Statement.objects.get(pk=statement.pk)


TET = "HĐ-2026/01 — Chiến dịch Tết"
QUARTER = [
    (date(2026, 1, 15), "invoice", "1C26TAA-0000001", TET, 2_160_000_000, 0),
    (date(2026, 2, 10), "payment", "UNC 0210", "Sữa Việt chuyển khoản", 0, 1_000_000_000),
    (date(2026, 3, 1), "credit", "1C26TAD-0000001", "Giảm giá KOL", 0, 66_312_000),
]
# 500.000.000 + 2.160.000.000 - 1.000.000.000 - 66.312.000
CLOSING = Decimal(1_593_688_000)


@pytest.fixture
def statement(sua_viet, accountant, lan):
    return make_statement(sua_viet, lan, opening=500_000_000, lines=QUARTER, recipient=accountant)


# --- The statement as a PDF -----------------------------------------------------------------
def test_the_statement_pdf_says_who_owes_what_in_vietnamese(statement):
    content = documents.statement_pdf(statement)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for words in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN ĐỐI CHIẾU CÔNG NỢ",
        "BBDC-2026-0001",
        CLIENT_NAME,
        "25 Lê Duẩn, Phường Sài Gòn",
        "0312345673",
        "Nguyễn Thị Kế Toán",
        settings.KAM_COMPANY_NAME,
        settings.KAM_COMPANY_TAX_CODE,
        "Từ ngày 01/01/2026 đến ngày 31/03/2026",
        "Căn cứ các hóa đơn đã phát hành trong kỳ: 1C26TAA-0000001",
        "Phát sinh nợ",
        "Phát sinh có",
        "Số dư đầu kỳ",
        "Số dư cuối kỳ",
        "500.000.000 ₫",
        "2.160.000.000 ₫",
        "1.066.312.000 ₫",  # what the period credited: the payment and the credit note
        "UNC 0210",
        "Giảm giá KOL",
        "ĐẠI DIỆN BÊN A",
        "ĐẠI DIỆN BÊN B",
        "(Ký, ghi rõ họ tên, đóng dấu)",
    ]:
        assert words in text, words
    assert (
        f"Tính đến ngày 31/03/2026, {CLIENT_NAME} còn nợ {settings.KAM_COMPANY_NAME} "
        "số tiền 1.593.688.000 ₫ (Bằng chữ: Một tỷ năm trăm chín mươi ba triệu sáu trăm tám "
        "mươi tám nghìn đồng)."
    ) in text


def test_the_balances_open_and_close_the_table(statement):
    text = pdf_text(documents.statement_pdf(statement))
    opening, first_line, closing = (
        text.index("Số dư đầu kỳ"),
        text.index("1C26TAA-0000001 HĐ-2026/01"),
        text.index("Số dư cuối kỳ"),
    )
    assert opening < first_line < text.index("Giảm giá KOL") < closing


def test_the_statement_is_in_vietnamese_whatever_the_readers_language(statement):
    with translation.override("en"):
        text = pdf_text(documents.statement_pdf(statement))
        assert translation.get_language() == "en"  # the reader's language is given back
    assert "BIÊN BẢN ĐỐI CHIẾU CÔNG NỢ" in text and "Số dư cuối kỳ" in text


def test_a_negative_closing_balance_says_the_agency_owes_the_client(sua_viet, lan):
    overpaid = make_statement(
        sua_viet,
        lan,
        opening=0,
        lines=[(date(2026, 2, 1), "payment", "UNC 0201", "Trả trước", 0, 25_000_000)],
    )
    assert overpaid.closing_balance == -25_000_000
    text = pdf_text(documents.statement_pdf(overpaid))
    assert (
        f"{settings.KAM_COMPANY_NAME} còn nợ {CLIENT_NAME} số tiền 25.000.000 ₫ "
        "(Bằng chữ: Hai mươi lăm triệu đồng)."
    ) in text
    assert f"{CLIENT_NAME} còn nợ" not in text
    assert "-25.000.000" not in text  # the sentence says it; the number is not negative


def test_a_zero_balance_says_nobody_owes(sua_viet, lan):
    settled = make_statement(
        sua_viet,
        lan,
        opening=10_000_000,
        lines=[(date(2026, 2, 1), "payment", "UNC 0201", "", 0, 10_000_000)],
    )
    text = pdf_text(documents.statement_pdf(settled))
    assert "Tính đến ngày 31/03/2026, hai bên không còn công nợ." in text
    assert "còn nợ" not in text


def test_the_signed_contracts_of_the_period_are_its_grounds(sua_viet, lan):
    contract = signed_contract(client=sua_viet)  # signed today, running 80 days more
    today = timezone.localdate()
    statement = Statement.objects.create(
        client=sua_viet,
        number="BBDC-2026-0009",
        period_start=today - timedelta(days=30),
        period_end=today,
        opening_balance=0,
        invoiced=0,
        credited=0,
        paid=0,
        closing_balance=0,
        created_by=lan,
    )
    text = pdf_text(documents.statement_pdf(statement))
    assert f"Căn cứ hợp đồng số {contract.number}" in text


def test_a_confirmed_statement_says_who_confirmed_it_and_when(sua_viet, lan):
    answered_at = timezone.make_aware(timezone.datetime(2026, 4, 3, 9, 30))
    confirmed = make_statement(
        sua_viet,
        lan,
        lines=QUARTER,
        status=Statement.Status.CONFIRMED,
        answered_by_name="Trần Văn Kiểm",
        answered_at=answered_at,
    )
    text = pdf_text(documents.statement_pdf(confirmed))
    assert "Đã xác nhận bởi Trần Văn Kiểm lúc 09:30 ngày 03/04/2026." in text


def test_a_disputed_statement_shows_what_the_client_says_differs(sua_viet, lan):
    disputed = make_statement(
        sua_viet,
        lan,
        lines=QUARTER,
        status=Statement.Status.DISPUTED,
        answered_by_name="Trần Văn Kiểm",
        answered_at=timezone.now(),
        client_comment="Chúng tôi đã chuyển thêm 50 triệu ngày 28/03.",
    )
    text = pdf_text(documents.statement_pdf(disputed))
    assert "Trần Văn Kiểm không đồng ý" in text
    assert "Chúng tôi đã chuyển thêm 50 triệu ngày 28/03." in text


def test_text_in_the_data_is_printed_not_run(sua_viet, lan):
    tricky = make_statement(
        sua_viet,
        lan,
        lines=[
            (
                date(2026, 2, 1),
                "invoice",
                "<b>1C26TAA</b>",
                '<img src="http://example.com/x.png"> & <script>',
                1_000,
                0,
            )
        ],
    )
    text = pdf_text(documents.statement_pdf(tricky))
    assert "<b>1C26TAA</b>" in text
    # The narrow column wraps the description after the slash.
    assert '<img src="http://example.com/' in text and 'x.png"> & <script>' in text


def test_the_statement_reads_a_fixed_number_of_queries(statement, django_assert_max_num_queries):
    # The lines, the client, the accountant, the contracts.
    with django_assert_max_num_queries(4):
        documents.statement_pdf(statement)


# --- The statement as a workbook ------------------------------------------------------------
def _rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_statement_workbook_holds_its_amounts_as_numbers(statement):
    rows = _rows(documents.statement_xlsx(statement))
    first_cells = [row[0] for row in rows if row]
    assert "BIÊN BẢN ĐỐI CHIẾU CÔNG NỢ" in first_cells
    assert rows[first_cells.index("Tên đơn vị")][:2] == ["Tên đơn vị", CLIENT_NAME]
    opening = next(row for row in rows if row[2] == "Số dư đầu kỳ")
    closing = next(row for row in rows if row[2] == "Số dư cuối kỳ")
    invoice = next(row for row in rows if row[1] == "1C26TAA-0000001")
    assert opening[3] == 500_000_000 and isinstance(opening[3], int)
    assert closing[3] == CLOSING and isinstance(closing[3], int)
    assert invoice[3] == 2_160_000_000 and invoice[4] is None
    assert invoice[0].date() == date(2026, 1, 15)  # a date, not text
    assert any(
        isinstance(cell, str) and "(Bằng chữ: Một tỷ năm trăm chín mươi ba triệu" in cell
        for row in rows
        for cell in row
    )


def test_the_workbook_never_hands_excel_a_formula(sua_viet, lan):
    tricky = make_statement(
        sua_viet,
        lan,
        lines=[(date(2026, 2, 1), "payment", FORMULA, FORMULA, 0, 1_000)],
    )
    rows = _rows(documents.statement_xlsx(tricky))
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells


# --- The invoice ----------------------------------------------------------------------------
def make_invoice(client, by, *, lines, issued: bool = True, number: int = 12, **fields):
    """An invoice with its lines, given as (description, unit, quantity, unit price, VAT code,
    VAT percent); issued as `issue_invoice` does it, from a draft in one update (the database
    refuses lines added to an issued invoice)."""
    invoice = Invoice.objects.create(client=client, created_by=by, **fields)
    rows = []
    for position, (description, unit, quantity, price, code, percent) in enumerate(lines, 1):
        amount = Decimal(quantity) * Decimal(price)
        rows.append(
            InvoiceLine(
                invoice=invoice,
                position=position,
                description=description,
                unit=unit,
                quantity=Decimal(quantity),
                unit_price=Decimal(price),
                vat_code=code,
                vat_percent=Decimal(percent),
                amount=amount,
                vat_amount=(amount * Decimal(percent) / 100).quantize(Decimal("0.01")),
            )
        )
    InvoiceLine.objects.bulk_create(rows)
    subtotal = sum((row.amount for row in rows), Decimal(0))
    vat = sum((row.vat_amount for row in rows), Decimal(0))
    rate = invoice.exchange_rate or Decimal(1)
    figures = {
        "subtotal": subtotal,
        "vat_amount": vat,
        "total": subtotal + vat,
        "total_vnd": ((subtotal + vat) * rate).quantize(Decimal(1)),
    }
    if issued:
        figures |= {
            "status": Invoice.Status.ISSUED,
            "series": "1C26TAA",
            "year": 2026,
            "number": number,
            "issued_on": date(2026, 3, 5),
            "due_on": date(2026, 4, 4),
            "seller_name": settings.KAM_COMPANY_NAME,
            "seller_tax_code": settings.KAM_COMPANY_TAX_CODE,
            "seller_address": settings.KAM_COMPANY_ADDRESS,
            "buyer_name": client.legal_name,
            "buyer_tax_code": client.tax_code,
            "buyer_address": client.address,
            "issued_by": by,
        }
    Invoice.objects.filter(pk=invoice.pk).update(**figures)
    return Invoice.objects.get(pk=invoice.pk)


SERVICES = [
    ("Sản xuất TVC 30 giây", "gói", 1, 100_000_000, "8", 8),
    ("Phí quản lý KOL", "tháng", "1.5", 2_000_000, "10", 10),
    ("Đào tạo nội bộ", "buổi", 2, 2_500_000, "exempt", 0),
]
# 100.000.000 + 3.000.000 + 5.000.000 before VAT; 8.000.000 + 300.000 of VAT.
TOTAL = 116_300_000


def test_the_invoice_pdf_shows_its_number_lines_vat_and_total_in_words(sua_viet, lan):
    invoice = make_invoice(sua_viet, lan, lines=SERVICES)
    assert invoice.total_vnd == TOTAL
    text = pdf_text(documents.invoice_pdf(invoice))
    for words in [
        "HÓA ĐƠN GIÁ TRỊ GIA TĂNG",
        "Bản thể hiện của hóa đơn do kam lập — không thay thế hóa đơn điện tử",
        "1C26TAA",
        "0000012",
        "Ngày 05 tháng 03 năm 2026",
        CLIENT_NAME,
        settings.KAM_COMPANY_NAME,
        "Sản xuất TVC 30 giây",
        "8%",
        "10%",
        "KCT",
        "1,5",  # the quantity, in Vietnamese notation
        "108.000.000 ₫",  # before VAT
        "8.300.000 ₫",  # VAT
        "116.300.000 ₫",
        "Số tiền viết bằng chữ: Một trăm mười sáu triệu ba trăm nghìn đồng.",
    ]:
        assert words in text, words
    assert amount_in_words(TOTAL) == "Một trăm mười sáu triệu ba trăm nghìn đồng"
    assert "BẢN NHÁP" not in text


def test_each_vat_rate_has_its_own_total(sua_viet, lan):
    groups = documents.vat_groups(list(make_invoice(sua_viet, lan, lines=SERVICES).lines.all()))
    assert [(g.label, g.amount, g.vat_amount) for g in groups] == [
        ("10%", Decimal(3_000_000), Decimal(300_000)),
        ("8%", Decimal(100_000_000), Decimal(8_000_000)),
        ("KCT", Decimal(5_000_000), Decimal(0)),
    ]


def test_a_draft_invoice_is_marked_and_has_no_number(sua_viet, lan):
    draft = make_invoice(sua_viet, lan, lines=SERVICES[:1], issued=False)
    text = pdf_text(documents.invoice_pdf(draft))
    assert "BẢN NHÁP — CHƯA PHÁT HÀNH" in text
    assert "Ký hiệu:" not in text
    assert CLIENT_NAME in text and settings.KAM_COMPANY_NAME in text  # today's, not yet copied
    assert "Một trăm linh tám triệu đồng" in text


def test_an_invoice_in_dollars_shows_its_rate_and_its_total_in_dong_in_words(sua_viet, lan):
    invoice = make_invoice(
        sua_viet,
        lan,
        lines=[("Tư vấn chiến lược", "gói", 1, "4000", "10", 10)],
        currency="USD",
        exchange_rate=Decimal("25430.5"),
    )
    assert invoice.total_vnd == 111_894_200
    text = pdf_text(documents.invoice_pdf(invoice))
    assert "USD" in text and "Tỷ giá: 25.430,5 VND/USD" in text
    assert "111.894.200 ₫" in text
    assert amount_in_words(111_894_200) in text


def test_the_invoice_reads_a_fixed_number_of_queries(sua_viet, lan, django_assert_max_num_queries):
    invoice = make_invoice(sua_viet, lan, lines=SERVICES * 10)
    with django_assert_max_num_queries(1):
        documents.invoice_pdf(invoice)


# --- File names -----------------------------------------------------------------------------
def test_a_documents_file_name_is_its_number(statement, sua_viet, lan):
    assert documents.file_name(statement, "pdf") == "BBDC-2026-0001.pdf"
    invoice = make_invoice(sua_viet, lan, lines=SERVICES[:1])
    assert documents.file_name(invoice, "pdf") == "1C26TAA-0000012.pdf"
    draft = make_invoice(sua_viet, lan, lines=SERVICES[:1], issued=False)
    assert documents.file_name(draft, "pdf") == f"HD-nhap-{draft.pk}.pdf"

"""Receivables on paper for people outside kam: the reconciliation statement (biên bản đối chiếu
công nợ) as a PDF and as a workbook, and the printable invoice as a PDF. They are legal
documents between two Vietnamese companies, so they are in Vietnamese whatever the reader's
language, money in the house format (1.234.567 ₫), amounts also in words."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kam.core.money import format_money
from kam.core.spreadsheets import bold, sheet_xlsx
from kam.core.vietnam import amount_in_words
from kam.delivery.models import Contract
from kam.receivables.models import Invoice, InvoiceLine, Statement, StatementLine

VND = "VND"
# The VAT code of goods and services outside VAT: printed "KCT" (không chịu thuế).
EXEMPT_CODE = "exempt"
DRAFT_MARK = "BẢN NHÁP — CHƯA PHÁT HÀNH"
# Date, document, description, debit, credit.
STATEMENT_COLUMN_WIDTHS = (14, 24, 48, 20, 20)


# --- Names and numbers as the documents write them ------------------------------------------
def file_name(document: Statement | Invoice, extension: str) -> str:
    """A download's or attachment's name: "BBDC-2026-0001.pdf", "1C26TAA-0000012.pdf", and for
    an invoice not issued yet "HD-nhap-42.pdf" (it has no number)."""
    if isinstance(document, Invoice):
        if document.number is None:
            stem = f"HD-nhap-{document.pk}"
        else:
            stem = f"{document.series}-{document.number:07d}"
    else:
        stem = document.number
    # The series and numbers come from settings and data: nothing in them may become a path.
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', stem).strip('.-') or 'tai-lieu'}.{extension}"


def long_date(day: date) -> str:
    """A date as Vietnamese documents write it: "ngày 05 tháng 03 năm 2026"."""
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def short_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def plain_number(value: Decimal | int) -> str:
    """A quantity, rate or percentage without trailing zeros, in the money format's separators:
    Decimal("25430.5000") → "25.430,5"."""
    text = format(Decimal(value).normalize(), ",f")
    return text.translate(
        str.maketrans({",": settings.KAM_THOUSAND_SEPARATOR, ".": settings.KAM_DECIMAL_SEPARATOR})
    )


def _pdf(template: str, context: dict) -> bytes:
    # Imported here: WeasyPrint takes a while to load, which only a process printing pays.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context)
    # The documents need nothing from outside (CSS in the page, fonts on the machine): a URL
    # that slipped into the data is never fetched.
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


# --- The reconciliation statement -----------------------------------------------------------
@dataclass(frozen=True)
class Party:
    """One side of the statement as its heading names it."""

    role: str
    name: str
    address: str
    tax_code: str
    representative: str
    representative_title: str


@dataclass(frozen=True)
class LedgerRow:
    """A row of the statement's table; a balance or a total row is `emphasised`. An amount
    that is not there is None (an empty cell), not 0."""

    on: date | None
    reference: str
    description: str
    debit: Decimal | None
    credit: Decimal | None
    emphasised: bool = False


@dataclass(frozen=True)
class StatementContent:
    """What the statement says, read once for the PDF and the workbook alike."""

    statement: Statement
    place_and_date: str
    period: str
    grounds: list[str]
    buyer: Party
    seller: Party
    rows: list[LedgerRow]
    conclusion: str
    answer: str

    @property
    def parties(self) -> list[Party]:
        return [self.buyer, self.seller]


def statement_content(statement: Statement) -> StatementContent:
    """The statement's parts in a fixed number of queries: its lines, the client, the person it
    is addressed to and the client's contracts behind the period."""
    lines = list(statement.lines.all())
    client = statement.client
    recipient = statement.recipient
    made_on = timezone.localdate(statement.created_at or timezone.now())
    return StatementContent(
        statement=statement,
        place_and_date=f"{settings.KAM_COMPANY_CITY}, {long_date(made_on)}",
        period=(
            f"Từ ngày {short_date(statement.period_start)} "
            f"đến ngày {short_date(statement.period_end)}"
        ),
        grounds=_statement_grounds(statement, lines),
        buyer=Party(
            role="BÊN A (BÊN MUA)",
            name=client.legal_name,
            address=client.address,
            tax_code=client.tax_code,
            representative=recipient.full_name if recipient else "",
            representative_title=recipient.title if recipient else "",
        ),
        seller=_agency("BÊN B (BÊN BÁN)"),
        rows=_statement_rows(statement, lines),
        conclusion=_statement_conclusion(statement),
        answer=_statement_answer(statement),
    )


def _agency(role: str) -> Party:
    return Party(
        role=role,
        name=settings.KAM_COMPANY_NAME,
        address=settings.KAM_COMPANY_ADDRESS,
        tax_code=settings.KAM_COMPANY_TAX_CODE,
        representative=settings.KAM_COMPANY_REPRESENTATIVE,
        representative_title=settings.KAM_COMPANY_REPRESENTATIVE_TITLE,
    )


def _statement_grounds(statement: Statement, lines: list[StatementLine]) -> list[str]:
    """ "Căn cứ": the signed contracts that run into the period or were invoiced in it, and the
    period's invoices."""
    start, end = statement.period_start, statement.period_end
    contracts = (
        Contract.objects.filter(
            client_id=statement.client_id, status=Contract.Status.SIGNED, signed_on__lte=end
        )
        .filter(Q(ends_on__gte=start) | Q(invoices__issued_on__range=(start, end)))
        .distinct()
        .order_by("signed_on", "number")
        .values_list("number", "signed_on")
    )
    grounds = [
        f"Căn cứ hợp đồng số {number} ký {long_date(signed_on)} giữa hai bên;"
        for number, signed_on in contracts
    ]
    invoices = [line.reference for line in lines if line.kind == StatementLine.Kind.INVOICE]
    if invoices:
        grounds.append(f"Căn cứ các hóa đơn đã phát hành trong kỳ: {', '.join(invoices)};")
    grounds.append("Căn cứ sổ sách kế toán và thực tế giao dịch giữa hai bên.")
    return grounds


def _balance_row(label: str, on: date, balance: Decimal) -> LedgerRow:
    # What the client owes stands on the debit side; its credit with the agency on the other.
    return LedgerRow(
        on=on,
        reference="",
        description=label,
        debit=balance if balance >= 0 else None,
        credit=-balance if balance < 0 else None,
        emphasised=True,
    )


def _statement_rows(statement: Statement, lines: list[StatementLine]) -> list[LedgerRow]:
    """The opening balance, each document of the period, the period's totals (the figures the
    statement wrote down, which the closing balance is made of) and the closing balance."""
    return [
        _balance_row("Số dư đầu kỳ", statement.period_start, statement.opening_balance),
        *(
            LedgerRow(
                on=line.on,
                reference=line.reference,
                description=line.description or line.get_kind_display(),
                debit=line.debit or None,
                credit=line.credit or None,
            )
            for line in lines
        ),
        LedgerRow(
            on=None,
            reference="",
            description="Cộng phát sinh trong kỳ",
            debit=statement.invoiced,
            credit=statement.credited + statement.paid,
            emphasised=True,
        ),
        _balance_row("Số dư cuối kỳ", statement.period_end, statement.closing_balance),
    ]


def _statement_conclusion(statement: Statement) -> str:
    """Who owes whom at the end of the period, in figures and in words."""
    client, agency = statement.client.legal_name, settings.KAM_COMPANY_NAME
    balance = statement.closing_balance
    as_of = f"Tính đến ngày {short_date(statement.period_end)}"
    if balance == 0:
        return f"{as_of}, hai bên không còn công nợ."
    debtor, creditor = (client, agency) if balance > 0 else (agency, client)
    return (
        f"{as_of}, {debtor} còn nợ {creditor} số tiền {format_money(abs(balance))} "
        f"(Bằng chữ: {amount_in_words(abs(balance))})."
    )


def _statement_answer(statement: Statement) -> str:
    """The client's answer through the link, when there is one."""
    when = ""
    if statement.answered_at:
        answered = timezone.localtime(statement.answered_at)
        when = f" lúc {answered:%H:%M} ngày {answered:%d/%m/%Y}"
    if statement.status == Statement.Status.CONFIRMED:
        return f"Đã xác nhận bởi {statement.answered_by_name}{when}."
    if statement.status == Statement.Status.DISPUTED:
        return (
            f"{statement.answered_by_name or 'Khách hàng'} không đồng ý{when}: "
            f"{statement.client_comment}"
        )
    return ""


def statement_pdf(statement: Statement) -> bytes:
    """The statement on A4 as both sides sign it, rendered by WeasyPrint from
    receivables/print/statement.html."""
    with translation.override("vi"):
        return _pdf("receivables/print/statement.html", {"content": statement_content(statement)})


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as a workbook for the client's accountant: the same parts as the PDF, its
    amounts as numbers and its dates as dates."""
    with translation.override("vi"):
        content = statement_content(statement)
        rows = [
            bold(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
            ["Độc lập - Tự do - Hạnh phúc"],
            [],
            bold(["BIÊN BẢN ĐỐI CHIẾU CÔNG NỢ"]),
            ["Số", statement.number],
            ["Lập tại", content.place_and_date],
            ["Kỳ đối chiếu", statement.period_start, statement.period_end],
            [],
            *([ground] for ground in content.grounds),
            [],
            *_party_rows(content.buyer),
            [],
            *_party_rows(content.seller),
            [],
            bold(["Ngày", "Chứng từ", "Diễn giải", "Phát sinh nợ", "Phát sinh có"]),
            *(
                bold(cells) if row.emphasised else cells
                for row, cells in (
                    (row, [row.on, row.reference, row.description, row.debit, row.credit])
                    for row in content.rows
                )
            ),
            [],
            [content.conclusion],
            *([[content.answer]] if content.answer else []),
        ]
        return sheet_xlsx(rows, title=statement.number, column_widths=STATEMENT_COLUMN_WIDTHS)


def _party_rows(party: Party) -> list[list]:
    return [
        bold([party.role]),
        ["Tên đơn vị", party.name],
        ["Địa chỉ", party.address],
        ["Mã số thuế", party.tax_code],
        ["Đại diện", party.representative],
        ["Chức vụ", party.representative_title],
    ]


# --- The printable invoice ------------------------------------------------------------------
@dataclass(frozen=True)
class VatGroup:
    """The lines of one VAT rate added up, as the invoice's foot lists them."""

    label: str
    amount: Decimal
    vat_amount: Decimal


def vat_label(line: InvoiceLine) -> str:
    """ "KCT" for a line outside VAT, else its rate: "8%", "5,5%"."""
    if line.vat_code == EXEMPT_CODE:
        return "KCT"
    return f"{plain_number(line.vat_percent)}%"


def vat_groups(lines: list[InvoiceLine]) -> list[VatGroup]:
    """The amount and VAT of each rate, highest rate first, exempt lines last (an invoice has
    at most 50 lines: added up here, not in the database)."""
    sums: dict[str, list] = {}
    for line in lines:
        group = sums.setdefault(line.vat_code, [line, Decimal(0), Decimal(0)])
        group[1] += line.amount
        group[2] += line.vat_amount
    ordered = sorted(sums.values(), key=lambda g: (g[0].vat_code == EXEMPT_CODE, -g[0].vat_percent))
    return [VatGroup(vat_label(first), amount, vat) for first, amount, vat in ordered]


def invoice_context(invoice: Invoice) -> dict:
    """What the printed invoice shows: the seller and buyer as copied when it was issued (a
    draft shows today's), its lines and VAT, in a fixed number of queries."""
    lines = list(invoice.lines.all())
    draft = invoice.status == Invoice.Status.DRAFT
    if draft:
        client = invoice.client
        buyer = (client.legal_name, client.tax_code, client.address)
        seller = (
            settings.KAM_COMPANY_NAME,
            settings.KAM_COMPANY_TAX_CODE,
            settings.KAM_COMPANY_ADDRESS,
        )
    else:
        buyer = (invoice.buyer_name, invoice.buyer_tax_code, invoice.buyer_address)
        seller = (invoice.seller_name, invoice.seller_tax_code, invoice.seller_address)
    return {
        "invoice": invoice,
        "draft": draft,
        "draft_mark": DRAFT_MARK,
        "cancelled": invoice.status == Invoice.Status.CANCELLED,
        "number": "" if invoice.number is None else f"{invoice.number:07d}",
        "issued_on": long_date(invoice.issued_on).capitalize() if invoice.issued_on else "",
        "seller": dict(zip(("name", "tax_code", "address"), seller, strict=True)),
        "buyer": dict(zip(("name", "tax_code", "address"), buyer, strict=True)),
        "contract_number": invoice.contract.number if invoice.contract_id else "",
        "foreign": invoice.currency != VND,
        "exchange_rate": plain_number(invoice.exchange_rate) if invoice.exchange_rate else "",
        "lines": [
            {"line": line, "quantity": plain_number(line.quantity), "vat": vat_label(line)}
            for line in lines
        ],
        "vat_groups": vat_groups(lines),
        "total_in_words": amount_in_words(invoice.total_vnd),
    }


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as kam prepared it, on A4, rendered by WeasyPrint from
    receivables/print/invoice.html. The legal e-invoice is the licensed provider's; this one
    says so."""
    with translation.override("vi"):
        return _pdf("receivables/print/invoice.html", invoice_context(invoice))

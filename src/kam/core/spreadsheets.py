"""Spreadsheets in and out, the one safe way: uploads are recognised by their content (never by
their name), bounded in size, rows and columns, and parsed without trusting their XML; exports
never hand Excel a cell it would run as a formula."""

import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kam.core.errors import DomainError

# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP, "CSV
# injection"); exports put an apostrophe before it, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMNS = 40
# An XLSX is a zip: its unpacked size is bounded too, so a small zip bomb is refused unopened.
MAX_UNPACKED_FACTOR = 20
# Number formats are codes, not text: Excel shows "#,##0" with the reader's own separators
# (1.234.567 in a Vietnamese Excel), and dates as Vietnamese write them.
WHOLE_NUMBER_FORMAT = "#,##0"
DECIMAL_NUMBER_FORMAT = "#,##0.00"
PERCENT_NUMBER_FORMAT = "0.0"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass
class Table:
    """The rows of an uploaded sheet: its header cells and each row as {header: text}."""

    headers: list[str]
    rows: list[dict[str, str]]


def safe_cell(value):
    """A value as an export writes it: text that a spreadsheet would run is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """Undo `safe_cell` on a re-imported export: "'+6591234567" is "+6591234567"."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def xlsx_bytes(headers: list[str], rows: Iterable[list], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(header) for header in headers])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@dataclass(frozen=True)
class Styled:
    """A cell of `sheet_xlsx` with its own look: a number format, bold."""

    value: object
    number_format: str = ""
    bold: bool = False


def bold(values: Iterable) -> list[Styled]:
    """A row of bold cells: a table's header, a total."""
    return [Styled(value, bold=True) for value in values]


def sheet_xlsx(rows: Iterable[Sequence], *, title: str, column_widths: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook of mixed rows (a heading block, a table, its totals), where
    `xlsx_bytes` writes one plain table: text is escaped against formulas, numbers stay numbers
    (whole ones exact, with thousands separators), dates are dates; a `Styled` cell chooses its
    own format or is bold."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        sheet.append([_written_cell(sheet, value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


_BOLD = Font(bold=True)


def _written_cell(sheet, value) -> WriteOnlyCell:
    style = value if isinstance(value, Styled) else Styled(value)
    value, number_format = style.value, style.number_format
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)  # exact in the file, where a float would round beyond 15 digits
    if isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        number_format = number_format or WHOLE_NUMBER_FORMAT
    elif isinstance(value, float | Decimal):
        number_format = number_format or DECIMAL_NUMBER_FORMAT
    elif isinstance(value, datetime.datetime):
        # Spreadsheets have no time zones: the time as read where kam runs.
        value = timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
        number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        number_format = number_format or DATE_FORMAT
    else:
        value = safe_cell(str(value))
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if style.bold:
        cell.font = _BOLD
    return cell


def csv_bytes(headers: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, which is what makes Excel read Vietnamese correctly."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def read_table(content: bytes) -> Table:
    """The rows of an uploaded CSV or XLSX file, told apart by their bytes. Refuses, with a
    message for the user, anything too big, too long, or not a spreadsheet at all."""
    if len(content) > settings.KAM_IMPORT_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(size)s MB.")
            % {"size": settings.KAM_IMPORT_MAX_BYTES // 1_000_000},
            field="file",
        )
    return _table(_xlsx_rows(content) if content.startswith(b"PK\x03\x04") else _csv_rows(content))


def _table(rows: Iterable[list]) -> Table:
    iterator = iter(rows)
    header_row = next(iterator, None)
    if not header_row or not any(_text(cell) for cell in header_row):
        raise DomainError(_("The file has no header row."), field="file")
    headers = [_text(cell) for cell in header_row[:MAX_COLUMNS]]
    while headers and not headers[-1]:  # XLSX rows come padded to the widest column
        headers.pop()
    table = Table(headers=headers, rows=[])
    for row in iterator:
        cells = [_text(cell) for cell in row[:MAX_COLUMNS]]
        if not any(cells):
            continue
        if len(table.rows) >= settings.KAM_IMPORT_MAX_ROWS:
            raise DomainError(
                _("The file has more than %(rows)s rows; split it.")
                % {"rows": settings.KAM_IMPORT_MAX_ROWS},
                field="file",
            )
        table.rows.append(
            dict(zip(headers, cells + [""] * (len(headers) - len(cells)), strict=False))
        )
    return table


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a tax code typed as a number comes back as 312345673.0
    text = unicodedata.normalize("NFC", str(value)).strip()
    return unescape_cell(text)


def _xlsx_rows(content: bytes) -> Iterable[list]:
    unreadable = DomainError(_("This is not a spreadsheet kam can read."), field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(member.file_size for member in archive.infolist())
        names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise unreadable from error
    if "xl/workbook.xml" not in names:
        raise unreadable
    if unpacked > MAX_UNPACKED_FACTOR * settings.KAM_IMPORT_MAX_BYTES:
        raise DomainError(_("The spreadsheet unpacks to too much data."), field="file")
    try:
        # openpyxl parses through defusedxml (a declared dependency): entity bombs are refused.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        # One row past the limit (and the header) is enough to refuse a sheet that is too long.
        return [list(row) for row in islice(rows, settings.KAM_IMPORT_MAX_ROWS + 2)]
    except Exception as error:  # openpyxl and defusedxml raise many kinds for a bad file
        raise unreadable from error


def _csv_rows(content: bytes) -> list[list]:
    if b"\x00" in content:
        raise DomainError(_("This is not a spreadsheet kam can read."), field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Vietnamese Windows saves CSV as Windows-1258, with tone marks as combining
        # characters: decoded, then composed (NFC) by _text.
        text = content.decode("cp1258", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))

import io
import unicodedata
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from django.test import override_settings
from django.utils import translation

from kam.core import spreadsheets
from kam.core.errors import DomainError

HEADERS = ["Tên pháp lý", "Mã số thuế"]


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# Windows-1258 has letters like "ư" and "ê" whole, and the five tones as combining marks.
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Text as Excel on Vietnamese Windows saves it."""
    encoded = b""
    for char in text:
        marks = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in TONES))
        encoded += (base + "".join(m for m in marks if m in TONES)).encode("cp1258")
    return encoded


class TestExports:
    @pytest.mark.parametrize("text", ["=1+1", "+84912", "-2", "@SUM(A1)", "\tx", "\rx"])
    def test_a_cell_a_spreadsheet_would_run_is_written_as_text(self, text):
        assert spreadsheets.safe_cell(text) == "'" + text
        assert spreadsheets.unescape_cell(spreadsheets.safe_cell(text)) == text

    def test_plain_text_and_numbers_are_left_alone(self):
        assert spreadsheets.safe_cell("Sữa Việt") == "Sữa Việt"
        assert spreadsheets.safe_cell(-5) == -5

    def test_an_xlsx_export_holds_no_formula(self):
        content = spreadsheets.xlsx_bytes(HEADERS, [['=HYPERLINK("x")', "0312345673"]], title="t")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cell = sheet["A2"]
        assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("x")'

    def test_a_csv_export_starts_with_a_bom_for_excel(self):
        content = spreadsheets.csv_bytes(HEADERS, [["Sữa Việt", "=cmd"]])
        assert content.startswith("\ufeff".encode())
        assert "'=cmd" in content.decode("utf-8-sig")

    def test_an_export_reads_back_as_it_was(self):
        rows = [["+6591234567", "0312345673"], ["Sữa Việt", ""]]
        for content in (
            spreadsheets.xlsx_bytes(HEADERS, rows, title="t"),
            spreadsheets.csv_bytes(HEADERS, rows),
        ):
            table = spreadsheets.read_table(content)
            assert table.headers == HEADERS
            assert [list(row.values()) for row in table.rows] == rows


class TestReading:
    def test_utf8_with_and_without_bom_and_semicolons(self):
        for content in (
            "Tên;Mã\nSữa Việt;1\n".encode(),
            "\ufeffTên;Mã\nSữa Việt;1\n".encode(),
        ):
            assert spreadsheets.read_table(content).rows == [{"Tên": "Sữa Việt", "Mã": "1"}]

    def test_windows_1258_is_read_and_composed(self):
        content = windows_1258("Tên,Mã\nCông ty Sữa Việt,1\n")
        assert content != "Tên,Mã\nCông ty Sữa Việt,1\n".encode()
        table = spreadsheets.read_table(content)
        assert table.rows[0]["Tên"] == "Công ty Sữa Việt"

    def test_the_kind_of_file_comes_from_its_bytes_not_its_name(self):
        # read_table is never given a name: an XLSX is an XLSX whatever it is called.
        assert spreadsheets.read_table(xlsx([HEADERS, ["A", "1"]])).rows[0]["Tên pháp lý"] == "A"

    def test_numbers_typed_as_numbers_come_back_as_their_digits(self):
        table = spreadsheets.read_table(xlsx([HEADERS, ["A", 312345673]]))
        assert table.rows[0]["Mã số thuế"] == "312345673"

    @pytest.mark.parametrize(
        "content",
        [
            b"\x00\x01\x02binary",
            b"PK\x03\x04not really a zip",
            b"",
        ],
    )
    def test_what_is_not_a_spreadsheet_is_refused_with_a_message(self, content):
        with pytest.raises(DomainError) as refused:
            spreadsheets.read_table(content)
        assert refused.value.field == "file"

    def test_a_zip_that_is_not_a_workbook_is_refused(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as archive:
            archive.writestr("hello.txt", "hi")
        with pytest.raises(DomainError):
            spreadsheets.read_table(output.getvalue())

    def test_parsing_goes_through_defusedxml(self):
        assert openpyxl.xml.DEFUSEDXML is True

    def test_an_xml_entity_bomb_is_refused_unexpanded(self):
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
            "</sheetData></worksheet>"
        )
        source = zipfile.ZipFile(io.BytesIO(xlsx([HEADERS])))
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as archive:
            for item in source.infolist():
                data = source.read(item.filename)
                archive.writestr(
                    item, bomb if item.filename == "xl/worksheets/sheet1.xml" else data
                )
        with pytest.raises(DomainError):
            spreadsheets.read_table(output.getvalue())

    @override_settings(KAM_IMPORT_MAX_BYTES=1000)
    def test_a_zip_bomb_is_refused_unopened(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "x")
            archive.writestr("xl/worksheets/sheet1.xml", "0" * 100_000)
        assert len(output.getvalue()) < 1000
        with translation.override("en"), pytest.raises(DomainError) as refused:
            spreadsheets.read_table(output.getvalue())
        assert "too much" in refused.value.message

    @override_settings(KAM_IMPORT_MAX_BYTES=100)
    def test_a_file_over_the_size_limit_is_refused(self):
        with pytest.raises(DomainError):
            spreadsheets.read_table(b"a,b\n" + b"x,y\n" * 100)

    @override_settings(KAM_IMPORT_MAX_ROWS=3)
    def test_a_file_over_the_row_limit_is_refused(self):
        spreadsheets.read_table(b"a\n1\n2\n3\n")
        with pytest.raises(DomainError):
            spreadsheets.read_table(b"a\n1\n2\n3\n4\n")
        with pytest.raises(DomainError):
            spreadsheets.read_table(xlsx([["a"], [1], [2], [3], [4]]))

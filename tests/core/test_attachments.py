"""Attachments are recognised by their bytes, bounded in size and named safely."""

import io
import zipfile

import pytest

from kam.core import attachments
from kam.core.errors import DomainError


def office_file(part: str) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return output.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("brief.pdf", b"%PDF-1.7\n", "pdf"),
        ("logo.PNG", b"\x89PNG\r\n\x1a\n....", "png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0....", "jpeg"),
        ("deck.pptx", office_file("ppt/presentation.xml"), "pptx"),
        ("brief.docx", office_file("word/document.xml"), "docx"),
        ("budget.xlsx", office_file("xl/workbook.xml"), "xlsx"),
        ("ghi chú.txt", "Đề bài Tết".encode(), "txt"),
    ],
)
def test_each_accepted_kind_is_recognised_by_its_bytes(name, content, kind):
    assert attachments.accept(name, content).kind == kind


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00"),
        ("archive.zip", office_file("random/file.xml")),
        ("notes.txt", b"text with a \x00 byte"),
        ("empty.pdf", b""),
        ("virus.pdf", b"MZ\x90\x00"),
        ("brief.pdf", office_file("word/document.xml")),
    ],
)
def test_anything_else_is_refused_with_a_message(name, content):
    with pytest.raises(DomainError) as refused:
        attachments.accept(name, content)
    assert refused.value.field == "file" and refused.value.message


def test_a_file_over_the_limit_is_refused(settings):
    settings.KAM_ATTACHMENT_MAX_MB = 1
    with pytest.raises(DomainError):
        attachments.accept("big.pdf", b"%PDF-" + b"0" * 1_000_000)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/Đề bài.pdf", "Đề bài.pdf"),
        ("C:\\Users\\lan\\brief.pdf", "brief.pdf"),
        ('a"b<c>d.pdf', "abcd.pdf"),
        ("...", "file"),
    ],
)
def test_a_name_loses_its_folders_and_unsafe_characters(given, kept):
    assert attachments.clean_name(given) == kept

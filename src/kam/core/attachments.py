"""Files people attach (a client's brief deck, guidelines, references), accepted the one safe way:
bounded in size, their type recognised from their content and matching their name, stored
under a name kam makes up, and served only through a view that checks who asks."""

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kam.core.errors import DomainError

# What an attachment may be: its kind, the names it may end with, and how a download is typed.
KINDS = {
    "pdf": ((".pdf",), "application/pdf"),
    "png": ((".png",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "webp": ((".webp",), "image/webp"),
    "docx": (
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "txt": ((".txt", ".md", ".csv"), "text/plain; charset=utf-8"),
}
# The part each Office format must hold; any other zip is refused.
OFFICE_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}


@dataclass(frozen=True)
class Accepted:
    """An upload that passed: its cleaned name, its kind and its bytes."""

    name: str
    kind: str
    content: bytes


def content_type_of(kind: str) -> str:
    return KINDS[kind][1]


def max_bytes() -> int:
    """The largest attachment kam keeps (KAM_ATTACHMENT_MAX_MB)."""
    return settings.KAM_ATTACHMENT_MAX_MB * 1_000_000


def accept(name: str, content: bytes) -> Accepted:
    """Check an upload and say, for the person, what is wrong with it."""
    if not content:
        raise DomainError(_("The file is empty."), field="file")
    if len(content) > max_bytes():
        raise DomainError(
            _("The file is larger than %(size)s MB.") % {"size": settings.KAM_ATTACHMENT_MAX_MB},
            field="file",
        )
    kind = recognise(content)
    name = clean_name(name)
    if kind is None:
        raise DomainError(
            _("kam accepts PDF, images (PNG, JPEG, WebP), Word, Excel, PowerPoint and text files."),
            field="file",
        )
    if not name.lower().endswith(KINDS[kind][0]):
        raise DomainError(
            _("The file's name does not match what it holds (%(kind)s).") % {"kind": kind.upper()},
            field="file",
        )
    return Accepted(name=name, kind=kind, content=content)


def recognise(content: bytes) -> str | None:
    """The kind of file by its first bytes (and, for Office files, the zip's parts)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    return "txt" if _is_text(content) else None


def _office_kind(content: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except zipfile.BadZipFile:
        return None
    return next((kind for kind, part in OFFICE_PARTS.items() if part in names), None)


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def clean_name(name: str) -> str:
    """The file's own name without folders or characters a file system or header chokes on;
    Vietnamese letters are kept."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f"<>:|?*]', "", name).strip(" .")
    return name[-150:] or "file"


def store(record, accepted: Accepted) -> None:
    """Save an attachment record (with `file`, `name`, `kind`, `size`) holding `accepted`, its
    bytes under a name kam makes up, never the one they came with; if the row does not land,
    the bytes do not stay behind without it."""
    record.name, record.kind, record.size = accepted.name, accepted.kind, len(accepted.content)
    extension = os.path.splitext(accepted.name)[1].lower()
    record.file.save(f"{uuid4().hex}{extension}", ContentFile(accepted.content), save=False)
    try:
        record.save()
    except Exception:
        record.file.delete(save=False)
        raise

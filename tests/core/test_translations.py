"""The Vietnamese catalogue is complete, compiled, covers every string in the code, and is what
the pages speak by default."""

import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.utils import translation

SRC_DIR = Path(__file__).resolve().parents[2] / "src" / "kam"
MESSAGES_DIR = SRC_DIR / "locale" / "vi" / "LC_MESSAGES"
PO_FILE = MESSAGES_DIR / "django.po"
MO_FILE = MESSAGES_DIR / "django.mo"
REGENERATE = (
    "cd src/kam && ../../.venv/bin/kam makemessages -l vi --no-obsolete --no-location, "
    "translate the new entries, then ../../.venv/bin/kam compilemessages"
)
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="vi")


def _committed() -> Catalog:
    return _read_po(PO_FILE)


def _key(message: Message) -> tuple:
    """A message's identity: context and msgid (singular and plural for plural messages)."""
    # Babel reads plural ids as a tuple from a .po and as a list from a .mo.
    msgid = tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)
    return (message.context, msgid)


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return (message.string,)


def _messages(catalog: Catalog) -> list[Message]:
    """The catalogue's messages without the header entry."""
    return [message for message in catalog if message.id]


def _placeholders(text: str) -> list[str]:
    """The %-placeholders of a python-format string ("%%" is a literal percent sign)."""
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _show(keys) -> str:
    """One message per line: msgid (with its plural, if any) and context."""
    lines = []
    for context, msgid in sorted(keys, key=repr):
        text = " / ".join(repr(part) for part in msgid) if isinstance(msgid, tuple) else repr(msgid)
        lines.append(f"  {text}" + (f" (context {context!r})" if context else ""))
    return "\n".join(lines)


def test_the_header_declares_vietnamese_utf8_and_one_plural_form():
    catalog = _committed()

    assert not catalog.fuzzy, "the header of django.po is marked fuzzy; remove the '#, fuzzy' flag"
    assert str(catalog.locale) == "vi"
    assert catalog.charset.lower() == "utf-8"
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_every_message_is_translated_and_none_is_fuzzy():
    messages = _messages(_committed())
    untranslated = [_key(message) for message in messages if not all(_strings(message))]
    fuzzy = [_key(message) for message in messages if message.fuzzy]

    assert messages, f"{PO_FILE} has no messages"
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} without a translation:\n{_show(untranslated)}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} marked fuzzy (check, then remove the flag):\n{_show(fuzzy)}")
    assert not problems, "django.po is incomplete; messages " + "\nand messages ".join(problems)


def test_translations_keep_the_placeholders_of_the_original():
    broken = []
    for message in _messages(_committed()):
        if not (message.python_format or "python-format" in message.flags):
            continue
        msgids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = _placeholders(msgids[-1])
        for string in _strings(message):
            if string and _placeholders(string) != wanted:
                broken.append(_key(message))
    assert not broken, f"these translations lose or add placeholders:\n{_show(broken)}"


def test_the_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as handle:
        compiled = read_mo(handle)
    # msgfmt leaves untranslated and fuzzy messages out of the .mo (another test reports them).
    in_po = {
        (_key(message), _strings(message))
        for message in _messages(_committed())
        if all(_strings(message)) and not message.fuzzy
    }
    in_mo = {(_key(message), _strings(message)) for message in _messages(compiled)}

    stale = in_po - in_mo
    extra = in_mo - in_po
    assert not stale and not extra, (
        "django.mo is out of step with django.po; run "
        "`cd src/kam && ../../.venv/bin/kam compilemessages`.\n"
        f"In the .po but not the .mo:\n{_show(key for key, _ in stale)}\n"
        f"In the .mo but not the .po:\n{_show(key for key, _ in extra)}"
    )


def test_the_catalogue_covers_every_translatable_string_in_the_code(
    tmp_path, monkeypatch, settings
):
    for tool in ("xgettext", "msguniq", "msgmerge", "msgattrib"):
        if shutil.which(tool) is None:
            pytest.fail(
                f"{tool} is not installed, so the strings in the code cannot be extracted: install "
                "GNU gettext (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)."
            )
    copy = tmp_path / "kam"
    shutil.copytree(SRC_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (copy / "locale").mkdir()
    # Extraction writes only into the copy, never into the committed catalogue.
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)

    call_command(
        "makemessages",
        locale=["vi"],
        no_obsolete=True,
        no_location=True,
        verbosity=0,
        stdout=io.StringIO(),
    )

    extracted = {
        _key(message)
        for message in _messages(_read_po(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    }
    translated = {
        _key(message)
        for message in _messages(_committed())
        if all(_strings(message)) and not message.fuzzy
    }
    missing = extracted - translated
    assert extracted, "makemessages extracted no strings from the code"
    assert not missing, (
        f"{len(missing)} string(s) in the code have no Vietnamese translation in django.po:\n"
        f"{_show(missing)}\nTo fix: {REGENERATE}."
    )


def test_vietnamese_is_what_gettext_returns_for_vi():
    with translation.override("vi"):
        assert translation.gettext("Sign in") == "Đăng nhập"
        assert translation.gettext("Sign out") == "Đăng xuất"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"


def test_the_sign_in_page_speaks_vietnamese_by_default(client):
    response = client.get("/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập vào kam" in html
    assert "Sign in to kam" not in html


def test_the_sign_in_page_speaks_english_when_chosen(client):
    client.cookies["kam_language"] = "en"

    response = client.get("/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to kam" in html
    assert "Đăng nhập vào kam" not in html

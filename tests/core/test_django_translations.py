"""Django's own messages speak Vietnamese too: src/kam/locale_django translates every message
that Django's English catalogues have and its Vietnamese catalogues lack, leave empty or mark
fuzzy (forms, model fields, validators, pagination, dates, auth, admin), and settings put it in
LOCALE_PATHS so Django picks it up.

The gaps are computed from the installed Django, so an upgrade that adds strings fails here with
the list of what to translate."""

import re
from pathlib import Path

import django
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.utils import translation

SRC_DIR = Path(__file__).resolve().parents[2] / "src" / "kam"
LOCALE_DIR = SRC_DIR / "locale_django"
MESSAGES_DIR = LOCALE_DIR / "vi" / "LC_MESSAGES"
PO_FILE = MESSAGES_DIR / "django.po"
MO_FILE = MESSAGES_DIR / "django.mo"
COMPILE = "cd src/kam/locale_django/vi/LC_MESSAGES && msgfmt --check -o django.mo django.po"

DJANGO_DIR = Path(django.__file__).resolve().parent
# Django's catalogues whose Vietnamese gaps kam fills, by the name the failures show.
DOMAINS = {
    "django/conf/locale": DJANGO_DIR / "conf" / "locale",
    "django/contrib/auth/locale": DJANGO_DIR / "contrib" / "auth" / "locale",
    "django/contrib/admin/locale": DJANGO_DIR / "contrib" / "admin" / "locale",
}

PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _read_po(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _committed() -> Catalog:
    return _read_po(PO_FILE, "vi")


def _messages(catalog: Catalog) -> list[Message]:
    """The catalogue's messages without the header entry."""
    return [message for message in catalog if message.id]


def _key(message: Message) -> tuple:
    """A message's identity: context and msgid (singular and plural for plural messages)."""
    msgid = tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)
    return (message.context, msgid)


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return (message.string,)


def _translated(message: Message | None) -> bool:
    return message is not None and not message.fuzzy and all(_strings(message))


def _show(keys) -> str:
    """One message per line: msgid (with its plural, if any) and context."""
    lines = []
    for context, msgid in sorted(keys, key=repr):
        text = " / ".join(repr(part) for part in msgid)
        lines.append(f"  {text}" + (f" (context {context!r})" if context else ""))
    return "\n".join(lines)


def _django_english(locale_dir: Path) -> list[Message]:
    return _messages(_read_po(locale_dir / "en" / "LC_MESSAGES" / "django.po", "en"))


def _django_gaps() -> dict[str, set[tuple]]:
    """Per catalogue, the messages Django's English catalogue has and its Vietnamese one lacks,
    leaves empty or marks fuzzy."""
    gaps = {}
    for name, locale_dir in DOMAINS.items():
        vietnamese = _read_po(locale_dir / "vi" / "LC_MESSAGES" / "django.po", "vi")
        gaps[name] = {
            _key(message)
            for message in _django_english(locale_dir)
            if not _translated(vietnamese.get(message.id, message.context))
        }
    return gaps


def test_the_header_declares_vietnamese_utf8_and_one_plural_form():
    catalog = _committed()

    assert not catalog.fuzzy, "the header of django.po is marked fuzzy; remove the '#, fuzzy' flag"
    assert str(catalog.locale) == "vi"
    assert catalog.charset.lower() == "utf-8"
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_every_message_django_leaves_untranslated_in_vietnamese_is_translated_here():
    gaps = _django_gaps()
    translated = {_key(message) for message in _messages(_committed()) if _translated(message)}

    missing = {name: keys - translated for name, keys in gaps.items() if keys - translated}
    assert not missing, (
        f"Django {django.get_version()} has messages with no Vietnamese translation in Django or "
        f"in {PO_FILE.relative_to(SRC_DIR.parents[1])}; add them there "
        "(msgid, msgid_plural and msgctxt as in Django's English catalogue; one msgstr[0] for "
        f"plurals), translate them, then run `{COMPILE}`.\n"
        + "\n".join(f"From {name}:\n{_show(keys)}" for name, keys in missing.items())
    )


def test_every_message_here_is_still_one_of_djangos():
    english = {
        _key(message) for locale_dir in DOMAINS.values() for message in _django_english(locale_dir)
    }
    obsolete = {_key(message) for message in _messages(_committed())} - english

    assert english, f"found no messages in Django's English catalogues under {DJANGO_DIR}"
    assert not obsolete, (
        f"these messages of {PO_FILE.name} are no longer in Django's English catalogues "
        f"({', '.join(DOMAINS)}); remove them, then run `{COMPILE}`:\n{_show(obsolete)}"
    )


def test_no_message_is_untranslated_or_fuzzy():
    messages = _messages(_committed())
    bad = [_key(message) for message in messages if not _translated(message)]

    assert messages, f"{PO_FILE} has no messages"
    assert not bad, f"these messages are untranslated or marked fuzzy:\n{_show(bad)}"


def _placeholders(message: Message, text: str) -> list[str]:
    found = []
    if "python-format" in message.flags:
        found += PERCENT_PLACEHOLDER.findall(text.replace("%%", ""))
    if "python-brace-format" in message.flags:
        found += BRACE_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", ""))
    return sorted(found)


def test_translations_keep_the_placeholders_of_the_original():
    broken = []
    for message in _messages(_committed()):
        msgids = _key(message)[1]
        wanted = _placeholders(message, msgids[-1])
        # An empty translation is reported by test_no_message_is_untranslated_or_fuzzy.
        strings = [string for string in _strings(message) if string]
        if any(_placeholders(message, string) != wanted for string in strings):
            broken.append(_key(message))

    assert not broken, f"these translations lose or add placeholders:\n{_show(broken)}"


def test_the_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as handle:
        compiled = read_mo(handle)
    in_po = {
        (_key(message), _strings(message))
        for message in _messages(_committed())
        if _translated(message)
    }
    in_mo = {(_key(message), _strings(message)) for message in _messages(compiled)}

    stale = in_po - in_mo
    extra = in_mo - in_po
    assert not stale and not extra, (
        f"django.mo is out of step with django.po; run `{COMPILE}`.\n"
        f"In the .po but not the .mo:\n{_show(key for key, _ in stale)}\n"
        f"In the .mo but not the .po:\n{_show(key for key, _ in extra)}"
    )


def test_settings_list_the_catalogue_after_kams_own():
    paths = [Path(path).resolve() for path in settings.LOCALE_PATHS]

    assert LOCALE_DIR.resolve() in paths, (
        'LOCALE_PATHS lacks SRC_DIR / "locale_django"; add it after SRC_DIR / "locale" in '
        "kam/settings.py"
    )
    # The first path wins where two catalogues translate the same msgid: kam's own comes first.
    assert paths.index((SRC_DIR / "locale").resolve()) < paths.index(LOCALE_DIR.resolve())


def test_the_password_validators_speak_vietnamese():
    with translation.override("en"), pytest.raises(ValidationError) as english:
        validate_password("abc")
    with translation.override("vi"), pytest.raises(ValidationError) as vietnamese:
        validate_password("abc")

    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in vietnamese.value.messages
    in_english = set(english.value.messages)
    assert in_english and not in_english & set(vietnamese.value.messages)


def test_the_slug_validator_speaks_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        validate_slug("a b")
    with translation.override("vi"):
        messages = error.value.messages

    assert messages == [
        "Nhập một “slug” hợp lệ, chỉ gồm chữ cái, chữ số, dấu gạch dưới hoặc dấu gạch ngang."
    ]


def test_model_field_errors_speak_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        models.BooleanField().clean("maybe", None)
    with translation.override("vi"):
        messages = error.value.messages

    assert messages == ["Giá trị “maybe” phải là True hoặc False."]

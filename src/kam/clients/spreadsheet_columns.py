"""The columns of client and stakeholder spreadsheets: what an export writes and what an import
reads back. A header is recognised in Vietnamese or English (without accents or case), and a
choice by its code or its label in either language, so an exported file imports again."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kam.clients.models import Client, Stakeholder
from kam.core.search import fold


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy text, shown in the reader's language
    export: Callable[[Any], Any]
    field: models.Field | None = None  # a model field whose choices a cell may name

    def aliases(self) -> set[str]:
        names = {fold(self.key), fold(self.key.replace("_", " "))}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(fold(str(self.label)))
        return names


def _field(model, name: str) -> models.Field:
    return model._meta.get_field(name)


def _plain(model, name: str) -> Column:
    return Column(
        key=name,
        label=_field(model, name).verbose_name,
        export=lambda record: getattr(record, name),
    )


def _choice(model, name: str) -> Column:
    return Column(
        key=name,
        label=_field(model, name).verbose_name,
        export=lambda record: str(getattr(record, f"get_{name}_display")()),
        field=_field(model, name),
    )


CLIENT_COLUMNS = [
    _plain(Client, "legal_name"),
    _plain(Client, "short_name"),
    _plain(Client, "tax_code"),
    _choice(Client, "industry"),
    _choice(Client, "tier"),
    _choice(Client, "potential"),
    _choice(Client, "buying_complexity"),
    _choice(Client, "status"),
    Column("owner", _("owner KAM (username)"), lambda client: client.owner.username),
    _plain(Client, "address"),
]
STAKEHOLDER_COLUMNS = [
    Column("client_tax_code", _("client tax code"), lambda person: person.client.tax_code),
    Column("client", _("client"), lambda person: person.client.legal_name),
    _plain(Stakeholder, "full_name"),
    _plain(Stakeholder, "title"),
    _choice(Stakeholder, "decision_role"),
    _plain(Stakeholder, "influence"),
    _plain(Stakeholder, "relationship"),
    _choice(Stakeholder, "preferred_channel"),
    _plain(Stakeholder, "email"),
    _plain(Stakeholder, "phone"),
]


def headers(columns: list[Column]) -> list[str]:
    return [capfirst(str(column.label)) for column in columns]


def export_rows(columns: list[Column], records) -> list[list]:
    return [[column.export(record) for column in columns] for record in records]


def match_headers(columns: list[Column], found: list[str]) -> dict[str, str]:
    """{column key: the file's header for it} for the headers kam recognises."""
    by_alias = {alias: column.key for column in columns for alias in column.aliases()}
    matched = {}
    for header in found:
        key = by_alias.get(fold(header))
        if key and key not in matched:
            matched[key] = header
    return matched


def choice_value(column: Column, text: str) -> str | None:
    """The code a cell names, by code or label in Vietnamese or English; None if unknown."""
    return _choice_codes(column).get(fold(text))


@cache
def _choice_codes(column: Column) -> dict[str, str]:
    codes = {}
    for code, label in column.field.choices:
        codes[fold(str(code))] = code
        for language in ("vi", "en"):
            with translation.override(language):
                codes[fold(str(label))] = code
    return codes

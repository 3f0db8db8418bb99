"""Imports of clients and stakeholders: staged, previewed as a dry run, applied whole."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kam.clients import queries
from kam.clients import spreadsheet_columns as columns
from kam.clients.models import Client, ImportBatch
from kam.clients.permissions import can_create_client
from kam.clients.services.accounts import add_stakeholder, create_client
from kam.core import vietnam
from kam.core.errors import DomainError, require
from kam.core.search import fold
from kam.core.spreadsheets import read_table
from kam.people.models import User


# --- Import ---------------------------------------------------------------------------------
@dataclass
class RowResult:
    """One data row of an import: its line in the file, what it says, what went wrong."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


class _DryRun(Exception):
    """Raised to undo a preview's writes."""


REQUIRED_COLUMN = {
    ImportBatch.Kind.CLIENTS: "legal_name",
    ImportBatch.Kind.STAKEHOLDERS: "full_name",
}


def _columns(kind: str) -> list[columns.Column]:
    return (
        columns.CLIENT_COLUMNS if kind == ImportBatch.Kind.CLIENTS else columns.STAKEHOLDER_COLUMNS
    )


@transaction.atomic
def stage_import(
    *, by: User, kind: str, file_name: str, content: bytes, accept_unusual_tax_codes: bool = False
) -> ImportBatch:
    """Keep an uploaded spreadsheet for its preview. It must be readable and have the column
    the rows cannot do without; nothing of it is applied yet."""
    require(can_create_client(by))
    table = read_table(content)
    matched = columns.match_headers(_columns(kind), table.headers)
    required = REQUIRED_COLUMN[kind]
    if required not in matched:
        label = next(column.label for column in _columns(kind) if column.key == required)
        raise DomainError(
            _("The file has no “%(column)s” column.") % {"column": capfirst(str(label))},
            field="file",
        )
    return ImportBatch.objects.create(
        kind=kind,
        file_name=file_name[:200],
        content=content,
        row_count=len(table.rows),
        accept_unusual_tax_codes=accept_unusual_tax_codes,
        created_by=by,
    )


def preview_import(*, by: User, batch: ImportBatch) -> list[RowResult]:
    """Run every row through the services, then undo it all: the preview meets exactly the
    errors the import would (duplicates within the file included)."""
    require(batch.created_by_id == by.pk)
    results: list[RowResult] = []
    try:
        with transaction.atomic():
            results = _import_rows(by, batch)
            raise _DryRun
    except _DryRun:
        pass
    return results


@transaction.atomic
def apply_import(*, by: User, batch: ImportBatch) -> int:
    """Write every row, or none: one refused row undoes the whole import."""
    require(batch.created_by_id == by.pk)
    results = _import_rows(by, batch)
    refused = [result for result in results if result.errors]
    if refused:
        raise DomainError(
            _("Nothing was imported: %(count)s rows have errors.") % {"count": len(refused)}
        )
    batch.delete()
    return len(results)


@transaction.atomic
def cancel_import(*, by: User, batch: ImportBatch) -> None:
    """Drop an uploaded file without applying anything of it."""
    require(batch.created_by_id == by.pk)
    batch.delete()


def forget_stale_imports() -> int:
    """Drop uploads left unconfirmed for a day."""
    stale = ImportBatch.objects.filter(created_at__lt=timezone.now() - timedelta(days=1))
    deleted, _rows = stale.delete()
    return deleted


def _import_rows(by: User, batch: ImportBatch) -> list[RowResult]:
    table = read_table(bytes(batch.content))
    cols = _columns(batch.kind)
    matched = columns.match_headers(cols, table.headers)
    read_row = _client_row if batch.kind == ImportBatch.Kind.CLIENTS else _stakeholder_row
    lookup = _ClientLookup(by) if batch.kind == ImportBatch.Kind.STAKEHOLDERS else None
    results = []
    for line, row in enumerate(table.rows, start=2):  # line 1 is the header
        values = {key: row[header] for key, header in matched.items()}
        result = RowResult(line=line, values=values)
        try:
            with transaction.atomic():
                read_row(by, batch, cols, values, lookup)
        except DomainError as error:
            result.errors.append(_row_error(cols, error))
        except Http404:
            result.errors.append(_("You may not change this client."))
        results.append(result)
    return results


def _row_error(cols: list[columns.Column], error: DomainError) -> str:
    labels = {column.key: capfirst(str(column.label)) for column in cols}
    label = labels.get(error.field) if error.field else None
    return f"{label}: {error.message}" if label else error.message


def _cell_values(cols: list[columns.Column], values: dict[str, str]) -> dict:
    """The row's cells as service arguments: choices by code or label, numbers as numbers."""
    data = {}
    for column in cols:
        text = values.get(column.key, "")
        if column.key not in values or column.key in ("owner", "client", "client_tax_code"):
            continue
        if column.field is not None:
            if not text:
                continue
            code = columns.choice_value(column, text)
            if code is None:
                raise DomainError(
                    _("“%(value)s” is not one of the choices.") % {"value": text[:50]},
                    field=column.key,
                )
            data[column.key] = code
        elif column.key in ("influence", "relationship"):
            if text:
                if not text.isdigit():
                    raise DomainError(_("Write a whole number from 1 to 5."), field=column.key)
                data[column.key] = int(text)
        else:
            data[column.key] = text
    return data


def _client_row(by, batch, cols, values, lookup) -> None:
    data = _cell_values(cols, values)
    if values.get("owner"):
        owner = User.objects.filter(username__iexact=values["owner"], is_active=True).first()
        if owner is None:
            raise DomainError(
                _("There is no person with the username “%(name)s”.")
                % {"name": values["owner"][:50]},
                field="owner",
            )
        data["owner"] = owner
    create_client(by=by, accept_unusual_tax_code=batch.accept_unusual_tax_codes, **data)


class _ClientLookup:
    """The clients a stakeholder row may name, by tax code or by name, among those the importer
    sees; read once per import."""

    def __init__(self, by: User) -> None:
        self.by_key: dict[str, Client] = {}
        for client in queries.clients_visible_to(by).select_related("owner", "owner__team"):
            for key in (client.tax_code, fold(client.legal_name), fold(client.short_name)):
                if key:
                    self.by_key.setdefault(key, client)

    def find(self, values: dict[str, str]) -> Client:
        tax_code = vietnam.normalise_tax_code(values.get("client_tax_code", ""))
        name = fold(values.get("client", ""))
        client = self.by_key.get(tax_code) if tax_code else self.by_key.get(name)
        if client is None:
            raise DomainError(_("There is no such client."), field="client")
        return client


def _stakeholder_row(by, batch, cols, values, lookup: _ClientLookup) -> None:
    client = lookup.find(values)
    add_stakeholder(by=by, client=client, **_cell_values(cols, values))

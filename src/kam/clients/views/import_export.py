"""Export of the filtered client list, and imports with their preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.clients import forms, queries, services
from kam.clients import spreadsheet_columns as columns
from kam.clients.permissions import can_create_client
from kam.clients.views.accounts import ClientFilters
from kam.core import spreadsheets
from kam.core.errors import DomainError, require
from kam.core.forms import posted, run_service

# --- Export and import ----------------------------------------------------------------------
PREVIEW_ROWS = 50
SPREADSHEET_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _spreadsheet(request: HttpRequest, name: str, cols, records) -> HttpResponse:
    """The records as XLSX (the default) or CSV (`?format=csv`), cells escaped for Excel."""
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    header_row, rows = columns.headers(cols), columns.export_rows(cols, records)
    content = (
        spreadsheets.csv_bytes(header_row, rows)
        if file_format == "csv"
        else spreadsheets.xlsx_bytes(header_row, rows, title=name)
    )
    response = HttpResponse(content, content_type=SPREADSHEET_TYPES[file_format])
    file_name = f"kam-{name}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@login_required
def client_export(request: HttpRequest) -> HttpResponse:
    """The client list as filtered on screen."""
    clients = queries.clients_for_list(request.user, **ClientFilters(request.GET).values())
    return _spreadsheet(request, "clients", columns.CLIENT_COLUMNS, clients)


@login_required
def stakeholder_export(request: HttpRequest) -> HttpResponse:
    """The stakeholders of the client list as filtered on screen."""
    clients = queries.clients_for_list(request.user, **ClientFilters(request.GET).values())
    stakeholders = queries.stakeholders_of_clients(clients)
    return _spreadsheet(request, "stakeholders", columns.STAKEHOLDER_COLUMNS, stakeholders)


@login_required
def client_import(request: HttpRequest) -> HttpResponse:
    require(can_create_client(request.user))
    form = forms.ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = run_service(
            form,
            lambda: services.stage_import(
                by=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
                accept_unusual_tax_codes=form.cleaned_data["accept_unusual_tax_codes"],
            ),
        )
        if batch:
            return redirect("clients:import_preview", pk=batch.pk)
    context = {"form": form, "client_columns": columns.headers(columns.CLIENT_COLUMNS),
               "stakeholder_columns": columns.headers(columns.STAKEHOLDER_COLUMNS)}  # fmt: skip
    return render(request, "clients/import.html", context, status=422 if form.errors else 200)


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_import_for(request.user, pk)
    return _render_preview(request, batch)


def _render_preview(request: HttpRequest, batch, *, refusal: str = "") -> HttpResponse:
    results = services.preview_import(by=request.user, batch=batch)
    cols = columns.CLIENT_COLUMNS if batch.kind == "clients" else columns.STAKEHOLDER_COLUMNS
    present = set(results[0].values) if results else set()
    shown = [column for column in cols if column.key in present]
    context = {
        "batch": batch,
        "columns": [capfirst(str(column.label)) for column in shown],
        "keys": [column.key for column in shown],
        "refused": [row for row in results if row.errors][:PREVIEW_ROWS],
        "refused_count": sum(1 for row in results if row.errors),
        "sample": results[:PREVIEW_ROWS],
        "row_count": len(results),
        "refusal": refusal,
    }
    return render(request, "clients/import_preview.html", context, status=422 if refusal else 200)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_import_for(request.user, pk)
    try:
        count = services.apply_import(by=request.user, batch=batch)
    except DomainError as error:
        return _render_preview(request, batch, refusal=error.message)
    messages.success(request, _("%(count)s rows are imported.") % {"count": count})
    return redirect("clients:client_list")


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_import_for(request.user, pk)
    services.cancel_import(by=request.user, batch=batch)
    messages.success(request, _("The import is cancelled; nothing was written."))
    return redirect("clients:client_list")

"""What the receivables pages share: who may be here at all, the client whose receivables are
shown, calling a service for a form, downloads, and the delivery pages' list and one-click
helpers (one behaviour, one place)."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from kam.clients.models import Client
from kam.core.errors import DomainError, require
from kam.core.http import attachment_disposition
from kam.delivery.views.common import (
    PAGE_SIZE,
    id_from,
    query_without_page,
    run_and_tell,
    tell_unshown,
)
from kam.receivables import queries
from kam.receivables.permissions import sees_receivables

T = TypeVar("T")
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = [
    "PAGE_SIZE",
    "PDF_TYPE",
    "XLSX_TYPE",
    "client_url",
    "download",
    "id_from",
    "invoice_url",
    "payment_url",
    "query_without_page",
    "receivable_client",
    "require_receivables",
    "run_and_tell",
    "run_form_service",
    "statement_url",
    "tell_unshown",
]


def require_receivables(request: HttpRequest) -> None:
    """Only those whose work is money are here at all; anyone else gets the same 404."""
    require(sees_receivables(request.user))


def receivable_client(request: HttpRequest, pk: int | None) -> Client:
    """A client whose receivables the user sees; the same 404 for anyone else."""
    require_receivables(request)
    return get_object_or_404(
        queries.receivable_clients_visible_to(request.user).select_related("owner"), pk=pk
    )


def client_url(client_pk: int, anchor: str = "") -> str:
    url = reverse("receivables:client_receivables", args=[client_pk])
    return f"{url}#{anchor}" if anchor else url


def invoice_url(invoice_pk: int, anchor: str = "") -> str:
    url = reverse("receivables:invoice_detail", args=[invoice_pk])
    return f"{url}#{anchor}" if anchor else url


def payment_url(payment_pk: int, anchor: str = "") -> str:
    url = reverse("receivables:payment_detail", args=[payment_pk])
    return f"{url}#{anchor}" if anchor else url


def statement_url(statement_pk: int, anchor: str = "") -> str:
    url = reverse("receivables:statement_detail", args=[statement_pk])
    return f"{url}#{anchor}" if anchor else url


def run_form_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """`core.forms.run_service`, with the form's own names for the fields a service names
    differently (`form.SERVICE_FIELDS`): a refusal shows beside the field it concerns."""
    try:
        return call()
    except DomainError as error:
        field = getattr(form, "SERVICE_FIELDS", {}).get(error.field, error.field)
        form.add_error(field if field in form.fields else None, error.message)
        return None


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(name)
    # What a client owes is nobody else's business: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response

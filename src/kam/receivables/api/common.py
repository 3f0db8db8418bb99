"""What the receivables API's modules share: the router, the shapes of money and references, and
turning ids in a body into records the caller may use (one they may not see answers 404, as a
record that does not exist).

Money: amounts in VND (what is owed, settled, paid, allocated, promised; a statement's figures)
are whole dong as JSON integers. Amounts in an invoice's own currency (its lines, subtotal, VAT
and total, a credit note's amount) are JSON numbers with at most two decimals (none in VND);
they are read by their shortest decimal form, never through a rounded float, and are bounded so
that a JSON number carries them to the cent. Dates are ISO 8601 (YYYY-MM-DD).

Only those who see receivables (permissions.sees_receivables: KAMs, Directors, Finance, admins)
read any of it, and only of the clients they see: anyone else gets empty lists and 404."""

from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, Strict, WithJsonSchema

from kam.clients.models import Client, Stakeholder
from kam.core.errors import DomainError
from kam.delivery.api.common import (
    ClientRef,
    ContractRef,
    Day,
    PersonRef,
    client_ref,
    person_ref,
    stakeholder_ref,
)
from kam.people.models import User
from kam.pitching.api.common import Quantity, StakeholderRef
from kam.receivables import queries
from kam.receivables.models import Invoice

router = Router(tags=["receivables"])

__all__ = [
    "ClientRef",
    "ContractRef",
    "Day",
    "PersonRef",
    "Quantity",
    "StakeholderRef",
    "client_ref",
    "person_ref",
    "router",
    "stakeholder_ref",
]

# The largest a payment, an allocation or a promise may be (the services refuse 10^15 dong).
MAX_DONG = 10**15
# An invoice's lines add up (before VAT) to at most this in its currency and MAX_DONG at its
# rate: the database's columns hold it with its VAT, and a JSON number still carries its cents.
MAX_INVOICE = 10**13

# VND received, allocated or promised: whole dong above 0, a JSON integer (no "5", no 5.5).
Dong = Annotated[int, Strict(), Field(gt=0, lt=MAX_DONG)]


def _json_number(value: object) -> Decimal:
    """A JSON number only ("12.5" and true are not amounts), read by its shortest decimal form so
    that 12.35 is 12.35 and not the binary float's 12.3499999…"""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("Write a number."))
    return Decimal(str(value))


# An amount in the invoice's currency: at most two decimals (whole dong in VND, which the
# service checks against the currency).
CurrencyAmount = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(ge=0, lt=MAX_INVOICE, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 0, "exclusiveMaximum": MAX_INVOICE}),
]
# VND for one unit of the invoice's currency, to four decimals.
ExchangeRate = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(gt=0, le=10**6, decimal_places=4),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 10**6}),
]
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217, e.g. VND, USD")]


class InvoiceRef(Schema):
    id: int
    number: str = Field(description="symbol and number, or 'Draft invoice <id>'")


def invoice_ref(invoice: Invoice | None) -> dict | None:
    return {"id": invoice.pk, "number": str(invoice)} if invoice else None


# --- Resolving ids --------------------------------------------------------------------------
def receivable_client(viewer: User, pk: int) -> Client:
    """A client whose receivables the caller sees; any other id is no client (404)."""
    client = queries.receivable_clients_visible_to(viewer).filter(pk=pk).first()
    if client is None:
        raise Http404
    return client


def stakeholder_of(client: Client, pk: int | None, field: str) -> Stakeholder | None:
    """One of the client's own people; another client's, or nobody's, is no such contact."""
    if pk is None:
        return None
    person = client.stakeholders.filter(pk=pk).first()
    if person is None:
        raise DomainError(_("There is no such contact."), field=field)
    return person


def invoices_by_id(viewer: User, pks: list[int]) -> dict[int, Invoice]:
    """The invoices the caller sees, in one query; an id they may not see is no invoice (404)."""
    found = {
        invoice.pk: invoice for invoice in queries.invoices_visible_to(viewer).filter(pk__in=pks)
    }
    if len(found) != len(set(pks)):
        raise Http404
    return found


def filtered(records: QuerySet, **filters) -> QuerySet:
    """The records with the filters that were given (None: not filtered)."""
    return records.filter(**{name: value for name, value in filters.items() if value is not None})

"""Payments received from clients and their allocation to invoices. A payment is recorded once:
the same idempotency key, however often and however concurrently it is sent, gives the one
payment. An invoice is never settled beyond its total; what a payment does not settle stays the
client's credit."""

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client
from kam.core.audit import created, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.money import before_vat, whole_amount
from kam.people.models import User
from kam.receivables import queries
from kam.receivables.models import Allocation, Invoice, Payment
from kam.receivables.permissions import keeps_the_books
from kam.receivables.queries import Share
from kam.receivables.services.common import (
    document_day,
    locked_invoices,
    locked_payment,
    settle,
)

VERB_LABELS = {
    "payment.recorded": gettext_lazy("recorded a payment"),
    "payment.allocated": gettext_lazy("allocated a payment"),
    "payment.unallocated": gettext_lazy("took a payment off an invoice"),
}

PAYMENT_FIELDS = ["client", "received_on", "amount", "method", "bank_reference", "payer", "note"]


class IdempotencyConflict(DomainError):
    """The key was used for a different payment: refused, never a second payment."""

    status_code = 422


def fingerprint(fields: dict) -> str:
    """A digest of what a request asked for, to tell a retry from another request that reuses
    its idempotency key."""
    text = json.dumps(fields, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def record_payment(
    *,
    by: User,
    client: Client,
    amount,
    received_on: date | None = None,
    method: str = Payment.Method.BANK,
    bank_reference: str = "",
    payer: str = "",
    note: str = "",
    idempotency_key: str = "",
    allocate_oldest_first: bool = False,
) -> tuple[Payment, bool]:
    """Record money received from the client (whole dong, above 0, not in the future or a
    closed month) and, if asked, allocate it to its oldest open invoices. Returns the payment
    and whether it is new: with an idempotency key seen before, the payment recorded then."""
    require(keeps_the_books(by))
    key = (idempotency_key or "").strip()
    if len(key) > 120:
        raise DomainError(_("An idempotency key has at most 120 characters."))
    given = {
        "client": client.pk,
        "amount": int(whole_amount(amount, "amount")),  # 1000 and "1000.0" are one request
        "received_on": str(received_on),
        "method": method,
        "bank_reference": bank_reference,
        "payer": payer,
        "note": note,
        "allocate": allocate_oldest_first,
    }
    if key:
        earlier = _earlier_payment(key, fingerprint(given))
        if earlier is not None:
            return earlier, False
    try:
        with transaction.atomic():
            payment = _new_payment(
                by=by,
                client=client,
                amount=amount,
                received_on=received_on,
                method=method,
                bank_reference=bank_reference,
                payer=payer,
                note=note,
                key=key,
                digest=fingerprint(given) if key else "",
            )
            if allocate_oldest_first:
                allocate_payment(
                    by=by, payment=payment, shares=queries.oldest_first_shares(payment)
                )
            return payment, True
    except IntegrityError:
        # A concurrent request with the same key committed first (its insert made this one
        # wait on the unique index): answer with its payment.
        earlier = _earlier_payment(key, fingerprint(given)) if key else None
        if earlier is None:
            raise
        return earlier, False


def _earlier_payment(key: str, digest: str) -> Payment | None:
    earlier = Payment.objects.filter(idempotency_key=key).first()
    if earlier is not None and earlier.request_fingerprint != digest:
        raise IdempotencyConflict(
            _("This Idempotency-Key was used for another payment; use a new key.")
        )
    return earlier


def _new_payment(
    *, by, client, amount, received_on, method, bank_reference, payer, note, key, digest
) -> Payment:
    if method not in Payment.Method.values:
        raise DomainError(_("Choose how the money came."), field="method")
    payment = Payment(
        client=client,
        amount=whole_amount(amount, "amount"),
        received_on=document_day(received_on, "received_on"),
        method=method,
        bank_reference=_text(bank_reference, 120),
        payer=_text(payer, 255),
        note=_text(note, 500),
        idempotency_key=key,
        request_fingerprint=digest,
        recorded_by=by,
    )
    payment.save()
    record_event(
        subject=payment,
        verb="payment.recorded",
        by=by,
        changes=created(snapshot(payment, PAYMENT_FIELDS)),
    )
    return payment


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


@transaction.atomic
def allocate_payment(*, by: User, payment: Payment, shares: list[Share]) -> list[Allocation]:
    """Settle invoices of the payment's client with parts of it: each part whole dong above 0,
    on an issued invoice that is not cancelled, at most what is open on it, and all together
    at most what is left of the payment."""
    require(keeps_the_books(by))
    if not shares:
        raise DomainError(_("Choose the invoices this payment settles."), field="allocations")
    payment = locked_payment(payment)
    invoices = {invoice.pk: invoice for invoice in locked_invoices(s.invoice.pk for s in shares)}
    amounts: dict[int, Decimal] = {}
    for share in shares:
        invoice = invoices[share.invoice.pk]
        _require_allocatable(invoice, payment)
        amounts[invoice.pk] = amounts.get(invoice.pk, Decimal(0)) + whole_amount(
            share.amount, "amount"
        )
    if sum(amounts.values()) > payment.unallocated_amount:
        raise DomainError(
            _("Only %(left)s ₫ of this payment is left to allocate.")
            % {"left": f"{payment.unallocated_amount:,.0f}".replace(",", ".")},
            field="amount",
        )
    allocations = []
    for pk, amount in amounts.items():
        invoice = invoices[pk]
        if amount > invoice.total_vnd - invoice.settled_amount:
            raise DomainError(
                _("That is more than is still open on invoice %(invoice)s.") % {"invoice": invoice},
                field="amount",
            )
        allocations.append(_allocate(by, payment, invoice, amount))
    payment.allocated_amount += sum(amounts.values())
    _save_allocated(payment)
    return allocations


def _save_allocated(payment: Payment) -> None:
    """Save what the payment has allocated, with its part before VAT counted again from its
    allocations (each rounded as they stand, so taking one off leaves the others' sum)."""
    payment.allocated_net = sum(
        (
            before_vat(allocation.amount, allocation.invoice.subtotal, allocation.invoice.total)
            for allocation in payment.allocations.select_related("invoice").order_by()
        ),
        Decimal(0),
    )
    payment.save(update_fields=["allocated_amount", "allocated_net"])


def _require_allocatable(invoice: Invoice, payment: Payment) -> None:
    if invoice.client_id != payment.client_id:
        raise DomainError(_("The invoice is another client's."), field="invoice")
    if invoice.status == Invoice.Status.CANCELLED:
        raise InvalidTransition(_("A cancelled invoice takes no payment."))
    if invoice.status != Invoice.Status.ISSUED:
        raise InvalidTransition(_("Issue the invoice before allocating a payment to it."))


def _allocate(by: User, payment: Payment, invoice: Invoice, amount: Decimal) -> Allocation:
    allocation, _new = Allocation.objects.get_or_create(
        payment=payment, invoice=invoice, defaults={"amount": amount, "created_by": by}
    )
    if not _new:
        allocation.amount += amount
        allocation.save(update_fields=["amount"])
    before = invoice.settled_amount
    settle(invoice, amount, payment.received_on)
    invoice.save(update_fields=["settled_amount", "settled_on", "updated_at"])
    record_event(
        subject=invoice,
        verb="payment.allocated",
        by=by,
        changes={"settled_amount": [str(before), str(invoice.settled_amount)]},
    )
    return allocation


@transaction.atomic
def allocate_oldest_first(*, by: User, payment: Payment) -> list[Allocation]:
    """The suggestion taken as it is: the client's open invoices, oldest due first."""
    shares = queries.oldest_first_shares(payment)
    if not shares:
        raise InvalidTransition(
            _(
                "Nothing to allocate: the payment is allocated in full, or the client has no "
                "open invoice."
            )
        )
    return allocate_payment(by=by, payment=payment, shares=shares)


@transaction.atomic
def remove_allocation(*, by: User, allocation: Allocation) -> None:
    """Take a payment off an invoice (allocated to the wrong one): the invoice is open again by
    that much and the payment has it back to allocate."""
    require(keeps_the_books(by))
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    payment = locked_payment(allocation.payment)
    (invoice,) = locked_invoices([allocation.invoice_id])
    if invoice.status == Invoice.Status.CANCELLED:
        raise InvalidTransition(_("The invoice is cancelled."))
    before = invoice.settled_amount
    invoice.settled_amount -= allocation.amount
    invoice.settled_on = None
    invoice.save(update_fields=["settled_amount", "settled_on", "updated_at"])
    payment.allocated_amount -= allocation.amount
    record_event(
        subject=invoice,
        verb="payment.unallocated",
        by=by,
        changes={"settled_amount": [str(before), str(invoice.settled_amount)]},
    )
    allocation.delete()
    _save_allocated(payment)

"""Who sees which receivables: everything starts from the clients the person sees, and only
those whose work is money (KAMs, Directors, Finance, admins) see any of it."""

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.clients.models import Client
from kam.clients.queries import clients_visible_to, ids_of_clients_seen_by, sees_every_client
from kam.people.models import User
from kam.receivables.models import (
    Allocation,
    CreditNote,
    DunningNotice,
    Invoice,
    Payment,
    PaymentPromise,
    Statement,
    VatRate,
)
from kam.receivables.permissions import sees_receivables


def _of_visible_clients(user: User, records: QuerySet) -> QuerySet:
    if not sees_receivables(user):
        return records.none()
    if sees_every_client(user):
        return records
    return records.filter(client__in=ids_of_clients_seen_by(user))


def receivable_clients_visible_to(user: User) -> QuerySet[Client]:
    if not sees_receivables(user):
        return Client.objects.none()
    return clients_visible_to(user)


def invoices_visible_to(user: User) -> QuerySet[Invoice]:
    return _of_visible_clients(user, Invoice.objects.all())


def get_invoice_for(user: User, pk: int) -> Invoice:
    return get_object_or_404(
        invoices_visible_to(user).select_related(
            "client__owner", "contract", "milestone", "replaces", "created_by", "issued_by"
        ),
        pk=pk,
    )


def credit_notes_visible_to(user: User) -> QuerySet[CreditNote]:
    return _of_visible_clients(user, CreditNote.objects.all())


def get_credit_note_for(user: User, pk: int) -> CreditNote:
    return get_object_or_404(
        credit_notes_visible_to(user).select_related("invoice", "client", "issued_by"), pk=pk
    )


def payments_visible_to(user: User) -> QuerySet[Payment]:
    return _of_visible_clients(user, Payment.objects.all())


def get_payment_for(user: User, pk: int) -> Payment:
    return get_object_or_404(
        payments_visible_to(user).select_related("client", "recorded_by"), pk=pk
    )


def allocations_of(payment: Payment) -> QuerySet[Allocation]:
    return payment.allocations.select_related("invoice").order_by("pk")


def get_allocation_for(user: User, pk: int) -> Allocation:
    return get_object_or_404(
        Allocation.objects.filter(payment__in=payments_visible_to(user)).select_related(
            "payment", "invoice"
        ),
        pk=pk,
    )


def statements_visible_to(user: User) -> QuerySet[Statement]:
    return _of_visible_clients(user, Statement.objects.all())


def get_statement_for(user: User, pk: int) -> Statement:
    return get_object_or_404(
        statements_visible_to(user).select_related("client__owner", "recipient", "created_by"),
        pk=pk,
    )


def promises_visible_to(user: User) -> QuerySet[PaymentPromise]:
    return _of_visible_clients(user, PaymentPromise.objects.all())


def get_promise_for(user: User, pk: int) -> PaymentPromise:
    return get_object_or_404(
        promises_visible_to(user).select_related("client", "invoice", "promised_by"), pk=pk
    )


def notices_of(invoice: Invoice) -> QuerySet[DunningNotice]:
    return invoice.notices.order_by("step_days")


def notices_for(invoices: QuerySet[Invoice]) -> QuerySet[DunningNotice]:
    """The reminders sent for these invoices, newest first."""
    return (
        DunningNotice.objects.filter(invoice__in=invoices.values("pk"))
        .select_related("invoice")
        .order_by("-sent_at", "-pk")
    )


def vat_rates_on(day: date) -> QuerySet[VatRate]:
    """The codes that have a rate on the day, each with that rate."""
    return VatRate.objects.filter(valid_from__lte=day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )

"""Collecting what is owed: the calls made to a client about its invoices (interactions on the
client, like every contact) and the promises to pay they bring."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, Interaction, Stakeholder
from kam.clients.services import log_interaction
from kam.core.audit import created, record_event, snapshot
from kam.core.errors import DomainError, require
from kam.core.money import whole_amount
from kam.people.models import User
from kam.receivables.models import Invoice, PaymentPromise
from kam.receivables.permissions import can_follow_up

VERB_LABELS = {"promise.recorded": gettext_lazy("recorded a promise to pay")}

PROMISE_FIELDS = ["invoice", "pay_by", "amount", "promised_by", "promised_by_name", "note"]


@transaction.atomic
def record_promise(
    *,
    by: User,
    client: Client,
    pay_by: date,
    amount,
    promised_by: Stakeholder | None = None,
    promised_by_name: str = "",
    invoice: Invoice | None = None,
    note: str = "",
) -> PaymentPromise:
    """Who at the client promised to pay how much by when. Reminders wait until that day; if
    the payments by then fall short, the promise is broken and shows on the KAM's agenda."""
    require(can_follow_up(by, client))
    today = timezone.localdate()
    if pay_by is None or pay_by < today:
        raise DomainError(_("The date to pay by is today or later."), field="pay_by")
    if promised_by is not None and promised_by.client_id != client.pk:
        raise DomainError(_("This person is not at the client."), field="promised_by")
    name = (promised_by_name or "").strip() or (promised_by.full_name if promised_by else "")
    if not name:
        raise DomainError(_("Say who promised."), field="promised_by_name")
    if invoice is not None and (
        invoice.client_id != client.pk or invoice.status != Invoice.Status.ISSUED
    ):
        raise DomainError(_("Choose one of the client's open invoices."), field="invoice")
    promise = PaymentPromise.objects.create(
        client=client,
        invoice=invoice,
        promised_on=today,
        pay_by=pay_by,
        amount=whole_amount(amount, "amount"),
        promised_by=promised_by,
        promised_by_name=name[:150],
        note=(note or "").strip()[:500],
        recorded_by=by,
    )
    record_event(
        subject=promise,
        verb="promise.recorded",
        by=by,
        changes=created(snapshot(promise, PROMISE_FIELDS)),
    )
    return promise


@transaction.atomic
def log_collection_call(
    *,
    by: User,
    client: Client,
    summary: str,
    stakeholder: Stakeholder | None = None,
    promise_pay_by: date | None = None,
    promise_amount=None,
) -> tuple[Interaction, PaymentPromise | None]:
    """A call about the client's invoices, logged as an interaction on the client, with the
    promise to pay it brought, if any."""
    require(can_follow_up(by, client))
    if not (summary or "").strip():
        raise DomainError(_("Say briefly what happened."), field="summary")
    call = log_interaction(
        by=by,
        client=client,
        stakeholders=[stakeholder] if stakeholder else [],
        kind=Interaction.Kind.CALL,
        summary=_("Collection call: %(summary)s") % {"summary": summary.strip()},
    )
    promise = None
    if promise_pay_by or promise_amount:
        promise = record_promise(
            by=by,
            client=client,
            pay_by=promise_pay_by,
            amount=promise_amount,
            promised_by=stakeholder,
            note=summary,
        )
    return call, promise

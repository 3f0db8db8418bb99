"""What receivables put on a KAM's agenda: for the clients they own, the overdue invoices (one
item per client), promises to pay that were broken, and statements the client disputes."""

from datetime import timedelta

from django.db.models import Count, Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kam.core.agenda import AgendaItem
from kam.core.money import format_money
from kam.people.models import User
from kam.receivables.models import Invoice, PaymentPromise, Statement
from kam.receivables.permissions import sees_receivables
from kam.receivables.queries.balances import OPEN, open_invoices, with_promise_state

ON_AGENDA = 50
# A broken promise stays on the agenda this long after its date, then the overdue item speaks.
BROKEN_PROMISE_DAYS = 30


def agenda_items(user: User) -> list[AgendaItem]:
    if not sees_receivables(user):
        return []
    return [*_overdue_for(user), *_broken_promises_for(user), *_disputes_for(user)]


def _overdue_for(user: User) -> list[AgendaItem]:
    today = timezone.localdate()
    rows = (
        open_invoices(Invoice.objects.filter(client__owner=user, due_on__lt=today))
        .values("client_id", "client__legal_name", "client__short_name")
        .annotate(count=Count("pk"), amount=Sum(OPEN), oldest=Min("due_on"))
        .order_by("oldest", "client_id")[:ON_AGENDA]
    )
    return [
        AgendaItem(
            title=ngettext(
                "%(client)s: %(count)s overdue invoice, %(amount)s",
                "%(client)s: %(count)s overdue invoices, %(amount)s",
                row["count"],
            )
            % {
                "client": row["client__short_name"] or row["client__legal_name"],
                "count": row["count"],
                "amount": format_money(row["amount"]),
            },
            url=reverse("receivables:client_receivables", args=[row["client_id"]]),
            action=_("Call about payment"),
            due_on=row["oldest"],
            value=row["amount"],
        )
        for row in rows
    ]


def _broken_promises_for(user: User) -> list[AgendaItem]:
    today = timezone.localdate()
    promises = with_promise_state(
        PaymentPromise.objects.filter(
            client__owner=user, pay_by__gte=today - timedelta(days=BROKEN_PROMISE_DAYS)
        )
    ).filter(state="broken")
    return [
        AgendaItem(
            title=_("%(who)s promised %(amount)s by %(day)s: not paid")
            % {
                "who": promise.promised_by_name,
                "amount": format_money(promise.amount),
                "day": promise.pay_by.strftime("%d/%m/%Y"),
            },
            url=reverse("receivables:client_receivables", args=[promise.client_id]),
            action=_("Call about payment"),
            due_on=promise.pay_by,
            detail=str(promise.client),
            value=promise.amount,
        )
        for promise in promises.select_related("client").order_by("pay_by")[:ON_AGENDA]
    ]


def _disputes_for(user: User) -> list[AgendaItem]:
    disputed = Statement.objects.filter(
        client__owner=user, status=Statement.Status.DISPUTED, dispute_resolved_at__isnull=True
    )
    return [
        AgendaItem(
            title=_("%(client)s disputes statement %(number)s")
            % {"client": statement.client, "number": statement.number},
            url=reverse("receivables:statement_detail", args=[statement.pk]),
            action=_("Settle the dispute"),
            detail=statement.client_comment[:200],
            value=statement.closing_balance,
            done_url=reverse("receivables:statement_settle", args=[statement.pk]),
            done_label=_("Settled with the client"),
        )
        for statement in disputed.select_related("client").order_by("answered_at")[:ON_AGENDA]
    ]

"""Who to remind of what, and whom at the client to write to."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q

from kam.clients.models import Stakeholder
from kam.receivables.models import DunningNotice, Invoice, PaymentPromise, Statement
from kam.receivables.queries.balances import open_invoices


def finance_contact_of(client) -> Stakeholder | None:
    """The client's accountant: an active finance contact with an email address, else its
    decision maker."""
    contacts = client.stakeholders.filter(is_active=True).exclude(email="")
    return (
        contacts.filter(decision_role=Stakeholder.DecisionRole.FINANCE).order_by("pk").first()
        or contacts.filter(decision_role=Stakeholder.DecisionRole.DECISION_MAKER)
        .order_by("pk")
        .first()
    )


def paused_clients(today: date):
    """Clients whose reminders wait: a promise to pay not yet due, or a statement they
    disputed that is not settled."""
    promised = PaymentPromise.objects.filter(client_id=OuterRef("client_id"), pay_by__gte=today)
    disputed = Statement.objects.filter(
        client_id=OuterRef("client_id"),
        status=Statement.Status.DISPUTED,
        dispute_resolved_at__isnull=True,
    )
    return Q(Exists(promised)) | Q(Exists(disputed))


def reminders_due(today: date) -> list[tuple[Invoice, int]]:
    """(invoice, step) for each open invoice whose latest step due today or before has not been
    sent (a step passed while paused is not sent late once a later one is due)."""
    steps = settings.KAM_DUNNING_STEPS
    if not steps:
        return []
    last_sent = (
        DunningNotice.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(m=Max("step_days"))
        .values("m")
    )
    candidates = (
        open_invoices(Invoice.objects.all())
        .filter(due_on__lte=today - timedelta(days=steps[0]), disputed=False)
        .exclude(paused_clients(today))
        .annotate(last_step=last_sent)
        .select_related("client__owner")
        .order_by("due_on", "pk")
    )
    due = []
    for invoice in candidates.iterator(chunk_size=500):
        overdue = (today - invoice.due_on).days
        step = max(s for s in steps if s <= overdue)
        if invoice.last_step is None or invoice.last_step < step:
            due.append((invoice, step))
    return due

"""Demo receivables: Sữa Việt's first milestone invoiced at VAT 8% about 45 days ago, half paid,
the rest overdue with no reminder sent yet (`story`); twelve months of invoices, payments,
reminders and promises for every other client with a signed contract, then today's credit notes,
last month's statements (one confirmed, one disputed) and a promise not yet due (`history`).
Everything through the services, as Finance and the KAMs. `volume` bulk-inserts the larger
scales.

No email leaves: the reminders of the history go to Django's dummy backend, and a statement's
email is a job queued at the commit, which finds the statement answered by then and sends
nothing (as the budgets' warnings find themselves mailed)."""

from datetime import date, timedelta

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from kam.clients.models import Client
from kam.core.seed import SeedContext
from kam.delivery.models import Contract
from kam.delivery.seed.story import STORY_CLIENT
from kam.people.models import User
from kam.receivables.models import (
    CreditNote,
    DunningNotice,
    Invoice,
    Payment,
    PaymentPromise,
    Statement,
)
from kam.receivables.seed.history import (
    Bill,
    Calendar,
    Timeline,
    credit_some,
    plan_history,
    promise_now,
    reconcile,
)
from kam.receivables.seed.story import plan_the_story
from kam.receivables.seed.volume import seed_volume

__all__ = ["seed", "seed_volume"]

NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"


def seed(ctx: SeedContext) -> None:
    if Invoice.objects.exists():  # seeded already: the history is written once
        ctx.log.append("receivables: invoices exist already, left as they are")
        return
    clients = list(
        Client.objects.filter(contracts__status=Contract.Status.SIGNED)
        .select_related("owner")
        .distinct()
        .order_by("pk")
    )
    if not clients:  # no delivery demo to invoice
        return
    finance = User.objects.get(username="finance")
    today = timezone.localdate()
    timeline = Timeline(ctx, finance, Calendar(today))
    by_name = {client.short_name: client for client in clients}
    story = None
    if STORY_CLIENT in by_name:
        story = plan_the_story(timeline, by_name[STORY_CLIENT], today)
    others = [client for client in clients if client.short_name != STORY_CLIENT]
    plan_history(ctx, timeline, others, today)
    with override_settings(EMAIL_BACKEND=NO_MAIL):
        timeline.run(remind_until=_last_reminders_day(story, today))
        credit_some(finance, by_name)
        reconcile(finance, by_name, today)
        promise_now(by_name, today)
    ctx.log.append(
        f"receivables: {Invoice.objects.count()} invoices, {Payment.objects.count()} payments, "
        f"{CreditNote.objects.count()} credit notes, {DunningNotice.objects.count()} reminders, "
        f"{PaymentPromise.objects.count()} promises, {Statement.objects.count()} statements "
        f"({STORY_CLIENT}'s first invoice half paid, the rest overdue)"
    )


def _last_reminders_day(story: Bill | None, today: date) -> date | None:
    """The reminders job ran every morning until yesterday — or until the day before the
    story's invoice reached its first step, so that its first reminder is the story's."""
    steps = settings.KAM_DUNNING_STEPS
    if not steps:
        return None
    last = today - timedelta(days=1)
    if story is not None:
        last = min(last, story.due_on + timedelta(days=min(steps) - 1))
    return last

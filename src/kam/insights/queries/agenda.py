"""What insights puts on Today: low survey scores to follow up, clients whose health is at risk,
and contracts coming to their end with no renewal opened."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.clients.models import Client
from kam.clients.queries import ids_of_clients_changeable_by
from kam.core import access
from kam.core.agenda import AgendaItem
from kam.delivery.models import Contract
from kam.delivery.queries import with_current_end, with_current_value
from kam.growth.models import Opportunity
from kam.insights.health import describe, reasons
from kam.insights.models import HealthScore
from kam.insights.queries.surveys import low_scores_to_follow_up
from kam.people.models import User

ON_AGENDA = 50
RENEWAL_NOTICE_DAYS = 60


def agenda_items(user: User) -> list[AgendaItem]:
    if not access.is_signed_in(user) or access.is_admin(user) or access.is_finance(user):
        return []
    mine = ids_of_clients_changeable_by(user)
    return [*_low_scores(user, mine), *_at_risk(mine), *_renewals(mine)]


def _low_scores(user: User, mine) -> list[AgendaItem]:
    return [
        AgendaItem(
            title=_("%(client)s: %(name)s rated %(csat)s/5, %(nps)s/10")
            % {
                "client": survey.client,
                "name": survey.stakeholder.full_name,
                "csat": survey.csat,
                "nps": survey.nps,
            },
            url=reverse("insights:survey_detail", args=[survey.pk]),
            action=_("Call the unhappy client"),
            detail=survey.comment[:200],
            done_url=reverse("insights:survey_follow_up", args=[survey.pk]),
            done_label=_("Followed up"),
            needs_note=True,
        )
        for survey in low_scores_to_follow_up(mine).order_by("answered_at")[:ON_AGENDA]
    ]


def _at_risk(mine) -> list[AgendaItem]:
    """Clients at risk, worst first: one whose score is falling is to act on now (no date, which
    ranks before what is due today), one at risk but steady today."""
    today = timezone.localdate()
    scores = (
        HealthScore.objects.filter(client__in=mine, at_risk=True)
        .exclude(client__status=Client.Status.LOST)
        .select_related("client")
        .order_by("score")[:ON_AGENDA]
    )
    return [
        AgendaItem(
            title=_("%(client)s: health %(score)s/100")
            % {"client": score.client, "score": score.score},
            url=reverse("insights:client_health", args=[score.client_id]),
            action=_("Client at risk: act on its reasons"),
            detail="; ".join(describe(row) for row in reasons(score.signals)),
            due_on=None if score.trend is not None and score.trend < 0 else today,
        )
        for score in scores
    ]


def _renewals(mine) -> list[AgendaItem]:
    today = timezone.localdate()
    renewal_open = Opportunity.objects.filter(
        client_id=OuterRef("client_id"),
        kind=Opportunity.Kind.RENEWAL,
        status=Opportunity.Status.OPEN,
    )
    # The end date and value as amended: an extension puts the renewal off, an upsell adds to it.
    contracts = (
        with_current_value(
            with_current_end(
                Contract.objects.filter(client__in=mine, status=Contract.Status.SIGNED)
            )
        )
        .filter(current_ends_on__range=(today, today + timedelta(days=RENEWAL_NOTICE_DAYS)))
        .exclude(Exists(renewal_open))
        .select_related("client")
        .order_by("current_ends_on", "pk")[:ON_AGENDA]
    )
    return [
        AgendaItem(
            title=_("%(client)s: contract %(number)s ends")
            % {
                "client": contract.client,
                "number": contract.number or contract.title,
            },
            url=reverse("growth:opportunity_create") + f"?client={contract.client_id}&kind=renewal",
            action=_("Open the renewal"),
            due_on=contract.current_ends_on,
            value=contract.current_value,
        )
        for contract in contracts
    ]

"""Account health kept up to date: recomputed for every client by a periodic job and for one
client when something about it changes here (a survey answered) or a KAM asks. Derived data,
not a decision anyone makes, so it is not in the audit trail; the history is its record."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.clients.models import Client
from kam.core.errors import InvalidTransition, require
from kam.insights.health import assess
from kam.insights.models import HealthHistory, HealthScore
from kam.insights.permissions import can_follow_up_survey
from kam.insights.queries.health import clients_to_score, facts_of, scores_30_days_before
from kam.people.models import User

BATCH = 1000


def recompute_health(*, client_ids: list[int] | None = None) -> int:
    """Score the clients (every client but the lost ones when none are named) and keep today's
    score in their history; returns how many were scored."""
    ids = list(
        clients_to_score().filter(pk__in=client_ids).values_list("pk", flat=True)
        if client_ids is not None
        else clients_to_score().order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        _score_batch(ids[start : start + BATCH])
    return len(ids)


def recompute_health_of(*, by: User, client: Client) -> HealthScore:
    """A KAM asks for a fresh score (after logging a meeting, say) instead of waiting an hour."""
    require(can_follow_up_survey(by, client))
    if client.status == Client.Status.LOST:
        # The hourly round skips lost clients too; scoring one here would find nothing to save.
        raise InvalidTransition(_("A lost client has no health score."))
    recompute_health(client_ids=[client.pk])
    return HealthScore.objects.get(client=client)


@transaction.atomic
def _score_batch(ids: list[int]) -> None:
    today, now = timezone.localdate(), timezone.now()
    facts = facts_of(ids, today)
    old = scores_30_days_before(ids, today)
    scores, history = [], []
    for pk in ids:
        assessment = assess(facts[pk])
        scores.append(
            HealthScore(
                client_id=pk,
                score=assessment.score,
                trend=assessment.score - old[pk] if pk in old else None,
                at_risk=assessment.score < settings.KAM_HEALTH_AT_RISK,
                signals=assessment.signals,
                computed_at=now,
            )
        )
        history.append(HealthHistory(client_id=pk, on=today, score=assessment.score))
    HealthScore.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["client"],
        update_fields=["score", "trend", "at_risk", "signals", "computed_at"],
    )
    HealthHistory.objects.bulk_create(
        history, update_conflicts=True, unique_fields=["client", "on"], update_fields=["score"]
    )

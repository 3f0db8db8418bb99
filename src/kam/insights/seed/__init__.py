"""Demo insights: the Directors' targets for the year — every month, quarter and the year, for
each demo KAM and team, sized to the revenue they actually book, invoice and collect, one of
them adjusted this quarter with its reason (`targets`); satisfaction surveys after the delivered
projects and on the key clients, one unhappy answer waiting on Lan's Today, one followed up, one
not answered yet (`surveys`); and every client's account health, with 90 days of history before
today so that trends and charts show (`health`), Sữa Việt's rising. `volume` bulk-inserts the
larger scales and times the recomputation of every client's health."""

from django.utils import timezone

from kam.clients.models import Client
from kam.core.seed import SeedContext
from kam.delivery.seed.story import STORY_CLIENT
from kam.insights.models import HealthHistory, HealthScore, Survey, Target, TargetChange
from kam.insights.queries.health import clients_to_score
from kam.insights.seed.health import backfill
from kam.insights.seed.surveys import seed_demo_surveys
from kam.insights.seed.targets import seed_demo_targets
from kam.insights.seed.volume import seed_volume
from kam.insights.services import recompute_health

__all__ = ["seed", "seed_volume"]

HISTORY_DAYS = 90
# A low score drops a client's health by about this much the day it is answered.
LOW_SCORE_DROP = 8


def seed(ctx: SeedContext) -> None:
    if Target.objects.exists() or Survey.objects.exists() or HealthHistory.objects.exists():
        ctx.log.append("insights: targets, surveys or health exist already, left as they are")
        return
    today = timezone.localdate()
    targets = seed_demo_targets(ctx, today)
    notes = seed_demo_surveys(today)
    ids = list(clients_to_score().order_by("pk").values_list("pk", flat=True))
    story = Client.objects.filter(short_name=STORY_CLIENT).values_list("pk", flat=True)
    # Clients whose unhappy answer waits for a follow-up fell on the day it came in.
    unhappy = {
        survey.client_id: (LOW_SCORE_DROP, (today - timezone.localdate(survey.answered_at)).days)
        for survey in Survey.objects.filter(low_score=True, followed_up_at__isnull=True)
    }
    rows = backfill(
        ctx, ids, HISTORY_DAYS, today, shapes=dict.fromkeys(story, "rising"), jumps=unhappy
    )
    scored = recompute_health()
    answered = Survey.objects.filter(status=Survey.Status.ANSWERED)
    waiting = answered.filter(low_score=True, followed_up_at__isnull=True)
    ctx.log.append(
        f"insights: {targets} targets ({TargetChange.objects.count()} settings, "
        f"{TargetChange.objects.filter(amount_before__isnull=False).count()} adjusted), "
        f"{Survey.objects.count()} surveys ({answered.count()} answered, "
        f"{waiting.count()} low score to follow up: "
        f"{', '.join(str(survey.client) for survey in waiting.select_related('client'))}), "
        f"health of {scored} clients "
        f"({HealthScore.objects.filter(at_risk=True).count()} at risk), "
        f"{rows} days of history" + "".join(f"; {note}" for note in notes)
    )

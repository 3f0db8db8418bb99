"""Account health's past for the seed: the history the hourly job would have kept, written
directly (the job only ever writes today's row). Each client's series ends near the score its
facts give today and moves there in a few steps — rising, falling or steady — so the trend and
the chart have something to show; `recompute_health()` then writes today's row and the 30-day
trend from it."""

import random
from datetime import date, timedelta

from kam.core.seed import SeedContext, bulk_insert
from kam.insights.health import assess
from kam.insights.models import HealthHistory
from kam.insights.queries.health import facts_of

BATCH = 1000
# Shapes of the past: (weight, fewest and most points the client was below today's score then;
# negative: above it, the client has been slipping).
SHAPES = {"rising": (40, 5, 20), "falling": (25, -15, -5), "steady": (35, -3, 3)}


def scores_today(client_ids: list[int], today: date) -> dict[int, int]:
    """What each client scores on its facts today, without writing anything."""
    scores = {}
    for start in range(0, len(client_ids), BATCH):
        batch = client_ids[start : start + BATCH]
        facts = facts_of(batch, today)
        scores.update({pk: assess(facts[pk]).score for pk in batch})
    return scores


def series(
    rng: random.Random, start: int, end: int, days: int, jump_days_ago: int | None = None
) -> list[int]:
    """`days` daily scores, oldest first, for the days before today: from `start` towards `end`
    in a few steps with a point or two of noise — or level at `start` until `jump_days_ago`,
    then at `end` (a survey answered, say)."""
    if jump_days_ago is not None:
        return [
            _clamp((start if days - index > jump_days_ago else end) + rng.choice((-1, 0, 0, 1)))
            for index in range(days)
        ]
    changes = sorted(rng.sample(range(1, days), k=min(days - 1, rng.randint(3, 7))))
    values, level, done = [], start, 0
    for index in range(days):
        while done < len(changes) and changes[done] <= index:
            done += 1
            level = start + (end - start) * done / (len(changes) + 1)
        values.append(_clamp(round(level) + rng.choice((-1, 0, 0, 0, 1))))
    return values


def _clamp(score: int) -> int:
    return max(0, min(100, score))


def backfill(
    ctx: SeedContext,
    client_ids: list[int],
    days: int,
    today: date,
    *,
    shapes: dict[int, str] | None = None,
    jumps: dict[int, tuple[int, int]] | None = None,
) -> int:
    """`days` days of history before today for the clients; `shapes` names a client's shape,
    `jumps` gives a client a jump (points before, days ago) instead. Returns the rows written."""
    if not client_ids or days < 2:
        return 0
    shapes, jumps = shapes or {}, jumps or {}
    now = scores_today(client_ids, today)
    names = list(SHAPES)
    weights = [SHAPES[name][0] for name in names]

    def rows():
        for pk in client_ids:
            end = now[pk]
            if pk in jumps:
                before, days_ago = jumps[pk]
                values = series(ctx.rng, _clamp(end + before), end, days, days_ago)
            else:
                shape = shapes.get(pk) or ctx.rng.choices(names, weights=weights)[0]
                _weight, fewest, most = SHAPES[shape]
                values = series(ctx.rng, _clamp(end - ctx.rng.randint(fewest, most)), end, days)
            first = today - timedelta(days=days)
            for index, score in enumerate(values):
                yield HealthHistory(client_id=pk, on=first + timedelta(days=index), score=score)

    return len(bulk_insert(ctx, "health history", rows(), len(client_ids) * days))

"""The year's targets (doanh số cam kết), sized to what each KAM actually books, invoices and
collects so that attainment is believable: a quarter's target is the revenue the KAM is on pace
for divided by how far ahead (above 1) or behind (below 1) they are meant to be; its months take
30/33/37% of it (agencies bill more towards a quarter's end); the quarters still to come carry
the current one's; a quarter gone by before the KAM had any of that revenue has none; the year
is its quarters' together, and a team's target its KAMs'.

The demo sets them through the services, as the Directors would have on the last days of the
year before (`seed_demo_targets`), and adjusts one with its reason; the volume bulk-inserts
them (`kam.insights.seed.volume`) with the same sizing (`plan_year`)."""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kam.core.models import AuditEvent
from kam.core.seed import SeedContext
from kam.insights import services
from kam.insights.models import Target, TargetChange
from kam.insights.periods import MONTH, QUARTER, YEAR, Span, span_of
from kam.insights.queries.attainment import METRICS, revenue_by_kam
from kam.people.models import Team, User

MILLION = 1_000_000
ROUND = Decimal(10 * MILLION)
SMALLEST_QUARTER = Decimal(50 * MILLION)
# Revenue of a KAM with no history at all in a quarter, for the quarters still to come.
DEFAULT_QUARTER = {"booked": 1_200, "invoiced": 900, "collected": 800}
SPLIT = (30, 33, 37)
# Fewer days of the current quarter than this and its pace says little: the earlier ones decide.
PACE_AFTER_DAYS = 21
# (owner, metric): projected revenue / target. The demo's KAMs each lead in something and lag in
# something else: Lan books ahead (Sữa Việt's Tết campaign) but collects behind (its invoice is
# half paid); Hoa invoices and collects ahead with nothing signed this quarter; Minh is behind
# since Đất Xanh Nam cancelled.
DEMO_PACE = {
    "lan": {"booked": 1.25, "invoiced": 1.04, "collected": 0.78},
    "hoa": {"booked": 0.6, "invoiced": 1.12, "collected": 1.06},
    "minh": {"booked": 0.72, "invoiced": 0.9, "collected": 0.86},
}
# The one adjustment of the demo, made by Minh's Director this quarter.
ADJUSTED = ("minh", "booked", Decimal(500 * MILLION))
ADJUSTMENT_REASON = (
    "Dự án căn hộ Đất Xanh Nam bị hủy ở giai đoạn tiền sản xuất, khách lùi kế hoạch mở bán; "
    "giảm doanh số ký mới quý này theo thống nhất với KAM."
)

Key = tuple[str, str, date]  # metric, period, first day


def year_quarters(today: date) -> list[Span]:
    return [span_of(QUARTER, date(today.year, month, 1)) for month in (1, 4, 7, 10)]


def quarter_revenue(today: date, kam_ids: list[int] | None = None) -> dict[Span, dict]:
    """{quarter: {metric: {kam id: amount}}} for the quarters of the year begun by today."""
    return {
        quarter: revenue_by_kam(quarter, kam_ids)
        for quarter in year_quarters(today)
        if quarter.starts_on <= today
    }


def _rounded(amount: Decimal, smallest: Decimal = Decimal(0)) -> Decimal:
    return max(smallest, (amount / ROUND).quantize(Decimal(1)) * ROUND)


def _pace(actual: Decimal, quarter: Span, today: date) -> Decimal | None:
    """The quarter's revenue at the pace so far, None when it is too early to tell."""
    elapsed = quarter.elapsed_days(today)
    if elapsed >= quarter.days:
        return actual
    if elapsed < PACE_AFTER_DAYS:
        return None
    return actual * quarter.days / elapsed


def plan_year(
    rng: random.Random,
    kam_id: int,
    revenue: dict[Span, dict],
    pace: dict[str, float],
    today: date,
) -> dict[Key, Decimal]:
    """One KAM's targets for every month and quarter of the year, and the year."""
    planned: dict[Key, Decimal] = {}
    quarters = year_quarters(today)
    for metric in METRICS:
        amounts: dict[Span, Decimal | None] = {}
        for quarter, by_metric in revenue.items():
            projected = _pace(by_metric[metric].get(kam_id, Decimal(0)), quarter, today)
            if not projected:
                amounts[quarter] = None
                continue
            # A finished quarter was met or missed by a little; the current one is on its pace.
            ratio = rng.uniform(0.85, 1.15) if quarter.ends_on < today else pace[metric]
            amounts[quarter] = _rounded(projected / Decimal(str(ratio)), SMALLEST_QUARTER)
        known = [amount for amount in amounts.values() if amount]
        usual = (
            _rounded(sum(known) / len(known), SMALLEST_QUARTER)
            if known
            else Decimal(DEFAULT_QUARTER[metric] * MILLION)
        )
        current = amounts.get(span_of(QUARTER, today)) or usual
        # No target for the quarters gone by before the KAM had any of this revenue.
        since = min((q.starts_on for q, amount in amounts.items() if amount), default=today)
        year = []
        for quarter in quarters:
            if quarter.ends_on < min(since, today):
                continue
            amount = amounts.get(quarter) or (current if quarter.starts_on > today else usual)
            planned[(metric, QUARTER, quarter.starts_on)] = amount
            year.append(amount)
            first = _rounded(amount * SPLIT[0] / 100)
            second = _rounded(amount * SPLIT[1] / 100)
            for month, share in zip(
                _months(quarter), (first, second, amount - first - second), strict=True
            ):
                planned[(metric, MONTH, month)] = share
        planned[(metric, YEAR, date(today.year, 1, 1))] = sum(year)
    return planned


def _months(quarter: Span) -> list[date]:
    return [quarter.starts_on.replace(month=quarter.starts_on.month + n) for n in range(3)]


def team_plans(plans: dict[int, dict[Key, Decimal]], team_of: dict[int, int]) -> dict:
    """{team id: {key: its KAMs' targets together}}."""
    teams: dict[int, dict[Key, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for kam_id, planned in plans.items():
        team = team_of.get(kam_id)
        if team is not None:
            for key, amount in planned.items():
                teams[team][key] += amount
    return teams


def set_on(today: date) -> datetime:
    """When the year's targets were set: the last working day before the year, late afternoon."""
    day = date(today.year, 1, 1) - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


# --- The demo -------------------------------------------------------------------------------
def seed_demo_targets(ctx: SeedContext, today: date) -> int:
    """The demo Directors' plan for the year: every month, quarter and the year, for each of
    their KAMs and their team, through the services; then this quarter's adjustment."""
    kams = list(
        User.objects.filter(username__in=DEMO_PACE, is_kam=True, team__isnull=False)
        .select_related("team__leader")
        .order_by("pk")
    )
    if not kams:
        return 0
    revenue = quarter_revenue(today, [kam.pk for kam in kams])
    plans = {kam.pk: plan_year(ctx.rng, kam.pk, revenue, DEMO_PACE[kam.username], today)
             for kam in kams}  # fmt: skip
    adjusted_kam, adjusted_metric, cut = ADJUSTED
    by_name = {kam.username: kam for kam in kams}
    adjusted_key = (adjusted_metric, QUARTER, span_of(QUARTER, today).starts_on)
    first_amount = dict(plans[by_name[adjusted_kam].pk]) if adjusted_kam in by_name else {}
    if first_amount:
        # This quarter alone was set higher at the start of the year, and cut back since; its
        # months, the year and the team's targets are sized on the plan as it stands now.
        first_amount[adjusted_key] += cut
        plans_as_set = {**plans, by_name[adjusted_kam].pk: first_amount}
    else:
        plans_as_set = plans
    targets: list[Target] = []
    for kam in kams:
        for (metric, period, starts_on), amount in plans_as_set[kam.pk].items():
            targets.append(
                services.set_target(
                    by=kam.team.leader, metric=metric, period=period, day=starts_on,
                    amount=amount, kam=kam,
                )
            )  # fmt: skip
    teams = {team.pk: team for team in Team.objects.filter(members__in=kams).distinct()}
    for team_id, planned in team_plans(plans, {k.pk: k.team_id for k in kams}).items():
        team = teams[team_id]
        for (metric, period, starts_on), amount in planned.items():
            targets.append(
                services.set_target(
                    by=team.leader, metric=metric, period=period, day=starts_on, amount=amount,
                    team=team,
                )
            )  # fmt: skip
    _date_the_setting([target.pk for target in targets], set_on(today))
    if first_amount:
        kam = by_name[adjusted_kam]
        target = Target.objects.get(
            user=kam, metric=adjusted_metric, period=QUARTER, starts_on=adjusted_key[2]
        )
        services.adjust_target(
            by=kam.team.leader,
            target=target,
            amount=plans[kam.pk][adjusted_key],
            reason=ADJUSTMENT_REASON,
        )
        elapsed = span_of(QUARTER, today).elapsed_days(today)
        moment = timezone.make_aware(
            datetime.combine(today - timedelta(days=min(18, elapsed - 1)), time(10, 15))
        )
        _date_the_adjustment(target, moment)
    return len(targets)


def _date_the_setting(pks: list[int], moment: datetime) -> None:
    Target.objects.filter(pk__in=pks).update(created_at=moment, updated_at=moment)
    TargetChange.objects.filter(target__in=pks).update(changed_at=moment)
    AuditEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(Target),
        subject_id__in=[str(pk) for pk in pks],
        verb="target.set",
    ).update(at=moment)


def _date_the_adjustment(target: Target, moment: datetime) -> None:
    Target.objects.filter(pk=target.pk).update(updated_at=moment)
    target.changes.filter(amount_before__isnull=False).update(changed_at=moment)
    AuditEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(Target),
        subject_id=str(target.pk),
        verb="target.adjusted",
    ).update(at=moment)

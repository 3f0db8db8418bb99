"""Targets (doanh số cam kết): a Director sets what a KAM or a team is to book, invoice or
collect in a period, and adjusts it later with a reason; every setting is kept."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.core.audit import record_event
from kam.core.errors import DomainError, require
from kam.core.money import whole_amount
from kam.insights.models import Target, TargetChange
from kam.insights.periods import FIRST_YEAR, LAST_YEAR, span_of
from kam.insights.permissions import can_set_target_for
from kam.people.models import Team, User

VERB_LABELS = {
    "target.set": gettext_lazy("set a revenue target"),
    "target.adjusted": gettext_lazy("adjusted a revenue target"),
}


@transaction.atomic
def set_target(
    *,
    by: User,
    metric: str,
    period: str,
    day: date,
    amount,
    kam: User | None = None,
    team: Team | None = None,
    reason: str = "",
) -> Target:
    """Set the target of one KAM or one team for the month, quarter or year holding `day`; a
    target already set for that period is adjusted instead (with the reason kept)."""
    if (kam is None) == (team is None):
        raise DomainError(_("Choose a KAM or a team."), field="kam")
    require(can_set_target_for(by, kam=kam, team=team))
    if metric not in Target.Metric.values:
        raise DomainError(_("Choose booked, invoiced or collected revenue."), field="metric")
    if period not in Target.Period.values:
        raise DomainError(_("Choose a month, a quarter or a year."), field="period")
    if day is None:
        raise DomainError(_("Choose the period."), field="day")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(
            _("Choose a period between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="day",
        )
    amount = whole_amount(amount, "amount", allow_zero=True)
    starts_on = span_of(period, day).starts_on
    existing = (
        Target.objects.select_for_update()
        .filter(user=kam, team=team, metric=metric, period=period, starts_on=starts_on)
        .first()
    )
    if existing is not None:
        return _adjust(target=existing, amount=amount, reason=reason, by=by)
    try:
        with transaction.atomic():
            target = Target.objects.create(
                user=kam,
                team=team,
                metric=metric,
                period=period,
                starts_on=starts_on,
                amount=amount,
                set_by=by,
            )
    except IntegrityError:
        # Set at the same moment by someone else: adjust theirs rather than fail.
        existing = Target.objects.select_for_update().get(
            user=kam, team=team, metric=metric, period=period, starts_on=starts_on
        )
        return _adjust(target=existing, amount=amount, reason=reason, by=by)
    TargetChange.objects.create(
        target=target, amount_before=None, amount_after=amount, reason=reason[:300], changed_by=by
    )
    record_event(
        subject=target,
        verb="target.set",
        by=by,
        changes={"amount": [None, str(amount)], "for": [None, str(kam or team)]},
    )
    return target


@transaction.atomic
def adjust_target(*, by: User, target: Target, amount, reason: str) -> Target:
    """Change a target's amount; the reason is required and kept with the change."""
    target = (
        Target.objects.select_for_update(of=("self",))
        .select_related("user__team", "team")
        .get(pk=target.pk)
    )
    require(can_set_target_for(by, kam=target.user, team=target.team))
    amount = whole_amount(amount, "amount", allow_zero=True)
    return _adjust(target=target, amount=amount, reason=reason, by=by)


def _adjust(*, target: Target, amount: Decimal, reason: str, by: User) -> Target:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the target changes."), field="reason")
    if amount == target.amount:
        raise DomainError(_("The target is this amount already."), field="amount")
    before = target.amount
    target.amount = amount
    target.set_by = by
    target.save(update_fields=["amount", "set_by", "updated_at"])
    TargetChange.objects.create(
        target=target, amount_before=before, amount_after=amount, reason=reason[:300], changed_by=by
    )
    record_event(
        subject=target,
        verb="target.adjusted",
        by=by,
        changes={"amount": [str(before), str(amount)], "reason": ["", reason[:300]]},
    )
    return target

"""Revenue against targets: what each KAM booked (contracts and their amendments signed),
invoiced (invoices issued less credit notes) and collected (payments allocated to invoices) in a
period, all before VAT, credited to the KAM who owns the client; a team's revenue is its KAMs'.
Summed in the database, five grouped queries whatever the number of people."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from kam.clients.models import Client
from kam.core import access
from kam.delivery.models import Amendment, Contract
from kam.insights.models import Target
from kam.insights.periods import Span
from kam.people.models import Team, User
from kam.receivables.models import CreditNote, Invoice, Payment

METRICS = [Target.Metric.BOOKED, Target.Metric.INVOICED, Target.Metric.COLLECTED]
_MONEY = DecimalField(max_digits=24, decimal_places=4)
# An invoice or credit note in VND before VAT: its VND total scaled by its own net share.
_NET_VND = ExpressionWrapper(F("total_vnd") * F("subtotal") / F("total"), output_field=_MONEY)


def kams_visible_to(user: User) -> QuerySet[User]:
    """Whose attainment the user sees: themselves (a KAM), the KAMs of the teams they lead (a
    Director), every KAM (Finance, admins)."""
    kams = User.objects.filter(is_kam=True, is_active=True)
    if access.is_admin(user) or access.is_finance(user):
        return kams
    scope = Q(pk=user.pk)
    if access.is_director(user):
        scope |= Q(team__leader=user)
    return kams.filter(scope)


def teams_in_view_of(user: User) -> QuerySet[Team]:
    if access.is_admin(user) or access.is_finance(user):
        return Team.objects.all()
    scope = Q(leader=user) if access.is_director(user) else Q(pk__in=[])
    if access.is_kam(user) and user.team_id:
        scope |= Q(pk=user.team_id)
    return Team.objects.filter(scope)


def targets_visible_to(user: User) -> QuerySet[Target]:
    return Target.objects.filter(
        Q(user__in=kams_visible_to(user)) | Q(team__in=teams_in_view_of(user))
    )


def revenue_by_kam(span: Span, kam_ids: list[int] | None = None) -> dict[str, dict[int, Decimal]]:
    """{metric: {kam id: amount}} for the period (every KAM when none are named). The KAMs'
    clients are named by id, so each table is read through its (client, date) index instead of
    scanned; collected revenue is what the period's payments settled of invoices before VAT,
    kept on each payment as `allocated_net` (a payment not yet allocated is the client's
    credit, not revenue)."""
    start, end = span.starts_on, span.ends_on
    mine = (
        {}
        if kam_ids is None
        else {
            "client_id__in": list(
                Client.objects.filter(owner_id__in=kam_ids).order_by().values_list("pk", flat=True)
            )
        }
    )
    booked = (
        Contract.objects.filter(
            status=Contract.Status.SIGNED, signed_on__range=(start, end), **mine
        )
        .values("client__owner_id")
        .annotate(amount=Sum("value_amount"))
    )
    # An amendment that adds to (or takes from) a contract's value is booked when it is signed.
    amended = (
        Amendment.objects.filter(
            signed_on__range=(start, end),
            **{f"contract__{name}": value for name, value in mine.items()},
        )
        .exclude(value_change_amount=0)
        .values("contract__client__owner_id")
        .annotate(amount=Sum("value_change_amount"))
        .order_by()
    )
    collected = (
        Payment.objects.filter(received_on__range=(start, end), allocated_net__gt=0, **mine)
        .values("client__owner_id")
        .annotate(amount=Sum("allocated_net"))
    )
    return {
        Target.Metric.BOOKED: _added(
            _by(booked, "client__owner_id"), _by(amended, "contract__client__owner_id")
        ),
        Target.Metric.INVOICED: invoiced_net_by("client__owner_id", start, end, **mine),
        Target.Metric.COLLECTED: _by(collected, "client__owner_id"),
    }


def invoiced_net_by(key: str, start: date, end: date, **scope) -> dict[int, Decimal]:
    """Invoices issued from `start` to `end` less the credit notes issued then, before VAT and
    in VND, per `key` (a client, its owner). A cancelled invoice counts once issued and its
    credit note takes it back, so the two meet at nothing. Two grouped queries."""
    invoiced = _by(
        Invoice.objects.filter(
            number__isnull=False, issued_on__range=(start, end), total__gt=0, **scope
        )
        .values(key)
        .annotate(amount=Sum(_NET_VND))
        .order_by(),
        key,
    )
    credited = (
        CreditNote.objects.filter(issued_on__range=(start, end), **scope)
        .values(key)
        .annotate(amount=Sum(_NET_VND))
        .order_by()
    )
    return _added(invoiced, {group: -amount for group, amount in _by(credited, key).items()})


def _added(totals: dict[int, Decimal], more: dict[int, Decimal]) -> dict[int, Decimal]:
    """The two sums of amounts per key, key by key."""
    return {key: totals.get(key, Decimal(0)) + more.get(key, Decimal(0)) for key in totals | more}


def _by(rows, key: str) -> dict[int, Decimal]:
    return {row[key]: Decimal(row["amount"] or 0).quantize(Decimal(1)) for row in rows}


@dataclass(frozen=True)
class Attainment:
    """One metric of one KAM or team for one period."""

    metric: str
    actual: Decimal
    target: Decimal | None
    projected: Decimal  # at the pace so far, by the period's end

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return int(self.actual * 100 / self.target)

    @property
    def gap(self) -> Decimal | None:
        return None if self.target is None else max(Decimal(0), self.target - self.actual)

    @property
    def on_track(self) -> bool | None:
        return None if not self.target else self.projected >= self.target


def _projected(actual: Decimal, span: Span, today: date) -> Decimal:
    elapsed = span.elapsed_days(today)
    if elapsed == 0:
        return Decimal(0)
    if elapsed >= span.days:
        return actual
    return (actual * span.days / elapsed).quantize(Decimal(1))


@dataclass
class AttainmentRow:
    """A KAM or a team with its three metrics."""

    kam: User | None
    team: Team | None
    metrics: dict[str, Attainment]

    @property
    def name(self) -> str:
        return str(self.kam or self.team)


def attainment_for(user: User, span: Span, *, team: Team | None = None) -> list[AttainmentRow]:
    """The KAMs the user sees (of one team when given) and their teams, each with booked,
    invoiced and collected revenue against target for the period. Seven or eight queries."""
    today = timezone.localdate()
    kams = list(kams_visible_to(user).select_related("team").order_by("team__name", "full_name"))
    if team is not None:
        kams = [kam for kam in kams if kam.team_id == team.pk]
    whole_teams = access.is_admin(user) or access.is_finance(user)
    # Whoever sees every KAM needs no list of clients: the whole book is read once.
    everyone = whole_teams and team is None
    revenue = revenue_by_kam(span, None if everyone else [kam.pk for kam in kams])
    targets = {
        (t.user_id, t.team_id, t.metric): t.amount
        for t in Target.objects.filter(period=span.period, starts_on=span.starts_on).filter(
            Q(user__in=[kam.pk for kam in kams]) | Q(team__in={kam.team_id for kam in kams})
        )
    }
    rows = []
    for kam in kams:
        metrics = {}
        for metric in METRICS:
            actual = revenue[metric].get(kam.pk, Decimal(0))
            metrics[metric] = Attainment(
                metric, actual, targets.get((kam.pk, None, metric)), _projected(actual, span, today)
            )
        rows.append(AttainmentRow(kam=kam, team=None, metrics=metrics))
    kam_rows = list(rows)
    # A team's row only for those who see all of its KAMs: its Director, Finance, admins.
    for team_id in dict.fromkeys(
        kam.team_id
        for kam in kams
        if kam.team_id and (whole_teams or kam.team.leader_id == user.pk)
    ):
        members = [row for row in kam_rows if row.kam.team_id == team_id]
        metrics = {}
        for metric in METRICS:
            actual = sum((row.metrics[metric].actual for row in members), Decimal(0))
            metrics[metric] = Attainment(
                metric,
                actual,
                targets.get((None, team_id, metric)),
                _projected(actual, span, today),
            )
        rows.append(AttainmentRow(kam=None, team=members[0].kam.team, metrics=metrics))
    return rows


@dataclass(frozen=True)
class Commission:
    """A preview of a KAM's commission for a period: collected revenue times the rate of the
    tier their collected attainment reached (KAM_COMMISSION_TIERS)."""

    collected: Decimal
    attainment_percent: int | None
    rate_percent: Decimal | None
    amount: Decimal | None
    next_tier: tuple[int, Decimal] | None


def commission_of(attainment: Attainment) -> Commission:
    """No target, no commission rate: the preview says so instead of guessing."""
    percent = attainment.percent
    if percent is None:
        return Commission(attainment.actual, None, None, None, None)
    tiers = settings.KAM_COMMISSION_TIERS
    reached = [tier for tier in tiers if percent >= tier[0]]
    rate = reached[-1][1] if reached else Decimal(0)
    upcoming = [tier for tier in tiers if percent < tier[0]]
    amount = (attainment.actual * rate / 100).quantize(Decimal(1))
    return Commission(attainment.actual, percent, rate, amount, upcoming[0] if upcoming else None)


def target_history(target: Target):
    return target.changes.select_related("changed_by").order_by("-changed_at", "-pk")

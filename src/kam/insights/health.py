"""Account health rules: how many points of 100 each signal costs a client, from facts gathered
in the database (kam.insights.queries.health). Each rule returns the share of its weight lost
(0 to 1); the weights are settings (KAM_HEALTH_WEIGHTS). The reasons shown are the signals that
cost the most."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Contact older than this starts to cost points, and costs them all at the second figure.
QUIET_AFTER_DAYS, SILENT_AFTER_DAYS = 14, 60
# Only answers of the last year count; a decision maker must have been met this recently.
SURVEY_RELEVANCE_DAYS = 365
DECISION_MAKER_MET_DAYS = 90


@dataclass
class ClientFacts:
    """What the signals read about one client, as of a day."""

    today: date
    last_contact_at: datetime | None = None
    open_complaints: int = 0
    last_csat: int | None = None
    last_nps: int | None = None
    oldest_overdue_on: date | None = None
    overdue_amount: Decimal = Decimal(0)
    recent_slips: int = 0
    late_tasks: int = 0
    budget_over: bool = False
    budget_warned: bool = False
    invoiced_recent: Decimal = Decimal(0)
    invoiced_before: Decimal = Decimal(0)
    open_opportunities: int = 0
    decision_makers: int = 0
    decision_maker_met_at: datetime | None = None


@dataclass(frozen=True)
class Loss:
    """The share of a signal's weight a client loses, and the facts that say why."""

    share: float
    facts: dict = field(default_factory=dict)


def _days_since(moment: datetime | None, today: date) -> int | None:
    return None if moment is None else (today - timezone.localdate(moment)).days


def contact_loss(f: ClientFacts) -> Loss:
    days = _days_since(f.last_contact_at, f.today)
    if days is None:
        return Loss(1.0, {"days": None})
    span = SILENT_AFTER_DAYS - QUIET_AFTER_DAYS
    return Loss(min(1.0, max(0.0, (days - QUIET_AFTER_DAYS) / span)), {"days": days})


def complaints_loss(f: ClientFacts) -> Loss:
    return Loss(min(1.0, f.open_complaints * 0.5), {"count": f.open_complaints})


def satisfaction_loss(f: ClientFacts) -> Loss:
    if f.last_csat is None or f.last_nps is None:
        # Not knowing how the client feels is a small risk in itself.
        return Loss(0.3, {"csat": None, "nps": None})
    csat = (5 - f.last_csat) / 4
    if f.last_nps >= 9:
        nps = 0.0
    elif f.last_nps >= 7:
        nps = 0.3
    else:
        nps = 0.6 + (6 - f.last_nps) / 15
    return Loss(max(csat, nps), {"csat": f.last_csat, "nps": f.last_nps})


def receivables_loss(f: ClientFacts) -> Loss:
    if f.oldest_overdue_on is None:
        return Loss(0.0, {"days": 0})
    days = (f.today - f.oldest_overdue_on).days
    share = 0.3 if days <= 30 else 0.6 if days <= 60 else 0.8 if days <= 90 else 1.0
    return Loss(share, {"days": days, "amount": str(f.overdue_amount)})


def slips_loss(f: ClientFacts) -> Loss:
    count = f.recent_slips + f.late_tasks
    return Loss((0.0, 0.4, 0.7)[count] if count < 3 else 1.0, {"count": count})


def budget_loss(f: ClientFacts) -> Loss:
    if f.budget_over:
        return Loss(1.0, {"over": True})
    return Loss(0.5 if f.budget_warned else 0.0, {"over": False, "warned": f.budget_warned})


def revenue_loss(f: ClientFacts) -> Loss:
    recent, before = f.invoiced_recent, f.invoiced_before
    if not before:
        return Loss(0.0 if recent else 0.5, {"change": None})
    change = float((recent - before) / before)
    return Loss(min(1.0, max(0.0, -change * 2)), {"change": round(change * 100)})


def growth_loss(f: ClientFacts) -> Loss:
    return Loss(0.0 if f.open_opportunities else 1.0, {"count": f.open_opportunities})


def coverage_loss(f: ClientFacts) -> Loss:
    if not f.decision_makers:
        return Loss(1.0, {"known": False})
    days = _days_since(f.decision_maker_met_at, f.today)
    met = days is not None and days <= DECISION_MAKER_MET_DAYS
    return Loss(0.0 if met else 0.5, {"known": True, "days": days})


@dataclass(frozen=True)
class Signal:
    code: str
    label: str
    rule: Callable[[ClientFacts], Loss]


SIGNALS = [
    Signal("contact", _("Contact"), contact_loss),
    Signal("complaints", _("Complaints"), complaints_loss),
    Signal("satisfaction", _("Satisfaction"), satisfaction_loss),
    Signal("receivables", _("Overdue receivables"), receivables_loss),
    Signal("slips", _("Deadline slips"), slips_loss),
    Signal("budget", _("Budget overruns"), budget_loss),
    Signal("revenue", _("Revenue trend"), revenue_loss),
    Signal("growth", _("Growth opportunities"), growth_loss),
    Signal("coverage", _("Decision maker coverage"), coverage_loss),
]
SIGNAL_LABELS = {signal.code: signal.label for signal in SIGNALS}


@dataclass(frozen=True)
class Assessment:
    score: int
    signals: list[dict]  # every signal: {"signal", "lost", "facts"}, costliest first


def assess(facts: ClientFacts, weights: dict[str, int] | None = None) -> Assessment:
    """The client's score out of 100 and what each signal cost it. Weights that do not add up to
    100 are scaled so that they do."""
    weights = weights if weights is not None else settings.KAM_HEALTH_WEIGHTS
    total_weight = sum(weights.get(signal.code, 0) for signal in SIGNALS) or 1
    rows = []
    for signal in SIGNALS:
        loss = signal.rule(facts)
        lost = round(weights.get(signal.code, 0) * 100 / total_weight * loss.share)
        rows.append({"signal": signal.code, "lost": lost, "facts": loss.facts})
    rows.sort(key=lambda row: -row["lost"])
    return Assessment(score=max(0, 100 - sum(row["lost"] for row in rows)), signals=rows)


def reasons(signals: list[dict], count: int = 3) -> list[dict]:
    """The signals that cost the most points (those that cost any)."""
    return [row for row in signals if row["lost"] > 0][:count]


def describe(row: dict) -> str:
    """A signal's cost in words, in the active language."""
    facts, code = row.get("facts", {}), row["signal"]
    if code == "contact":
        days = facts.get("days")
        if days is None:
            return str(_("No contact recorded"))
        return ngettext("Last contact %(days)s day ago", "Last contact %(days)s days ago", days) % {
            "days": days
        }
    if code == "complaints":
        count = facts.get("count", 0)
        return ngettext("%(count)s open complaint", "%(count)s open complaints", count) % {
            "count": count
        }
    if code == "satisfaction":
        if facts.get("nps") is None:
            return str(_("No survey answered in the last year"))
        return _("Last survey: satisfaction %(csat)s/5, recommendation %(nps)s/10") % facts
    if code == "receivables":
        if not facts.get("days"):
            return str(_("Nothing overdue"))
        return ngettext(
            "Invoices overdue by up to %(days)s day",
            "Invoices overdue by up to %(days)s days",
            facts.get("days", 0),
        ) % {"days": facts.get("days", 0)}
    if code == "slips":
        count = facts.get("count", 0)
        return ngettext(
            "%(count)s deadline slipped or late", "%(count)s deadlines slipped or late", count
        ) % {"count": count}
    if code == "budget":
        if facts.get("over"):
            return str(_("A project is over budget"))
        return str(_("A budget warning") if facts.get("warned") else _("Within budget"))
    if code == "revenue":
        if facts.get("change") is None:
            return str(_("No revenue invoiced in the last year"))
        return _("Invoiced %(change)s%% against the 6 months before") % facts
    if code == "growth":
        return str(_("No open growth opportunity"))
    if code == "coverage":
        if not facts.get("known"):
            return str(_("No decision maker known"))
        return str(_("Decision maker not met in the last 90 days"))
    return code

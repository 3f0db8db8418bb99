"""Template helpers of the insights pages: a health score's band and trend, a signal in words,
the geometry of the attainment bars and of the health history line (server-side SVG, no chart
library). Pure arithmetic and wording on what the view handed over; never a query."""

from datetime import date
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.insights.health import SIGNAL_LABELS, describe, reasons
from kam.insights.queries.attainment import Attainment

register = template.Library()

# The bands of the health distribution (lowest score of each), worst first.
BANDS = ((0, "critical"), (40, "weak"), (60, "fair"), (80, "good"))
# The history chart's drawing area, in the SVG's own units.
WIDTH, HEIGHT = 600, 160
LEFT, RIGHT, TOP, BASE = 30, 592, 8, 140


@register.filter
def health_band(score: int | None) -> str:
    """The CSS class of a score: health-critical (0-39), -weak, -fair, -good (80-100)."""
    if score is None:
        return "health-none"
    band = [name for floor, name in BANDS if score >= floor][-1]
    return f"health-{band}"


@register.filter
def trend_arrow(trend: int | None) -> str:
    """ "↑ 5", "↓ 3", "→ 0"; nothing when there is no score 30 days old to compare with."""
    if trend is None:
        return ""
    if trend > 0:
        return f"↑ {trend}"
    if trend < 0:
        return f"↓ {-trend}"
    return "→ 0"


@register.filter
def signal_label(row: dict) -> str:
    return str(SIGNAL_LABELS.get(row.get("signal", ""), row.get("signal", "")))


@register.filter
def describe_signal(row: dict) -> str:
    return describe(row)


@register.filter
def top_reasons(signals: list[dict] | None, count: int = 3) -> list[dict]:
    return reasons(signals or [], count)


@register.filter
def top_reason(signals: list[dict] | None) -> str:
    """The costliest signal in words, or nothing when none costs a point."""
    first = reasons(signals or [], 1)
    return describe(first[0]) if first else ""


@register.filter
def reason_codes(signals: list[dict] | None) -> list[str]:
    """The codes of the top three reasons, to mark their rows among every signal."""
    return [row["signal"] for row in reasons(signals or [])]


@register.simple_tag
def attainment_bar(attainment: Attainment) -> dict:
    """Widths (0-100, of the largest of actual, projected and target) of a metric's bars, and
    where the target's mark stands."""
    largest = max(
        attainment.actual, attainment.projected, attainment.target or Decimal(0), Decimal(1)
    )

    def width(value: Decimal | None) -> float:
        return round(float(max(Decimal(0), value or Decimal(0)) * 100 / largest), 1)

    return {
        "actual": width(attainment.actual),
        "projected": width(attainment.projected),
        "target": width(attainment.target) if attainment.target else None,
        "state": (
            "none"
            if attainment.on_track is None
            else "on-track"
            if attainment.on_track
            else "behind"
        ),
    }


@register.filter
def share_of(value, whole) -> float:
    """`value` as a percentage (0-100) of `whole`, for a bar's width."""
    try:
        value, whole = Decimal(value or 0), Decimal(whole or 0)
    except (ArithmeticError, TypeError, ValueError):
        return 0.0
    if whole <= 0:
        return 0.0
    return round(float(min(whole, max(Decimal(0), value)) * 100 / whole), 1)


@register.simple_tag
def health_chart(history, *, days: int = 180, today: date | None = None) -> dict:
    """The points of a client's health over the last `days` days: x by day, y by score (0 at the
    bottom, 100 at the top), with the at-risk line and the first and last days' labels."""
    today = today or timezone.localdate()
    points = [(row.on, row.score) for row in history]
    first = min([today.toordinal() - days, *(day.toordinal() for day, _score in points)])
    span = max(today.toordinal() - first, 1)

    def x_of(day: date) -> int:
        return LEFT + int((RIGHT - LEFT) * (day.toordinal() - first) / span)

    def y_of(score: int) -> int:
        return BASE - int((BASE - TOP) * min(100, max(0, score)) / 100)

    dots = [{"x": x_of(day), "y": y_of(score), "on": day, "score": score} for day, score in points]
    return {
        "dots": dots,
        "line": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
        "risk_y": y_of(settings.KAM_HEALTH_AT_RISK),
        "risk": settings.KAM_HEALTH_AT_RISK,
        "y_100": y_of(100),
        "y_50": y_of(50),
        "base": BASE,
        "left": LEFT,
        "right": RIGHT,
        "first": date.fromordinal(first),
        "last": today,
        "label": _("Health over the last %(days)s days") % {"days": days},
    }

"""The agenda of a person's day (Today): what is waiting for them, gathered from sections that
each app registers (growth: hand-overs to accept, next steps due; delivery: late tasks; …),
ranked by urgency and by the money at stake."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kam.core.digest import DigestSection

# Urgency points: late items first (the later, the higher, up to a month), then what waits on
# the person now or is due today, this week, later. Value adds up to VALUE_POINTS more: an item
# at stake for 1 million ₫ adds nothing, 1 billion 15 points, 100 billion or more 25. So a
# week-late step (107) outranks an on-time one whatever their values (at most 105), and among
# equally urgent items the larger sum comes first.
LATE, NOW, THIS_WEEK, LATER = 100, 80, 50, 20
VALUE_POINTS = 25
DIGEST_LINES = 25


@dataclass(frozen=True)
class AgendaItem:
    """One thing to do: what, where to do it, and by when (None: as soon as possible). An item
    may carry the amount at stake (`value`, VND) and an action done from the agenda itself
    (`done_url`, posted; `needs_note` when it asks for a word first)."""

    title: str
    url: str
    action: str
    due_on: date | None = None
    detail: str = ""
    value: Decimal | None = None
    done_url: str = ""
    done_label: str = ""
    needs_note: bool = False

    @property
    def is_late(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()

    def urgency(self, today: date) -> float:
        if self.due_on is None:
            urgency = NOW
        elif self.due_on < today:
            urgency = LATE + min(30, (today - self.due_on).days)
        elif self.due_on == today:
            urgency = NOW
        elif (self.due_on - today).days <= 7:
            urgency = THIS_WEEK
        else:
            urgency = LATER
        if self.value and self.value > 0:
            urgency += min(VALUE_POINTS, max(0.0, 5 * (math.log10(float(self.value)) - 6)))
        return urgency


AgendaSource = Callable[..., list[AgendaItem]]
_SOURCES: list[AgendaSource] = []


def register(source: AgendaSource) -> None:
    """Add `source(user) -> list[AgendaItem]` to every agenda (from AppConfig.ready)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def agenda_for(user) -> list[AgendaItem]:
    """Everything waiting for the person, most urgent first (ties: the earlier due date)."""
    today = timezone.localdate()
    items = [item for source in _SOURCES for item in source(user)]
    return sorted(
        items, key=lambda item: (-item.urgency(today), item.due_on or date.min, item.title)
    )


def today_section(user, since) -> DigestSection:
    """The daily digest's part: what is late, due today or waiting now, most urgent first."""
    today = timezone.localdate()
    lines = [
        f"{item.action}: {item.title}" + (f" ({item.due_on:%d/%m/%Y})" if item.due_on else "")
        for item in agenda_for(user)
        if item.due_on is None or item.due_on <= today
    ][:DIGEST_LINES]
    return DigestSection(title=_("Today"), lines=lines)

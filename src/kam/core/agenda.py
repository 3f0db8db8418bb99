"""The agenda on a person's home page: what is waiting for them, gathered from sections that
each app registers (growth: hand-overs to accept, next steps due; later apps: late tasks,
overdue invoices, …), most urgent first."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class AgendaItem:
    """One thing to do: what, where to do it, and by when (None: as soon as possible)."""

    title: str
    url: str
    action: str
    due_on: date | None = None
    detail: str = ""

    @property
    def is_late(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


AgendaSource = Callable[..., list[AgendaItem]]
_SOURCES: list[AgendaSource] = []


def register(source: AgendaSource) -> None:
    """Add `source(user) -> list[AgendaItem]` to every agenda (from AppConfig.ready)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def agenda_for(user) -> list[AgendaItem]:
    """Everything waiting for the person: undated items (waiting on them now) first, then by
    due date."""
    items = [item for source in _SOURCES for item in source(user)]
    return sorted(items, key=lambda item: (item.due_on is not None, item.due_on or date.min))

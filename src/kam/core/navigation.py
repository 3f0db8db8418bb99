"""The app shell's navigation. Each app adds its entries from AppConfig.ready, so the shell
grows with the apps without the core knowing them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from kam.core import access


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    shown_to: Callable = access.is_signed_in

    @property
    def section(self) -> str:
        """URL names sharing this prefix mark the entry as the current one."""
        return self.url_name.rsplit("_", 1)[0]


_ENTRIES: list[NavEntry] = []


def add_entry(entry: NavEntry) -> None:
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)
        _ENTRIES.sort(key=lambda item: item.order)


def entries_for(user, current_view: str) -> list[dict]:
    return [
        {
            "url": reverse(entry.url_name),
            "label": entry.label,
            "current": current_view == entry.url_name or current_view.startswith(entry.section),
        }
        for entry in _ENTRIES
        if entry.shown_to(user)
    ]

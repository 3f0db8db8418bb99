"""The app shell's navigation. Each app adds its entries from AppConfig.ready, so the shell
grows with the apps without the core knowing them."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import get_script_prefix, get_urlconf, reverse

from kam.core import access


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    shown_to: Callable = access.is_signed_in
    # Entries sharing a group sit together under one menu of the bar (rarely used ones:
    # the organisation's settings), so the bar stays one line on a laptop.
    group: str = ""

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
    """The bar's items in order; a group is one item, where its first entry would be, holding
    its entries as `children`."""
    items: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in _ENTRIES:
        if not entry.shown_to(user):
            continue
        item = {
            "url": _path_of(entry.url_name, get_script_prefix(), get_urlconf()),
            "label": entry.label,
            "current": current_view == entry.url_name or current_view.startswith(entry.section),
        }
        if not entry.group:
            items.append(item)
            continue
        group = groups.get(str(entry.group))
        if group is None:
            group = groups[str(entry.group)] = {"label": entry.group, "children": []}
            items.append(group)
        group["children"].append(item)
        group["current"] = group.get("current", False) or item["current"]
    return items


@cache
def _path_of(url_name: str, script_prefix: str, urlconf) -> str:
    """The bar's links never change while the process runs (for a given prefix and URLconf),
    and reversing the 30 of them on every page cost about a millisecond."""
    return reverse(url_name, urlconf=urlconf)

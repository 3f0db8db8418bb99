"""What the delivery pages share: the pitching pages' list and one-click helpers (the same
behaviour, one place), and reading a record id from the query string."""

from kam.pitching.views.common import PAGE_SIZE, query_without_page, run_and_tell, tell_unshown

MAX_ID = 2**31 - 1

__all__ = ["PAGE_SIZE", "id_from", "query_without_page", "run_and_tell", "tell_unshown"]


def id_from(value: str | None) -> int | None:
    """A record id from the query string, or None for anything else."""
    value = value or ""
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None

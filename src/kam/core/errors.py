"""The errors a service raises when a rule says no; pages show them beside the form, the API
answers them as 400/409 JSON (kam.api)."""

from django.http import Http404


class DomainError(Exception):
    """A business rule refused the operation; the message is for the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field


class InvalidTransition(DomainError):
    """The record is not in a state that allows the operation."""

    status_code = 409


def require(allowed: bool) -> None:
    """Stop an operation the user may not perform, with the same 404 as a record they cannot see,
    so a denial never tells that the record exists."""
    if not allowed:
        raise Http404

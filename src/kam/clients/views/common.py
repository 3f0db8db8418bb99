"""What the clients pages share."""

from django.contrib import messages
from django.http import HttpRequest

from kam.core.errors import DomainError

PAGE_SIZE = 50


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def run_and_tell(request: HttpRequest, action, done: str) -> None:
    """Run a one-click action and say how it went at the top of the next page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)

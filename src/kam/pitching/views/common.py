"""What the pitching pages share."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from kam.core.errors import DomainError

PAGE_SIZE = 50


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def run_and_tell(request: HttpRequest, action: Callable, done: str) -> bool:
    """Run a one-click action and say how it went at the top of the next page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done)
    return True


def tell_unshown(request: HttpRequest, given: dict, context: dict, also=()) -> None:
    """A refused form whose section the page no longer offers (the record moved on while the
    form was filled in) gives its reasons at the top of the page instead, so none is lost."""
    shown = {id(value) for value in context.values()} | {id(form) for form in also}
    for form in given.values():
        if id(form) not in shown:
            problems = [problem for problems in form.errors.values() for problem in problems]
            if problems:
                messages.error(request, " ".join(problems))

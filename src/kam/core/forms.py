"""Helpers shared by the apps' forms."""

from collections.abc import Callable
from typing import TypeVar

from django import forms

from kam.core.errors import DomainError

T = TypeVar("T")


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service with a validated form; a refused rule becomes an error beside the field
    it concerns (or at the top of the form), and nothing is saved."""
    try:
        return call()
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None

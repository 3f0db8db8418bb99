"""Helpers shared by the apps' forms."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kam.core.errors import DomainError

T = TypeVar("T")


def posted(request: HttpRequest):
    """The submitted data, or None on a GET. (`request.POST or None` would treat an empty POST
    as a GET, since an empty QueryDict is falsy.)"""
    return request.POST if request.method == "POST" else None


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service with a validated form; a refused rule becomes an error beside the field
    it concerns (or at the top of the form), and nothing is saved."""
    try:
        return call()
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that only parses input. It leaves the instance untouched, so the service
    sees the record as it was (for its audit trail) and runs the model validation itself."""

    def _post_clean(self) -> None:
        pass


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict], Any],
    success_url: Callable[[Any], str],
    template: str,
    success_message: str = "",
    **context: Any,
) -> HttpResponse:
    """The one shape of a form page: on a valid POST call `save(cleaned_data)` (a service) and
    redirect; otherwise show the form, answering 422 when it was refused so htmx and scripts can
    tell a refusal from a success."""
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: save(form.cleaned_data))
        if saved:
            if success_message:
                messages.success(request, success_message)
            return redirect(success_url(saved))
    status = 422 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def record_form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict], Any],
    success_url: Callable[[Any], str],
    title: Any,
    cancel_url: str,
    saved_message: str = "",
) -> HttpResponse:
    """`form_page` on the shared template: a title, the fields, Save and Cancel."""
    return form_page(
        request,
        form,
        save=save,
        success_url=success_url,
        success_message=saved_message,
        template="form.html",
        title=title,
        cancel_url=cancel_url,
    )

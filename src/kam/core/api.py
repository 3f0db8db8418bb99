"""What every API router shares: the error shape and the pagination of lists."""

import json
import logging
import re
import sys
from datetime import date, datetime, timedelta
from typing import Annotated

from django.apps import apps
from django.db import InterfaceError, OperationalError
from django.db.models import Choices
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination
from ninja.parser import Parser
from pydantic import AfterValidator, BeforeValidator, Strict

from kam.core.errors import DomainError
from kam.core.views import database_unavailable_response

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    """Every error answer: a message (or, for 422, the list of input problems)."""

    detail: str | list[dict]
    field: str | None = None


# The errors any operation may answer, declared so clients and the fuzzer know them.
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

# A record id as the database can hold it; larger numbers are a 422, not an overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# In a JSON body an id is a number and a flag is true or false: no coercion of "5" or 0.
BodyId = Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]
Flag = Annotated[bool, Strict()]


def _iso_8601(value):
    """Pydantic would read "0.5" as seconds since 1970; a date in kam's API is written out."""
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError(_("Write the date as YYYY-MM-DD or YYYY-MM-DDTHH:MM."))
    return value


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# A date or a moment, as ISO 8601 text only.
IsoDate = Annotated[date, BeforeValidator(_iso_8601)]


def _real_utc_offset(value: datetime) -> datetime:
    """Clocks run from UTC-12:00 to UTC+14:00; PostgreSQL refuses an offset past 15:59 (a 500
    if it reached the database), so anything outside the real range is bad input."""
    offset = value.utcoffset()
    if offset is not None and not MOST_WEST <= offset <= MOST_EAST:
        raise ValueError(_("A time zone offset runs from -12:00 to +14:00."))
    return value


MOST_WEST, MOST_EAST = timedelta(hours=-12), timedelta(hours=14)
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_8601), AfterValidator(_real_utc_offset)]


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M` → `{"items": [...], "count": total}`, with bounded numbers."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)


def name_choices_after_their_models() -> None:
    """Name each model's nested choices after the model ("LeadStatus", "ClientStatus"): the
    OpenAPI document names an enum after its class, and one named "Status" would otherwise
    stand for every model's statuses at once, so clients (and the fuzzer) would read the wrong
    values."""
    for model in apps.get_models():
        if not model.__module__.startswith("kam."):
            continue
        for name, value in vars(model).items():
            if isinstance(value, type) and issubclass(value, Choices):
                value.__name__ = value.__qualname__ = f"{model.__name__}{name}"
                # Pickle finds a class by module and qualified name: keep both true.
                setattr(sys.modules[model.__module__], value.__qualname__, value)


class BodyRefused(ValueError):
    """A request body that is not a JSON object sent as application/json."""


class JsonObjectParser(Parser):
    """Bodies of API writes are JSON objects, declared as such. Ninja calls this only for an
    operation that takes a body (after routing, so an unknown method is still a 405) and turns
    the refusal into a 400 whose cause carries the message."""

    def parse_body(self, request: HttpRequest) -> dict:
        if request.content_type != "application/json":
            raise BodyRefused(_("Send the body as application/json."))
        try:
            body = json.loads(request.body)
        except ValueError as error:
            raise BodyRefused(_("The body is not valid JSON.")) from error
        if not isinstance(body, dict):
            raise BodyRefused(_("The body must be a JSON object."))
        return body


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error is JSON with a `detail`; nothing answers HTML or a stack trace."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        body = {"detail": error.message, **({"field": error.field} if error.field else {})}
        return api.create_response(request, body, status=error.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request, {"detail": _("Sign in or send a valid token.")}, status=401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": error.errors}, status=422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        cause = error.__cause__
        detail = str(cause) if isinstance(cause, BodyRefused) else str(error)
        return api.create_response(request, {"detail": detail}, status=error.status_code)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, error)
        return database_unavailable_response(request)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request, {"detail": _("Something went wrong on our side.")}, status=500
        )

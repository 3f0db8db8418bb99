"""What every API router shares: the error shape and the pagination of lists."""

import logging
from typing import Annotated

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination

from kam.core.errors import DomainError

logger = logging.getLogger(__name__)


# A record id as the database can hold it; larger numbers are a 422, not an overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M` → `{"items": [...], "count": total}`, with bounded numbers."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)


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
        return api.create_response(request, {"detail": str(error)}, status=error.status_code)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request, {"detail": _("Something went wrong on our side.")}, status=500
        )

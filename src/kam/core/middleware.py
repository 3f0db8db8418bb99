"""Request hygiene shared by every page and endpoint."""

import time
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from kam.core.views import error_response

_JSON = "application/json"


class RejectNulCharactersMiddleware:
    """Refuse NUL characters in the path, query, form fields and JSON bodies with a 400 before
    anything reaches the database: PostgreSQL cannot store them, and no person types one."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            return error_response(request, 400, _("The request contains a NUL character."))
        return self.get_response(request)


_FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}
_WRITES = {"POST", "PUT", "PATCH"}


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or _any_nul(request.GET):
        return True
    if request.method not in _WRITES:
        return False
    if request.content_type in _FORMS:
        return _any_nul(request.POST)
    # Any other body (JSON, whatever it claims to be): the API parses it regardless.
    return b"\x00" in request.body or b"\\u0000" in request.body


def _any_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


class ApiErrorsAsJsonMiddleware:
    """Errors the API framework answers itself (e.g. 405 for a method an endpoint does not
    have) get the API's JSON shape too: `{"detail": ...}`."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(_JSON)
        ):
            json_response = JsonResponse(
                {"detail": HTTPStatus(response.status_code).phrase}, status=response.status_code
            )
            if "Allow" in response:
                json_response["Allow"] = response["Allow"]
            return json_response
        return response


class ServerTimingMiddleware:
    """With KAM_SERVER_TIMING on, say how long kam spent on a request and on how many SQL
    queries, in a standard Server-Timing header: `app;dur=12.3, sql;dur=4.1;desc="7"`. It is the
    outermost middleware, so the time covers sessions, authentication and rendering."""

    def __init__(self, get_response) -> None:
        if not settings.KAM_SERVER_TIMING:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'app;dur={app_ms:.1f}, sql;dur={counter.seconds * 1000:.1f};desc="{counter.queries}"'
        )
        return response


class _QueryCounter:
    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.seconds += time.perf_counter() - started

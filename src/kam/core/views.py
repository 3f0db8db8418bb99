import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kam.core.agenda import agenda_for
from kam.core.queries import recent_activity_of

# Today shows the most urgent items first and the rest on request: a KAM with a hundred clients
# can have two hundred items, and rendering them all is most of the page's time.
AGENDA_FIRST = 40


@login_required
def home(request: HttpRequest) -> HttpResponse:
    agenda = agenda_for(request.user)
    shown = agenda if request.GET.get("all") == "1" else agenda[:AGENDA_FIRST]
    context = {
        "agenda": shown,
        "agenda_more": len(agenda) - len(shown),
        "agenda_count": len(agenda),
        "activity": recent_activity_of(request.user),
    }
    return render(request, "core/home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 while the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """API paths answer JSON with a `detail`; pages answer a page in the shell, never a trace."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503, rendered without the shell: the shell would ask the database who is signed in."""
    message = _(
        "kam cannot reach or write to its database right now. Nothing was changed; "
        "please try again in a moment."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=503)
    page = render_to_string("unavailable.html", {"message": message})
    return HttpResponse(page, status=503, headers={"Retry-After": "30"})


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_response(request, 400, _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_response(request, 403, _("You may not do this."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_response(request, 404, _("This page does not exist, or you may not see it."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form older than the session (signed in again in another tab) or sent from elsewhere."""
    return error_response(
        request,
        403,
        _("This form has expired or came from elsewhere. Reload the page and try again."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block: a database that cannot answer or accept a
    # write (PostgreSQL restarting, a read-only or full disk) is a 503, from wherever it came.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable_response(request)
    return error_response(request, 500, _("Something went wrong on our side. It has been logged."))

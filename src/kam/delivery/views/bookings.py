"""Pages of bookings: booking a KOL, venue, crew or vendor for the project (or a backup for a
booking), confirming, completing and cancelling one — its backup taking its place in the same
step — and promoting a backup; each the one service of its step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.delivery import queries, services
from kam.delivery.forms import bookings as forms
from kam.delivery.models import Booking, Project
from kam.delivery.permissions import can_run_project, sees_projects
from kam.delivery.views.common import id_from, run_and_tell
from kam.delivery.views.projects import project_url, run_project


def bookings_url(project_pk: int) -> str:
    return project_url(project_pk, "bookings")


def _run_booking(request: HttpRequest, pk: int) -> Booking:
    require(sees_projects(request.user))
    booking = queries.get_booking_for(request.user, pk)
    require(can_run_project(request.user, booking.project))
    return booking


@login_required
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A booking for the project; with ?backup_for= a backup standing by for that booking."""
    project = run_project(request, pk)
    primary = _primary(request, project)
    form = forms.BookingForm(posted(request))
    title = (
        _("Backup for %(booking)s") % {"booking": primary}
        if primary
        else _("New booking: %(project)s") % {"project": project}
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.add_booking(
            by=request.user, project=project, backup_for=primary, **form.service_data()
        ),
        success_url=lambda booking: bookings_url(project.pk),
        saved_message=_("The backup stands by.") if primary else _("The booking is recorded."),
        title=title,
        cancel_url=bookings_url(project.pk),
    )


def _primary(request: HttpRequest, project: Project) -> Booking | None:
    """The booking a backup is for, among the project's own; anything else is a 404."""
    wanted = request.GET.get("backup_for")
    if not wanted:
        return None
    primary = queries.bookings_of(project).filter(pk=id_from(wanted)).first()
    if primary is None:
        raise Http404
    return primary


@login_required
def booking_edit(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _run_booking(request, pk)
    form = forms.BookingForm(posted(request), instance=booking)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_booking(
            by=request.user, booking=booking, **form.service_data()
        ),
        success_url=lambda saved: bookings_url(saved.project_id),
        saved_message=_("The booking is saved."),
        title=_("Booking: %(booking)s") % {"booking": booking},
        cancel_url=bookings_url(booking.project_id),
    )


@login_required
@require_POST
def booking_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _run_booking(request, pk)
    run_and_tell(
        request,
        lambda: services.confirm_booking(by=request.user, booking=booking),
        _("“%(booking)s” is confirmed.") % {"booking": booking},
    )
    return redirect(bookings_url(booking.project_id))


@login_required
@require_POST
def booking_done(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _run_booking(request, pk)
    run_and_tell(
        request,
        lambda: services.complete_booking(by=request.user, booking=booking),
        _("“%(booking)s” is done.") % {"booking": booking},
    )
    return redirect(bookings_url(booking.project_id))


@login_required
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a booking that fell through, and why; its backup, if one stands by, takes its
    place unless the box is unticked."""
    booking = _run_booking(request, pk)
    form = forms.CancelBookingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: [
                services.cancel_booking(by=request.user, booking=booking, **form.cleaned_data)
            ],
        )
        if done:
            promoted = done[0]
            messages.success(
                request,
                _("“%(booking)s” is cancelled; “%(backup)s” takes its place.")
                % {"booking": booking, "backup": promoted}
                if promoted
                else _("“%(booking)s” is cancelled.") % {"booking": booking},
            )
            return redirect(bookings_url(booking.project_id))
    return _form_page(request, form, _("Cancel the booking “%(booking)s”"), booking)


@login_required
def booking_promote(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the backup in its booking's place; that booking is cancelled for the reason given."""
    backup = _run_booking(request, pk)
    form = forms.PromoteForm(posted(request))
    return record_form_page(
        request,
        form,
        save=lambda data: services.promote_backup(by=request.user, backup=backup, **data),
        success_url=lambda promoted: bookings_url(promoted.project_id),
        saved_message=_("“%(backup)s” takes the booking's place.") % {"backup": backup},
        title=_("Promote the backup “%(booking)s”") % {"booking": backup},
        cancel_url=bookings_url(backup.project_id),
    )


def _form_page(request: HttpRequest, form, title: str, booking: Booking) -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "title": title % {"booking": booking},
        "cancel_url": bookings_url(booking.project_id),
    }
    return render(request, "form.html", context, status=status)

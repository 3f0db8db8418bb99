"""Bookings of KOLs, influencers, venues, crews and vendors, each with a backup standing by where
it matters: a booking that falls through is cancelled and its backup takes its place in the same
step, in the project's history."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.core.audit import record_event
from kam.core.errors import DomainError, InvalidTransition
from kam.core.saving import assign, validated_save
from kam.delivery.models import Booking, Project
from kam.delivery.services.projects import locked_open_project
from kam.people.models import User

VERB_LABELS = {
    "booking.created": gettext_lazy("booked"),
    "booking.updated": gettext_lazy("changed the booking"),
    "booking.confirmed": gettext_lazy("confirmed the booking"),
    "booking.done": gettext_lazy("marked the booking done"),
    "booking.cancelled": gettext_lazy("cancelled the booking"),
    "booking.promoted": gettext_lazy("promoted the backup in its place"),
}

BOOKING_FIELDS = ["kind", "name", "contact", "purpose", "fee_amount", "starts_on", "ends_on"]


@transaction.atomic
def add_booking(
    *, by: User, project: Project, backup_for: Booking | None = None, **fields
) -> Booking:
    """Book someone or something for the project, or stand a backup by for a booking."""
    project = locked_open_project(project, by)
    booking = Booking(project=project, created_by=by)
    if backup_for is not None:
        booking.backup_for = _standing_for(project, backup_for)
    _set_booking_fields(booking, fields)
    validated_save(booking, field="backup_for", message=_("This booking has its backup already."))
    record_event(
        subject=project,
        verb="booking.created",
        by=by,
        changes={"bookings": [None, _label(booking)]},
    )
    return booking


def _standing_for(project: Project, primary: Booking) -> Booking:
    primary = Booking.objects.get(pk=primary.pk)
    if primary.project_id != project.pk:
        raise DomainError(_("A backup is for a booking of the same project."), field="backup_for")
    if primary.backup_for_id is not None:
        raise DomainError(_("A backup does not have a backup of its own."), field="backup_for")
    if not primary.is_active:
        raise DomainError(_("That booking is no longer on."), field="backup_for")
    if primary.backups.filter(
        status__in=[Booking.Status.PROPOSED, Booking.Status.CONFIRMED]
    ).exists():
        raise DomainError(_("This booking has its backup already."), field="backup_for")
    return primary


@transaction.atomic
def update_booking(*, by: User, booking: Booking, **fields) -> Booking:
    project = locked_open_project(booking.project, by)
    booking = _active(booking)
    before = _label(booking)
    _set_booking_fields(booking, fields)
    validated_save(booking, update_fields=fields)
    after = _label(booking)
    if before != after:
        record_event(
            subject=project, verb="booking.updated", by=by, changes={"bookings": [before, after]}
        )
    return booking


@transaction.atomic
def confirm_booking(*, by: User, booking: Booking) -> Booking:
    """The KOL, venue or vendor said yes, in writing."""
    project = locked_open_project(booking.project, by)
    booking = _active(booking)
    if booking.status == Booking.Status.CONFIRMED:
        raise InvalidTransition(_("This booking is confirmed already."))
    return _move(booking, project, by, Booking.Status.CONFIRMED, "booking.confirmed")


@transaction.atomic
def complete_booking(*, by: User, booking: Booking) -> Booking:
    """The booking happened: the shoot, the post, the event day."""
    project = locked_open_project(booking.project, by)
    booking = _active(booking)
    if booking.status != Booking.Status.CONFIRMED:
        raise InvalidTransition(_("Only a confirmed booking is done."))
    return _move(booking, project, by, Booking.Status.DONE, "booking.done")


@transaction.atomic
def cancel_booking(
    *, by: User, booking: Booking, reason: str, promote_backup: bool = True
) -> Booking | None:
    """Cancel a booking that falls through, and why. Its backup, if one stands by, takes its
    place in the same step (unless told not to). Returns the promoted backup, if any."""
    project = locked_open_project(booking.project, by)
    booking = _active(booking)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the booking is cancelled."), field="reason")
    backup = booking.backups.filter(
        status__in=[Booking.Status.PROPOSED, Booking.Status.CONFIRMED]
    ).first()
    booking.cancelled_reason = reason[:500]
    _move(
        booking,
        project,
        by,
        Booking.Status.CANCELLED,
        "booking.cancelled",
        also=["cancelled_reason"],
    )
    if backup is None or not promote_backup:
        return None
    return _promote(backup, project, by, booking)


@transaction.atomic
def promote_backup(*, by: User, backup: Booking, reason: str) -> Booking:
    """Put the backup in its booking's place: the booking is cancelled (for `reason`) and the
    backup stands on its own."""
    project = locked_open_project(backup.project, by)
    backup = Booking.objects.select_related("backup_for").get(pk=backup.pk)
    if backup.backup_for is None:
        raise InvalidTransition(_("This booking is not a backup."))
    if not backup.is_active:
        raise InvalidTransition(
            _("This backup is %(status)s; it cannot take the place.")
            % {"status": backup.get_status_display()}
        )
    primary = backup.backup_for
    if primary.is_active:
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(_("Say why the booking is cancelled."), field="reason")
        primary.cancelled_reason = reason[:500]
        _move(
            primary,
            project,
            by,
            Booking.Status.CANCELLED,
            "booking.cancelled",
            also=["cancelled_reason"],
        )
    return _promote(backup, project, by, primary)


def _promote(backup: Booking, project: Project, by: User, replaced: Booking) -> Booking:
    backup.backup_for = None
    validated_save(backup, update_fields=["backup_for"])
    record_event(
        subject=project,
        verb="booking.promoted",
        by=by,
        changes={"bookings": [_label(replaced), _label(backup)]},
    )
    return backup


def _active(booking: Booking) -> Booking:
    booking = Booking.objects.get(pk=booking.pk)
    if not booking.is_active:
        raise InvalidTransition(
            _("This booking is %(status)s; it no longer changes.")
            % {"status": booking.get_status_display()}
        )
    return booking


def _move(
    booking: Booking, project: Project, by: User, status: str, verb: str, also: list[str] = ()
) -> Booking:
    # Status codes, not their labels: the history must not depend on who was reading.
    was = booking.status
    booking.status = status
    validated_save(booking, update_fields=["status", *also])
    record_event(
        subject=project,
        verb=verb,
        by=by,
        changes={
            "bookings": [
                f"{booking.name}: {was}",
                f"{booking.name}: {booking.status}",
            ]
        },
    )
    return booking


def _set_booking_fields(booking: Booking, fields: dict) -> None:
    assign(booking, fields)
    if not booking.name:
        raise DomainError(_("Say who or what is booked."), field="name")
    if booking.kind not in Booking.Kind.values:
        raise DomainError(_("Choose what kind of booking it is."), field="kind")
    if booking.fee_amount is None or booking.fee_amount < 0:
        raise DomainError(_("An amount cannot be negative."), field="fee_amount")
    if booking.starts_on is None or booking.ends_on is None:
        raise DomainError(_("Give the booking its dates."), field="starts_on")
    if booking.ends_on < booking.starts_on:
        raise DomainError(_("The end date cannot be before the start date."), field="ends_on")


def _label(booking: Booking) -> str:
    return f"{booking.kind} {booking.name}: {booking.starts_on} ({booking.fee_amount})"

"""Bookings of KOLs, influencers, venues, crews and vendors, each with a backup standing by where
it matters: one that falls through is cancelled and its backup takes its place in the same
step."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Flag, Id, Pagination
from kam.core.errors import require
from kam.delivery import permissions, queries, services
from kam.delivery.api.common import Amount, Day, booking_of, router
from kam.delivery.models import Booking
from kam.people.models import User


class BookingOut(Schema):
    id: int
    project_id: int
    kind: Booking.Kind
    name: str
    contact: str
    purpose: str
    fee_amount: int
    starts_on: date
    ends_on: date
    status: Booking.Status
    backup_for_id: int | None = Field(description="the booking it stands by for, if a backup")
    cancelled_reason: str
    created_at: datetime


class CancellationOut(Schema):
    cancelled: BookingOut
    promoted: BookingOut | None = Field(description="the backup that took its place, if any")


class BookingPatch(Schema):
    kind: Booking.Kind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    contact: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, max_length=300)
    fee_amount: Amount | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None


class BookingIn(BookingPatch):
    kind: Booking.Kind
    name: str = Field(min_length=1, max_length=200)
    starts_on: Day
    ends_on: Day
    backup_for_id: BodyId | None = Field(None, description="stand by for this booking")


class BookingCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
    promote_backup: Flag = Field(True, description="its backup, if one stands by, takes its place")


class BookingPromoteIn(Schema):
    reason: str = Field(
        "", max_length=500, description="why the booking is cancelled, if it is still on"
    )


def _booking_fields(data: dict) -> dict:
    if data.get("fee_amount") is not None:
        data["fee_amount"] = Decimal(data["fee_amount"])
    return data


def _bookings_out(viewer: User) -> QuerySet[Booking]:
    return queries.bookings_visible_to(viewer).order_by("starts_on", "pk")


def _booking_out(viewer: User, pk: int) -> Booking:
    return queries.get_booking_for(viewer, pk)


@router.get(
    "/bookings",
    response={200: list[BookingOut], **ERRORS},
    summary="Bookings; one project's when `project_id` is given",
)
@paginate(Pagination)
def list_bookings(
    request: HttpRequest, project_id: Id | None = None, status: Booking.Status | None = None
):
    if project_id is not None:
        bookings = queries.bookings_of(queries.get_project_for(request.user, project_id))
    else:
        bookings = _bookings_out(request.user)
    return bookings.filter(status=status) if status else bookings


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, summary="A booking")
def get_booking(request: HttpRequest, booking_id: Id):
    return _booking_out(request.user, booking_id)


@router.post(
    "/projects/{project_id}/bookings",
    response={201: BookingOut, **ERRORS},
    summary="Book someone or something for the project, or stand a backup by for a booking",
)
def create_booking(request: HttpRequest, project_id: Id, payload: BookingIn):
    project = queries.get_project_for(request.user, project_id)
    require(permissions.can_run_project(request.user, project))
    data = _booking_fields(payload.dict(exclude_unset=True))
    backup_for = booking_of(project, data.pop("backup_for_id", None), "backup_for_id")
    booking = services.add_booking(by=request.user, project=project, backup_for=backup_for, **data)
    return Status(201, _booking_out(request.user, booking.pk))


@router.patch(
    "/bookings/{booking_id}",
    response={200: BookingOut, **ERRORS},
    summary="Change a booking still on",
)
def patch_booking(request: HttpRequest, booking_id: Id, payload: BookingPatch):
    booking = queries.get_booking_for(request.user, booking_id)
    data = _booking_fields(payload.dict(exclude_unset=True))
    services.update_booking(by=request.user, booking=booking, **data)
    return _booking_out(request.user, booking_id)


@router.post(
    "/bookings/{booking_id}/confirm",
    response={200: BookingOut, **ERRORS},
    summary="The KOL, venue or vendor said yes, in writing",
)
def confirm_booking(request: HttpRequest, booking_id: Id):
    booking = queries.get_booking_for(request.user, booking_id)
    services.confirm_booking(by=request.user, booking=booking)
    return _booking_out(request.user, booking_id)


@router.post(
    "/bookings/{booking_id}/done",
    response={200: BookingOut, **ERRORS},
    summary="The confirmed booking happened: the shoot, the post, the event day",
)
def complete_booking(request: HttpRequest, booking_id: Id):
    booking = queries.get_booking_for(request.user, booking_id)
    services.complete_booking(by=request.user, booking=booking)
    return _booking_out(request.user, booking_id)


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: CancellationOut, **ERRORS},
    summary="Cancel a booking that falls through, and why; its backup takes its place",
)
def cancel_booking(request: HttpRequest, booking_id: Id, payload: BookingCancelIn):
    booking = queries.get_booking_for(request.user, booking_id)
    promoted = services.cancel_booking(by=request.user, booking=booking, **payload.dict())
    return {
        "cancelled": _booking_out(request.user, booking_id),
        "promoted": _booking_out(request.user, promoted.pk) if promoted else None,
    }


@router.post(
    "/bookings/{booking_id}/promote",
    response={200: CancellationOut, **ERRORS},
    summary="Put this backup in its booking's place (that booking is cancelled)",
)
def promote_backup(request: HttpRequest, booking_id: Id, payload: BookingPromoteIn):
    backup = queries.get_booking_for(request.user, booking_id)
    replaced = backup.backup_for  # the service refuses (409) a booking that is no backup
    services.promote_backup(by=request.user, backup=backup, reason=payload.reason)
    return {
        "cancelled": _booking_out(request.user, replaced.pk),
        "promoted": _booking_out(request.user, booking_id),
    }

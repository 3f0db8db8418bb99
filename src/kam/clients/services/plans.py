"""The service catalogue, and account plans with their plays."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import AccountPlan, AgencyService, Client, PlannedPlay
from kam.clients.permissions import can_change_client, can_manage_catalogue
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, require
from kam.core.saving import assign, validated_save
from kam.people.models import User

VERB_LABELS = {
    "service.created": gettext_lazy("added the service"),
    "service.updated": gettext_lazy("changed the service"),
    "plan.created": gettext_lazy("wrote the account plan"),
    "plan.updated": gettext_lazy("changed the account plan"),
    "play.added": gettext_lazy("added the play"),
    "play.updated": gettext_lazy("changed the play"),
}

PLAN_FIELDS = ["year", "objectives", "renewal_on", "renewal_note"]
PLAY_FIELDS = ["title", "service", "owner", "due_on", "status"]


# --- The service catalogue ------------------------------------------------------------------
SERVICE_FIELDS = ["code", "name", "name_en", "is_active"]


def _save_service(service: AgencyService, fields: dict | None = None) -> None:
    validated_save(
        service,
        field="code",
        message=_("A service with this code already exists."),
        update_fields=fields,
    )


@transaction.atomic
def create_service(*, by: User, **fields) -> AgencyService:
    """Add a service the agency sells; account plans (and later opportunities) pick from them."""
    require(can_manage_catalogue(by))
    service = AgencyService()
    assign(service, fields)
    _save_service(service)
    record_event(
        subject=service,
        verb="service.created",
        by=by,
        changes=created(snapshot(service, SERVICE_FIELDS)),
    )
    return service


@transaction.atomic
def update_service(*, by: User, service: AgencyService, **fields) -> AgencyService:
    """Rename a service or stop offering it: a retired service is no longer offered for new
    plans, and stays on the plans that name it."""
    require(can_manage_catalogue(by))
    before = snapshot(service, SERVICE_FIELDS)
    assign(service, fields)
    _save_service(service, fields)
    record_change(
        subject=service,
        verb="service.updated",
        by=by,
        before=before,
        after=snapshot(service, SERVICE_FIELDS),
    )
    return service


# --- Account plans --------------------------------------------------------------------------
@transaction.atomic
def create_plan(
    *, by: User, client: Client, whitespace: list[AgencyService] | None = None, **fields
) -> AccountPlan:
    """Write a client's plan for a year (one per year)."""
    require(can_change_client(by, client))
    plan = AccountPlan(client=client, created_by=by)
    _set_plan_fields(plan, fields)
    validated_save(plan, field="year", message=_("This client has a plan for that year already."))
    plan.whitespace.set(whitespace or [])
    record_event(subject=plan, verb="plan.created", by=by, changes=created(_plan_snapshot(plan)))
    return plan


@transaction.atomic
def update_plan(
    *, by: User, plan: AccountPlan, whitespace: list[AgencyService] | None = None, **fields
) -> AccountPlan:
    require(can_change_client(by, plan.client))
    before = _plan_snapshot(plan)
    _set_plan_fields(plan, fields)
    validated_save(
        plan,
        field="year",
        message=_("This client has a plan for that year already."),
        update_fields=fields,
    )
    if whitespace is not None:
        plan.whitespace.set(whitespace)
    record_change(
        subject=plan, verb="plan.updated", by=by, before=before, after=_plan_snapshot(plan)
    )
    return plan


@transaction.atomic
def add_play(*, by: User, plan: AccountPlan, **fields) -> PlannedPlay:
    """Add a move to the plan, with its owner and date."""
    require(can_change_client(by, plan.client))
    play = PlannedPlay(plan=plan)
    _set_play_fields(play, fields)
    validated_save(play)
    record_event(
        subject=play, verb="play.added", by=by, changes=created(snapshot(play, PLAY_FIELDS))
    )
    return play


@transaction.atomic
def update_play(*, by: User, play: PlannedPlay, **fields) -> PlannedPlay:
    """Move a play along (planned, in progress, done, dropped) or change it."""
    require(can_change_client(by, play.plan.client))
    before = snapshot(play, PLAY_FIELDS)
    _set_play_fields(play, fields)
    validated_save(play, update_fields=fields)
    record_change(
        subject=play, verb="play.updated", by=by, before=before, after=snapshot(play, PLAY_FIELDS)
    )
    return play


def _plan_snapshot(plan: AccountPlan) -> dict:
    values = snapshot(plan, PLAN_FIELDS)
    if plan.pk:
        values["whitespace"] = ", ".join(sorted(str(service) for service in plan.whitespace.all()))
    return values


def _set_plan_fields(plan: AccountPlan, fields: dict) -> None:
    assign(plan, fields)
    if not plan.objectives:
        raise DomainError(_("Write the plan's objectives."), field="objectives")


def _set_play_fields(play: PlannedPlay, fields: dict) -> None:
    assign(play, fields)
    if not play.title:
        raise DomainError(_("Name the play."), field="title")
    if play.owner_id and not play.owner.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="owner")

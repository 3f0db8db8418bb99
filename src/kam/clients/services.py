"""Every change to clients, their account teams, stakeholders and interactions."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients import queries
from kam.clients import spreadsheet_columns as columns
from kam.clients.models import (
    AccountPlan,
    AgencyService,
    Client,
    ClientRequest,
    ClientTeamMember,
    ImportBatch,
    Interaction,
    PlannedPlay,
    SpecialTerm,
    Stakeholder,
)
from kam.clients.permissions import (
    can_approve_term,
    can_change_client,
    can_change_interaction,
    can_create_client,
    can_give_client_away,
    can_log_interaction,
    can_manage_catalogue,
    can_work_request,
)
from kam.core import vietnam
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.core.search import fold
from kam.core.spreadsheets import read_table
from kam.people.models import User

VERB_LABELS = {
    "client.created": gettext_lazy("created the client"),
    "client.updated": gettext_lazy("changed the client"),
    "client.member_added": gettext_lazy("added to the account team"),
    "client.member_removed": gettext_lazy("removed from the account team"),
    "stakeholder.created": gettext_lazy("added the stakeholder"),
    "stakeholder.updated": gettext_lazy("changed the stakeholder"),
    "stakeholder.moved": gettext_lazy("moved the stakeholder to another client"),
    "interaction.created": gettext_lazy("logged the interaction"),
    "interaction.updated": gettext_lazy("changed the interaction"),
    "interaction.next_step_done": gettext_lazy("marked the next step done"),
    "term.proposed": gettext_lazy("proposed the special term"),
    "term.updated": gettext_lazy("changed the special term"),
    "term.approved": gettext_lazy("approved the special term"),
    "term.ended": gettext_lazy("ended the special term"),
    "request.logged": gettext_lazy("logged the request"),
    "request.updated": gettext_lazy("changed the request"),
    "request.started": gettext_lazy("started work on the request"),
    "request.resolved": gettext_lazy("resolved the request"),
    "request.reopened": gettext_lazy("reopened the request"),
    "plan.created": gettext_lazy("wrote the account plan"),
    "plan.updated": gettext_lazy("changed the account plan"),
    "play.added": gettext_lazy("added the play"),
    "play.updated": gettext_lazy("changed the play"),
    "service.created": gettext_lazy("added the service"),
    "service.updated": gettext_lazy("changed the service"),
}

CLIENT_FIELDS = [
    "legal_name",
    "short_name",
    "tax_code",
    "industry",
    "tier",
    "potential",
    "buying_complexity",
    "status",
    "owner",
    "parent",
    "address",
]
STAKEHOLDER_FIELDS = [
    "full_name",
    "title",
    "decision_role",
    "influence",
    "relationship",
    "preferred_channel",
    "email",
    "phone",
    "is_active",
    "notes",
]
INTERACTION_FIELDS = [
    "kind",
    "happened_at",
    "summary",
    "outcome",
    "objection",
    "next_step",
    "next_step_due_on",
    "next_step_owner",
]
TERM_FIELDS = ["kind", "description", "rate_percent", "valid_from", "valid_until"]
REQUEST_FIELDS = [
    "kind",
    "title",
    "description",
    "severity",
    "department",
    "assignee",
    "due_on",
]
REQUEST_FIELDS_OF_FORM = [*REQUEST_FIELDS[:4], "raised_by", *REQUEST_FIELDS[4:]]
PLAN_FIELDS = ["year", "objectives", "renewal_on", "renewal_note"]
PLAY_FIELDS = ["title", "service", "owner", "due_on", "status"]
TAX_CODE_TAKEN = gettext_lazy("Another client has this tax code.")


# --- Clients --------------------------------------------------------------------------------
@transaction.atomic
def create_client(
    *, by: User, accept_unusual_tax_code: bool = False, owner: User | None = None, **fields
) -> Client:
    """Open a client. A KAM opens it as its owner; a Director or admin may name another owner.
    A tax code whose check digit differs is refused unless the user accepts it (old codes)."""
    require(can_create_client(by))
    owner = owner or by
    if owner != by and not can_give_client_away(by):
        raise DomainError(_("Only a Director gives a client to another KAM."), field="owner")
    client = Client(owner=owner)
    _set_client_fields(client, fields, accept_unusual_tax_code)
    _check_owner(owner)
    validated_save(client, field="tax_code", message=TAX_CODE_TAKEN)
    record_event(
        subject=client,
        verb="client.created",
        by=by,
        changes=created(snapshot(client, CLIENT_FIELDS)),
    )
    return client


@transaction.atomic
def update_client(
    *, by: User, client: Client, accept_unusual_tax_code: bool = False, **fields
) -> Client:
    """Change a client's details; a new owner is the Director's call."""
    require(can_change_client(by, client))
    if "owner" in fields and fields["owner"] != client.owner:
        if not can_give_client_away(by, client):
            raise DomainError(_("Only a Director gives a client to another KAM."), field="owner")
        _check_owner(fields["owner"])
    if fields.get("parent") is not None:
        _check_parent(client, fields["parent"])
    before = snapshot(client, CLIENT_FIELDS)
    _set_client_fields(client, fields, accept_unusual_tax_code)
    validated_save(client, field="tax_code", message=TAX_CODE_TAKEN, update_fields=fields)
    record_change(
        subject=client,
        verb="client.updated",
        by=by,
        before=before,
        after=snapshot(client, CLIENT_FIELDS),
    )
    return client


def _set_client_fields(client: Client, fields: dict, accept_unusual_tax_code: bool) -> None:
    if "tax_code" in fields:
        fields["tax_code"] = vietnam.normalise_tax_code(fields["tax_code"] or "")
    assign(client, fields)
    if not client.legal_name:
        raise DomainError(_("A legal name is required."), field="legal_name")
    if client.tax_code and "tax_code" in fields:
        problem = vietnam.tax_code_format_problem(client.tax_code)
        if problem:
            raise DomainError(problem, field="tax_code")
        if not accept_unusual_tax_code and not vietnam.tax_code_check_digit_matches(
            client.tax_code
        ):
            raise DomainError(
                _(
                    "The check digit of this tax code does not match. Check it; if it is right "
                    "(some old codes differ), confirm it."
                ),
                field="tax_code",
            )


def _check_owner(owner: User | None) -> None:
    if owner is None or not owner.is_active or not (owner.is_kam or owner.is_director):
        raise DomainError(
            _("A client is owned by an active KAM or Account Director."), field="owner"
        )


def _check_parent(client: Client, parent: Client) -> None:
    """Groups and brands form a tree: a client cannot sit under itself or its own brands."""
    ancestor = parent
    for _depth in range(50):
        if ancestor is None:
            return
        if ancestor.pk == client.pk:
            raise DomainError(
                _("A company cannot belong to itself or to one of its own brands."),
                field="parent",
            )
        ancestor = ancestor.parent
    raise DomainError(_("This group of companies is nested too deep."), field="parent")


@transaction.atomic
def add_team_member(*, by: User, client: Client, user: User, role: str) -> ClientTeamMember:
    """Put someone on the client's account team with a role."""
    require(can_change_client(by, client))
    if user.pk == client.owner_id:
        raise DomainError(_("The owner is on the account team already."), field="user")
    if not user.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="user")
    member = ClientTeamMember(client=client, user=user, role=role)
    validated_save(member, field="user", message=_("This person is on the account team already."))
    record_event(
        subject=client,
        verb="client.member_added",
        by=by,
        changes={"team_members": [None, str(member)]},
    )
    return member


@transaction.atomic
def remove_team_member(*, by: User, member: ClientTeamMember) -> Client:
    """Take someone off the account team; their past interactions stay."""
    client = member.client
    require(can_change_client(by, client))
    label = str(member)
    member.delete()
    record_event(
        subject=client, verb="client.member_removed", by=by, changes={"team_members": [label, None]}
    )
    return client


# --- Stakeholders ---------------------------------------------------------------------------
@transaction.atomic
def add_stakeholder(*, by: User, client: Client, **fields) -> Stakeholder:
    """Record a person at the client and their part in its buying decisions."""
    require(can_change_client(by, client))
    stakeholder = Stakeholder(client=client)
    _set_stakeholder_fields(stakeholder, fields)
    validated_save(stakeholder)
    record_event(
        subject=stakeholder,
        verb="stakeholder.created",
        by=by,
        changes=created(snapshot(stakeholder, ["client", *STAKEHOLDER_FIELDS])),
    )
    return stakeholder


@transaction.atomic
def update_stakeholder(*, by: User, stakeholder: Stakeholder, **fields) -> Stakeholder:
    require(can_change_client(by, stakeholder.client))
    before = snapshot(stakeholder, STAKEHOLDER_FIELDS)
    _set_stakeholder_fields(stakeholder, fields)
    validated_save(stakeholder, update_fields=fields)
    record_change(
        subject=stakeholder,
        verb="stakeholder.updated",
        by=by,
        before=before,
        after=snapshot(stakeholder, STAKEHOLDER_FIELDS),
    )
    return stakeholder


@transaction.atomic
def move_stakeholder(*, by: User, stakeholder: Stakeholder, to_client: Client) -> Stakeholder:
    """A contact changes company: they move to the other client, and the interactions they took
    part in stay with the client they were at; the history records the move."""
    require(can_change_client(by, stakeholder.client))
    require(can_change_client(by, to_client))
    if to_client.pk == stakeholder.client_id:
        raise DomainError(_("The stakeholder is at this client already."), field="client")
    before = snapshot(stakeholder, ["client"])
    stakeholder.client = to_client
    stakeholder.is_active = True
    stakeholder.save(update_fields=["client", "is_active", "updated_at"])
    record_change(
        subject=stakeholder,
        verb="stakeholder.moved",
        by=by,
        before=before,
        after=snapshot(stakeholder, ["client"]),
    )
    return stakeholder


def _set_stakeholder_fields(stakeholder: Stakeholder, fields: dict) -> None:
    if fields.get("phone"):
        phone = vietnam.normalise_phone(fields["phone"])
        if phone is None:
            raise DomainError(
                _("Enter a phone number, e.g. 0912 345 678, 028 3812 3456 or +65 9123 4567."),
                field="phone",
            )
        fields["phone"] = phone
    assign(stakeholder, fields)
    if not stakeholder.full_name:
        raise DomainError(_("A full name is required."), field="full_name")


# --- Interactions ---------------------------------------------------------------------------
@transaction.atomic
def log_interaction(
    *,
    by: User,
    client: Client,
    our_people: list[User] | None = None,
    stakeholders: list[Stakeholder] | None = None,
    **fields,
) -> Interaction:
    """Log contact with a client (or a note about it) and the next step it leads to. Whoever
    logs it took part unless others are named."""
    require(can_log_interaction(by, client))
    interaction = Interaction(client=client, recorded_by=by)
    if fields.get("happened_at") is None:
        fields["happened_at"] = timezone.now()
    _set_interaction_fields(interaction, fields, stakeholders)
    validated_save(interaction)
    interaction.our_people.set(our_people or [by])
    interaction.stakeholders.set(stakeholders or [])
    record_event(
        subject=interaction,
        verb="interaction.created",
        by=by,
        changes=created(_interaction_snapshot(interaction)),
    )
    return interaction


@transaction.atomic
def update_interaction(
    *,
    by: User,
    interaction: Interaction,
    our_people: list[User] | None = None,
    stakeholders: list[Stakeholder] | None = None,
    **fields,
) -> Interaction:
    """Correct what was logged; the history keeps what it said before."""
    require(can_change_interaction(by, interaction))
    before = _interaction_snapshot(interaction)
    _set_interaction_fields(interaction, fields, stakeholders)
    validated_save(interaction, update_fields=fields)
    if our_people is not None:
        interaction.our_people.set(our_people)
    if stakeholders is not None:
        interaction.stakeholders.set(stakeholders)
    record_change(
        subject=interaction,
        verb="interaction.updated",
        by=by,
        before=before,
        after=_interaction_snapshot(interaction),
    )
    return interaction


@transaction.atomic
def complete_next_step(*, by: User, interaction: Interaction) -> Interaction:
    """Mark an interaction's next step done (once; doing it again changes nothing)."""
    require(can_change_interaction(by, interaction) or interaction.next_step_owner_id == by.pk)
    if not interaction.next_step:
        raise DomainError(_("This interaction has no next step."))
    if interaction.next_step_done_at is None:
        interaction.next_step_done_at = timezone.now()
        interaction.save(update_fields=["next_step_done_at", "updated_at"])
        record_event(
            subject=interaction,
            verb="interaction.next_step_done",
            by=by,
            changes={"next_step_done_at": [None, str(interaction.next_step_done_at)]},
        )
    return interaction


def _set_interaction_fields(
    interaction: Interaction, fields: dict, stakeholders: list[Stakeholder] | None
) -> None:
    assign(interaction, fields)
    if not interaction.summary:
        raise DomainError(_("Say briefly what happened."), field="summary")
    if interaction.happened_at and interaction.happened_at > timezone.now() + timedelta(days=1):
        raise DomainError(
            _("An interaction is logged after it happens; plan future ones as a next step."),
            field="happened_at",
        )
    _check_next_step(interaction)
    for stakeholder in stakeholders or []:
        if stakeholder.client_id != interaction.client_id:
            raise DomainError(
                _("%(name)s is not a stakeholder of this client.") % {"name": stakeholder},
                field="stakeholders",
            )


def _check_next_step(interaction: Interaction) -> None:
    parts = [interaction.next_step, interaction.next_step_due_on, interaction.next_step_owner]
    if any(parts) and not all(parts):
        missing = next(
            name
            for name, value in zip(
                ["next_step", "next_step_due_on", "next_step_owner"], parts, strict=True
            )
            if not value
        )
        raise DomainError(
            _("A next step needs what, a due date and an owner, or none of them."), field=missing
        )
    if interaction.next_step_owner is not None and not interaction.next_step_owner.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="next_step_owner")


def _interaction_snapshot(interaction: Interaction) -> dict:
    return snapshot(interaction, INTERACTION_FIELDS)


# --- Special terms --------------------------------------------------------------------------
@transaction.atomic
def propose_term(*, by: User, client: Client, **fields) -> SpecialTerm:
    """Propose a special term for a client; it binds nobody until a Director approves it."""
    require(can_change_client(by, client))
    term = SpecialTerm(client=client, proposed_by=by)
    _set_term_fields(term, fields)
    validated_save(term, field="valid_until")
    record_event(
        subject=term,
        verb="term.proposed",
        by=by,
        changes=created(snapshot(term, ["client", *TERM_FIELDS])),
    )
    return term


@transaction.atomic
def update_term(*, by: User, term: SpecialTerm, **fields) -> SpecialTerm:
    """Change a term while it waits for approval; an approved term is ended, not rewritten."""
    term = _locked(term)
    require(can_change_client(by, term.client))
    if term.approved_at is not None:
        raise InvalidTransition(_("An approved term is not changed: end it and propose a new one."))
    before = snapshot(term, TERM_FIELDS)
    _set_term_fields(term, fields)
    validated_save(term, field="valid_until", update_fields=fields)
    record_change(
        subject=term, verb="term.updated", by=by, before=before, after=snapshot(term, TERM_FIELDS)
    )
    return term


@transaction.atomic
def approve_term(*, by: User, term: SpecialTerm) -> SpecialTerm:
    """A Director's approval puts the term in force for its dates."""
    term = _locked(term)
    require(can_approve_term(by, term))
    if term.approved_at is not None:
        raise InvalidTransition(_("This term is approved already."))
    term.approved_by, term.approved_at = by, timezone.now()
    term.save(update_fields=["approved_by", "approved_at", "updated_at"])
    record_event(
        subject=term, verb="term.approved", by=by, changes={"approved_by": [None, str(by)]}
    )
    return term


@transaction.atomic
def end_term(*, by: User, term: SpecialTerm) -> SpecialTerm:
    """End a term today; it stays on the client as history."""
    term = _locked(term)
    require(can_change_client(by, term.client))
    today = timezone.localdate()
    if term.valid_until is not None and term.valid_until <= today:
        raise InvalidTransition(_("This term has ended already."))
    before = snapshot(term, ["valid_until"])
    term.valid_until = max(today, term.valid_from)
    term.save(update_fields=["valid_until", "updated_at"])
    record_change(
        subject=term, verb="term.ended", by=by, before=before, after=snapshot(term, ["valid_until"])
    )
    return term


def _locked(term: SpecialTerm) -> SpecialTerm:
    """The term as stored now, locked until the change commits (two approvals cannot race)."""
    return (
        SpecialTerm.objects.select_for_update(of=("self",))
        .select_related("client__owner__team")
        .get(pk=term.pk)
    )


def _set_term_fields(term: SpecialTerm, fields: dict) -> None:
    if fields.get("rate_percent") is not None:
        rate = Decimal(str(fields["rate_percent"]))
        if not 0 <= rate <= 100:
            raise DomainError(_("A rate is a percentage from 0 to 100."), field="rate_percent")
        # As the database keeps it (2 decimals), so 10 and 10.00 are no change in the history.
        fields["rate_percent"] = rate.quantize(Decimal("0.01"))
    assign(term, fields)
    if not term.description:
        raise DomainError(_("Describe the term."), field="description")


# --- Client requests and complaints ---------------------------------------------------------
@transaction.atomic
def log_request(
    *, by: User, client: Client, raised_by: Stakeholder | None = None, **fields
) -> ClientRequest:
    """Record what a client asks for or complains about, routed to a department and a person."""
    require(can_log_interaction(by, client))
    item = ClientRequest(client=client, created_by=by, raised_by=raised_by)
    _set_request_fields(item, fields)
    validated_save(item)
    record_event(
        subject=item,
        verb="request.logged",
        by=by,
        changes=created(snapshot(item, ["client", "raised_by", *REQUEST_FIELDS])),
    )
    return item


@transaction.atomic
def update_request(*, by: User, item: ClientRequest, **fields) -> ClientRequest:
    """Re-route, re-prioritise or reword an open request."""
    item = _locked_request(item)
    require(can_work_request(by, item))
    if item.status == ClientRequest.Status.RESOLVED:
        raise InvalidTransition(_("A resolved request is reopened before it is changed."))
    before = snapshot(item, ["raised_by", *REQUEST_FIELDS])
    _set_request_fields(item, fields)
    validated_save(item, update_fields=fields)
    record_change(
        subject=item,
        verb="request.updated",
        by=by,
        before=before,
        after=snapshot(item, ["raised_by", *REQUEST_FIELDS]),
    )
    return item


@transaction.atomic
def start_request(*, by: User, item: ClientRequest) -> ClientRequest:
    """The assignee (or the account team) starts on an open request."""
    return _move_request(by, item, ClientRequest.Status.OPEN, ClientRequest.Status.IN_PROGRESS)


@transaction.atomic
def resolve_request(*, by: User, item: ClientRequest, resolution: str) -> ClientRequest:
    """Close a request with what was done about it."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("Say how it was resolved."), field="resolution")
    item = _locked_request(item)
    require(can_work_request(by, item))
    if item.status == ClientRequest.Status.RESOLVED:
        raise InvalidTransition(_("This request is resolved already."))
    before = snapshot(item, ["status", "resolution"])
    item.status, item.resolution = ClientRequest.Status.RESOLVED, resolution[:4000]
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    record_change(
        subject=item,
        verb="request.resolved",
        by=by,
        before=before,
        after=snapshot(item, ["status", "resolution"]),
    )
    return item


@transaction.atomic
def reopen_request(*, by: User, item: ClientRequest) -> ClientRequest:
    """The client was not satisfied after all: the request is open again, its last resolution
    kept in the history."""
    item = _locked_request(item)
    require(can_work_request(by, item))
    if item.status != ClientRequest.Status.RESOLVED:
        raise InvalidTransition(_("Only a resolved request is reopened."))
    before = snapshot(item, ["status", "resolution"])
    item.status, item.resolution, item.resolved_at = ClientRequest.Status.OPEN, "", None
    item.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    record_change(
        subject=item,
        verb="request.reopened",
        by=by,
        before=before,
        after=snapshot(item, ["status", "resolution"]),
    )
    return item


def _move_request(by: User, item: ClientRequest, source: str, target: str) -> ClientRequest:
    item = _locked_request(item)
    require(can_work_request(by, item))
    if item.status != source:
        raise InvalidTransition(_("This request is not open."))
    before = snapshot(item, ["status"])
    item.status = target
    item.save(update_fields=["status", "updated_at"])
    record_change(
        subject=item, verb="request.started", by=by, before=before, after=snapshot(item, ["status"])
    )
    return item


def _locked_request(item: ClientRequest) -> ClientRequest:
    return (
        ClientRequest.objects.select_for_update(of=("self",))
        .select_related("client__owner__team")
        .get(pk=item.pk)
    )


def _set_request_fields(item: ClientRequest, fields: dict) -> None:
    assign(item, fields)
    if not item.title:
        raise DomainError(_("Give the request a title."), field="title")
    if item.raised_by is not None and item.raised_by.client_id != item.client_id:
        raise DomainError(
            _("%(name)s is not a stakeholder of this client.") % {"name": item.raised_by},
            field="raised_by",
        )
    if item.assignee is not None and not item.assignee.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="assignee")


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


# --- Import ---------------------------------------------------------------------------------
@dataclass
class RowResult:
    """One data row of an import: its line in the file, what it says, what went wrong."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


class _DryRun(Exception):
    """Raised to undo a preview's writes."""


REQUIRED_COLUMN = {
    ImportBatch.Kind.CLIENTS: "legal_name",
    ImportBatch.Kind.STAKEHOLDERS: "full_name",
}


def _columns(kind: str) -> list[columns.Column]:
    return (
        columns.CLIENT_COLUMNS if kind == ImportBatch.Kind.CLIENTS else columns.STAKEHOLDER_COLUMNS
    )


@transaction.atomic
def stage_import(
    *, by: User, kind: str, file_name: str, content: bytes, accept_unusual_tax_codes: bool = False
) -> ImportBatch:
    """Keep an uploaded spreadsheet for its preview. It must be readable and have the column
    the rows cannot do without; nothing of it is applied yet."""
    require(can_create_client(by))
    table = read_table(content)
    matched = columns.match_headers(_columns(kind), table.headers)
    required = REQUIRED_COLUMN[kind]
    if required not in matched:
        label = next(column.label for column in _columns(kind) if column.key == required)
        raise DomainError(
            _("The file has no “%(column)s” column.") % {"column": capfirst(str(label))},
            field="file",
        )
    return ImportBatch.objects.create(
        kind=kind,
        file_name=file_name[:200],
        content=content,
        row_count=len(table.rows),
        accept_unusual_tax_codes=accept_unusual_tax_codes,
        created_by=by,
    )


def preview_import(*, by: User, batch: ImportBatch) -> list[RowResult]:
    """Run every row through the services, then undo it all: the preview meets exactly the
    errors the import would (duplicates within the file included)."""
    require(batch.created_by_id == by.pk)
    results: list[RowResult] = []
    try:
        with transaction.atomic():
            results = _import_rows(by, batch)
            raise _DryRun
    except _DryRun:
        pass
    return results


@transaction.atomic
def apply_import(*, by: User, batch: ImportBatch) -> int:
    """Write every row, or none: one refused row undoes the whole import."""
    require(batch.created_by_id == by.pk)
    results = _import_rows(by, batch)
    refused = [result for result in results if result.errors]
    if refused:
        raise DomainError(
            _("Nothing was imported: %(count)s rows have errors.") % {"count": len(refused)}
        )
    batch.delete()
    return len(results)


@transaction.atomic
def cancel_import(*, by: User, batch: ImportBatch) -> None:
    """Drop an uploaded file without applying anything of it."""
    require(batch.created_by_id == by.pk)
    batch.delete()


def forget_stale_imports() -> int:
    """Drop uploads left unconfirmed for a day."""
    stale = ImportBatch.objects.filter(created_at__lt=timezone.now() - timedelta(days=1))
    deleted, _rows = stale.delete()
    return deleted


def _import_rows(by: User, batch: ImportBatch) -> list[RowResult]:
    table = read_table(bytes(batch.content))
    cols = _columns(batch.kind)
    matched = columns.match_headers(cols, table.headers)
    read_row = _client_row if batch.kind == ImportBatch.Kind.CLIENTS else _stakeholder_row
    lookup = _ClientLookup(by) if batch.kind == ImportBatch.Kind.STAKEHOLDERS else None
    results = []
    for line, row in enumerate(table.rows, start=2):  # line 1 is the header
        values = {key: row[header] for key, header in matched.items()}
        result = RowResult(line=line, values=values)
        try:
            with transaction.atomic():
                read_row(by, batch, cols, values, lookup)
        except DomainError as error:
            result.errors.append(_row_error(cols, error))
        except Http404:
            result.errors.append(_("You may not change this client."))
        results.append(result)
    return results


def _row_error(cols: list[columns.Column], error: DomainError) -> str:
    labels = {column.key: capfirst(str(column.label)) for column in cols}
    label = labels.get(error.field) if error.field else None
    return f"{label}: {error.message}" if label else error.message


def _cell_values(cols: list[columns.Column], values: dict[str, str]) -> dict:
    """The row's cells as service arguments: choices by code or label, numbers as numbers."""
    data = {}
    for column in cols:
        text = values.get(column.key, "")
        if column.key not in values or column.key in ("owner", "client", "client_tax_code"):
            continue
        if column.field is not None:
            if not text:
                continue
            code = columns.choice_value(column, text)
            if code is None:
                raise DomainError(
                    _("“%(value)s” is not one of the choices.") % {"value": text[:50]},
                    field=column.key,
                )
            data[column.key] = code
        elif column.key in ("influence", "relationship"):
            if text:
                if not text.isdigit():
                    raise DomainError(_("Write a whole number from 1 to 5."), field=column.key)
                data[column.key] = int(text)
        else:
            data[column.key] = text
    return data


def _client_row(by, batch, cols, values, lookup) -> None:
    data = _cell_values(cols, values)
    if values.get("owner"):
        owner = User.objects.filter(username__iexact=values["owner"], is_active=True).first()
        if owner is None:
            raise DomainError(
                _("There is no person with the username “%(name)s”.")
                % {"name": values["owner"][:50]},
                field="owner",
            )
        data["owner"] = owner
    create_client(by=by, accept_unusual_tax_code=batch.accept_unusual_tax_codes, **data)


class _ClientLookup:
    """The clients a stakeholder row may name, by tax code or by name, among those the importer
    sees; read once per import."""

    def __init__(self, by: User) -> None:
        self.by_key: dict[str, Client] = {}
        for client in queries.clients_visible_to(by).select_related("owner", "owner__team"):
            for key in (client.tax_code, fold(client.legal_name), fold(client.short_name)):
                if key:
                    self.by_key.setdefault(key, client)

    def find(self, values: dict[str, str]) -> Client:
        tax_code = vietnam.normalise_tax_code(values.get("client_tax_code", ""))
        name = fold(values.get("client", ""))
        client = self.by_key.get(tax_code) if tax_code else self.by_key.get(name)
        if client is None:
            raise DomainError(_("There is no such client."), field="client")
        return client


def _stakeholder_row(by, batch, cols, values, lookup: _ClientLookup) -> None:
    client = lookup.find(values)
    add_stakeholder(by=by, client=client, **_cell_values(cols, values))

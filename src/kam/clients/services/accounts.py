"""Clients, their account teams and stakeholders: opened, changed, moved."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, ClientTeamMember, Stakeholder
from kam.clients.permissions import (
    can_approve_terms_of,
    can_change_client,
    can_create_client,
    can_give_client_away,
)
from kam.core import access, vietnam
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, require
from kam.core.saving import assign, validated_save
from kam.people.models import User

VERB_LABELS = {
    "client.created": gettext_lazy("created the client"),
    "client.updated": gettext_lazy("changed the client"),
    "client.member_added": gettext_lazy("added to the account team"),
    "client.member_removed": gettext_lazy("removed from the account team"),
    "stakeholder.created": gettext_lazy("added the stakeholder"),
    "stakeholder.updated": gettext_lazy("changed the stakeholder"),
    "stakeholder.moved": gettext_lazy("moved the stakeholder to another client"),
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
    "margin_floor_percent",
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
    _check_margin_floor(by, client, fields)
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
def open_prospect(*, by: User, owner: User, **fields) -> Client:
    """Open a prospect for the salesperson converting a lead: they own it until they hand it
    over to a KAM (the growth app), so it needs no KAM yet. Its tax code was checked when the
    lead was written, so an unusual check digit is accepted here."""
    require(can_create_client(by) or access.is_sales(by))
    if not owner.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="owner")
    client = Client(owner=owner, status=Client.Status.PROSPECT)
    _set_client_fields(client, fields, accept_unusual_tax_code=True)
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
    _check_margin_floor(by, client, fields)
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


def _check_margin_floor(by: User, client: Client, fields: dict) -> None:
    """The margin under which a proposal needs a Director's approval is not the KAM's to lower:
    it is set by the Director who approves the exceptions (or an admin)."""
    if "margin_floor_percent" not in fields:
        return
    floor = fields["margin_floor_percent"]
    if floor is not None and not 0 <= floor <= 100:
        raise DomainError(_("A percentage is from 0 to 100."), field="margin_floor_percent")
    if floor != client.margin_floor_percent and not can_approve_terms_of(by, client):
        raise DomainError(
            _("The margin floor is set by the Director of the client's KAM."),
            field="margin_floor_percent",
        )


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

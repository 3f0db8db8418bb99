"""API of the clients app: clients and their account teams, contacts (stakeholders) and
interactions."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kam.clients import queries, services
from kam.clients.models import (
    AccountPlan,
    AgencyService,
    Client,
    ClientRequest,
    ClientTeamMember,
    Interaction,
    PlannedPlay,
    SpecialTerm,
    Stakeholder,
)
from kam.core.api import ERRORS, BodyId, Flag, Id, IsoDate, IsoDateTime, Pagination
from kam.core.errors import DomainError
from kam.people.models import Department, User

router = Router(tags=["clients"])


# --- Schemas --------------------------------------------------------------------------------
class PersonRef(Schema):
    id: int
    name: str


class ClientRef(Schema):
    id: int
    name: str


def _person(user: User | None) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user else None


class TeamMemberOut(Schema):
    id: int
    user: PersonRef
    role: ClientTeamMember.Role

    @staticmethod
    def resolve_user(member: ClientTeamMember) -> dict:
        return _person(member.user)


class ClientOut(Schema):
    id: int
    legal_name: str
    short_name: str
    tax_code: str
    industry: Client.Industry
    tier: Client.Tier
    potential: str
    buying_complexity: str
    status: Client.Status
    owner: PersonRef
    parent: ClientRef | None
    address: str
    last_contact_at: datetime | None = None
    is_quiet: bool = False
    created_at: datetime

    @staticmethod
    def resolve_owner(client: Client) -> dict:
        return _person(client.owner)

    @staticmethod
    def resolve_parent(client: Client) -> dict | None:
        return {"id": client.parent_id, "name": str(client.parent)} if client.parent_id else None


class ClientDetailOut(ClientOut):
    team: list[TeamMemberOut]

    @staticmethod
    def resolve_team(client: Client) -> list:
        return list(queries.team_of(client))


class ClientPatch(Schema):
    legal_name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=120)
    tax_code: str | None = Field(None, max_length=20)
    accept_unusual_tax_code: Flag = Field(
        False, description="keep a tax code whose check digit differs (some old codes do)"
    )
    industry: Client.Industry | None = None
    tier: Client.Tier | None = None
    potential: str | None = Field(None, pattern="^(low|medium|high)$")
    buying_complexity: str | None = Field(None, pattern="^(low|medium|high)$")
    status: Client.Status | None = None
    owner_id: BodyId | None = None
    parent_id: BodyId | None = None
    address: str | None = Field(None, max_length=500)


class ClientIn(ClientPatch):
    legal_name: str = Field(min_length=1, max_length=255)


class TeamMemberIn(Schema):
    user_id: BodyId
    role: ClientTeamMember.Role


class ContactOut(Schema):
    id: int
    client: ClientRef
    full_name: str
    title: str
    decision_role: Stakeholder.DecisionRole
    influence: int
    relationship: int
    preferred_channel: Stakeholder.Channel
    email: str
    phone: str
    is_active: bool
    notes: str

    @staticmethod
    def resolve_client(stakeholder: Stakeholder) -> dict:
        return {"id": stakeholder.client_id, "name": str(stakeholder.client)}


class ContactPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=150)
    title: str | None = Field(None, max_length=150)
    decision_role: Stakeholder.DecisionRole | None = None
    influence: int | None = Field(None, ge=1, le=5, strict=True)
    relationship: int | None = Field(None, ge=1, le=5, strict=True)
    preferred_channel: Stakeholder.Channel | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    is_active: Flag | None = None
    notes: str | None = Field(None, max_length=2000)


class ContactIn(ContactPatch):
    client_id: BodyId
    full_name: str = Field(min_length=1, max_length=150)


class MoveIn(Schema):
    client_id: BodyId


class InteractionOut(Schema):
    id: int
    client: ClientRef
    kind: Interaction.Kind
    happened_at: datetime
    our_people: list[PersonRef]
    contact_ids: list[int]
    summary: str
    outcome: str
    objection: Interaction.Objection
    next_step: str
    next_step_due_on: date | None
    next_step_owner: PersonRef | None
    next_step_done_at: datetime | None
    recorded_by: PersonRef

    @staticmethod
    def resolve_client(interaction: Interaction) -> dict:
        return {"id": interaction.client_id, "name": str(interaction.client)}

    @staticmethod
    def resolve_our_people(interaction: Interaction) -> list:
        return [_person(user) for user in interaction.our_people.all()]

    @staticmethod
    def resolve_contact_ids(interaction: Interaction) -> list[int]:
        return [stakeholder.pk for stakeholder in interaction.stakeholders.all()]

    @staticmethod
    def resolve_next_step_owner(interaction: Interaction) -> dict | None:
        return _person(interaction.next_step_owner)

    @staticmethod
    def resolve_recorded_by(interaction: Interaction) -> dict:
        return _person(interaction.recorded_by)


class InteractionPatch(Schema):
    kind: Interaction.Kind | None = None
    happened_at: IsoDateTime | None = None
    our_people_ids: list[BodyId] | None = Field(None, max_length=50)
    contact_ids: list[BodyId] | None = Field(None, max_length=50)
    summary: str | None = Field(None, min_length=1, max_length=5000)
    outcome: str | None = Field(None, max_length=1000)
    objection: Interaction.Objection | None = None
    next_step: str | None = Field(None, max_length=300)
    next_step_due_on: IsoDate | None = None
    next_step_owner_id: BodyId | None = None


class InteractionIn(InteractionPatch):
    client_id: BodyId
    summary: str = Field(min_length=1, max_length=5000)


# --- Resolving ids in bodies ------------------------------------------------------------------
NO_SUCH = {
    "client": gettext_lazy("There is no such client."),
    "person": gettext_lazy("There is no such person."),
    "contact": gettext_lazy("There is no such contact."),
}


def _visible_client(viewer: User, pk: int, field: str) -> Client:
    client = queries.clients_visible_to(viewer).filter(pk=pk).first()
    if client is None:
        raise DomainError(NO_SUCH["client"], field=field)
    return client


def _active_person(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise DomainError(NO_SUCH["person"], field=field)
    return person


def _client_fields(viewer: User, data: dict) -> dict:
    if "owner_id" in data:
        data["owner"] = _active_person(data.pop("owner_id"), "owner_id")
    if "parent_id" in data:
        pk = data.pop("parent_id")
        data["parent"] = _visible_client(viewer, pk, "parent_id") if pk else None
    return data


def _interaction_fields(client: Client, data: dict) -> dict:
    if "our_people_ids" in data:
        ids = data.pop("our_people_ids") or []
        people = list(User.objects.filter(pk__in=ids, is_active=True))
        if len(people) != len(set(ids)):
            raise DomainError(NO_SUCH["person"], field="our_people_ids")
        data["our_people"] = people
    if "contact_ids" in data:
        ids = data.pop("contact_ids") or []
        contacts = list(Stakeholder.objects.filter(pk__in=ids, client=client))
        if len(contacts) != len(set(ids)):
            raise DomainError(NO_SUCH["contact"], field="contact_ids")
        data["stakeholders"] = contacts
    if "next_step_owner_id" in data:
        data["next_step_owner"] = _active_person(
            data.pop("next_step_owner_id"), "next_step_owner_id"
        )
    return data


# --- Clients --------------------------------------------------------------------------------
class ClientFilters(Schema):
    q: str = Field("", max_length=200)
    tier: Client.Tier | None = None
    status: Client.Status | None = None
    industry: Client.Industry | None = None
    owner_id: Id | None = None
    quiet: bool = Field(False, description="only key clients gone quiet")
    sort: str = Field("name", pattern="^(name|-name|tier|last_contact|-last_contact|-created)$")


@router.get("/clients", response={200: list[ClientOut], **ERRORS}, summary="Clients one may see")
@paginate(Pagination)
def list_clients(request: HttpRequest, filters: Query[ClientFilters]):
    return queries.clients_for_list(
        request.user,
        search=filters.q,
        tier=filters.tier or "",
        status=filters.status or "",
        industry=filters.industry or "",
        owner_id=filters.owner_id,
        quiet_only=filters.quiet,
        sort=filters.sort,
    ).select_related("parent")


def _client_out(viewer: User, pk: int) -> Client:
    return queries.with_contact_state(
        queries.clients_visible_to(viewer).select_related("owner", "parent")
    ).get(pk=pk)


@router.get("/clients/{client_id}", response={200: ClientDetailOut, **ERRORS})
def get_client(request: HttpRequest, client_id: Id):
    queries.get_client_for(request.user, client_id)
    return _client_out(request.user, client_id)


@router.post("/clients", response={201: ClientDetailOut, **ERRORS}, summary="Open a client")
def create_client(request: HttpRequest, payload: ClientIn):
    data = _client_fields(request.user, payload.dict(exclude_unset=True))
    client = services.create_client(by=request.user, **data)
    return Status(201, _client_out(request.user, client.pk))


@router.patch("/clients/{client_id}", response={200: ClientDetailOut, **ERRORS})
def patch_client(request: HttpRequest, client_id: Id, payload: ClientPatch):
    client = queries.get_client_for(request.user, client_id)
    data = _client_fields(request.user, payload.dict(exclude_unset=True))
    services.update_client(by=request.user, client=client, **data)
    return _client_out(request.user, client_id)


@router.post(
    "/clients/{client_id}/team",
    response={201: TeamMemberOut, **ERRORS},
    summary="Add someone to the account team",
)
def add_team_member(request: HttpRequest, client_id: Id, payload: TeamMemberIn):
    client = queries.get_client_for(request.user, client_id)
    user = _active_person(payload.user_id, "user_id")
    member = services.add_team_member(by=request.user, client=client, user=user, role=payload.role)
    return Status(201, member)


@router.delete(
    "/clients/{client_id}/team/{member_id}",
    response={204: None, **ERRORS},
    summary="Take someone off the account team",
)
def remove_team_member(request: HttpRequest, client_id: Id, member_id: Id):
    member = queries.get_team_member_for(request.user, member_id)
    if member.client_id != client_id:
        raise DomainError(NO_SUCH["person"], field="member_id")
    services.remove_team_member(by=request.user, member=member)
    return Status(204, None)


# --- Contacts -------------------------------------------------------------------------------
@router.get("/contacts", response={200: list[ContactOut], **ERRORS}, summary="Stakeholders")
@paginate(Pagination)
def list_contacts(
    request: HttpRequest, client_id: Id | None = None, q: str = Query("", max_length=200)
):
    return queries.stakeholders_for_list(request.user, client_id=client_id, search=q)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request: HttpRequest, contact_id: Id):
    return queries.get_stakeholder_for(request.user, contact_id)


@router.post("/contacts", response={201: ContactOut, **ERRORS}, summary="Add a stakeholder")
def create_contact(request: HttpRequest, payload: ContactIn):
    data = payload.dict(exclude_unset=True)
    client = _visible_client(request.user, data.pop("client_id"), "client_id")
    stakeholder = services.add_stakeholder(by=request.user, client=client, **data)
    return Status(201, queries.get_stakeholder_for(request.user, stakeholder.pk))


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def patch_contact(request: HttpRequest, contact_id: Id, payload: ContactPatch):
    stakeholder = queries.get_stakeholder_for(request.user, contact_id)
    services.update_stakeholder(
        by=request.user, stakeholder=stakeholder, **payload.dict(exclude_unset=True)
    )
    return queries.get_stakeholder_for(request.user, contact_id)


@router.post(
    "/contacts/{contact_id}/move",
    response={200: ContactOut, **ERRORS},
    summary="The contact moved to another client",
)
def move_contact(request: HttpRequest, contact_id: Id, payload: MoveIn):
    stakeholder = queries.get_stakeholder_for(request.user, contact_id)
    to_client = _visible_client(request.user, payload.client_id, "client_id")
    services.move_stakeholder(by=request.user, stakeholder=stakeholder, to_client=to_client)
    return queries.get_stakeholder_for(request.user, contact_id)


# --- Interactions ---------------------------------------------------------------------------
@router.get("/interactions", response={200: list[InteractionOut], **ERRORS})
@paginate(Pagination)
def list_interactions(
    request: HttpRequest,
    client_id: Id | None = None,
    kind: Interaction.Kind | None = None,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    q: str = Query("", max_length=200),
):
    return queries.interactions_for_list(
        request.user, client_id=client_id, kind=kind or "", since=since, until=until, search=q
    )


@router.get("/interactions/{interaction_id}", response={200: InteractionOut, **ERRORS})
def get_interaction(request: HttpRequest, interaction_id: Id):
    return queries.get_interaction_for(request.user, interaction_id)


@router.post("/interactions", response={201: InteractionOut, **ERRORS}, summary="Log contact")
def create_interaction(request: HttpRequest, payload: InteractionIn):
    data = payload.dict(exclude_unset=True)
    client = _visible_client(request.user, data.pop("client_id"), "client_id")
    data = _interaction_fields(client, data)
    interaction = services.log_interaction(by=request.user, client=client, **data)
    return Status(201, queries.get_interaction_for(request.user, interaction.pk))


@router.patch("/interactions/{interaction_id}", response={200: InteractionOut, **ERRORS})
def patch_interaction(request: HttpRequest, interaction_id: Id, payload: InteractionPatch):
    interaction = queries.get_interaction_for(request.user, interaction_id)
    data = _interaction_fields(interaction.client, payload.dict(exclude_unset=True))
    services.update_interaction(by=request.user, interaction=interaction, **data)
    return queries.get_interaction_for(request.user, interaction_id)


@router.post(
    "/interactions/{interaction_id}/next-step-done",
    response={200: InteractionOut, **ERRORS},
    summary="Mark the next step done",
)
def complete_next_step(request: HttpRequest, interaction_id: Id):
    interaction = queries.get_interaction_for(request.user, interaction_id)
    services.complete_next_step(by=request.user, interaction=interaction)
    return queries.get_interaction_for(request.user, interaction_id)


# --- Search ---------------------------------------------------------------------------------
class SearchHit(Schema):
    id: int
    label: str
    client: ClientRef


class SearchOut(Schema):
    clients: list[SearchHit]
    contacts: list[SearchHit]
    interactions: list[SearchHit]


def _hit(record, label: str, client: Client) -> dict:
    return {"id": record.pk, "label": label, "client": {"id": client.pk, "name": str(client)}}


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    summary="Clients, contacts and interactions matching every word, without accents or case",
)
def search(request: HttpRequest, q: str = Query("", max_length=200)):
    found = queries.search(request.user, q)
    return {
        "clients": [_hit(client, client.legal_name, client) for client in found["clients"]],
        "contacts": [
            _hit(person, person.full_name, person.client) for person in found["stakeholders"]
        ],
        "interactions": [
            _hit(item, item.summary[:200], item.client) for item in found["interactions"]
        ],
    }


# --- Special terms --------------------------------------------------------------------------
class TermOut(Schema):
    id: int
    client: ClientRef
    kind: SpecialTerm.Kind
    description: str
    rate_percent: Decimal | None
    valid_from: date
    valid_until: date | None
    state: SpecialTerm.State
    proposed_by: PersonRef
    approved_by: PersonRef | None
    approved_at: datetime | None

    @staticmethod
    def resolve_client(term: SpecialTerm) -> dict:
        return {"id": term.client_id, "name": str(term.client)}

    @staticmethod
    def resolve_state(term: SpecialTerm) -> str:
        return term.state_on(timezone.localdate())

    @staticmethod
    def resolve_proposed_by(term: SpecialTerm) -> dict:
        return _person(term.proposed_by)

    @staticmethod
    def resolve_approved_by(term: SpecialTerm) -> dict | None:
        return _person(term.approved_by)


class TermPatch(Schema):
    kind: SpecialTerm.Kind | None = None
    description: str | None = Field(None, min_length=1, max_length=2000)
    rate_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class TermIn(TermPatch):
    client_id: BodyId
    kind: SpecialTerm.Kind
    description: str = Field(min_length=1, max_length=2000)
    valid_from: IsoDate


@router.get("/terms", response={200: list[TermOut], **ERRORS}, summary="Special terms")
@paginate(Pagination)
def list_terms(
    request: HttpRequest, client_id: Id | None = None, state: SpecialTerm.State | None = None
):
    return queries.terms_for_list(request.user, client_id=client_id, state=state or "")


@router.get("/terms/{term_id}", response={200: TermOut, **ERRORS})
def get_term(request: HttpRequest, term_id: Id):
    return queries.get_term_for(request.user, term_id)


@router.post("/terms", response={201: TermOut, **ERRORS}, summary="Propose a special term")
def create_term(request: HttpRequest, payload: TermIn):
    data = payload.dict(exclude_unset=True)
    client = _visible_client(request.user, data.pop("client_id"), "client_id")
    term = services.propose_term(by=request.user, client=client, **data)
    return Status(201, queries.get_term_for(request.user, term.pk))


@router.patch(
    "/terms/{term_id}",
    response={200: TermOut, **ERRORS},
    summary="Change a term waiting for approval",
)
def patch_term(request: HttpRequest, term_id: Id, payload: TermPatch):
    term = queries.get_term_for(request.user, term_id)
    services.update_term(by=request.user, term=term, **payload.dict(exclude_unset=True))
    return queries.get_term_for(request.user, term_id)


@router.post(
    "/terms/{term_id}/approve",
    response={200: TermOut, **ERRORS},
    summary="Approve a term (the client's Director)",
)
def approve_term(request: HttpRequest, term_id: Id):
    term = queries.get_term_for(request.user, term_id)
    services.approve_term(by=request.user, term=term)
    return queries.get_term_for(request.user, term_id)


@router.post("/terms/{term_id}/end", response={200: TermOut, **ERRORS}, summary="End a term today")
def end_term(request: HttpRequest, term_id: Id):
    term = queries.get_term_for(request.user, term_id)
    services.end_term(by=request.user, term=term)
    return queries.get_term_for(request.user, term_id)


# --- Client requests and complaints ---------------------------------------------------------
class RequestOut(Schema):
    id: int
    client: ClientRef
    kind: ClientRequest.Kind
    title: str
    description: str
    severity: ClientRequest.Severity
    raised_by_id: int | None
    department_id: int | None
    assignee: PersonRef | None
    due_on: date | None
    status: ClientRequest.Status
    resolution: str
    resolved_at: datetime | None
    created_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_client(item: ClientRequest) -> dict:
        return {"id": item.client_id, "name": str(item.client)}

    @staticmethod
    def resolve_assignee(item: ClientRequest) -> dict | None:
        return _person(item.assignee)

    @staticmethod
    def resolve_created_by(item: ClientRequest) -> dict:
        return _person(item.created_by)


class RequestPatch(Schema):
    kind: ClientRequest.Kind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    severity: ClientRequest.Severity | None = None
    raised_by_id: BodyId | None = None
    department_id: BodyId | None = None
    assignee_id: BodyId | None = None
    due_on: IsoDate | None = None


class RequestIn(RequestPatch):
    client_id: BodyId
    title: str = Field(min_length=1, max_length=200)


class ResolveIn(Schema):
    resolution: str = Field(min_length=1, max_length=4000)


def _request_fields(client: Client, data: dict) -> dict:
    if "raised_by_id" in data:
        pk = data.pop("raised_by_id")
        data["raised_by"] = client.stakeholders.filter(pk=pk).first() if pk else None
        if pk and data["raised_by"] is None:
            raise DomainError(NO_SUCH["contact"], field="raised_by_id")
    if "department_id" in data:
        pk = data.pop("department_id")
        data["department"] = Department.objects.filter(pk=pk).first() if pk else None
        if pk and data["department"] is None:
            raise DomainError(gettext_lazy("There is no such department."), field="department_id")
    if "assignee_id" in data:
        data["assignee"] = _active_person(data.pop("assignee_id"), "assignee_id")
    return data


@router.get("/requests", response={200: list[RequestOut], **ERRORS}, summary="Requests, complaints")
@paginate(Pagination)
def list_requests(
    request: HttpRequest,
    client_id: Id | None = None,
    status: ClientRequest.Status | None = None,
    kind: ClientRequest.Kind | None = None,
    mine: bool = Query(False, description="only those assigned to the caller"),
):
    return queries.requests_for_list(
        request.user, client_id=client_id, status=status or "", kind=kind or "", assigned_to_me=mine
    )


@router.get("/requests/{request_id}", response={200: RequestOut, **ERRORS})
def get_request(request: HttpRequest, request_id: Id):
    return queries.get_request_for(request.user, request_id)


@router.post("/requests", response={201: RequestOut, **ERRORS}, summary="Log a request")
def create_request(request: HttpRequest, payload: RequestIn):
    data = payload.dict(exclude_unset=True)
    client = _visible_client(request.user, data.pop("client_id"), "client_id")
    item = services.log_request(by=request.user, client=client, **_request_fields(client, data))
    return Status(201, queries.get_request_for(request.user, item.pk))


@router.patch("/requests/{request_id}", response={200: RequestOut, **ERRORS})
def patch_request(request: HttpRequest, request_id: Id, payload: RequestPatch):
    item = queries.get_request_for(request.user, request_id)
    data = _request_fields(item.client, payload.dict(exclude_unset=True))
    services.update_request(by=request.user, item=item, **data)
    return queries.get_request_for(request.user, request_id)


@router.post("/requests/{request_id}/start", response={200: RequestOut, **ERRORS})
def start_request(request: HttpRequest, request_id: Id):
    item = queries.get_request_for(request.user, request_id)
    services.start_request(by=request.user, item=item)
    return queries.get_request_for(request.user, request_id)


@router.post("/requests/{request_id}/resolve", response={200: RequestOut, **ERRORS})
def resolve_request(request: HttpRequest, request_id: Id, payload: ResolveIn):
    item = queries.get_request_for(request.user, request_id)
    services.resolve_request(by=request.user, item=item, resolution=payload.resolution)
    return queries.get_request_for(request.user, request_id)


@router.post("/requests/{request_id}/reopen", response={200: RequestOut, **ERRORS})
def reopen_request(request: HttpRequest, request_id: Id):
    item = queries.get_request_for(request.user, request_id)
    services.reopen_request(by=request.user, item=item)
    return queries.get_request_for(request.user, request_id)


# --- Account plans --------------------------------------------------------------------------
class ServiceOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    is_active: bool


class ServiceIn(Schema):
    code: str = Field(min_length=1, max_length=40, description="letters, digits, - and _")
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=120)
    is_active: Flag = True


class ServicePatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    is_active: Flag | None = None


class PlayOut(Schema):
    id: int
    title: str
    service_id: int | None
    owner: PersonRef
    due_on: date
    status: PlannedPlay.Status

    @staticmethod
    def resolve_owner(play: PlannedPlay) -> dict:
        return _person(play.owner)


class PlanOut(Schema):
    id: int
    client: ClientRef
    year: int
    objectives: str
    whitespace_ids: list[int]
    renewal_on: date | None
    renewal_note: str
    plays: list[PlayOut]

    @staticmethod
    def resolve_client(plan: AccountPlan) -> dict:
        return {"id": plan.client_id, "name": str(plan.client)}

    @staticmethod
    def resolve_whitespace_ids(plan: AccountPlan) -> list[int]:
        return [service.pk for service in plan.whitespace.all()]

    @staticmethod
    def resolve_plays(plan: AccountPlan) -> list:
        return list(plan.plays.all())


class PlanPatch(Schema):
    year: int | None = Field(None, ge=2000, le=2100, strict=True)
    objectives: str | None = Field(None, min_length=1, max_length=4000)
    whitespace_ids: list[BodyId] | None = Field(None, max_length=50)
    renewal_on: IsoDate | None = None
    renewal_note: str | None = Field(None, max_length=300)


class PlanIn(PlanPatch):
    client_id: BodyId
    year: int = Field(ge=2000, le=2100, strict=True)
    objectives: str = Field(min_length=1, max_length=4000)


class PlayPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    service_id: BodyId | None = None
    owner_id: BodyId | None = None
    due_on: IsoDate | None = None
    status: PlannedPlay.Status | None = None


class PlayIn(PlayPatch):
    title: str = Field(min_length=1, max_length=200)
    owner_id: BodyId
    due_on: IsoDate


def _catalogue_services(ids: list[int], field: str) -> list[AgencyService]:
    found = list(queries.services_to_choose().filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError(gettext_lazy("There is no such service."), field=field)
    return found


def _plan_fields(data: dict) -> dict:
    if "whitespace_ids" in data:
        data["whitespace"] = _catalogue_services(data.pop("whitespace_ids") or [], "whitespace_ids")
    return data


def _play_fields(data: dict) -> dict:
    if "service_id" in data:
        pk = data.pop("service_id")
        data["service"] = _catalogue_services([pk], "service_id")[0] if pk else None
    if "owner_id" in data:
        data["owner"] = _active_person(data.pop("owner_id"), "owner_id")
    return data


def _plan_out(viewer: User, pk: int) -> AccountPlan:
    return queries.plans_for_list(viewer).get(pk=pk)


@router.get("/services", response={200: list[ServiceOut], **ERRORS}, summary="Service catalogue")
@paginate(Pagination)
def list_services(
    request: HttpRequest, retired: bool = Query(False, description="include retired services")
):
    return queries.catalogue() if retired else queries.services_to_choose()


@router.get("/services/{service_id}", response={200: ServiceOut, **ERRORS})
def get_service(request: HttpRequest, service_id: Id):
    return queries.get_service(service_id)


@router.post("/services", response={201: ServiceOut, **ERRORS}, summary="Add a service (admins)")
def create_service(request: HttpRequest, payload: ServiceIn):
    return Status(201, services.create_service(by=request.user, **payload.dict()))


@router.patch(
    "/services/{service_id}", response={200: ServiceOut, **ERRORS}, summary="Change (admins)"
)
def patch_service(request: HttpRequest, service_id: Id, payload: ServicePatch):
    service = queries.get_service(service_id)
    return services.update_service(
        by=request.user, service=service, **payload.dict(exclude_unset=True)
    )


@router.get("/account-plans", response={200: list[PlanOut], **ERRORS}, summary="Account plans")
@paginate(Pagination)
def list_plans(
    request: HttpRequest,
    client_id: Id | None = None,
    year: int | None = Query(None, ge=2000, le=2100),
):
    return queries.plans_for_list(request.user, client_id=client_id, year=year)


@router.get("/account-plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request: HttpRequest, plan_id: Id):
    queries.get_plan_for(request.user, plan_id)
    return _plan_out(request.user, plan_id)


@router.post("/account-plans", response={201: PlanOut, **ERRORS}, summary="Write a year's plan")
def create_plan(request: HttpRequest, payload: PlanIn):
    data = payload.dict(exclude_unset=True)
    client = _visible_client(request.user, data.pop("client_id"), "client_id")
    plan = services.create_plan(by=request.user, client=client, **_plan_fields(data))
    return Status(201, _plan_out(request.user, plan.pk))


@router.patch("/account-plans/{plan_id}", response={200: PlanOut, **ERRORS})
def patch_plan(request: HttpRequest, plan_id: Id, payload: PlanPatch):
    plan = queries.get_plan_for(request.user, plan_id)
    services.update_plan(
        by=request.user, plan=plan, **_plan_fields(payload.dict(exclude_unset=True))
    )
    return _plan_out(request.user, plan_id)


@router.post(
    "/account-plans/{plan_id}/plays", response={201: PlayOut, **ERRORS}, summary="Add a play"
)
def add_play(request: HttpRequest, plan_id: Id, payload: PlayIn):
    plan = queries.get_plan_for(request.user, plan_id)
    data = _play_fields(payload.dict(exclude_unset=True))
    play = services.add_play(by=request.user, plan=plan, **data)
    return Status(201, play)


@router.patch("/account-plans/{plan_id}/plays/{play_id}", response={200: PlayOut, **ERRORS})
def patch_play(request: HttpRequest, plan_id: Id, play_id: Id, payload: PlayPatch):
    play = queries.get_play_for(request.user, play_id)
    if play.plan_id != plan_id:
        raise DomainError(gettext_lazy("There is no such play in this plan."), field="play_id")
    return services.update_play(
        by=request.user, play=play, **_play_fields(payload.dict(exclude_unset=True))
    )

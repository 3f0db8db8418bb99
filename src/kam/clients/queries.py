"""Reads of clients, their account teams, stakeholders and interactions, each starting from what
the user may see."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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
from kam.core import access
from kam.core.agenda import AgendaItem
from kam.core.audit import history_of
from kam.core.search import matching
from kam.core.search import terms as search_terms
from kam.people.models import User


def sees_every_client(user: User) -> bool:
    """Admins and Finance: their reads need no client filter at all."""
    return access.is_signed_in(user) and (access.is_admin(user) or access.is_finance(user))


def clients_visible_to(user: User) -> QuerySet[Client]:
    """Admins and Finance see every client; a KAM (anyone) the clients whose account team they
    are on; a Director also every client of the people in the teams they lead, and the
    prospects Sales owns until they hand them over."""
    if not access.is_signed_in(user):
        return Client.objects.none()
    if sees_every_client(user):
        return Client.objects.all()
    on_team = ClientTeamMember.objects.filter(user=user).values("client_id")
    scope = Q(owner=user) | Q(pk__in=on_team)
    if access.is_director(user):
        led = User.objects.filter(team__leader=user).values("pk")
        scope |= (
            Q(owner__in=led)
            | Q(pk__in=ClientTeamMember.objects.filter(user__in=led).values("client_id"))
            # Sales' own clients are the prospects they are winning, before a KAM has them.
            | Q(owner__is_sales=True)
        )
    return Client.objects.filter(scope)


def clients_changeable_by(user: User) -> QuerySet[Client]:
    """The clients `can_change_client` lets the user change, as one query: their own, those
    whose account team they are on as a KAM or executive, those their team owns (Director)."""
    if not access.is_signed_in(user):
        return Client.objects.none()
    if access.is_admin(user):
        return Client.objects.all()
    scope = Q(owner=user)
    if access.is_kam(user):
        kam_side = ClientTeamMember.objects.filter(user=user, role__in=["kam", "executive"])
        scope |= Q(pk__in=kam_side.values("client_id"))
    if access.is_director(user):
        scope |= Q(owner__team__leader=user)
    return Client.objects.filter(scope)


def ids_of_clients_changeable_by(user: User) -> QuerySet:
    """The ids of `clients_changeable_by`, as a union for filtering records by client (see
    `ids_of_clients_seen_by`)."""
    if not access.is_signed_in(user):
        return Client.objects.none().values("pk")
    if access.is_admin(user):
        return Client.objects.values("pk")
    parts = [Client.objects.filter(owner=user).values("pk")]
    if access.is_kam(user):
        kam_side = ClientTeamMember.objects.filter(user=user, role__in=["kam", "executive"])
        parts.append(kam_side.values("client_id"))
    if access.is_director(user):
        parts.append(Client.objects.filter(owner__team__leader=user).values("pk"))
    first, *rest = (part.order_by() for part in parts)
    return first.union(*rest) if rest else first


def of_visible_clients(records: QuerySet, user: User) -> QuerySet:
    """The records (of a model with a `client`) whose client the user sees. For those who see
    every client there is no filter at all: "client in (every client)" would lead the database
    to walk each client's rows instead of reading the newest first."""
    if sees_every_client(user):
        return records
    return records.filter(client__in=ids_of_clients_seen_by(user))


def ids_of_clients_seen_by(user: User) -> QuerySet:
    """The ids of the clients `clients_visible_to` gives, as a UNION of indexed lookups rather
    than its one OR: PostgreSQL estimates that OR of subqueries at half of all clients and
    then scans every invoice or interaction to filter them, while each part of a union it
    estimates, and reads, through its index. For filtering records by client; nested inside
    a query on clients the union misleads the planner instead, so those keep the OR."""
    if not access.is_signed_in(user):
        return Client.objects.none().values("pk")
    parts = [
        Client.objects.filter(owner=user).values("pk"),
        ClientTeamMember.objects.filter(user=user).values("client_id"),
    ]
    if access.is_director(user):
        led = User.objects.filter(team__leader=user).values("pk")
        parts += [
            Client.objects.filter(owner__in=led).values("pk"),
            ClientTeamMember.objects.filter(user__in=led).values("client_id"),
            Client.objects.filter(owner__is_sales=True).values("pk"),
        ]
    first, *rest = (part.order_by() for part in parts)
    return first.union(*rest)


def names_of(clients: QuerySet[Client]) -> list[tuple[int, str]]:
    """(pk, name as the client shows itself) in the queryset's order, for a filter's choices:
    thousands of them cost a few milliseconds this way, not a model instance each."""
    return [
        (pk, short_name or legal_name)
        for pk, short_name, legal_name in clients.values_list("pk", "short_name", "legal_name")
    ]


def get_client_for(user: User, pk: int) -> Client:
    """The same 404 for 'does not exist' and 'not yours'."""
    return get_object_or_404(
        clients_visible_to(user).select_related("owner", "owner__team", "parent"), pk=pk
    )


def _last_contact() -> Subquery:
    return Subquery(
        Interaction.objects.filter(client=OuterRef("pk"), kind__in=Interaction.CONTACT_KINDS)
        .order_by("-happened_at")
        .values("happened_at")[:1]
    )


def quiet_since():
    """Key clients with no contact since this moment have gone quiet (KAM_QUIET_AFTER_DAYS)."""
    return timezone.now() - timedelta(days=settings.KAM_QUIET_AFTER_DAYS)


def with_contact_state(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Annotate `last_contact_at` and `is_quiet` (a key client without recent contact)."""
    return clients.annotate(last_contact_at=_last_contact()).annotate(
        is_quiet=Case(
            When(
                Q(tier=Client.Tier.KEY)
                & (Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=quiet_since())),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


CLIENT_SORTS = {
    "name": ("legal_name",),
    "-name": ("-legal_name",),
    "tier": ("tier", "legal_name"),
    "last_contact": ("last_contact_at", "legal_name"),
    "-last_contact": ("-last_contact_at", "legal_name"),
    "-created": ("-created_at",),
}


def clients_for_list(
    viewer: User,
    *,
    search: str = "",
    tier: str = "",
    status: str = "",
    industry: str = "",
    owner_id: int | None = None,
    quiet_only: bool = False,
    sort: str = "name",
) -> QuerySet[Client]:
    """The client list: filtered, searched, with last contact and the quiet flag, sorted."""
    clients = with_contact_state(clients_visible_to(viewer).select_related("owner"))
    clients = matching(clients, search_terms(search), through_index=sees_every_client(viewer))
    filters = {"tier": tier, "status": status, "industry": industry, "owner_id": owner_id}
    clients = clients.filter(**{name: value for name, value in filters.items() if value})
    if quiet_only:
        clients = clients.filter(is_quiet=True)
    return clients.order_by(*CLIENT_SORTS.get(sort, CLIENT_SORTS["name"]), "pk")


def owners_to_choose() -> QuerySet[User]:
    """People who may own a client: active KAMs and Directors."""
    return User.objects.filter(Q(is_kam=True) | Q(is_director=True), is_active=True).order_by(
        "full_name"
    )


def client_owners_visible_to(viewer: User) -> QuerySet[User]:
    """The owners of the clients the viewer sees, for the list's filter."""
    owner_ids = clients_visible_to(viewer).values("owner_id")
    return User.objects.filter(pk__in=owner_ids).order_by("full_name")


def parents_to_choose(viewer: User, client: Client | None = None) -> QuerySet[Client]:
    """Clients that may be the parent company: visible ones, never the client itself."""
    clients = clients_visible_to(viewer).order_by("legal_name")
    return clients.exclude(pk=client.pk) if client and client.pk else clients


def team_of(client: Client) -> QuerySet[ClientTeamMember]:
    return client.team_members.select_related("user").order_by("role", "user__full_name")


def people_to_add_to_team() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("full_name")


def get_team_member_for(viewer: User, pk: int) -> ClientTeamMember:
    return get_object_or_404(
        of_visible_clients(ClientTeamMember.objects.all(), viewer).select_related("client", "user"),
        pk=pk,
    )


# --- Stakeholders ---------------------------------------------------------------------------
def stakeholders_visible_to(user: User) -> QuerySet[Stakeholder]:
    return of_visible_clients(Stakeholder.objects.all(), user)


def get_stakeholder_for(user: User, pk: int) -> Stakeholder:
    return get_object_or_404(stakeholders_visible_to(user).select_related("client"), pk=pk)


def stakeholders_for_list(
    viewer: User, *, client_id: int | None = None, search: str = ""
) -> QuerySet[Stakeholder]:
    stakeholders = stakeholders_visible_to(viewer).select_related("client")
    if client_id:
        stakeholders = stakeholders.filter(client_id=client_id)
    stakeholders = matching(
        stakeholders, search_terms(search), through_index=sees_every_client(viewer)
    )
    return stakeholders.order_by("client__legal_name", "-is_active", "-influence", "full_name")


def stakeholders_of(client: Client) -> QuerySet[Stakeholder]:
    return client.stakeholders.order_by("-is_active", "-influence", "full_name")


# --- Interactions ---------------------------------------------------------------------------
def interactions_visible_to(user: User) -> QuerySet[Interaction]:
    return of_visible_clients(Interaction.objects.all(), user)


def with_participants(interactions: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return interactions.select_related("client", "recorded_by", "next_step_owner").prefetch_related(
        Prefetch("our_people", queryset=User.objects.order_by("full_name")),
        Prefetch("stakeholders", queryset=Stakeholder.objects.order_by("full_name")),
    )


def get_interaction_for(user: User, pk: int) -> Interaction:
    return get_object_or_404(with_participants(interactions_visible_to(user)), pk=pk)


def interactions_for_list(
    viewer: User,
    *,
    client_id: int | None = None,
    kind: str = "",
    since=None,
    until=None,
    search: str = "",
) -> QuerySet[Interaction]:
    interactions = interactions_visible_to(viewer)
    if client_id:
        interactions = interactions.filter(client_id=client_id)
    if kind:
        interactions = interactions.filter(kind=kind)
    if since:
        interactions = interactions.filter(happened_at__gte=since)
    if until:
        interactions = interactions.filter(happened_at__lt=until)
    interactions = matching(
        interactions, search_terms(search), through_index=sees_every_client(viewer)
    )
    return with_participants(interactions).order_by("-happened_at", "-pk")


def timeline_of(client: Client, limit: int = 30) -> list[dict]:
    """The client's story, newest first: its interactions and the changes made to it."""
    interactions = with_participants(client.interactions.all()).order_by("-happened_at", "-pk")
    entries = [{"at": item.happened_at, "interaction": item} for item in interactions[:limit]]
    entries += [{"at": event.at, "event": event} for event in history_of(client, limit=limit)]
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)[:limit]


def open_next_steps(client: Client) -> QuerySet[Interaction]:
    """Next steps not done yet, soonest first."""
    return (
        client.interactions.exclude(next_step="")
        .filter(next_step_done_at__isnull=True)
        .select_related("next_step_owner")
        .order_by("next_step_due_on", "pk")
    )


def account_team_people(client: Client) -> QuerySet[User]:
    """The owner and the account team: who takes part in and follows up on interactions."""
    members = ClientTeamMember.objects.filter(client=client).values("user_id")
    return User.objects.filter(Q(pk=client.owner_id) | Q(pk__in=members), is_active=True).order_by(
        "full_name"
    )


def stakeholders_of_clients(clients: QuerySet[Client]) -> QuerySet[Stakeholder]:
    """The stakeholders of a (filtered) client list, for its export."""
    return (
        Stakeholder.objects.filter(client__in=clients.values("pk"))
        .select_related("client")
        .order_by("client__legal_name", "-is_active", "full_name")
    )


def get_import_for(user: User, pk: int) -> ImportBatch:
    """An upload is seen by the person who made it, and nobody else."""
    return get_object_or_404(ImportBatch.objects.filter(created_by=user), pk=pk)


# --- Search ---------------------------------------------------------------------------------
SEARCH_LIMIT = 10


def search(viewer: User, query: str, limit: int = SEARCH_LIMIT) -> dict:
    """Clients, stakeholders and interactions matching every word of `query`, ignoring accents
    and case, among what the viewer may see; at most `limit` of each, best known first."""
    words = search_terms(query)
    if not words:
        return {"clients": [], "stakeholders": [], "interactions": []}
    broad = sees_every_client(viewer)
    clients = matching(clients_visible_to(viewer), words, through_index=broad)
    stakeholders = matching(stakeholders_visible_to(viewer), words, through_index=broad)
    interactions = matching(interactions_visible_to(viewer), words, through_index=broad)
    return {
        "clients": list(clients.select_related("owner").order_by("legal_name")[:limit]),
        "stakeholders": list(
            stakeholders.select_related("client").order_by("-is_active", "full_name")[:limit]
        ),
        "interactions": list(
            interactions.select_related("client").order_by("-happened_at", "-pk")[:limit]
        ),
    }


# --- Special terms --------------------------------------------------------------------------
def terms_visible_to(user: User) -> QuerySet[SpecialTerm]:
    return of_visible_clients(SpecialTerm.objects.all(), user)


def get_term_for(user: User, pk: int) -> SpecialTerm:
    return get_object_or_404(
        terms_visible_to(user).select_related("client", "client__owner", "client__owner__team"),
        pk=pk,
    )


def terms_for_list(
    viewer: User, *, client_id: int | None = None, state: str = ""
) -> QuerySet[SpecialTerm]:
    terms = terms_visible_to(viewer).select_related("client", "proposed_by", "approved_by")
    if client_id:
        terms = terms.filter(client_id=client_id)
    if state:
        terms = terms.filter(_state_filter(state))
    return terms.order_by("-valid_from", "-pk")


def _state_filter(state: str) -> Q:
    """The same states as SpecialTerm.state_on, as a filter for today."""
    today = timezone.localdate()
    approved = Q(approved_at__isnull=False)
    return {
        SpecialTerm.State.PENDING: Q(approved_at__isnull=True),
        SpecialTerm.State.EXPIRED: approved & Q(valid_until__lt=today),
        SpecialTerm.State.UPCOMING: approved & Q(valid_from__gt=today),
        SpecialTerm.State.ACTIVE: approved
        & Q(valid_from__lte=today)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=today)),
    }[state]


def terms_of(client: Client) -> dict[str, list[SpecialTerm]]:
    """A client's terms for its page: the ones that count now or soon, and the expired ones
    kept as history."""
    today = timezone.localdate()
    current, history = [], []
    for term in client.terms.select_related("proposed_by", "approved_by").order_by("-valid_from"):
        term.state = term.state_on(today)
        term.state_label = SpecialTerm.State(term.state).label
        (history if term.state == SpecialTerm.State.EXPIRED else current).append(term)
    return {"current": current, "history": history}


# --- Client requests and complaints ---------------------------------------------------------
def requests_visible_to(user: User) -> QuerySet[ClientRequest]:
    """A client's requests, and also to the person a request is assigned to (a department
    member who works it without being on the account team)."""
    if not access.is_signed_in(user):
        return ClientRequest.objects.none()
    if sees_every_client(user):
        return ClientRequest.objects.all()
    return ClientRequest.objects.filter(
        Q(client__any_of=clients_visible_to(user)) | Q(assignee=user)
    )


def get_request_for(user: User, pk: int) -> ClientRequest:
    return get_object_or_404(
        requests_visible_to(user).select_related(
            "client", "client__owner", "client__owner__team", "raised_by", "department",
            "assignee", "created_by",
        ),
        pk=pk,
    )  # fmt: skip


UNRESOLVED = [ClientRequest.Status.OPEN, ClientRequest.Status.IN_PROGRESS]


def requests_for_list(
    viewer: User,
    *,
    client_id: int | None = None,
    status: str = "",
    kind: str = "",
    assigned_to_me: bool = False,
) -> QuerySet[ClientRequest]:
    items = requests_visible_to(viewer).select_related(
        "client", "assignee", "department", "created_by"
    )
    if client_id:
        items = items.filter(client_id=client_id)
    if status == "unresolved":
        items = items.filter(status__in=UNRESOLVED)
    elif status:
        items = items.filter(status=status)
    if kind:
        items = items.filter(kind=kind)
    if assigned_to_me:
        items = items.filter(assignee=viewer)
    severity_first = Case(
        *[When(severity=level, then=Value(rank)) for rank, level in enumerate(SEVERITY_ORDER)],
        default=Value(len(SEVERITY_ORDER)),
    )
    return items.order_by(severity_first, "due_on", "-created_at")


SEVERITY_ORDER = ["critical", "high", "medium", "low"]


def open_requests_of(client: Client) -> QuerySet[ClientRequest]:
    return requests_for_list_of(client).filter(status__in=UNRESOLVED)


def requests_for_list_of(client: Client) -> QuerySet[ClientRequest]:
    return client.requests.select_related("assignee", "department").order_by("-created_at")


# --- The service catalogue and account plans ------------------------------------------------
def services_to_choose(keep: Iterable[int] = ()) -> QuerySet[AgencyService]:
    """Offered services, plus the ids in `keep` (a record's own choice, even if retired since)."""
    return AgencyService.objects.filter(Q(is_active=True) | Q(pk__in=keep)).order_by("name")


def catalogue() -> QuerySet[AgencyService]:
    """Every service, offered ones first: the catalogue is no secret, anyone signed in reads it."""
    return AgencyService.objects.order_by("-is_active", "name")


def get_service(pk: int) -> AgencyService:
    return get_object_or_404(AgencyService, pk=pk)


def plans_with_whitespace(viewer: User, service: AgencyService, year: int):
    """The year's plans the viewer sees that list the service as whitespace: where to sell it."""
    return (
        plans_visible_to(viewer)
        .filter(whitespace=service, year=year)
        .select_related("client", "client__owner")
        .order_by("client__legal_name")
    )


def plans_visible_to(user: User) -> QuerySet[AccountPlan]:
    return of_visible_clients(AccountPlan.objects.all(), user)


def get_plan_for(user: User, pk: int) -> AccountPlan:
    return get_object_or_404(
        plans_visible_to(user).select_related("client", "client__owner", "client__owner__team"),
        pk=pk,
    )


def plans_for_list(
    viewer: User, *, client_id: int | None = None, year: int | None = None
) -> QuerySet[AccountPlan]:
    plans = (
        plans_visible_to(viewer)
        .select_related("client")
        .prefetch_related(
            Prefetch("whitespace", queryset=AgencyService.objects.order_by("name")),
            Prefetch("plays", queryset=PlannedPlay.objects.select_related("owner", "service")),
        )
    )
    if client_id:
        plans = plans.filter(client_id=client_id)
    if year:
        plans = plans.filter(year=year)
    return plans.order_by("-year", "client__legal_name")


def get_play_for(user: User, pk: int) -> PlannedPlay:
    return get_object_or_404(
        PlannedPlay.objects.filter(plan__in=plans_visible_to(user)).select_related(
            "plan", "plan__client", "plan__client__owner", "plan__client__owner__team"
        ),
        pk=pk,
    )


def plays_of(plan: AccountPlan) -> QuerySet[PlannedPlay]:
    return plan.plays.select_related("owner", "service").order_by("due_on", "pk")


def plan_of_year(client: Client, year: int) -> AccountPlan | None:
    """The client's plan for the year, with its whitespace and plays, for the client page."""
    return (
        client.plans.filter(year=year)
        .prefetch_related(
            Prefetch("whitespace", queryset=AgencyService.objects.order_by("name")),
            Prefetch("plays", queryset=PlannedPlay.objects.select_related("owner", "service")),
        )
        .first()
    )


# --- The agenda ------------------------------------------------------------------------------
AGENDA_LIMIT = 50


def agenda_items(user: User) -> list[AgendaItem]:
    """The interactions' next steps the person owns, due within a week or overdue; each can be
    marked done from the agenda."""
    if not access.is_signed_in(user):
        return []
    soon = timezone.localdate() + timedelta(days=7)
    steps = (
        Interaction.objects.filter(
            next_step_owner=user, next_step_done_at__isnull=True, next_step_due_on__lte=soon
        )
        .exclude(next_step="")
        .select_related("client")
        .order_by("next_step_due_on", "pk")[:AGENDA_LIMIT]
    )
    return [
        AgendaItem(
            title=f"{step.next_step} · {step.client}",
            url=reverse("clients:client_detail", args=[step.client_id]),
            action=_("Next step with the client"),
            due_on=step.next_step_due_on,
            done_url=reverse("clients:interaction_next_step_done", args=[step.pk]),
            done_label=_("Done"),
        )
        for step in steps
    ]

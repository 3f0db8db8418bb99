"""Reads of leads, opportunities, stages and hand-overs, each starting from what the user may
see; the pipeline's totals are aggregated in the database (the forecast: growth.forecast)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.clients.models import Client, SpecialTerm
from kam.clients.queries import clients_visible_to, sees_every_client
from kam.core import access
from kam.core.agenda import AgendaItem
from kam.core.search import matching
from kam.core.search import terms as search_terms
from kam.core.vietnam import company_name_key, normalise_tax_code
from kam.growth.models import Handover, Lead, Opportunity, Stage
from kam.growth.permissions import can_create_lead
from kam.people.models import Team, User

MONEY = DecimalField(max_digits=24, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
WEIGHTED = ExpressionWrapper(F("value_amount") * F("probability") / 100, output_field=MONEY)
AGENDA_LIMIT = 20


# --- Stages ---------------------------------------------------------------------------------
def stages_in_use() -> QuerySet[Stage]:
    return Stage.objects.filter(is_active=True)


def all_stages() -> QuerySet[Stage]:
    return Stage.objects.all()


def get_stage(pk: int) -> Stage:
    return get_object_or_404(Stage, pk=pk)


def first_stage() -> Stage | None:
    return stages_in_use().first()


# --- Leads ----------------------------------------------------------------------------------
def sees_leads(user: User) -> bool:
    return can_create_lead(user)


def leads_visible_to(user: User) -> QuerySet[Lead]:
    """Directors and admins see every lead (no team has the company yet); Sales their own."""
    if access.is_admin(user) or access.is_director(user):
        return Lead.objects.all()
    if not access.is_signed_in(user):
        return Lead.objects.none()
    return Lead.objects.filter(owner=user)


def get_lead_for(user: User, pk: int) -> Lead:
    return get_object_or_404(leads_visible_to(user).select_related("owner", "client"), pk=pk)


def leads_for_list(user: User, *, status: str = "", query: str = "") -> QuerySet[Lead]:
    leads = leads_visible_to(user).select_related("owner", "client")
    if status == "working":
        leads = leads.filter(
            status__in=[Lead.Status.NEW, Lead.Status.CONTACTED, Lead.Status.QUALIFIED]
        )
    elif status:
        leads = leads.filter(status=status)
    if query:
        leads = matching(leads, search_terms(query))
    return leads.order_by("-created_at", "-pk")


def client_matching_lead(lead: Lead) -> Client | None:
    """The client a lead is about, if kam has it already: the same tax code, or else the same
    name once legal forms, marks and case are set aside. Every client counts, not only those
    the converting user sees, since a duplicate client is what this prevents."""
    code = normalise_tax_code(lead.tax_code)
    if code:
        found = Client.objects.filter(tax_code=code).first()
        if found:
            return found
    key = company_name_key(lead.company_name)
    if not key:
        return None
    candidates = matching(Client.objects.all(), search_terms(key)).order_by("pk")[:50]
    for candidate in candidates:
        if key in (company_name_key(candidate.legal_name), company_name_key(candidate.short_name)):
            return candidate
    return None


# --- Opportunities --------------------------------------------------------------------------
def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    """Admins and Finance see every opportunity; others those they own and those of the
    clients they see; a Director also those owned by the people of the teams they lead, and
    Sales' (the new business the Directors oversee)."""
    if not access.is_signed_in(user):
        return Opportunity.objects.none()
    if sees_every_client(user):
        return Opportunity.objects.all()
    scope = Q(owner=user) | Q(client__any_of=clients_visible_to(user))
    if access.is_director(user):
        scope |= Q(owner__any_of=User.objects.filter(Q(team__leader=user) | Q(is_sales=True)))
    return Opportunity.objects.filter(scope)


def get_opportunity_for(user: User, pk: int) -> Opportunity:
    return get_object_or_404(
        opportunities_visible_to(user).select_related(
            "client", "owner", "stage", "created_by", "lead", "renewal_of_term"
        ),
        pk=pk,
    )


@dataclass
class PipelineFilters:
    """What the pipeline's table and board are narrowed to."""

    status: str = "open"
    stage: int | None = None
    kind: str = ""
    owner: int | None = None
    client: int | None = None
    closing_from: date | None = None
    closing_to: date | None = None
    query: str = ""


def opportunities_for_list(user: User, filters: PipelineFilters) -> QuerySet[Opportunity]:
    records = opportunities_visible_to(user).select_related("client", "owner", "stage")
    if filters.status:
        records = records.filter(status=filters.status)
    if filters.stage:
        records = records.filter(stage_id=filters.stage)
    if filters.kind:
        records = records.filter(kind=filters.kind)
    if filters.owner:
        records = records.filter(owner_id=filters.owner)
    if filters.client:
        records = records.filter(client_id=filters.client)
    if filters.closing_from:
        records = records.filter(expected_close_on__gte=filters.closing_from)
    if filters.closing_to:
        records = records.filter(expected_close_on__lte=filters.closing_to)
    for word in search_terms(filters.query):
        records = records.filter(
            Q(search_text__contains=word) | Q(client__search_text__contains=word)
        )
    return records.order_by("expected_close_on", "pk")


def pipeline_totals(records: QuerySet[Opportunity]) -> dict:
    """How many, what they are worth, and worth weighted by probability, in one query."""
    return records.order_by().aggregate(
        count=Count("pk"),
        value=Coalesce(Sum("value_amount"), ZERO),
        weighted=Coalesce(Sum(WEIGHTED), ZERO),
    )


@dataclass
class BoardColumn:
    stage: Stage
    cards: list[Opportunity] = field(default_factory=list)
    count: int = 0
    value: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)


BOARD_CARDS_PER_STAGE = 30


def board_columns(user: User, filters: PipelineFilters) -> list[BoardColumn]:
    """The open pipeline by stage: each stage's totals (one grouped query) and its soonest
    closing cards (one query per stage, bounded by the number of stages)."""
    open_ones = opportunities_for_list(user, PipelineFilters(**{**vars(filters), "status": "open"}))
    totals = {
        row["stage_id"]: row
        for row in open_ones.order_by()
        .values("stage_id")
        .annotate(count=Count("pk"), value=Sum("value_amount"), weighted=Sum(WEIGHTED))
    }
    columns = []
    for stage in stages_in_use() if not filters.stage else all_stages().filter(pk=filters.stage):
        row = totals.get(stage.pk, {})
        columns.append(
            BoardColumn(
                stage=stage,
                cards=list(open_ones.filter(stage=stage)[:BOARD_CARDS_PER_STAGE]),
                count=row.get("count", 0),
                value=row.get("value") or Decimal(0),
                weighted=row.get("weighted") or Decimal(0),
            )
        )
    return columns


def opportunities_of_client(user: User, client: Client) -> QuerySet[Opportunity]:
    return (
        opportunities_visible_to(user)
        .filter(client=client)
        .select_related("owner", "stage")
        .order_by("status", "expected_close_on", "pk")
    )


# Admins may hold either (an agency's owner often sells and keeps clients too).
OWNS_OPPORTUNITIES = Q(is_kam=True) | Q(is_director=True) | Q(is_sales=True) | Q(is_superuser=True)
OWNS_LEADS = Q(is_sales=True) | Q(is_director=True) | Q(is_superuser=True)


def owners_to_choose() -> QuerySet[User]:
    """Who may own an opportunity: active KAMs, Directors, Sales and admins."""
    return User.objects.filter(OWNS_OPPORTUNITIES, is_active=True).order_by("full_name")


def may_own_opportunities(user: User) -> bool:
    return owners_to_choose().filter(pk=user.pk).exists()


def lead_owners_to_choose() -> QuerySet[User]:
    """Who may own a lead: active salespeople, Directors and admins."""
    return User.objects.filter(OWNS_LEADS, is_active=True).order_by("full_name")


def may_own_leads(user: User) -> bool:
    return lead_owners_to_choose().filter(pk=user.pk).exists()


def kams_to_choose() -> QuerySet[User]:
    """Who may receive a hand-over: active KAMs (and Directors, who may keep a client)."""
    return User.objects.filter(Q(is_kam=True) | Q(is_director=True), is_active=True).order_by(
        "full_name"
    )


def clients_for_opportunities(user: User) -> QuerySet[Client]:
    return clients_visible_to(user).order_by("legal_name")


# --- Renewals -------------------------------------------------------------------------------
def terms_due_for_renewal(today: date) -> QuerySet[SpecialTerm]:
    """Approved special terms ending within the notice period that have no renewal
    opportunity yet."""
    until = today + timedelta(days=settings.KAM_RENEWAL_NOTICE_DAYS)
    return (
        SpecialTerm.objects.filter(
            approved_at__isnull=False,
            valid_until__gte=today,
            valid_until__lte=until,
            renewal_opportunity__isnull=True,
        )
        .select_related("client", "client__owner")
        .order_by("valid_until", "pk")
    )


def teams_to_choose() -> QuerySet[Team]:
    return Team.objects.order_by("name")


# --- Hand-overs -----------------------------------------------------------------------------
def handovers_visible_to(user: User) -> QuerySet[Handover]:
    """Admins see every hand-over; the two people of one see it, as does whoever sees its
    client, and a Director those to the people of the teams they lead."""
    if not access.is_signed_in(user):
        return Handover.objects.none()
    if access.is_admin(user):
        return Handover.objects.all()
    scope = Q(from_user=user) | Q(to_kam=user) | Q(client__any_of=clients_visible_to(user))
    if access.is_director(user):
        scope |= Q(to_kam__any_of=User.objects.filter(team__leader=user))
    return Handover.objects.filter(scope)


def get_handover_for(user: User, pk: int) -> Handover:
    return get_object_or_404(
        handovers_visible_to(user).select_related("client", "from_user", "to_kam", "opportunity"),
        pk=pk,
    )


def handovers_for_list(user: User, *, status: str = "") -> QuerySet[Handover]:
    records = handovers_visible_to(user).select_related("client", "from_user", "to_kam")
    if status == "open":
        records = records.exclude(status=Handover.Status.ACCEPTED)
    elif status:
        records = records.filter(status=status)
    return records.order_by("-created_at", "-pk")


def open_handover_of(client: Client) -> Handover | None:
    return client.handovers.exclude(status=Handover.Status.ACCEPTED).first()


# --- The agenda and the digest --------------------------------------------------------------
def agenda_items(user: User) -> list[AgendaItem]:
    """Hand-overs waiting on either of their two people, and the next steps of the person's
    open opportunities due within a week or overdue."""
    items = [_handover_item(user, handover) for handover in _open_handovers_of(user)]
    soon = timezone.localdate() + timedelta(days=7)
    steps = (
        Opportunity.objects.filter(owner=user, status="open", next_step_due_on__lte=soon)
        .select_related("client")
        .order_by("next_step_due_on", "pk")[:AGENDA_LIMIT]
    )
    items += [
        AgendaItem(
            title=str(opportunity),
            url=reverse("growth:opportunity_detail", args=[opportunity.pk]),
            action=_("Next step"),
            detail=opportunity.next_step,
            due_on=opportunity.next_step_due_on,
            value=opportunity.value_amount,
        )
        for opportunity in steps
    ]
    return items


def _open_handovers_of(user: User) -> QuerySet[Handover]:
    if not access.is_signed_in(user):
        return Handover.objects.none()
    return (
        Handover.objects.filter(Q(to_kam=user) | Q(from_user=user))
        .exclude(status=Handover.Status.ACCEPTED)
        .select_related("client", "to_kam", "from_user")
        .order_by("created_at", "pk")[:AGENDA_LIMIT]
    )


def _handover_item(user: User, handover: Handover) -> AgendaItem:
    url = reverse("growth:handover_detail", args=[handover.pk])
    if handover.to_kam_id == user.pk and handover.status == Handover.Status.PENDING:
        action = _("Accept the hand-over")
        detail = _("from %(person)s") % {"person": handover.from_user}
    elif handover.status == Handover.Status.RETURNED:
        action = (
            _("Answer the KAM's question")
            if handover.from_user_id == user.pk
            else _("Waiting for an answer")
        )
        detail = handover.question
    else:
        action = _("Hand-over waiting for the KAM")
        detail = str(handover.to_kam)
    return AgendaItem(title=str(handover.client), url=url, action=action, detail=detail)

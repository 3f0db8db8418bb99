"""Reads of briefs, ideas, proposals and pitches, each starting from what the user may see; the
review's ranking and an estimate's totals are computed in the database."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
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

from kam.clients.models import Client, ClientTeamMember, Stakeholder
from kam.clients.queries import (
    clients_changeable_by,
    clients_visible_to,
    names_of,
    sees_every_client,
)
from kam.core import access
from kam.core.agenda import AgendaItem
from kam.core.queries import count_per_row
from kam.core.search import matching
from kam.core.search import terms as search_terms
from kam.people.models import User
from kam.pitching.estimate import Totals, diff_lines
from kam.pitching.models import (
    Brief,
    BriefAttachment,
    BriefMember,
    CreativeBrief,
    EstimateLine,
    Feedback,
    Idea,
    IdeaReview,
    Pitch,
    Proposal,
    ProposalVersion,
)

AGENDA_LIMIT = 20
MONEY = DecimalField(max_digits=24, decimal_places=0)
# The shortlist a proposal is built on: the review must have chosen at least this many ideas.
SHORTLIST_MINIMUM = 3


# --- Briefs ---------------------------------------------------------------------------------
def briefs_visible_to(user: User) -> QuerySet[Brief]:
    """The briefs of the clients the user sees, those whose creative brief they plan and those
    they were brought onto."""
    if not access.is_signed_in(user):
        return Brief.objects.none()
    if sees_every_client(user):
        return Brief.objects.all()
    return Brief.objects.filter(
        Q(client__any_of=clients_visible_to(user))
        | Q(pk__any_of=CreativeBrief.objects.filter(planner=user).values("brief_id"))
        | Q(pk__any_of=BriefMember.objects.filter(user=user).values("brief_id"))
    )


def briefs_with_money_visible_to(user: User) -> QuerySet[Brief]:
    """The briefs whose budgets the user sees: their clients' briefs, and those they plan."""
    if not access.is_signed_in(user):
        return Brief.objects.none()
    if sees_every_client(user):
        return Brief.objects.all()
    return Brief.objects.filter(
        Q(client__any_of=clients_visible_to(user))
        | Q(pk__any_of=CreativeBrief.objects.filter(planner=user).values("brief_id"))
    )


def get_brief_for(user: User, pk: int) -> Brief:
    """The same 404 for 'does not exist' and 'not yours'."""
    return get_object_or_404(
        briefs_visible_to(user).select_related(
            "client", "client__owner", "owner", "opportunity", "creative_brief__planner"
        ),
        pk=pk,
    )


def briefs_for_list(
    user: User, *, status: str = "", client: int | None = None, query: str = ""
) -> QuerySet[Brief]:
    briefs = briefs_visible_to(user).select_related("client", "owner")
    if status == "open":
        briefs = briefs.filter(status__in=OPEN_BRIEF_STATUSES)
    elif status:
        briefs = briefs.filter(status=status)
    if client:
        briefs = briefs.filter(client_id=client)
    if query:
        briefs = matching(briefs, search_terms(query))
    ideas = Idea.objects.filter(brief=OuterRef("pk"))
    return briefs.annotate(idea_count=count_per_row(ideas, "brief")).order_by("-received_on", "-pk")


OPEN_BRIEF_STATUSES = [Brief.Status.RECEIVED, Brief.Status.PLANNING, Brief.Status.PROPOSING]


def briefs_of_client(user: User, client: Client) -> QuerySet[Brief]:
    return briefs_visible_to(user).filter(client=client).select_related("owner", "proposal")


def clients_for_briefs(user: User) -> QuerySet[Client]:
    """The clients a brief may be recorded on: those whose KAM side the user is."""
    return clients_changeable_by(user).exclude(status=Client.Status.LOST).order_by("legal_name")


def attachments_of(brief: Brief) -> QuerySet[BriefAttachment]:
    return brief.attachments.select_related("uploaded_by")


def get_attachment_for(user: User, pk: int) -> BriefAttachment:
    return get_object_or_404(
        BriefAttachment.objects.filter(brief__in=briefs_visible_to(user)).select_related("brief"),
        pk=pk,
    )


def members_of(brief: Brief) -> QuerySet[BriefMember]:
    return brief.members.select_related("user", "user__department")


def people_to_add(brief: Brief) -> QuerySet[User]:
    """Who may be brought onto a brief: active staff not on it already."""
    on_it = BriefMember.objects.filter(brief=brief).values("user_id")
    return User.objects.filter(is_active=True).exclude(pk__in=on_it).exclude(pk=brief.owner_id)


def planners_to_choose(brief: Brief) -> QuerySet[User]:
    """The agency's Planners; where it has none, the brief's KAM takes the creative brief."""
    planners = User.objects.filter(is_active=True, is_planner=True)
    if planners.exists():
        return planners
    return User.objects.filter(pk=brief.owner_id)


def agency_has_planners() -> bool:
    return User.objects.filter(is_active=True, is_planner=True).exists()


# --- Creative briefs ------------------------------------------------------------------------
def creative_briefs_visible_to(user: User) -> QuerySet[CreativeBrief]:
    return CreativeBrief.objects.filter(brief__in=briefs_visible_to(user))


def get_creative_brief_for(user: User, pk: int) -> CreativeBrief:
    return get_object_or_404(
        creative_briefs_visible_to(user).select_related(
            "brief", "brief__client", "planner", "assigned_by"
        ),
        pk=pk,
    )


# --- Ideas and the review -------------------------------------------------------------------
def ideas_visible_to(user: User) -> QuerySet[Idea]:
    return Idea.objects.filter(brief__in=briefs_visible_to(user))


def get_idea_for(user: User, pk: int) -> Idea:
    return get_object_or_404(
        ideas_visible_to(user).select_related("brief", "brief__client", "author"), pk=pk
    )


def ranked_ideas(brief: Brief) -> QuerySet[Idea]:
    """The brief's ideas, best first: each criterion's average score weighed by the brief's
    rubric, out of 5; ideas nobody has reviewed yet come last."""
    weights = {
        "fit": brief.weight_fit,
        "creativity": brief.weight_creativity,
        "feasibility": brief.weight_feasibility,
        "cost": brief.weight_cost,
    }
    total_weight = sum(weights.values()) or 1
    weighted = sum(
        (F(f"average_{name}") * Value(float(weight)) for name, weight in weights.items()),
        Value(0.0),
    )
    return (
        brief.ideas.select_related("author")
        .annotate(
            review_count=Count("reviews"),
            **{
                f"average_{name}": Avg(f"reviews__{name}", output_field=FloatField())
                for name in weights
            },
        )
        .annotate(score=ExpressionWrapper(weighted / Value(float(total_weight)), FloatField()))
        .order_by(F("score").desc(nulls_last=True), "created_at", "pk")
    )


def reviews_by(user: User, brief: Brief) -> dict[int, IdeaReview]:
    """The user's own review of each of the brief's ideas, by idea."""
    reviews = IdeaReview.objects.filter(idea__brief=brief, reviewer=user)
    return {review.idea_id: review for review in reviews}


def reviews_of(idea: Idea) -> QuerySet[IdeaReview]:
    return idea.reviews.select_related("reviewer")


def shortlist_of(brief: Brief) -> QuerySet[Idea]:
    return ranked_ideas(brief).filter(is_shortlisted=True)


def shortlist_size(brief: Brief) -> int:
    return Idea.objects.filter(brief=brief, is_shortlisted=True).count()


def shortlist_shortfall(brief: Brief) -> str:
    """Why no proposal may be written yet, or "" once the shortlist holds enough ideas: the one
    place of the rule, for pages and the API alike."""
    size = shortlist_size(brief)
    if size >= SHORTLIST_MINIMUM:
        return ""
    return _(
        "A proposal is built on at least %(minimum)s shortlisted ideas; this brief has "
        "%(size)s. Review the ideas and shortlist the best."
    ) % {"minimum": SHORTLIST_MINIMUM, "size": size}


# --- Proposals ------------------------------------------------------------------------------
def proposals_visible_to(user: User) -> QuerySet[Proposal]:
    """The proposals of the briefs whose money the user sees."""
    if sees_every_client(user):
        return Proposal.objects.all()
    return Proposal.objects.filter(brief__any_of=briefs_with_money_visible_to(user))


def get_proposal_for(user: User, pk: int) -> Proposal:
    return get_object_or_404(
        proposals_visible_to(user).select_related(
            "brief", "brief__client", "brief__client__owner", "owner", "approved_version"
        ),
        pk=pk,
    )


def proposals_for_list(user: User, *, status: str = "") -> QuerySet[Proposal]:
    proposals = proposals_visible_to(user).select_related("brief", "brief__client", "owner")
    if status:
        proposals = proposals.filter(status=status)
    versions = ProposalVersion.objects.filter(proposal=OuterRef("pk"))
    return proposals.annotate(version_count=count_per_row(versions, "proposal")).order_by(
        "-created_at", "-pk"
    )


def versions_visible_to(user: User) -> QuerySet[ProposalVersion]:
    return ProposalVersion.objects.filter(proposal__in=proposals_visible_to(user))


def get_version_for(user: User, pk: int) -> ProposalVersion:
    return get_object_or_404(
        versions_visible_to(user).select_related(
            "proposal",
            "proposal__brief",
            "proposal__brief__client",
            "proposal__brief__client__owner",
        ),
        pk=pk,
    )


def versions_of(proposal: Proposal) -> QuerySet[ProposalVersion]:
    return proposal.versions.select_related("sent_by", "margin_approved_by").prefetch_related(
        Prefetch("feedback", queryset=Feedback.objects.select_related("stakeholder"))
    )


def current_version(proposal: Proposal) -> ProposalVersion | None:
    return proposal.versions.order_by("-number").first()


def lines_of(version: ProposalVersion) -> QuerySet[EstimateLine]:
    return version.lines.select_related("department")


def get_line_for(user: User, pk: int) -> EstimateLine:
    return get_object_or_404(
        EstimateLine.objects.filter(version__in=versions_visible_to(user)).select_related(
            "version", "version__proposal", "version__proposal__brief"
        ),
        pk=pk,
    )


def totals_of(version: ProposalVersion) -> Totals:
    """The version's estimate summed in the database, with its fee, margin and VAT."""
    sums = version.lines.aggregate(
        cost=Coalesce(Sum("cost_amount"), Value(Decimal(0)), output_field=MONEY),
        price=Coalesce(Sum("price_amount"), Value(Decimal(0)), output_field=MONEY),
    )
    return Totals(
        cost=sums["cost"],
        price=sums["price"],
        fee_percent=version.agency_fee_percent,
        vat_percent=version.vat_percent,
    )


def line_values(version: ProposalVersion) -> list[dict]:
    """The version's lines as plain values, for the diff between versions."""
    return [
        {
            "kind": line["kind"],
            "department_id": line["department_id"],
            "supplier": line["supplier"],
            "description": line["description"],
            "quantity": line["quantity"],
            "unit_cost": line["unit_cost_amount"],
            "unit_price": line["unit_price_amount"],
            "cost": line["cost_amount"],
            "price": line["price_amount"],
        }
        for line in version.lines.order_by("position", "pk").values()
    ]


def changes_since_previous(version: ProposalVersion):
    """What this version changed in the estimate against the version before it ([] for v1)."""
    previous = (
        ProposalVersion.objects.filter(proposal_id=version.proposal_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    if previous is None:
        return []
    return diff_lines(line_values(previous), line_values(version))


def stakeholders_of(proposal: Proposal) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(client_id=proposal.brief.client_id)


def pitches_of(proposal: Proposal) -> QuerySet[Pitch]:
    return proposal.pitches.select_related("version").prefetch_related("presenters", "attendees")


def pitches_visible_to(user: User) -> QuerySet[Pitch]:
    return Pitch.objects.filter(proposal__in=proposals_visible_to(user))


def get_pitch_for(user: User, pk: int) -> Pitch:
    return get_object_or_404(
        pitches_visible_to(user).select_related("proposal", "proposal__brief", "version"), pk=pk
    )


def presenters_to_choose(proposal: Proposal) -> QuerySet[User]:
    """The people who may present: the client's account team, the brief's team and Planners."""
    brief = proposal.brief
    on_team = ClientTeamMember.objects.filter(client_id=brief.client_id).values("user_id")
    members = BriefMember.objects.filter(brief=brief).values("user_id")
    return User.objects.filter(
        Q(pk=brief.client.owner_id)
        | Q(pk__in=on_team)
        | Q(pk__in=members)
        | Q(is_planner=True)
        | Q(pk=brief.owner_id),
        is_active=True,
    )


# --- The agenda -----------------------------------------------------------------------------
def agenda_items(user: User) -> list[AgendaItem]:
    """Creative briefs waiting on their Planner, proposal versions waiting on a Director's
    approval of their margin, and the person's open briefs due within a week."""
    if not access.is_signed_in(user):
        return []
    items = [
        AgendaItem(
            title=str(creative.brief),
            url=reverse("pitching:brief_detail", args=[creative.brief_id]),
            action=_("Write the creative brief"),
            due_on=creative.due_on,
        )
        for creative in CreativeBrief.objects.filter(planner=user, status="assigned")
        .select_related("brief")
        .order_by("due_on", "pk")[:AGENDA_LIMIT]
    ]
    items += [
        AgendaItem(
            title=str(version),
            url=reverse("pitching:proposal_detail", args=[version.proposal_id]),
            action=_("Approve or decline a margin under the floor"),
        )
        for version in _versions_awaiting(user)
    ]
    soon = timezone.localdate() + timedelta(days=7)
    items += [
        AgendaItem(
            title=str(brief),
            url=reverse("pitching:brief_detail", args=[brief.pk]),
            action=_("Answer the brief"),
            due_on=brief.deadline_on,
        )
        for brief in Brief.objects.filter(
            owner=user, status__in=OPEN_BRIEF_STATUSES, deadline_on__lte=soon
        ).order_by("deadline_on", "pk")[:AGENDA_LIMIT]
    ]
    return items


def _versions_awaiting(user: User) -> QuerySet[ProposalVersion]:
    waiting = ProposalVersion.objects.filter(status=ProposalVersion.Status.AWAITING_APPROVAL)
    if not access.is_admin(user):
        if not access.is_director(user):
            return ProposalVersion.objects.none()
        waiting = waiting.filter(proposal__brief__client__owner__team__leader=user)
    return waiting.select_related("proposal").order_by("updated_at", "pk")[:AGENDA_LIMIT]


# --- Exports --------------------------------------------------------------------------------
def version_history(proposal: Proposal) -> list[tuple[ProposalVersion, Totals]]:
    """Every version of the proposal, oldest first, with its totals and the client's feedback
    on it: two queries however many versions there are."""
    versions = (
        proposal.versions.select_related("sent_by", "margin_approved_by")
        .prefetch_related(
            Prefetch("feedback", queryset=Feedback.objects.select_related("stakeholder"))
        )
        .annotate(
            cost_sum=Coalesce(Sum("lines__cost_amount"), Value(Decimal(0)), output_field=MONEY),
            price_sum=Coalesce(Sum("lines__price_amount"), Value(Decimal(0)), output_field=MONEY),
        )
        .order_by("number")
    )
    return [
        (
            version,
            Totals(
                cost=version.cost_sum,
                price=version.price_sum,
                fee_percent=version.agency_fee_percent,
                vat_percent=version.vat_percent,
            ),
        )
        for version in versions
    ]


def chosen_ideas(version: ProposalVersion) -> QuerySet[Idea]:
    """The ideas the version proposes, with their review scores, best first."""
    return ranked_ideas(version.proposal.brief).filter(pk__in=version.ideas.values("pk"))


# --- Reads the pages need -------------------------------------------------------------------
def briefs_with_money_among(user: User, pks: list[int]) -> set[int]:
    """Which of these briefs' budgets the user sees, in one query (a list page's rows)."""
    return set(briefs_with_money_visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


def clients_with_briefs_visible_to(user: User) -> list[tuple[int, str]]:
    """The clients of the briefs the user sees, by name: the brief list's client filter."""
    clients = Client.objects.filter(pk__in=briefs_visible_to(user).values("client_id"))
    return names_of(clients.order_by("legal_name"))


def with_totals(versions: QuerySet[ProposalVersion]) -> list[ProposalVersion]:
    """The versions with their estimate's sums in the same query, each given `.totals`."""
    versions = versions.annotate(
        cost_sum=Coalesce(Sum("lines__cost_amount"), Value(Decimal(0)), output_field=MONEY),
        price_sum=Coalesce(Sum("lines__price_amount"), Value(Decimal(0)), output_field=MONEY),
    )
    rows = list(versions)
    for version in rows:
        version.totals = Totals(
            cost=version.cost_sum,
            price=version.price_sum,
            fee_percent=version.agency_fee_percent,
            vat_percent=version.vat_percent,
        )
    return rows


def current_versions_of(proposal_ids: list[int]) -> dict[int, ProposalVersion]:
    """Each proposal's latest version with its `.totals`, by proposal, in one query."""
    versions = ProposalVersion.objects.filter(proposal_id__in=proposal_ids).order_by(
        "proposal_id", "number"
    )
    return {version.proposal_id: version for version in with_totals(versions)}


def changes_by_version(versions: list[ProposalVersion]) -> dict[int, list]:
    """What each of a proposal's versions (in order) changed in the estimate against the one
    before it, by version id: `changes_since_previous` for a whole history, in one query."""
    lines: dict[int, list[dict]] = {version.pk: [] for version in versions}
    rows = EstimateLine.objects.filter(version__in=[version.pk for version in versions])
    for line in rows.order_by("position", "pk").values(*_LINE_VALUES, "version_id"):
        lines[line["version_id"]].append(_line_value(line))
    changes: dict[int, list] = {}
    previous: list[dict] | None = None
    for version in versions:
        current = lines[version.pk]
        changes[version.pk] = [] if previous is None else diff_lines(previous, current)
        previous = current
    return changes


_LINE_VALUES = (
    "kind",
    "department_id",
    "supplier",
    "description",
    "quantity",
    "unit_cost_amount",
    "unit_price_amount",
    "cost_amount",
    "price_amount",
)


def _line_value(line: dict) -> dict:
    """A line in the shape `line_values` gives the diff."""
    return {
        "kind": line["kind"],
        "department_id": line["department_id"],
        "supplier": line["supplier"],
        "description": line["description"],
        "quantity": line["quantity"],
        "unit_cost": line["unit_cost_amount"],
        "unit_price": line["unit_price_amount"],
        "cost": line["cost_amount"],
        "price": line["price_amount"],
    }

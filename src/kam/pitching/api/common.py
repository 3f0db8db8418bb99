"""What the pitching API's modules share: the router, the shapes of money, percentages, scores
and weights, who sees a brief's money, and turning ids in a body into records the caller may
use (an id they may not see reads as one that does not exist)."""

from decimal import Decimal
from typing import Annotated

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, Strict, WithJsonSchema

from kam.clients.api.common import ClientRef, PersonRef, active_person, person_ref, visible_client
from kam.clients.models import Stakeholder
from kam.core.errors import DomainError
from kam.growth.api.common import Amount
from kam.people import queries as people_queries
from kam.people.models import Department, User
from kam.pitching import queries
from kam.pitching.models import Brief, Idea, Proposal, ProposalVersion

router = Router(tags=["pitching"])

__all__ = [
    "Amount",
    "ClientRef",
    "PersonRef",
    "active_person",
    "person_ref",
    "router",
    "visible_client",
]


def _json_number(value: object) -> Decimal:
    """A JSON number only ("12.5" and true are not numbers), read by its shortest decimal form
    so that 12.35 is 12.35 and not the binary float's 12.3499999…"""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("Write a number."))
    return Decimal(str(value))


# A percentage (agency fee, VAT) as a JSON number from 0 to 100, to two decimals.
Percent = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(ge=0, le=100, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
# How many of a line's unit: above 0, to two decimals (2.5 days, 12 posts).
Quantity = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(gt=0, le=10**9, decimal_places=2),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 10**9}),
]
# A review's score per criterion, and a criterion's weight in the ranking.
Score = Annotated[int, Strict(), Field(ge=1, le=5)]
Weight = Annotated[int, Strict(), Field(ge=0, le=100)]


class BriefRef(Schema):
    id: int
    title: str


class StakeholderRef(Schema):
    id: int
    name: str


def money(amount: Decimal | None, shown: bool) -> int | None:
    """An amount in whole dong, or None for someone who does not see the brief's money."""
    return int(amount) if shown and amount is not None else None


def with_money_shown(records: QuerySet, user: User, *, brief: str = "pk") -> QuerySet:
    """Each record says, as `shows_money`, whether the user sees its brief's money: decided in
    the same query for a whole list, never a query per row."""
    scope = queries.briefs_with_money_visible_to(user).values("pk")
    shown = ExpressionWrapper(Q(**{f"{brief}__in": scope}), output_field=BooleanField())
    return records.annotate(shows_money=shown)


# --- Resolving ids in bodies ------------------------------------------------------------------
NO_SUCH = {
    "brief": gettext_lazy("There is no such brief."),
    "contact": gettext_lazy("There is no such contact."),
    "department": gettext_lazy("There is no such department."),
    "idea": gettext_lazy("There is no such idea."),
    "opportunity": gettext_lazy("There is no such opportunity."),
    "person": gettext_lazy("There is no such person."),
    "proposal": gettext_lazy("There is no such proposal."),
    "version": gettext_lazy("There is no such version."),
}


def found(record, kind: str, field: str):
    if record is None:
        raise DomainError(NO_SUCH[kind], field=field)
    return record


def visible_brief(viewer: User, pk: int, field: str) -> Brief:
    brief = queries.briefs_visible_to(viewer).select_related("client").filter(pk=pk).first()
    return found(brief, "brief", field)


def visible_proposal(viewer: User, pk: int, field: str) -> Proposal:
    proposal = (
        queries.proposals_visible_to(viewer).select_related("brief__client").filter(pk=pk).first()
    )
    return found(proposal, "proposal", field)


def version_of(proposal: Proposal, pk: int | None, field: str) -> ProposalVersion | None:
    if pk is None:
        return None
    return found(proposal.versions.filter(pk=pk).first(), "version", field)


def active_people(pks: list[int], field: str) -> list[User]:
    people = list(User.objects.filter(pk__in=pks, is_active=True))
    if len(people) != len(set(pks)):
        raise DomainError(NO_SUCH["person"], field=field)
    return people


def visible_ideas(viewer: User, pks: list[int], field: str) -> list[Idea]:
    ideas = list(queries.ideas_visible_to(viewer).filter(pk__in=pks))
    if len(ideas) != len(set(pks)):
        raise DomainError(NO_SUCH["idea"], field=field)
    return ideas


def contact_of(proposal: Proposal, pk: int | None, field: str) -> Stakeholder | None:
    if pk is None:
        return None
    return contacts_of(proposal, [pk], field)[0]


def contacts_of(proposal: Proposal, pks: list[int], field: str) -> list[Stakeholder]:
    """The proposal's client's people; anyone else's is no such contact."""
    contacts = list(queries.stakeholders_of(proposal).filter(pk__in=pks))
    if len(contacts) != len(set(pks)):
        raise DomainError(NO_SUCH["contact"], field=field)
    return contacts


def department_in_use(pk: int | None, field: str) -> Department | None:
    if pk is None:
        return None
    return found(people_queries.departments_to_choose().filter(pk=pk).first(), "department", field)

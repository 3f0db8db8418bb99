"""What the delivery API's modules share: the router, the shapes of money, dates and references,
slips, and turning ids in a body into records the caller may use (an id they may not see reads
as one that does not exist). Whoever sees a contract, project, booking or change request reads
its money: a department member sees none of them, only tasks (queries.*_visible_to)."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, Strict

from kam.clients import queries as client_queries
from kam.clients.api.common import ClientRef, PersonRef, active_person, person_ref
from kam.clients.models import Client, ClientRequest, Interaction, Stakeholder
from kam.core.api import BodyId, IsoDate, IsoDateTime
from kam.core.errors import DomainError
from kam.delivery import queries
from kam.delivery.models import Booking, Phase, Project, Slip, Task
from kam.growth.api.common import Amount
from kam.people.models import User
from kam.pitching.api.common import Percent, Quantity, StakeholderRef, department_in_use

router = Router(tags=["delivery"])

__all__ = [
    "Amount",
    "ClientRef",
    "Percent",
    "PersonRef",
    "Quantity",
    "StakeholderRef",
    "active_person",
    "department_in_use",
    "person_ref",
    "router",
]

# A change of value (an amendment takes money away as well as adding it), in whole dong.
SignedAmount = Annotated[int, Strict(), Field(ge=-(10**17), le=10**17)]


def _written_out(value: object) -> object:
    """A date is text in the body: pydantic would read the number 0 as 1970-01-01."""
    if isinstance(value, int | float):
        raise ValueError(_("Write the date as YYYY-MM-DD or YYYY-MM-DDTHH:MM."))
    return value


# Delivery dates are computed with (a phase's days, a change's effect, a slip): a year past 2999
# would overflow the calendar there, and one before 1900 is a typing slip, so both are a 422.
Day = Annotated[
    IsoDate, BeforeValidator(_written_out), Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))
]
Moment = Annotated[IsoDateTime, BeforeValidator(_written_out)]
Score = Annotated[int, Strict(), Field(ge=1, le=5)]
# How the client was told of a slip: contact with them, not a note written at the desk.
ContactKind = Literal[tuple(kind.value for kind in Interaction.CONTACT_KINDS)]


class ContractRef(Schema):
    id: int
    number: str
    title: str


class ProjectRef(Schema):
    id: int
    title: str


class NamedRef(Schema):
    id: int
    name: str


class TaskRef(Schema):
    id: int
    title: str
    status: Task.Status


def client_ref(client: Client) -> dict:
    return {"id": client.pk, "name": str(client)}


def stakeholder_ref(person: Stakeholder | None) -> dict | None:
    return {"id": person.pk, "name": str(person)} if person else None


def named_ref(record) -> dict | None:
    return {"id": record.pk, "name": str(record)} if record else None


# --- Slips ----------------------------------------------------------------------------------
class SlipIn(Schema):
    now_due_on: Day = Field(description="the new date, later than the one the client knows")
    reason: str = Field(min_length=1, max_length=1000)
    told_how: ContactKind = Field(description="how the client was told")
    told_whom_ids: list[BodyId] = Field(
        [], max_length=50, description="the client's people who were told"
    )
    told_at: Moment | None = Field(None, description="when they were told (now if left out)")


class SlipOut(Schema):
    id: int
    project_id: int
    task_id: int | None
    milestone_id: int | None
    was_due_on: date
    now_due_on: date
    reason: str
    interaction_id: int = Field(description="the contact with the client it was told in")
    recorded_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_recorded_by(slip: Slip) -> dict:
        return person_ref(slip.recorded_by)


def slip_fields(client_id: int, payload: SlipIn) -> dict:
    data = payload.dict()
    data["told_whom"] = stakeholders_of(client_id, data.pop("told_whom_ids"), "told_whom_ids")
    return data


# --- Resolving ids in bodies ------------------------------------------------------------------
NO_SUCH = {
    "booking": gettext_lazy("There is no such booking."),
    "contact": gettext_lazy("There is no such contact."),
    "phase": gettext_lazy("There is no such phase."),
    "request": gettext_lazy("There is no such request."),
    "task": gettext_lazy("There is no such task."),
}


def found(record, kind: str, field: str):
    if record is None:
        raise DomainError(NO_SUCH[kind], field=field)
    return record


def stakeholders_of(client_id: int, pks: list[int], field: str) -> list[Stakeholder]:
    """The client's own people; another client's, or nobody's, is no such contact."""
    people = list(Stakeholder.objects.filter(client_id=client_id, pk__in=pks))
    if len(people) != len(set(pks)):
        raise DomainError(NO_SUCH["contact"], field=field)
    return people


def stakeholder_of(client_id: int, pk: int | None, field: str) -> Stakeholder | None:
    if pk is None:
        return None
    return stakeholders_of(client_id, [pk], field)[0]


def phase_of(project: Project, pk: int | None, field: str) -> Phase | None:
    if pk is None:
        return None
    return found(project.phases.filter(pk=pk).first(), "phase", field)


def request_of(project: Project, pk: int | None, field: str) -> ClientRequest | None:
    """One of the project's client's requests or complaints."""
    if pk is None:
        return None
    requests = client_queries.requests_for_list_of(project.client)
    return found(requests.filter(pk=pk).first(), "request", field)


def visible_task(viewer: User, pk: int, field: str) -> Task:
    return found(queries.tasks_visible_to(viewer).filter(pk=pk).first(), "task", field)


def tasks_of_project(project: Project, pks: list[int], field: str) -> list[Task]:
    """Tasks of the same project (a task waits only for its own project's)."""
    tasks = list(project.tasks.filter(pk__in=pks))
    if len(tasks) != len(set(pks)):
        raise DomainError(NO_SUCH["task"], field=field)
    return tasks


def booking_of(project: Project, pk: int | None, field: str) -> Booking | None:
    if pk is None:
        return None
    return found(project.bookings.filter(pk=pk).first(), "booking", field)


def needs_value(data: dict, name: str) -> None:
    """A required relation sent as null in a change: the same answer as a required field."""
    if name in data and data[name] is None:
        raise DomainError(_("This field needs a value."), field=name)

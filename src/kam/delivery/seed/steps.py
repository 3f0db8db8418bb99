"""The demo's steps, each through the services as the person who takes it: a contract with its
schedule signed, phases set, started and closed with their evaluations, tasks planned by the KAM
and moved along by their department, bookings, priced changes, the check and the delivery."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from kam.clients.models import Client, Stakeholder
from kam.core.money import round_for
from kam.delivery import services
from kam.delivery.models import (
    Booking,
    ChangeRequest,
    Contract,
    Phase,
    Project,
    Task,
)
from kam.people.models import Department, User

MILLION = 1_000_000


@dataclass(frozen=True)
class Work:
    """A task as the demo writes it: days counted from today, the department by its code, the
    tasks it waits for by their place in the same list."""

    title: str
    department: str
    starts: int
    due: int
    status: str = Task.Status.TODO
    assignee: str = ""  # a username; the department member who works it
    vendor: str = ""
    client_facing: bool = False
    waits_for: tuple[int, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Part:
    """A milestone of the payment schedule: its share of the value, its day, reached or not."""

    title: str
    percent: int
    due: int
    reached: bool = False


# How a department moves its task to a status, one step at a time (each step in its history).
STEPS = {
    Task.Status.TODO: [],
    Task.Status.DOING: [Task.Status.DOING],
    Task.Status.REVIEW: [Task.Status.DOING, Task.Status.REVIEW],
    Task.Status.DONE: [Task.Status.DOING, Task.Status.REVIEW, Task.Status.DONE],
    Task.Status.BLOCKED: [Task.Status.BLOCKED],
}
DOING, REVIEW, DONE = Task.Status.DOING, Task.Status.REVIEW, Task.Status.DONE


# --- The steps ------------------------------------------------------------------------------
def enter_contract(
    kam: User, client: Client, today: date, *, title: str, millions: int, vat: int, starts: int,
    ends: int, deliverables: str,
) -> Contract:  # fmt: skip
    return services.create_contract(
        by=kam, client=client, title=title, value_amount=Decimal(millions * MILLION),
        vat_percent=Decimal(vat), deliverables=deliverables, starts_on=day(today, starts),
        ends_on=day(today, ends), scope=deliverables.replace("\n", "; "),
    )  # fmt: skip


def sign(kam: User, contract: Contract, today: date, parts: list[Part], signed: int) -> None:
    """The payment schedule (the last part takes what rounding left), signed, and the parts
    already reached marked so."""
    value, left = contract.value_amount, contract.value_amount
    milestones = []
    for position, part in enumerate(parts, start=1):
        amount = (
            left
            if position == len(parts)
            else round_for(settings.KAM_CURRENCY, value * part.percent / 100)
        )
        left -= amount
        milestones.append(
            services.add_milestone(
                by=kam,
                contract=contract,
                title=part.title,
                due_on=day(today, part.due),
                amount=amount,
                position=position,
            )
        )
    services.sign_contract(by=kam, contract=contract, signed_on=day(today, signed))
    for part, milestone in zip(parts, milestones, strict=True):
        if part.reached:
            reached = min(day(today, part.due), today)
            services.reach_milestone(by=kam, milestone=milestone, reached_on=reached)


def set_phases(kam: User, project: Project, today: date, spans: list) -> list[Phase]:
    phases = list(project.phases.order_by("position"))
    for phase, (starts, ends) in zip(phases, spans, strict=True):
        services.update_phase(
            by=kam, phase=phase, starts_on=day(today, starts), ends_on=day(today, ends)
        )
    return list(project.phases.order_by("position"))


def close_phases(kam: User, project: Project, evaluations: list, *, start_next: bool) -> None:
    """Start and close the first phases with their evaluations (dated at each phase's end),
    then start the next one."""
    phases = list(project.phases.order_by("position"))
    for phase, (score, went_well, issues) in zip(phases, evaluations, strict=False):
        services.start_phase(by=kam, phase=phase)
        services.complete_phase(
            by=kam, phase=phase, score=score, went_well=went_well, issues=issues
        )
        Phase.objects.filter(pk=phase.pk).update(evaluated_at=at(phase.ends_on, 17, 0))
    if start_next and len(evaluations) < len(phases):
        services.start_phase(by=kam, phase=phases[len(evaluations)])


def add_work(people: dict, kam: User, project: Project, today: date, works: list) -> list:
    """The KAM plans each task; its department member (or the KAM, for a vendor's) then
    moves it along to where it stands."""
    departments = {department.code: department for department in Department.objects.all()}
    phases = list(project.phases.order_by("position"))
    tasks: list[Task] = []
    for work in works:
        starts = day(today, work.starts)
        task = services.create_task(
            by=kam, project=project, title=work.title, description=work.description,
            department=departments[work.department], vendor=work.vendor,
            assignee=people.get(work.assignee), phase=phase_on(phases, starts),
            starts_on=starts, due_on=day(today, work.due), client_facing=work.client_facing,
            depends_on=[tasks[index] for index in work.waits_for],
        )  # fmt: skip
        worker = people.get(work.assignee) or kam
        for status in STEPS[work.status]:
            task = services.work_task(by=worker, task=task, status=status)
        tasks.append(task)
    return tasks


def phase_on(phases: list[Phase], on: date) -> Phase:
    """The phase a day falls in; before the first, the first; after the last, the last."""
    for phase in phases:
        if on <= phase.ends_on:
            return phase
    return phases[-1]


def book(
    kam: User, project: Project, today: date, starts: int, ends: int, *, confirm: bool = False,
    backup_for: Booking | None = None, **fields,
) -> Booking:  # fmt: skip
    booking = services.add_booking(
        by=kam, project=project, backup_for=backup_for, starts_on=day(today, starts),
        ends_on=day(today, ends), **fields,
    )  # fmt: skip
    if confirm:
        booking = services.confirm_booking(by=kam, booking=booking)
    return booking


def price_change(kam: User, change: ChangeRequest, lines: list[tuple]) -> None:
    for effect, kind, description, quantity, unit_cost, unit_price in lines:
        services.add_change_line(
            by=kam, change=change, effect=effect, kind=kind, description=description,
            quantity=Decimal(quantity), unit_cost_amount=Decimal(unit_cost),
            unit_price_amount=Decimal(unit_price),
        )  # fmt: skip


def deliver(
    kam: User, project: Project, today: date, *, delivered: int, reason: str = "",
    unticked: str = "",
) -> None:  # fmt: skip
    """Tick the check against the brief (all of it, or all but `unticked`), deliver, and date
    both to the delivery day."""
    for item in project.check_items.order_by("position"):
        if item.text != unticked:
            services.tick_check_item(by=kam, item=item)
    services.deliver_project(by=kam, project=project, reason=reason)
    delivered_on = day(today, delivered)
    Project.objects.filter(pk=project.pk).update(delivered_on=delivered_on)
    project.check_items.exclude(checked_at=None).update(checked_at=at(delivered_on, 10, 0))


def contacts_of(client: Client) -> tuple[Stakeholder, Stakeholder, Stakeholder]:
    """The client's decision maker, a second contact and the one who pays (the same person
    where the client has few)."""
    order = {"decision_maker": 0, "influencer": 1, "user": 2, "finance": 3}
    people = sorted(
        Stakeholder.objects.filter(client=client).order_by("pk"),
        key=lambda person: order.get(person.decision_role, 9),
    )
    finance = [person for person in people if person.decision_role == "finance"]
    return people[0], people[min(1, len(people) - 1)], (finance or people)[0]


def day(today: date, days: int) -> date:
    return today + timedelta(days=days)


def at(on: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(on, time(hour, minute)))

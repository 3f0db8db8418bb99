"""Demo delivery: PRODUCT.md's story from the approved Tết proposal on — Sữa Việt's contract with
three milestones and the commitments of both sides, signed; the project in four phases with
pre-production under way and tasks for Creative, KOL and Production waiting on one another; a KOL
who cancels and the confirmed backup who takes the place; a client-facing date that slips and
Lan's call that told the client; an approved change request; the check against the brief begun —
and, on the other key clients, projects at every other stage (`story`, `stages`). Everything goes
through the services, as the demo's people (`steps`); afterwards only the dates the services
stamp "today" (a task done, a phase evaluated, a project delivered) are moved back to when they
happened. `volume` bulk-inserts the larger scales."""

from django.db.models import F
from django.utils import timezone

from kam.clients.models import Client
from kam.core.seed import SeedContext
from kam.delivery.models import Booking, Contract, Project, Task
from kam.delivery.seed import stages
from kam.delivery.seed.steps import DONE
from kam.delivery.seed.story import STORY_CLIENT, tell_the_story
from kam.delivery.seed.volume import seed_volume
from kam.people.models import User

__all__ = ["seed", "seed_volume"]


def seed(ctx: SeedContext) -> None:
    """The story, then one project at each other stage, each on its own key client."""
    if Contract.objects.exists():  # seeded already: the story is told once
        ctx.log.append("delivery: contracts exist already, left as they are")
        return
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    clients = {
        client.short_name: client
        for client in Client.objects.filter(tier="key").select_related("owner")
    }
    today = timezone.localdate()
    tell_the_story(people, clients[STORY_CLIENT], today)
    stages.planning(people, clients["Sông Hồng Drinks"], today)
    stages.running_behind(people, clients["PĐS Bank"], today)
    stages.running_on_lans_desk(people, clients["Sao Việt Retail"], today)
    stages.running_with_a_change_waiting(people, clients["Hoa Sen Beauty"], today)
    stages.delivered(people, clients["THN Auto"], today)
    stages.delivered_with_a_gap(people, clients["An Tâm Life"], today)
    stages.cancelled(people, clients["Đất Xanh Nam"], today)
    # A task is done on its due day (the services stamp "today").
    Task.objects.filter(status=DONE, due_on__lte=today).update(done_on=F("due_on"))
    ctx.log.append(
        f"delivery: {Contract.objects.count()} contracts, {Project.objects.count()} projects, "
        f"{Task.objects.count()} tasks, {Booking.objects.count()} bookings "
        f"({STORY_CLIENT}'s Tết campaign in pre-production)"
    )

"""API of the delivery app: contracts (+ milestones, slips, commitments, amendments), projects
(+ phases, the check against the brief), tasks (+ dependencies, slips), bookings (+ backups),
change requests (+ lines, the client's decision) and the calendar feed; one module each, all
adding their endpoints to one router."""

from kam.delivery.api import (  # noqa: F401 - each module adds its endpoints to the router
    bookings,
    calendar,
    changes,
    contracts,
    projects,
    tasks,
)
from kam.delivery.api.common import router

__all__ = ["router"]

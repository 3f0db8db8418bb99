"""Account health (sức khỏe khách hàng): each client's score out of 100, computed hourly (or now,
on the KAM's request) from signals such as contact, complaints, satisfaction, overdue invoices
and slipped deadlines; what each signal cost and why, the change over 30 days, and whether the
client is at risk. Whoever sees the client sees its health."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from kam.clients.api.common import PersonRef, person_ref
from kam.clients.models import Client
from kam.clients.queries import get_client_for
from kam.core.api import ERRORS, Id, Pagination
from kam.delivery.api.common import ClientRef, client_ref
from kam.insights import queries, services
from kam.insights.api.common import router
from kam.insights.health import SIGNAL_LABELS, describe, reasons
from kam.insights.models import HealthHistory, HealthScore
from kam.people.models import User

HISTORY_DAYS = 180


# --- Shapes ---------------------------------------------------------------------------------
class HealthReasonOut(Schema):
    """A signal that cost the client points, in words."""

    signal: str = Field(description="contact, complaints, satisfaction, receivables, …")
    label: str
    lost: int = Field(description="points lost out of 100")
    text: str = Field(description="why, in the caller's language")


class HealthSignalOut(HealthReasonOut):
    facts: dict = Field(description="what the signal read (days, counts, scores)")


class HealthDayOut(Schema):
    on: date
    score: int


class HealthOut(Schema):
    """A client's health: the score, the change over 30 days (null without a score that old)
    and the three signals that cost it most."""

    client: ClientRef
    owner: PersonRef | None = Field(description="the client's KAM")
    score: int = Field(description="0-100")
    trend: int | None
    at_risk: bool
    computed_at: datetime
    reasons: list[HealthReasonOut]

    @staticmethod
    def resolve_client(score: HealthScore) -> dict:
        return client_ref(score.client)

    @staticmethod
    def resolve_owner(score: HealthScore) -> dict | None:
        return person_ref(score.client.owner)

    @staticmethod
    def resolve_reasons(score: HealthScore) -> list[dict]:
        return [_signal(row) for row in reasons(score.signals)]


class HealthDetailOut(HealthOut):
    signals: list[HealthSignalOut] = Field(description="every signal, costliest first")
    history: list[HealthDayOut] = Field(description=f"the last {HISTORY_DAYS} days, oldest first")

    @staticmethod
    def resolve_signals(score: HealthScore) -> list[dict]:
        return [{**_signal(row), "facts": row.get("facts", {})} for row in score.signals]

    @staticmethod
    def resolve_history(score: HealthScore) -> list[HealthHistory]:
        return score.history_rows


def _signal(row: dict) -> dict:
    code = row["signal"]
    return {
        "signal": code,
        "label": str(SIGNAL_LABELS.get(code, code)),
        "lost": row["lost"],
        "text": describe(row),
    }


def health_of(viewer: User, client_id: int) -> HealthScore:
    """The client's score with its history; 404 for a client the caller does not see, and for
    one not scored yet or lost (saying so)."""
    client = get_client_for(viewer, client_id)
    if client.status == Client.Status.LOST:
        raise HttpError(404, _("A lost client has no health score."))
    score = queries.current_score_of(client)
    if score is None:
        raise HttpError(404, _("This client has no health score yet."))
    score.client = client
    score.history_rows = list(queries.history_of(client, HISTORY_DAYS))
    return score


# --- Health ---------------------------------------------------------------------------------
@router.get(
    "/health",
    response={200: list[HealthOut], **ERRORS},
    summary="The health of the clients the caller sees, worst first; at risk, one KAM's",
)
@paginate(Pagination)
def list_health(request: HttpRequest, at_risk: bool | None = None, owner_id: Id | None = None):
    scores: QuerySet[HealthScore] = queries.health_for_list(request.user)
    if at_risk is not None:
        scores = scores.filter(at_risk=at_risk)
    if owner_id is not None:
        scores = scores.filter(client__owner_id=owner_id)
    return scores


@router.get(
    "/health/{client_id}",
    response={200: HealthDetailOut, **ERRORS},
    summary="A client's health: every signal, what it cost and why, and its history",
)
def get_health(request: HttpRequest, client_id: Id):
    return health_of(request.user, client_id)


@router.post(
    "/health/{client_id}/recompute",
    response={200: HealthDetailOut, **ERRORS},
    summary="Score the client now rather than at the next hourly round",
    description="The client's KAM side and admins. A lost client is not scored (409).",
)
def recompute_health(request: HttpRequest, client_id: Id):
    client: Client = get_client_for(request.user, client_id)
    services.recompute_health_of(by=request.user, client=client)
    return health_of(request.user, client_id)

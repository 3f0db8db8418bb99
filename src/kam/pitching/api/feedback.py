"""The client's feedback on a version they were sent, and who of the client gave it."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Schema, Status

from kam.core.api import ERRORS, BodyId, Id, IsoDate
from kam.pitching import queries, services
from kam.pitching.api.common import (
    PersonRef,
    StakeholderRef,
    contact_of,
    person_ref,
    router,
)
from kam.pitching.models import Feedback


class FeedbackOut(Schema):
    id: int
    version_id: int
    stakeholder: StakeholderRef | None
    received_on: date
    text: str
    recorded_by: PersonRef

    @staticmethod
    def resolve_stakeholder(feedback: Feedback) -> dict | None:
        person = feedback.stakeholder
        return {"id": person.pk, "name": str(person)} if person else None

    @staticmethod
    def resolve_recorded_by(feedback: Feedback) -> dict:
        return person_ref(feedback.recorded_by)


class FeedbackIn(Schema):
    text: str = Field(min_length=1, max_length=4000)
    received_on: IsoDate | None = None
    stakeholder_id: BodyId | None = None


@router.get(
    "/proposal-versions/{version_id}/feedback",
    response={200: list[FeedbackOut], **ERRORS},
    summary="What the client said about the version",
)
def list_feedback(request: HttpRequest, version_id: Id):
    version = queries.get_version_for(request.user, version_id)
    return list(version.feedback.select_related("stakeholder", "recorded_by"))


@router.post(
    "/proposal-versions/{version_id}/feedback",
    response={201: FeedbackOut, **ERRORS},
    summary="Record what the client said about a version they were sent",
)
def record_feedback(request: HttpRequest, version_id: Id, payload: FeedbackIn):
    version = queries.get_version_for(request.user, version_id)
    data = payload.dict(exclude_unset=True)
    stakeholder_id = data.pop("stakeholder_id", None)
    data["stakeholder"] = contact_of(version.proposal, stakeholder_id, "stakeholder_id")
    feedback = services.record_feedback(by=request.user, version=version, **data)
    return Status(201, feedback)

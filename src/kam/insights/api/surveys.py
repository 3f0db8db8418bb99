"""Satisfaction surveys (khảo sát hài lòng): sent by the client's KAM side to one of the client's
people, about a delivered project or in general; answered once (satisfaction 1-5,
recommendation 0-10, a comment) on the page behind the emailed link, which is not part of this
API, nor is the link itself. A low score waits on the KAM's agenda until they follow it up."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.clients.api.common import PersonRef, person_ref
from kam.clients.models import Client, Stakeholder
from kam.clients.queries import get_client_for
from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.core.errors import DomainError, require
from kam.delivery.api.common import (
    ClientRef,
    ProjectRef,
    StakeholderRef,
    client_ref,
    stakeholder_ref,
)
from kam.delivery.models import Project
from kam.insights import queries, services
from kam.insights.api.common import router
from kam.insights.models import Survey
from kam.insights.permissions import can_send_survey
from kam.people.models import User


# --- Shapes ---------------------------------------------------------------------------------
class SurveyOut(Schema):
    """A survey: to whom and about what it went, until when its link works, the answer (null
    scores until answered) and the KAM's follow-up of a low score."""

    id: int
    client: ClientRef
    stakeholder: StakeholderRef = Field(description="who at the client answers it")
    project: ProjectRef | None
    reason: Survey.Reason
    status: Survey.Status
    sent_at: datetime = Field(description="of its latest sending")
    link_expires_at: datetime
    link_expired: bool = Field(description="not answered and its link no longer works")
    sent_by: PersonRef | None = Field(description="null when sent on schedule")
    answered_at: datetime | None
    csat: int | None = Field(description="satisfaction, 1-5")
    nps: int | None = Field(description="would recommend us, 0-10")
    comment: str
    low_score: bool
    to_follow_up: bool = Field(description="a low score nobody has followed up yet")
    followed_up_at: datetime | None
    followed_up_by: PersonRef | None
    follow_up_note: str

    @staticmethod
    def resolve_client(survey: Survey) -> dict:
        return client_ref(survey.client)

    @staticmethod
    def resolve_stakeholder(survey: Survey) -> dict:
        return stakeholder_ref(survey.stakeholder)

    @staticmethod
    def resolve_project(survey: Survey) -> dict | None:
        return {"id": survey.project.pk, "title": survey.project.title} if survey.project else None

    @staticmethod
    def resolve_link_expired(survey: Survey) -> bool:
        return survey.status == Survey.Status.SENT and survey.link_expires_at < timezone.now()

    @staticmethod
    def resolve_sent_by(survey: Survey) -> dict | None:
        return person_ref(survey.sent_by)

    @staticmethod
    def resolve_to_follow_up(survey: Survey) -> bool:
        return survey.low_score and survey.followed_up_at is None

    @staticmethod
    def resolve_followed_up_by(survey: Survey) -> dict | None:
        return person_ref(survey.followed_up_by)


def surveys_out(viewer: User, **filters) -> QuerySet[Survey]:
    return queries.surveys_for_list(viewer, **filters).select_related("sent_by", "followed_up_by")


# --- Input ----------------------------------------------------------------------------------
class SurveyIn(Schema):
    client_id: BodyId
    stakeholder_id: BodyId | None = Field(
        None,
        description="one of the client's people with an email; when left out, the decision "
        "maker first, then the strongest relationship",
    )
    project_id: BodyId | None = Field(None, description="a delivered project of the client")


class FollowUpIn(Schema):
    note: str = Field(
        min_length=1, max_length=500, description="what was agreed with the client (logged)"
    )


def _recipient(client: Client, pk: int | None) -> Stakeholder:
    if pk is None:
        person = services.person_to_ask(client)
        if person is None:
            raise DomainError(
                _("Nobody at this client has an email address to send the survey to."),
                field="stakeholder_id",
            )
        return person
    person = client.stakeholders.filter(pk=pk).first()
    if person is None:
        raise DomainError(_("There is no such contact."), field="stakeholder_id")
    return person


def _project(client: Client, pk: int | None) -> Project | None:
    if pk is None:
        return None
    project = client.projects.filter(pk=pk).first()
    if project is None:
        raise DomainError(_("There is no such project."), field="project_id")
    return project


# --- Surveys --------------------------------------------------------------------------------
@router.get(
    "/surveys",
    response={200: list[SurveyOut], **ERRORS},
    summary="Satisfaction surveys, latest sent first; one client's, by status, or low scores",
)
@paginate(Pagination)
def list_surveys(
    request: HttpRequest,
    client_id: Id | None = None,
    status: Survey.Status | None = None,
    low: bool | None = None,
):
    surveys = surveys_out(request.user, status=status or "", low=bool(low))
    if client_id is not None:
        surveys = surveys.filter(client_id=client_id)
    return surveys.filter(low_score=False) if low is False else surveys


@router.post(
    "/surveys",
    response={201: SurveyOut, **ERRORS},
    summary="Email a survey to one of the client's people, about a delivered project or not",
)
def send_survey(request: HttpRequest, payload: SurveyIn):
    client = get_client_for(request.user, payload.client_id)
    # Before the contact is looked up: one who may not send learns nothing of the client's people.
    require(can_send_survey(request.user, client))
    project = _project(client, payload.project_id)
    survey = services.send_survey(
        by=request.user,
        client=client,
        stakeholder=_recipient(client, payload.stakeholder_id),
        project=project,
        reason=Survey.Reason.PROJECT if project else Survey.Reason.MANUAL,
    )
    return Status(201, queries.get_survey_for(request.user, survey.pk))


@router.get(
    "/surveys/{survey_id}",
    response={200: SurveyOut, **ERRORS},
    summary="A survey, its answer and the follow-up of a low score",
)
def get_survey(request: HttpRequest, survey_id: Id):
    return queries.get_survey_for(request.user, survey_id)


@router.post(
    "/surveys/{survey_id}/send",
    response={200: SurveyOut, **ERRORS},
    summary="Email the survey again with a new link (the earlier one stops working)",
)
def resend_survey(request: HttpRequest, survey_id: Id):
    survey = queries.get_survey_for(request.user, survey_id)
    services.resend_survey(by=request.user, survey=survey)
    return queries.get_survey_for(request.user, survey_id)


@router.post(
    "/surveys/{survey_id}/follow-up",
    response={200: SurveyOut, **ERRORS},
    summary="The unhappy client was called: log what was agreed; the low score leaves Today",
)
def follow_up_survey(request: HttpRequest, survey_id: Id, payload: FollowUpIn):
    survey = queries.get_survey_for(request.user, survey_id)
    services.follow_up_survey(by=request.user, survey=survey, note=payload.note)
    return queries.get_survey_for(request.user, survey_id)

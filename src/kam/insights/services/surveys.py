"""Satisfaction surveys (khảo sát hài lòng): sent to a client stakeholder after a project is
delivered, on a schedule for key clients, or by hand; answered once through a signed link that
expires, without signing in. A low score waits on the KAM's agenda until they follow it up, and
moves the client's health at once."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, Stakeholder
from kam.clients.services import log_interaction
from kam.core.audit import record_event
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.links import LinkRefused, link_token, new_nonce, record_from_link
from kam.delivery.models import Project
from kam.insights.models import Survey
from kam.insights.permissions import can_follow_up_survey, can_send_survey
from kam.people.models import User

VERB_LABELS = {
    "survey.sent": gettext_lazy("sent a satisfaction survey"),
    "survey.resent": gettext_lazy("sent a satisfaction survey again"),
    "survey.answered": gettext_lazy("answered the satisfaction survey (client)"),
    "survey.followed_up": gettext_lazy("followed up a low satisfaction score"),
}

LINK_SALT = "kam.insights.survey"
# Who at the client is asked first: the person who decides, then those who shape the decision.
ASKED_FIRST = [
    Stakeholder.DecisionRole.DECISION_MAKER,
    Stakeholder.DecisionRole.INFLUENCER,
    Stakeholder.DecisionRole.USER,
]
RECENTLY_DELIVERED_DAYS = 30


@transaction.atomic
def send_survey(
    *,
    by: User | None,
    client: Client,
    stakeholder: Stakeholder,
    project: Project | None = None,
    reason: str = Survey.Reason.MANUAL,
) -> Survey:
    """Email a survey to one of the client's stakeholders; `by` is None when the job sends it."""
    if by is not None:
        require(can_send_survey(by, client))
    _check_recipient(client, stakeholder)
    if project is not None and project.client_id != client.pk:
        raise DomainError(_("Choose a project of this client."), field="project")
    if reason == Survey.Reason.PROJECT and (
        project is None or project.status != Project.Status.DELIVERED
    ):
        raise DomainError(_("A project's survey follows its delivery."), field="project")
    now = timezone.now()
    survey = Survey(
        client=client,
        stakeholder=stakeholder,
        project=project,
        reason=reason,
        link_nonce=new_nonce(),
        sent_at=now,
        link_expires_at=now + timedelta(days=settings.KAM_SURVEY_LINK_DAYS),
        sent_by=by,
    )
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:
        raise InvalidTransition(_("This project's survey is sent already.")) from None
    _email_on_commit(survey)
    record_event(
        subject=survey,
        verb="survey.sent",
        by=by,
        changes={"to": [None, str(stakeholder)], "reason": [None, reason]},
    )
    return survey


@transaction.atomic
def resend_survey(*, by: User, survey: Survey) -> Survey:
    """Send the survey again with a new link (the old one stops working) and a new expiry."""
    survey = _locked(survey)
    require(can_send_survey(by, survey.client))
    if survey.status != Survey.Status.SENT:
        raise InvalidTransition(_("The client has answered this survey already."))
    _check_recipient(survey.client, survey.stakeholder)
    survey.link_nonce = new_nonce()
    survey.sent_at = timezone.now()
    survey.link_expires_at = survey.sent_at + timedelta(days=settings.KAM_SURVEY_LINK_DAYS)
    survey.save(update_fields=["link_nonce", "sent_at", "link_expires_at"])
    _email_on_commit(survey)
    record_event(subject=survey, verb="survey.resent", by=by, changes={})
    return survey


def survey_token(survey: Survey) -> str:
    return link_token(LINK_SALT, survey, survey.link_nonce)


def public_url(survey: Survey) -> str:
    path = reverse("insights:survey_public", kwargs={"token": survey_token(survey)})
    return settings.KAM_BASE_URL.rstrip("/") + path


def survey_from_link(token: str, *, locked: bool = False) -> Survey:
    """The survey a link points at, if the link is still good (kam.core.links); `locked` (in a
    transaction) checks the link against the row as locked, so a sending again that commits
    in between cannot let the old link answer."""
    surveys = Survey.objects.select_related("client", "stakeholder", "project")
    if locked:
        surveys = surveys.select_for_update(of=("self",))
    return record_from_link(LINK_SALT, token, surveys)


@transaction.atomic
def answer_survey(*, token: str, csat, nps, comment: str = "") -> Survey:
    """The stakeholder's answer: satisfaction 1-5, recommendation 0-10 and a comment. A link
    answers once; afterwards it only thanks."""
    survey = survey_from_link(token, locked=True)
    if survey.status != Survey.Status.SENT:
        raise LinkRefused(_("This survey is answered already. Thank you."))
    survey.csat = _score(csat, 1, 5, "csat", _("Choose how satisfied you are, from 1 to 5."))
    survey.nps = _score(
        nps, 0, 10, "nps", _("Choose how likely you are to recommend us, from 0 to 10.")
    )
    survey.comment = (comment or "").strip()[:4000]
    survey.status = Survey.Status.ANSWERED
    survey.answered_at = timezone.now()
    survey.low_score = (
        survey.csat <= settings.KAM_SURVEY_LOW_CSAT or survey.nps <= settings.KAM_SURVEY_LOW_NPS
    )
    survey.save()
    record_event(
        subject=survey,
        verb="survey.answered",
        by=None,
        changes={
            "csat": [None, survey.csat],
            "nps": [None, survey.nps],
            "comment": ["", survey.comment],
        },
    )
    _rescore_on_commit(survey.client_id)
    return survey


@transaction.atomic
def follow_up_survey(*, by: User, survey: Survey, note: str) -> Survey:
    """The KAM has talked to the unhappy client: the call is logged on the client and the low
    score leaves the agenda."""
    survey = _locked(survey)
    require(can_follow_up_survey(by, survey.client))
    if not survey.low_score or survey.followed_up_at is not None:
        raise InvalidTransition(_("This survey has no low score waiting for a follow-up."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what you agreed with the client."), field="note")
    log_interaction(
        by=by,
        client=survey.client,
        stakeholders=[survey.stakeholder],
        kind="call",
        summary=_("Follow-up of a low satisfaction score: %(note)s") % {"note": note[:400]},
    )
    survey.followed_up_at = timezone.now()
    survey.followed_up_by = by
    survey.follow_up_note = note[:500]
    survey.save(update_fields=["followed_up_at", "followed_up_by", "follow_up_note"])
    record_event(
        subject=survey,
        verb="survey.followed_up",
        by=by,
        changes={"note": ["", survey.follow_up_note]},
    )
    _rescore_on_commit(survey.client_id)
    return survey


def send_due_surveys() -> int:
    """The job's round: a survey for each project delivered in the last 30 days that has none,
    and one for each key client not asked for KAM_SURVEY_KEY_CLIENT_MONTHS months. Each in its
    own transaction; a client without a stakeholder to ask is skipped. Returns how many went."""
    sent = 0
    today = timezone.localdate()
    delivered = Project.objects.filter(
        status=Project.Status.DELIVERED,
        delivered_on__gte=today - timedelta(days=RECENTLY_DELIVERED_DAYS),
    ).exclude(surveys__reason=Survey.Reason.PROJECT)
    for project in delivered.select_related("client").order_by("pk"):
        sent += _send_if_someone_to_ask(project.client, project, Survey.Reason.PROJECT)
    asked_since = timezone.now() - timedelta(days=30 * settings.KAM_SURVEY_KEY_CLIENT_MONTHS)
    unasked = Client.objects.filter(tier=Client.Tier.KEY, status=Client.Status.ACTIVE).exclude(
        surveys__sent_at__gte=asked_since
    )
    for client in unasked.order_by("pk"):
        sent += _send_if_someone_to_ask(client, None, Survey.Reason.SCHEDULED)
    return sent


def _send_if_someone_to_ask(client: Client, project: Project | None, reason: str) -> int:
    stakeholder = person_to_ask(client)
    if stakeholder is None:
        return 0
    try:
        send_survey(by=None, client=client, stakeholder=stakeholder, project=project, reason=reason)
    except InvalidTransition:
        return 0  # sent meanwhile by a KAM or a concurrent round
    return 1


def person_to_ask(client: Client) -> Stakeholder | None:
    """The stakeholder a survey goes to: an active one with an email, the decision maker first,
    the strongest relationship next."""
    candidates = client.stakeholders.filter(is_active=True).exclude(Q(email="") | Q(email=None))
    ranked = sorted(
        candidates,
        key=lambda s: (
            ASKED_FIRST.index(s.decision_role) if s.decision_role in ASKED_FIRST else 9,
            -(s.relationship or 0),
            s.pk,
        ),
    )
    return ranked[0] if ranked else None


def email_survey(survey_id: int) -> bool:
    """Email a survey not yet answered to its stakeholder with the link of its latest sending."""
    survey = (
        Survey.objects.select_related("client", "stakeholder", "project")
        .filter(pk=survey_id, status=Survey.Status.SENT)
        .first()
    )
    if survey is None or not survey.stakeholder.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("How did we do? A two-minute survey from %(company)s") % {
            "company": settings.KAM_COMPANY_NAME
        }
        question = (
            _("How satisfied are you with the project “%(project)s”?")
            % {"project": survey.project.title}
            if survey.project
            else _("How satisfied are you with working with us lately?")
        )
        body = _(
            "Dear %(name)s,\n\n%(question)s Two questions and a comment if you wish, without "
            "signing in (the link is valid until %(until)s):\n%(link)s\n\nThank you,\n%(company)s"
        ) % {
            "name": survey.stakeholder.full_name,
            "question": question,
            "until": timezone.localtime(survey.link_expires_at).strftime("%d/%m/%Y"),
            "link": public_url(survey),
            "company": settings.KAM_COMPANY_NAME,
        }
    EmailMessage(subject=subject, body=body, to=[survey.stakeholder.email]).send()
    return True


def _check_recipient(client: Client, stakeholder: Stakeholder | None) -> None:
    if stakeholder is None or stakeholder.client_id != client.pk:
        raise DomainError(_("Choose who at the client answers it."), field="stakeholder")
    if not stakeholder.email or not stakeholder.is_active:
        raise DomainError(
            _("%(name)s has no email address here.") % {"name": stakeholder.full_name},
            field="stakeholder",
        )


def _score(value, low: int, high: int, field: str, message: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(message, field=field) from None
    if not low <= number <= high:
        raise DomainError(message, field=field)
    return number


def _email_on_commit(survey: Survey) -> None:
    # Imported here: the job module imports these services.
    from kam.insights.jobs import email_survey_job

    transaction.on_commit(lambda: email_survey_job(survey.pk))


def _rescore_on_commit(client_id: int) -> None:
    from kam.insights.jobs import recompute_client_health_job

    transaction.on_commit(lambda: recompute_client_health_job(client_id))


def _locked(survey: Survey) -> Survey:
    return (
        Survey.objects.select_for_update(of=("self",))
        .select_related("client", "stakeholder", "project")
        .get(pk=survey.pk)
    )

"""The pipeline: its stages, opportunities from opening to won or lost, and the renewals
opened for special terms about to end."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import AgencyService, Client, SpecialTerm
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.growth import queries
from kam.growth.models import Opportunity, Stage
from kam.growth.permissions import (
    can_change_opportunity,
    can_manage_stages,
    can_open_opportunity_on,
)
from kam.people.models import User

VERB_LABELS = {
    "stage.created": gettext_lazy("added the pipeline stage"),
    "stage.updated": gettext_lazy("changed the pipeline stage"),
    "opportunity.created": gettext_lazy("opened the opportunity"),
    "opportunity.updated": gettext_lazy("changed the opportunity"),
    "opportunity.moved": gettext_lazy("moved the opportunity to another stage"),
    "opportunity.won": gettext_lazy("won the opportunity"),
    "opportunity.lost": gettext_lazy("lost the opportunity"),
}

STAGE_FIELDS = ["name", "name_en", "position", "probability", "is_active"]
OPPORTUNITY_FIELDS = [
    "title",
    "kind",
    "owner",
    "value_amount",
    "probability",
    "expected_close_on",
    "next_step",
    "next_step_due_on",
]
# A close date further back than this is a typo, not a forecast.
OLDEST_CLOSE = timedelta(days=365)


# --- Stages ---------------------------------------------------------------------------------
@transaction.atomic
def create_stage(*, by: User, **fields) -> Stage:
    """Add a step to the pipeline with the probability its opportunities start from."""
    require(can_manage_stages(by))
    stage = Stage()
    _set_stage_fields(stage, fields)
    validated_save(stage)
    record_event(
        subject=stage, verb="stage.created", by=by, changes=created(snapshot(stage, STAGE_FIELDS))
    )
    return stage


@transaction.atomic
def update_stage(*, by: User, stage: Stage, **fields) -> Stage:
    """Rename, reorder, re-weigh or retire a stage. Opportunities keep the probability they
    have; a retired stage keeps its opportunities and takes no new ones."""
    require(can_manage_stages(by))
    before = snapshot(stage, STAGE_FIELDS)
    _set_stage_fields(stage, fields)
    validated_save(stage, update_fields=fields)
    record_change(
        subject=stage,
        verb="stage.updated",
        by=by,
        before=before,
        after=snapshot(stage, STAGE_FIELDS),
    )
    return stage


def _set_stage_fields(stage: Stage, fields: dict) -> None:
    assign(stage, fields)
    if not stage.name:
        raise DomainError(_("Name the stage."), field="name")
    _check_probability(stage.probability)


def _check_probability(value) -> None:
    if value is None or not 0 <= value <= 100:
        raise DomainError(_("A probability is a percentage from 0 to 100."), field="probability")


# --- Opportunities --------------------------------------------------------------------------
@transaction.atomic
def create_opportunity(
    *,
    by: User,
    client: Client,
    services: list[AgencyService] | None = None,
    stage: Stage | None = None,
    **fields,
) -> Opportunity:
    """Open an opportunity to grow a client (upsell, cross-sell, renewal, expansion) or win a
    new one; it starts in the first stage unless another is given, at that stage's
    probability unless one is given."""
    require(can_open_opportunity_on(by, client))
    fields.setdefault("owner", by)
    return _open_opportunity(by=by, client=client, services=services, stage=stage, **fields)


def _open_opportunity(
    *,
    by: User,
    client: Client,
    services: list[AgencyService] | None = None,
    stage: Stage | None = None,
    **fields,
) -> Opportunity:
    stage = stage or queries.first_stage()
    if stage is None or not stage.is_active:
        raise DomainError(_("Choose a stage in use."), field="stage")
    fields.setdefault("probability", stage.probability)
    opportunity = Opportunity(client=client, stage=stage, created_by=by)
    _set_opportunity_fields(opportunity, fields)
    validated_save(opportunity)
    opportunity.services.set(services or [])
    record_event(
        subject=opportunity,
        verb="opportunity.created",
        by=by,
        changes=created(_opportunity_snapshot(opportunity)),
    )
    return opportunity


@transaction.atomic
def update_opportunity(
    *, by: User, opportunity: Opportunity, services: list[AgencyService] | None = None, **fields
) -> Opportunity:
    """Change what an open opportunity is worth, how likely, by when, and what comes next."""
    opportunity = _locked_open(opportunity, by)
    before = _opportunity_snapshot(opportunity)
    _set_opportunity_fields(opportunity, fields)
    validated_save(opportunity, update_fields=fields)
    if services is not None:
        opportunity.services.set(services)
    record_change(
        subject=opportunity,
        verb="opportunity.updated",
        by=by,
        before=before,
        after=_opportunity_snapshot(opportunity),
    )
    return opportunity


@transaction.atomic
def move_opportunity(*, by: User, opportunity: Opportunity, stage: Stage) -> Opportunity:
    """Move an open opportunity to another stage; it takes that stage's probability."""
    opportunity = _locked_open(opportunity, by)
    if not stage.is_active:
        raise DomainError(_("Choose a stage in use."), field="stage")
    if stage.pk == opportunity.stage_id:
        return opportunity
    before = {"stage": str(opportunity.stage), "probability": opportunity.probability}
    opportunity.stage = stage
    opportunity.probability = stage.probability
    opportunity.save(update_fields=["stage", "probability", "updated_at"])
    record_change(
        subject=opportunity,
        verb="opportunity.moved",
        by=by,
        before=before,
        after={"stage": str(stage), "probability": stage.probability},
    )
    return opportunity


@transaction.atomic
def win_opportunity(
    *, by: User, opportunity: Opportunity, note: str = "", closed_on: date | None = None
) -> Opportunity:
    """Record that the client said yes: the value counts as won revenue in the close month."""
    opportunity = _locked_open(opportunity, by)
    closed_on = _closing_day(closed_on)
    opportunity.status = Opportunity.Status.WON
    opportunity.probability = 100
    opportunity.closed_on = closed_on
    opportunity.outcome_note = (note or "").strip()[:500]
    opportunity.next_step, opportunity.next_step_due_on = "", None
    _save_closed(opportunity, "outcome_note")
    record_event(
        subject=opportunity,
        verb="opportunity.won",
        by=by,
        changes={"status": ["open", "won"], "closed_on": [None, str(closed_on)]},
    )
    return opportunity


@transaction.atomic
def lose_opportunity(
    *, by: User, opportunity: Opportunity, reason: str, closed_on: date | None = None
) -> Opportunity:
    """Record that it is lost, and why (price, timing, competitor…): the why is what the team
    learns from."""
    opportunity = _locked_open(opportunity, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why it was lost."), field="reason")
    closed_on = _closing_day(closed_on)
    opportunity.status = Opportunity.Status.LOST
    opportunity.probability = 0
    opportunity.closed_on = closed_on
    opportunity.lost_reason = reason[:500]
    opportunity.next_step, opportunity.next_step_due_on = "", None
    _save_closed(opportunity, "lost_reason")
    record_event(
        subject=opportunity,
        verb="opportunity.lost",
        by=by,
        changes={"status": ["open", "lost"], "lost_reason": [None, opportunity.lost_reason]},
    )
    return opportunity


def _locked_open(opportunity: Opportunity, by: User) -> Opportunity:
    """The opportunity re-read under a row lock, so that two people closing it at once do so
    one after the other, and the second finds it closed."""
    locked = (
        Opportunity.objects.select_for_update()
        .select_related("client", "stage")
        .get(pk=opportunity.pk)
    )
    require(can_change_opportunity(by, locked))
    if not locked.is_open:
        raise InvalidTransition(
            _("This opportunity is %(status)s already.") % {"status": locked.get_status_display()}
        )
    return locked


def _closing_day(closed_on: date | None) -> date:
    today = timezone.localdate()
    closed_on = closed_on or today
    if closed_on > today:
        raise DomainError(_("It cannot close in the future."), field="closed_on")
    return closed_on


def _save_closed(opportunity: Opportunity, reason_field: str) -> None:
    opportunity.save(
        update_fields=[
            "status",
            "probability",
            "closed_on",
            reason_field,
            "next_step",
            "next_step_due_on",
            "updated_at",
        ]
    )


def _opportunity_snapshot(opportunity: Opportunity) -> dict:
    values = snapshot(opportunity, [*OPPORTUNITY_FIELDS, "stage"])
    values["value_amount"] = str(opportunity.value_amount)
    if opportunity.pk:
        values["services"] = ", ".join(sorted(str(s) for s in opportunity.services.all()))
    return values


def _set_opportunity_fields(opportunity: Opportunity, fields: dict) -> None:
    assign(opportunity, fields)
    if not opportunity.title:
        raise DomainError(_("Name the opportunity."), field="title")
    if opportunity.value_amount is None or opportunity.value_amount < 0:
        raise DomainError(_("A value cannot be negative."), field="value_amount")
    _check_probability(opportunity.probability)
    if "expected_close_on" in fields:
        oldest = timezone.localdate() - OLDEST_CLOSE
        if opportunity.expected_close_on is None or opportunity.expected_close_on < oldest:
            raise DomainError(
                _("The expected close date is more than a year ago; check the year."),
                field="expected_close_on",
            )
    if bool(opportunity.next_step) != bool(opportunity.next_step_due_on):
        field = "next_step_due_on" if opportunity.next_step else "next_step"
        raise DomainError(_("A next step needs what and by when, or neither."), field=field)
    if "owner" in fields and not queries.may_own_opportunities(opportunity.owner):
        raise DomainError(
            _("An opportunity is owned by an active KAM, Director, salesperson or admin."),
            field="owner",
        )


# --- Renewals -------------------------------------------------------------------------------
def open_renewal_opportunities(*, today: date | None = None) -> int:
    """Open one renewal opportunity for each approved special term ending within the notice
    period (KAM_RENEWAL_NOTICE_DAYS), owned by the client's KAM. A term has at most one (a
    unique link), so running this twice, or twice at once, opens nothing more. Returns how
    many were opened."""
    today = today or timezone.localdate()
    opened = 0
    for term in queries.terms_due_for_renewal(today):
        opened += _open_renewal(term, today)
    return opened


def _open_renewal(term: SpecialTerm, today: date) -> int:
    stage = queries.first_stage()
    if stage is None:
        return 0
    try:
        with transaction.atomic():
            opportunity = Opportunity.objects.create(
                client=term.client,
                title=_("Renewal: %(term)s") % {"term": term.get_kind_display()},
                kind=Opportunity.Kind.RENEWAL,
                owner=term.client.owner,
                stage=stage,
                probability=stage.probability,
                expected_close_on=max(term.valid_until, today),
                next_step=_("Agree the renewal with the client"),
                next_step_due_on=max(term.valid_until - timedelta(days=30), today),
                renewal_of_term=term,
                created_by=term.client.owner,
            )
            record_event(
                subject=opportunity,
                verb="opportunity.created",
                by=None,
                changes=created(_opportunity_snapshot(opportunity)),
            )
    except IntegrityError:
        return 0  # another run opened it at the same moment
    return 1

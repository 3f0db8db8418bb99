"""Hand-overs: Sales hands a won client to a KAM, who accepts it or sends it back."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, ClientTeamMember
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.growth.models import Handover, Opportunity
from kam.growth.permissions import can_answer_handover, can_change_handover, can_hand_over
from kam.people.models import User

VERB_LABELS = {
    "handover.created": gettext_lazy("handed the client over"),
    "handover.updated": gettext_lazy("changed the hand-over"),
    "handover.returned": gettext_lazy("sent the hand-over back with a question"),
    "handover.accepted": gettext_lazy("accepted the hand-over"),
}

HANDOVER_FIELDS = [
    "to_kam",
    "stakeholders_introduced",
    "commercial_terms",
    "promises_made",
    "risks",
    "documents",
    "context_note",
]


# --- Hand-overs -----------------------------------------------------------------------------
@transaction.atomic
def hand_over_client(
    *, by: User, client: Client, opportunity: Opportunity | None = None, **fields
) -> Handover:
    """Sales hands a won client to a KAM with the checklist and the context. Every item of the
    checklist must be done (or written) before it goes: that is what the KAM relies on."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    require(can_hand_over(by, client))
    if opportunity is not None and opportunity.client_id != client.pk:
        raise DomainError(_("This opportunity is of another client."), field="opportunity")
    handover = Handover(client=client, opportunity=opportunity, from_user=client.owner)
    _set_handover_fields(handover, fields)
    validated_save(handover, field="to_kam", message=_("This client is being handed over already."))
    record_event(
        subject=handover,
        verb="handover.created",
        by=by,
        changes=created(snapshot(handover, HANDOVER_FIELDS)),
    )
    return handover


@transaction.atomic
def update_handover(*, by: User, handover: Handover, **fields) -> Handover:
    """Rewrite an open hand-over, e.g. to answer the KAM's question: it goes back to the KAM."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    require(can_change_handover(by, handover))
    before = snapshot(handover, [*HANDOVER_FIELDS, "status"])
    _set_handover_fields(handover, fields)
    handover.status = Handover.Status.PENDING
    validated_save(handover, update_fields=fields, also=["status"])
    record_change(
        subject=handover,
        verb="handover.updated",
        by=by,
        before=before,
        after=snapshot(handover, [*HANDOVER_FIELDS, "status"]),
    )
    return handover


@transaction.atomic
def return_handover(*, by: User, handover: Handover, question: str) -> Handover:
    """The KAM sends it back with what they need to know before taking the client."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    require(can_answer_handover(by, handover))
    if handover.status != Handover.Status.PENDING:
        raise InvalidTransition(_("This hand-over is waiting for an answer already."))
    question = (question or "").strip()
    if not question:
        raise DomainError(_("Write the question."), field="question")
    handover.status = Handover.Status.RETURNED
    handover.question = question[:2000]
    handover.save(update_fields=["status", "question", "updated_at"])
    record_event(
        subject=handover,
        verb="handover.returned",
        by=by,
        changes={"status": ["pending", "returned"], "question": [None, handover.question]},
    )
    return handover


@transaction.atomic
def accept_handover(*, by: User, handover: Handover) -> Handover:
    """The KAM takes the client: they own it from now on, and the salesperson stays on its
    account team as Sales, so they keep reading it."""
    handover = Handover.objects.select_for_update().select_related("client").get(pk=handover.pk)
    require(can_answer_handover(by, handover))
    if handover.status != Handover.Status.PENDING:
        raise InvalidTransition(_("Only a hand-over waiting for the KAM can be accepted."))
    client = Client.objects.select_for_update().get(pk=handover.client_id)
    previous_owner = client.owner
    _give_client(client, handover.to_kam, by)
    if previous_owner.pk != handover.to_kam_id:
        _keep_on_team(client, previous_owner, by)
    handover.status = Handover.Status.ACCEPTED
    handover.accepted_at = timezone.now()
    handover.save(update_fields=["status", "accepted_at", "updated_at"])
    record_event(
        subject=handover,
        verb="handover.accepted",
        by=by,
        changes={
            "status": ["pending", "accepted"],
            "owner": [str(previous_owner), str(handover.to_kam)],
        },
    )
    return handover


def _give_client(client: Client, kam: User, by: User) -> None:
    before = {"owner": str(client.owner), "status": client.status}
    client.owner = kam
    if client.status == Client.Status.PROSPECT:
        client.status = Client.Status.ACTIVE
    client.save(update_fields=["owner", "status", "updated_at"])
    ClientTeamMember.objects.filter(client=client, user=kam).delete()  # the owner is not a member
    record_change(
        subject=client,
        verb="client.updated",
        by=by,
        before=before,
        after={"owner": str(kam), "status": client.status},
    )


def _keep_on_team(client: Client, person: User, by: User) -> None:
    member, made = ClientTeamMember.objects.get_or_create(
        client=client, user=person, defaults={"role": ClientTeamMember.Role.SALES}
    )
    if made:
        record_event(
            subject=client,
            verb="client.member_added",
            by=by,
            changes={"team_members": [None, str(member)]},
        )


def _set_handover_fields(handover: Handover, fields: dict) -> None:
    assign(handover, fields)
    kam = handover.to_kam if handover.to_kam_id else None
    if kam is None or not kam.is_active or not (kam.is_kam or kam.is_director):
        raise DomainError(_("Hand the client to an active KAM."), field="to_kam")
    if kam.pk == handover.from_user_id:
        raise DomainError(_("Hand the client to someone else."), field="to_kam")
    missing = [
        str(Handover._meta.get_field(name).verbose_name)
        for name in ("commercial_terms", "promises_made", "risks", "documents", "context_note")
        if not getattr(handover, name)
    ]
    if not handover.stakeholders_introduced:
        missing.insert(0, str(Handover._meta.get_field("stakeholders_introduced").verbose_name))
    if missing:
        raise DomainError(
            _("Complete the checklist before handing over: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )

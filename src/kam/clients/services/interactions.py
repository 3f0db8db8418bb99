"""Interactions with a client and their next steps."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, Interaction, Stakeholder
from kam.clients.permissions import can_change_interaction, can_log_interaction
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, require
from kam.core.saving import assign, validated_save
from kam.people.models import User

VERB_LABELS = {
    "interaction.created": gettext_lazy("logged the interaction"),
    "interaction.updated": gettext_lazy("changed the interaction"),
    "interaction.next_step_done": gettext_lazy("marked the next step done"),
}

INTERACTION_FIELDS = [
    "kind",
    "happened_at",
    "summary",
    "outcome",
    "objection",
    "next_step",
    "next_step_due_on",
    "next_step_owner",
]


# --- Interactions ---------------------------------------------------------------------------
@transaction.atomic
def log_interaction(
    *,
    by: User,
    client: Client,
    our_people: list[User] | None = None,
    stakeholders: list[Stakeholder] | None = None,
    **fields,
) -> Interaction:
    """Log contact with a client (or a note about it) and the next step it leads to. Whoever
    logs it took part unless others are named."""
    require(can_log_interaction(by, client))
    interaction = Interaction(client=client, recorded_by=by)
    if fields.get("happened_at") is None:
        fields["happened_at"] = timezone.now()
    _set_interaction_fields(interaction, fields, stakeholders)
    validated_save(interaction)
    interaction.our_people.set(our_people or [by])
    interaction.stakeholders.set(stakeholders or [])
    record_event(
        subject=interaction,
        verb="interaction.created",
        by=by,
        changes=created(_interaction_snapshot(interaction)),
    )
    return interaction


@transaction.atomic
def update_interaction(
    *,
    by: User,
    interaction: Interaction,
    our_people: list[User] | None = None,
    stakeholders: list[Stakeholder] | None = None,
    **fields,
) -> Interaction:
    """Correct what was logged; the history keeps what it said before."""
    require(can_change_interaction(by, interaction))
    before = _interaction_snapshot(interaction)
    _set_interaction_fields(interaction, fields, stakeholders)
    validated_save(interaction, update_fields=fields)
    if our_people is not None:
        interaction.our_people.set(our_people)
    if stakeholders is not None:
        interaction.stakeholders.set(stakeholders)
    record_change(
        subject=interaction,
        verb="interaction.updated",
        by=by,
        before=before,
        after=_interaction_snapshot(interaction),
    )
    return interaction


@transaction.atomic
def complete_next_step(*, by: User, interaction: Interaction) -> Interaction:
    """Mark an interaction's next step done (once; doing it again changes nothing)."""
    require(can_change_interaction(by, interaction) or interaction.next_step_owner_id == by.pk)
    if not interaction.next_step:
        raise DomainError(_("This interaction has no next step."))
    if interaction.next_step_done_at is None:
        interaction.next_step_done_at = timezone.now()
        interaction.save(update_fields=["next_step_done_at", "updated_at"])
        record_event(
            subject=interaction,
            verb="interaction.next_step_done",
            by=by,
            changes={"next_step_done_at": [None, str(interaction.next_step_done_at)]},
        )
    return interaction


def _set_interaction_fields(
    interaction: Interaction, fields: dict, stakeholders: list[Stakeholder] | None
) -> None:
    assign(interaction, fields)
    if not interaction.summary:
        raise DomainError(_("Say briefly what happened."), field="summary")
    if interaction.happened_at and interaction.happened_at > timezone.now() + timedelta(days=1):
        raise DomainError(
            _("An interaction is logged after it happens; plan future ones as a next step."),
            field="happened_at",
        )
    _check_next_step(interaction)
    for stakeholder in stakeholders or []:
        if stakeholder.client_id != interaction.client_id:
            raise DomainError(
                _("%(name)s is not a stakeholder of this client.") % {"name": stakeholder},
                field="stakeholders",
            )


def _check_next_step(interaction: Interaction) -> None:
    parts = [interaction.next_step, interaction.next_step_due_on, interaction.next_step_owner]
    if any(parts) and not all(parts):
        missing = next(
            name
            for name, value in zip(
                ["next_step", "next_step_due_on", "next_step_owner"], parts, strict=True
            )
            if not value
        )
        raise DomainError(
            _("A next step needs what, a due date and an owner, or none of them."), field=missing
        )
    if interaction.next_step_owner is not None and not interaction.next_step_owner.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="next_step_owner")


def _interaction_snapshot(interaction: Interaction) -> dict:
    return snapshot(interaction, INTERACTION_FIELDS)

"""A client's requests and complaints, routed to a department and a person."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, ClientRequest, Stakeholder
from kam.clients.permissions import can_change_client, can_log_interaction, can_work_request
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.people.models import User

VERB_LABELS = {
    "request.logged": gettext_lazy("logged the request"),
    "request.updated": gettext_lazy("changed the request"),
    "request.started": gettext_lazy("started work on the request"),
    "request.resolved": gettext_lazy("resolved the request"),
    "request.reopened": gettext_lazy("reopened the request"),
}

REQUEST_FIELDS = [
    "kind",
    "title",
    "description",
    "severity",
    "department",
    "assignee",
    "due_on",
    "paid_by",
]
REQUEST_FIELDS_OF_FORM = [*REQUEST_FIELDS[:4], "raised_by", *REQUEST_FIELDS[4:]]


# --- Client requests and complaints ---------------------------------------------------------
@transaction.atomic
def log_request(
    *, by: User, client: Client, raised_by: Stakeholder | None = None, **fields
) -> ClientRequest:
    """Record what a client asks for or complains about, routed to a department and a person."""
    require(can_log_interaction(by, client))
    item = ClientRequest(client=client, created_by=by, raised_by=raised_by)
    _set_request_fields(item, fields)
    validated_save(item)
    record_event(
        subject=item,
        verb="request.logged",
        by=by,
        changes=created(snapshot(item, ["client", "raised_by", *REQUEST_FIELDS])),
    )
    return item


@transaction.atomic
def update_request(*, by: User, item: ClientRequest, **fields) -> ClientRequest:
    """Re-route, re-prioritise or reword an open request."""
    item = _locked_request(item)
    require(can_work_request(by, item))
    # Who pays is the client side's commercial decision, not the assignee's.
    if fields.get("paid_by", item.paid_by) != item.paid_by:
        require(can_change_client(by, item.client))
    if item.status == ClientRequest.Status.RESOLVED:
        raise InvalidTransition(_("A resolved request is reopened before it is changed."))
    before = snapshot(item, ["raised_by", *REQUEST_FIELDS])
    _set_request_fields(item, fields)
    validated_save(item, update_fields=fields)
    record_change(
        subject=item,
        verb="request.updated",
        by=by,
        before=before,
        after=snapshot(item, ["raised_by", *REQUEST_FIELDS]),
    )
    return item


@transaction.atomic
def start_request(*, by: User, item: ClientRequest) -> ClientRequest:
    """The assignee (or the account team) starts on an open request."""
    return _move_request(by, item, ClientRequest.Status.OPEN, ClientRequest.Status.IN_PROGRESS)


@transaction.atomic
def resolve_request(*, by: User, item: ClientRequest, resolution: str) -> ClientRequest:
    """Close a request with what was done about it."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("Say how it was resolved."), field="resolution")
    item = _locked_request(item)
    require(can_work_request(by, item))
    if item.status == ClientRequest.Status.RESOLVED:
        raise InvalidTransition(_("This request is resolved already."))
    before = snapshot(item, ["status", "resolution"])
    item.status, item.resolution = ClientRequest.Status.RESOLVED, resolution[:4000]
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    record_change(
        subject=item,
        verb="request.resolved",
        by=by,
        before=before,
        after=snapshot(item, ["status", "resolution"]),
    )
    return item


@transaction.atomic
def reopen_request(*, by: User, item: ClientRequest) -> ClientRequest:
    """The client was not satisfied after all: the request is open again, its last resolution
    kept in the history."""
    item = _locked_request(item)
    require(can_work_request(by, item))
    if item.status != ClientRequest.Status.RESOLVED:
        raise InvalidTransition(_("Only a resolved request is reopened."))
    before = snapshot(item, ["status", "resolution"])
    item.status, item.resolution, item.resolved_at = ClientRequest.Status.OPEN, "", None
    item.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    record_change(
        subject=item,
        verb="request.reopened",
        by=by,
        before=before,
        after=snapshot(item, ["status", "resolution"]),
    )
    return item


def _move_request(by: User, item: ClientRequest, source: str, target: str) -> ClientRequest:
    item = _locked_request(item)
    require(can_work_request(by, item))
    if item.status != source:
        raise InvalidTransition(_("This request is not open."))
    before = snapshot(item, ["status"])
    item.status = target
    item.save(update_fields=["status", "updated_at"])
    record_change(
        subject=item, verb="request.started", by=by, before=before, after=snapshot(item, ["status"])
    )
    return item


def _locked_request(item: ClientRequest) -> ClientRequest:
    return (
        ClientRequest.objects.select_for_update(of=("self",))
        .select_related("client__owner__team")
        .get(pk=item.pk)
    )


def _set_request_fields(item: ClientRequest, fields: dict) -> None:
    assign(item, fields)
    if not item.title:
        raise DomainError(_("Give the request a title."), field="title")
    if item.paid_by not in ClientRequest.PaidBy.values:
        raise DomainError(_("Say who pays for it."), field="paid_by")
    if item.raised_by is not None and item.raised_by.client_id != item.client_id:
        raise DomainError(
            _("%(name)s is not a stakeholder of this client.") % {"name": item.raised_by},
            field="raised_by",
        )
    if item.assignee is not None and not item.assignee.is_active:
        raise DomainError(_("This person cannot sign in any more."), field="assignee")

"""Every change to clients and what hangs on them, one module per part of the account;
the rest of kam imports the services from here."""

from kam.clients.services import accounts, client_requests, interactions, plans, terms
from kam.clients.services.accounts import (
    CLIENT_FIELDS,
    STAKEHOLDER_FIELDS,
    add_stakeholder,
    add_team_member,
    create_client,
    move_stakeholder,
    open_prospect,
    remove_team_member,
    update_client,
    update_stakeholder,
)
from kam.clients.services.client_requests import (
    REQUEST_FIELDS,
    REQUEST_FIELDS_OF_FORM,
    log_request,
    reopen_request,
    resolve_request,
    start_request,
    update_request,
)
from kam.clients.services.imports import (
    apply_import,
    cancel_import,
    forget_stale_imports,
    preview_import,
    stage_import,
)
from kam.clients.services.interactions import (
    INTERACTION_FIELDS,
    complete_next_step,
    log_interaction,
    update_interaction,
)
from kam.clients.services.plans import (
    PLAN_FIELDS,
    PLAY_FIELDS,
    SERVICE_FIELDS,
    add_play,
    create_plan,
    create_service,
    update_plan,
    update_play,
    update_service,
)
from kam.clients.services.terms import (
    TERM_FIELDS,
    approve_term,
    end_term,
    propose_term,
    update_term,
)

VERB_LABELS = {
    **accounts.VERB_LABELS,
    **interactions.VERB_LABELS,
    **terms.VERB_LABELS,
    **client_requests.VERB_LABELS,
    **plans.VERB_LABELS,
}

__all__ = [
    "CLIENT_FIELDS",
    "INTERACTION_FIELDS",
    "PLAN_FIELDS",
    "PLAY_FIELDS",
    "REQUEST_FIELDS",
    "REQUEST_FIELDS_OF_FORM",
    "SERVICE_FIELDS",
    "STAKEHOLDER_FIELDS",
    "TERM_FIELDS",
    "VERB_LABELS",
    "add_play",
    "add_stakeholder",
    "add_team_member",
    "apply_import",
    "approve_term",
    "cancel_import",
    "complete_next_step",
    "create_client",
    "create_plan",
    "create_service",
    "end_term",
    "forget_stale_imports",
    "log_interaction",
    "log_request",
    "move_stakeholder",
    "open_prospect",
    "preview_import",
    "propose_term",
    "remove_team_member",
    "reopen_request",
    "resolve_request",
    "stage_import",
    "start_request",
    "update_client",
    "update_interaction",
    "update_plan",
    "update_play",
    "update_request",
    "update_service",
    "update_stakeholder",
    "update_term",
]

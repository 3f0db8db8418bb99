"""Pages of the clients app, one module per part of the account; `urls.py` names the views
through this package."""

from kam.clients.views.accounts import (
    client_create,
    client_detail,
    client_edit,
    client_list,
    client_member_add,
    member_remove,
    stakeholder_create,
    stakeholder_detail,
    stakeholder_edit,
    stakeholder_move,
)
from kam.clients.views.client_requests import (
    request_create,
    request_detail,
    request_edit,
    request_list,
    request_reopen,
    request_resolve,
    request_start,
)
from kam.clients.views.import_export import (
    client_export,
    client_import,
    import_apply,
    import_cancel,
    import_preview,
    stakeholder_export,
)
from kam.clients.views.interactions import interaction_create, interaction_edit, next_step_done
from kam.clients.views.plans import (
    plan_create,
    plan_detail,
    plan_edit,
    plan_play_add,
    play_edit,
    service_create,
    service_detail,
    service_edit,
    service_list,
)
from kam.clients.views.search import search
from kam.clients.views.terms import term_approve, term_create, term_edit, term_end

__all__ = [
    "client_create",
    "client_detail",
    "client_edit",
    "client_export",
    "client_import",
    "client_list",
    "client_member_add",
    "import_apply",
    "import_cancel",
    "import_preview",
    "interaction_create",
    "interaction_edit",
    "member_remove",
    "next_step_done",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_play_add",
    "play_edit",
    "request_create",
    "request_detail",
    "request_edit",
    "request_list",
    "request_reopen",
    "request_resolve",
    "request_start",
    "search",
    "service_create",
    "service_detail",
    "service_edit",
    "service_list",
    "stakeholder_create",
    "stakeholder_detail",
    "stakeholder_edit",
    "stakeholder_export",
    "stakeholder_move",
    "term_approve",
    "term_create",
    "term_edit",
    "term_end",
]

"""The access matrix: every page route and every API operation, discovered from the URL
resolver and the OpenAPI document, against every role, on a record of team A ("own": lan's side)
and of team B ("other": minh's side). Expectations come from the one table below; a route or
operation without an entry fails `test_every_route_and_operation_has_a_policy`."""

import functools
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kam.api import api
from kam.budgets import services as budgets
from kam.clients.models import AccountPlan, AgencyService, ClientRequest, ImportBatch, SpecialTerm
from kam.delivery import services as delivery
from kam.growth.models import Handover, Stage
from kam.insights import services as insights
from kam.people import services
from kam.people.models import Department, User
from kam.pitching import services as pitching
from kam.receivables import services as receivables
from tests.budgets.factories import budgeted_project
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory
from tests.conftest import make_everyone
from tests.delivery.factories import signed_contract
from tests.growth.factories import LeadFactory, OpportunityFactory
from tests.people.factories import DepartmentFactory, UserFactory
from tests.pitching.factories import price, shortlisted_brief

ROLES = [
    "admin",
    "director",
    "kam",
    "sales",
    "planner",
    "department_member",
    "finance",
    "anonymous",
]
PERSONA_OF_ROLE = {
    "admin": "admin",
    "director": "director",
    "kam": "lan",
    "sales": "sales",
    "planner": "planner",
    "department_member": "creative",
    "finance": "finance",
}
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def expect(ok=(), status=200, others=404, anonymous=302) -> dict[str, int]:
    """`status` for the roles in `ok`, `others` for the other signed-in roles."""
    table = {role: (status if role in ok else others) for role in SIGNED_IN}
    table["anonymous"] = anonymous
    return table


def everyone(status=200, anonymous=302) -> dict[str, int]:
    return expect(ok=SIGNED_IN, status=status, anonymous=anonymous)


ADMIN_ONLY = expect(ok=["admin"])
# Records of team A: the admin, team A's Director and lan (the KAM) see them; team B's: only admin.
OWN_TEAM = expect(ok=["admin", "director", "kam"])

# Clients: lan's ("own") are read by admin, her Director, herself and Finance, and changed by
# the first three; minh's ("other") are read by admin and Finance, changed by admin.
CLIENT_CHANGERS = ["admin", "director", "kam"]
CLIENT_READERS = [*CLIENT_CHANGERS, "finance"]
OWN_CLIENT_READ = expect(ok=CLIENT_READERS)
OTHER_CLIENT_READ = expect(ok=["admin", "finance"])
OWN_CLIENT_CHANGE = expect(ok=CLIENT_CHANGERS)
CLIENT_READ = {"own": OWN_CLIENT_READ, "other": OTHER_CLIENT_READ}
CLIENT_CHANGE = {"own": OWN_CLIENT_CHANGE, "other": ADMIN_ONLY}
POST_ONLY = {"own": everyone(405), "other": everyone(405)}

# Growth: leads are Sales' (the persona owns "own"; another salesperson "other") and every
# Director's; opportunities follow their client; a hand-over ("own": Sales to lan, "other":
# another salesperson to minh) is read by its two people, whoever sees its client (Finance,
# and Directors, who see Sales' prospects) and the receiving KAM's Director.
OPPORTUNITY_OPENERS = ["admin", "director", "kam", "sales"]
LEAD_PEOPLE = ["admin", "director", "sales"]
LEAD_ACCESS = {"own": expect(ok=LEAD_PEOPLE), "other": expect(ok=["admin", "director"])}
HANDOVER_READERS = ["admin", "director", "kam", "sales", "finance"]
HANDOVER_READ = {
    "own": expect(ok=HANDOVER_READERS),
    "other": expect(ok=["admin", "director", "finance"]),
}

# Pitching: a brief ("own": on lan's client) is read by those who see its client, its Planner
# and the department member brought onto it; its money (proposals, estimates, exports) by all of
# them but the department member; the KAM side changes it; the Planner also writes the creative
# brief, shortlists and plans pitches; only the Director of lan's team decides a low margin.
BRIEF_READ = {
    "own": expect(ok=[*CLIENT_READERS, "planner", "department_member"]),
    "other": OTHER_CLIENT_READ,
}
MONEY_READ = {"own": expect(ok=[*CLIENT_READERS, "planner"]), "other": OTHER_CLIENT_READ}
WITH_PLANNER = [*CLIENT_CHANGERS, "planner"]
BRIEF_TEAM = [*WITH_PLANNER, "department_member"]
PLANNER_CHANGE = {"own": expect(ok=WITH_PLANNER), "other": ADMIN_ONLY}
PROPOSAL_READERS = [role for role in SIGNED_IN if role != "department_member"]

# route name -> {role: status}, or {"own": {role: status}, "other": {...}} for a record's route
PAGES = {
    "core:home": everyone(),
    "core:healthz": everyone(anonymous=200),
    "people:login": {**expect(ok=SIGNED_IN, status=302), "anonymous": 200},
    "people:logout": everyone(405, anonymous=405),
    "people:set_language": everyone(405, anonymous=405),
    "people:profile": everyone(),
    "people:password_change": everyone(),
    "people:token_create": everyone(405),
    "people:token_revoke": {"own": everyone(405), "other": everyone(405)},
    "people:user_list": everyone(),
    "people:user_create": ADMIN_ONLY,
    "people:user_detail": {"own": OWN_TEAM, "other": ADMIN_ONLY},
    "people:user_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "people:user_set_password": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "people:team_list": everyone(),
    "people:team_create": ADMIN_ONLY,
    "people:team_detail": {"own": OWN_TEAM, "other": ADMIN_ONLY},
    "people:team_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "people:department_list": everyone(),
    "people:department_create": ADMIN_ONLY,
    "people:department_detail": {"own": everyone(), "other": everyone()},
    "people:department_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    # Django's admin site sends everybody but admins to its own sign-in page.
    "admin:index": expect(ok=["admin"], others=302),
    "api:openapi-json": everyone(anonymous=200),
    "api:openapi-view": everyone(anonymous=200),
    "clients:client_list": everyone(),
    "clients:client_create": expect(ok=CLIENT_CHANGERS),
    "clients:client_detail": CLIENT_READ,
    "clients:client_edit": CLIENT_CHANGE,
    "clients:client_member_add": POST_ONLY,
    "clients:client_stakeholder_add": CLIENT_CHANGE,
    "clients:client_interaction_add": CLIENT_READ,
    "clients:member_remove": POST_ONLY,
    "clients:stakeholder_detail": CLIENT_READ,
    "clients:stakeholder_edit": CLIENT_CHANGE,
    "clients:stakeholder_move": CLIENT_CHANGE,
    "clients:interaction_edit": CLIENT_CHANGE,
    "clients:interaction_next_step_done": POST_ONLY,
    "clients:search": everyone(),
    "clients:request_list": everyone(),
    "clients:client_plan_add": CLIENT_CHANGE,
    "clients:plan_detail": CLIENT_READ,
    "clients:plan_edit": CLIENT_CHANGE,
    "clients:plan_play_add": POST_ONLY,
    "clients:service_list": everyone(),
    "clients:service_create": ADMIN_ONLY,
    "clients:service_detail": {"own": everyone(), "other": everyone()},
    "clients:service_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "clients:play_edit": CLIENT_CHANGE,
    "clients:client_request_add": CLIENT_READ,
    # A request is also its assignee's (creative, a department member, on lan's side).
    "clients:request_detail": {
        "own": expect(ok=[*CLIENT_READERS, "department_member"]),
        "other": OTHER_CLIENT_READ,
    },
    "clients:request_edit": {
        "own": expect(ok=[*CLIENT_CHANGERS, "department_member"]),
        "other": ADMIN_ONLY,
    },
    "clients:request_start": POST_ONLY,
    "clients:request_resolve": POST_ONLY,
    "clients:request_reopen": POST_ONLY,
    "clients:client_term_add": CLIENT_CHANGE,
    "clients:term_edit": CLIENT_CHANGE,
    "clients:term_approve": POST_ONLY,
    "clients:term_end": POST_ONLY,
    "clients:client_export": everyone(),
    "clients:stakeholder_export": everyone(),
    "clients:client_import": expect(ok=CLIENT_CHANGERS),
    # An upload is its uploader's alone: lan's ("own") and minh's ("other").
    "clients:import_preview": {"own": expect(ok=["kam"]), "other": expect(ok=[])},
    "clients:import_apply": POST_ONLY,
    "clients:import_cancel": POST_ONLY,
    "growth:pipeline": everyone(),
    "growth:board": everyone(),
    "growth:forecast": everyone(),
    "growth:stage_list": everyone(),
    "growth:stage_create": ADMIN_ONLY,
    "growth:stage_edit": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "growth:opportunity_create": expect(ok=OPPORTUNITY_OPENERS),
    "growth:opportunity_detail": CLIENT_READ,
    "growth:opportunity_edit": CLIENT_CHANGE,
    "growth:opportunity_move": POST_ONLY,
    "growth:opportunity_win": POST_ONLY,
    "growth:opportunity_lose": POST_ONLY,
    # Handing a client over is its owner's (lan's client: lan and her Director) or an admin's.
    "growth:handover_create": CLIENT_CHANGE,
    "growth:client_panel": CLIENT_READ,
    "growth:lead_list": expect(ok=LEAD_PEOPLE),
    "growth:lead_create": expect(ok=LEAD_PEOPLE),
    "growth:lead_detail": LEAD_ACCESS,
    "growth:lead_edit": LEAD_ACCESS,
    "growth:lead_convert": POST_ONLY,
    "growth:handover_list": everyone(),
    "growth:handover_detail": HANDOVER_READ,
    "growth:handover_edit": {"own": expect(ok=["admin", "sales"]), "other": ADMIN_ONLY},
    "growth:handover_accept": POST_ONLY,
    "growth:handover_return": POST_ONLY,
    "pitching:attachment_add": POST_ONLY,
    "pitching:attachment_download": BRIEF_READ,
    "pitching:attachment_remove": POST_ONLY,
    "pitching:brief_budget": POST_ONLY,
    "pitching:brief_cancel": POST_ONLY,
    "pitching:brief_create": expect(ok=[*CLIENT_CHANGERS, "sales"]),
    "pitching:brief_detail": BRIEF_READ,
    "pitching:brief_edit": CLIENT_CHANGE,
    "pitching:brief_list": everyone(),
    "pitching:brief_member_add": POST_ONLY,
    "pitching:brief_member_remove": POST_ONLY,
    "pitching:brief_weights": POST_ONLY,
    "pitching:client_panel": CLIENT_READ,
    "pitching:creative_brief_create": POST_ONLY,
    "pitching:creative_brief_edit": PLANNER_CHANGE,
    "pitching:creative_brief_ready": POST_ONLY,
    "pitching:idea_add": POST_ONLY,
    "pitching:idea_edit": CLIENT_CHANGE,
    "pitching:idea_review": POST_ONLY,
    "pitching:idea_shortlist": POST_ONLY,
    "pitching:idea_unshortlist": POST_ONLY,
    "pitching:line_add": POST_ONLY,
    "pitching:line_edit": CLIENT_CHANGE,
    "pitching:line_remove": POST_ONLY,
    "pitching:pitch_create": PLANNER_CHANGE,
    "pitching:pitch_edit": PLANNER_CHANGE,
    "pitching:proposal_approve": POST_ONLY,
    "pitching:proposal_create": POST_ONLY,
    "pitching:proposal_detail": MONEY_READ,
    "pitching:proposal_list": expect(ok=PROPOSAL_READERS),
    "pitching:proposal_lose": POST_ONLY,
    "pitching:proposal_revise": POST_ONLY,
    "pitching:version_approve_margin": POST_ONLY,
    "pitching:version_decline_margin": POST_ONLY,
    "pitching:version_edit": CLIENT_CHANGE,
    "pitching:version_estimate_xlsx": MONEY_READ,
    "pitching:version_feedback": POST_ONLY,
    "pitching:version_request_approval": POST_ONLY,
    "pitching:version_send": POST_ONLY,
    "pitching:version_summary_pdf": MONEY_READ,
}
# An empty POST to every route that takes one: 422 is a refused (empty) form, 200 the sign-in
# page shown again, 302 a done deed or the way to sign in.
ADMIN_FORM = expect(ok=["admin"], status=422)
PITCH_FORM = {"own": expect(ok=CLIENT_CHANGERS, status=422), "other": ADMIN_FORM}
PITCH_CLICK = {
    "own": expect(ok=CLIENT_CHANGERS, status=302),
    "other": expect(ok=["admin"], status=302),
}
POSTS = {
    "people:login": {**expect(ok=SIGNED_IN, status=302), "anonymous": 200},
    "people:logout": everyone(302),
    "people:set_language": everyone(302),
    "people:profile": everyone(422),
    "people:password_change": everyone(422),
    "people:token_create": everyone(422),
    "people:token_revoke": {
        "own": expect(ok=["admin", "kam"], status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "people:user_create": ADMIN_FORM,
    "people:user_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "people:user_set_password": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "people:team_create": ADMIN_FORM,
    "people:team_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "people:department_create": ADMIN_FORM,
    "people:department_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "clients:service_create": ADMIN_FORM,
    "clients:service_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "clients:client_create": expect(ok=CLIENT_CHANGERS, status=422),
    "clients:client_edit": {"own": expect(ok=CLIENT_CHANGERS, status=422), "other": ADMIN_FORM},
    "clients:client_member_add": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:client_stakeholder_add": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:client_interaction_add": {
        "own": expect(ok=CLIENT_READERS, status=422),
        "other": expect(ok=["admin", "finance"], status=422),
    },
    "clients:member_remove": {
        "own": expect(ok=CLIENT_CHANGERS, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "clients:stakeholder_edit": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:stakeholder_move": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:interaction_edit": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:interaction_next_step_done": {
        "own": expect(ok=CLIENT_CHANGERS, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "clients:client_import": expect(ok=CLIENT_CHANGERS, status=422),
    "clients:client_term_add": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:client_plan_add": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:plan_edit": {"own": expect(ok=CLIENT_CHANGERS, status=422), "other": ADMIN_FORM},
    "clients:plan_play_add": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "clients:play_edit": {"own": expect(ok=CLIENT_CHANGERS, status=422), "other": ADMIN_FORM},
    "clients:client_request_add": {
        "own": expect(ok=CLIENT_READERS, status=422),
        "other": expect(ok=["admin", "finance"], status=422),
    },
    "clients:request_edit": {
        "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], status=422),
        "other": ADMIN_FORM,
    },
    "clients:request_start": {
        "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "clients:request_resolve": {
        "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], status=422),
        "other": ADMIN_FORM,
    },
    # Reopening an open request is refused with a message on the request's page.
    "clients:request_reopen": {
        "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "clients:term_edit": {"own": expect(ok=CLIENT_CHANGERS, status=422), "other": ADMIN_FORM},
    # Approving is the Director's (or an admin's); for the KAM, as every denial, a 404.
    "clients:term_approve": {
        "own": expect(ok=["admin", "director"], status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "clients:term_end": {
        "own": expect(ok=CLIENT_CHANGERS, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "clients:import_apply": {"own": expect(ok=["kam"], status=302), "other": expect(ok=[])},
    "clients:import_cancel": {"own": expect(ok=["kam"], status=302), "other": expect(ok=[])},
    "growth:stage_create": ADMIN_FORM,
    "growth:stage_edit": {"own": ADMIN_FORM, "other": ADMIN_FORM},
    "growth:opportunity_create": expect(ok=OPPORTUNITY_OPENERS, status=422),
    "growth:opportunity_edit": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "growth:opportunity_move": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    # Winning needs nothing more: an empty form wins it.
    "growth:opportunity_win": {
        "own": expect(ok=CLIENT_CHANGERS, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "growth:opportunity_lose": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "growth:handover_create": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    "growth:lead_create": expect(ok=LEAD_PEOPLE, status=422),
    "growth:lead_edit": {
        "own": expect(ok=LEAD_PEOPLE, status=422),
        "other": expect(ok=["admin", "director"], status=422),
    },
    # The matrix's leads are qualified: converting needs nothing more.
    "growth:lead_convert": {
        "own": expect(ok=LEAD_PEOPLE, status=302),
        "other": expect(ok=["admin", "director"], status=302),
    },
    "growth:handover_edit": {"own": expect(ok=["admin", "sales"], status=422), "other": ADMIN_FORM},
    "growth:handover_accept": {
        "own": expect(ok=["admin", "kam"], status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "growth:handover_return": {"own": expect(ok=["admin", "kam"], status=422), "other": ADMIN_FORM},
    "pitching:attachment_add": PITCH_FORM,
    "pitching:attachment_remove": PITCH_CLICK,
    "pitching:brief_budget": PITCH_FORM,
    "pitching:brief_cancel": PITCH_FORM,
    "pitching:brief_create": expect(ok=[*CLIENT_CHANGERS, "sales"], status=422),
    "pitching:brief_edit": PITCH_FORM,
    "pitching:brief_member_add": PITCH_FORM,
    "pitching:brief_member_remove": PITCH_CLICK,
    "pitching:brief_weights": PITCH_FORM,
    "pitching:creative_brief_create": PITCH_FORM,
    "pitching:creative_brief_edit": {
        "own": expect(ok=WITH_PLANNER, status=422),
        "other": ADMIN_FORM,
    },
    "pitching:creative_brief_ready": {
        "own": expect(ok=WITH_PLANNER, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "pitching:idea_add": {"own": expect(ok=BRIEF_TEAM, status=422), "other": ADMIN_FORM},
    "pitching:idea_edit": PITCH_FORM,
    "pitching:idea_review": {"own": expect(ok=BRIEF_TEAM, status=422), "other": ADMIN_FORM},
    "pitching:idea_shortlist": {
        "own": expect(ok=WITH_PLANNER, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "pitching:idea_unshortlist": {
        "own": expect(ok=WITH_PLANNER, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "pitching:line_add": PITCH_FORM,
    "pitching:line_edit": PITCH_FORM,
    "pitching:line_remove": PITCH_CLICK,
    "pitching:pitch_create": {"own": expect(ok=WITH_PLANNER, status=422), "other": ADMIN_FORM},
    "pitching:pitch_edit": {"own": expect(ok=WITH_PLANNER, status=422), "other": ADMIN_FORM},
    "pitching:proposal_approve": PITCH_FORM,
    "pitching:proposal_create": PITCH_FORM,
    "pitching:proposal_lose": PITCH_FORM,
    "pitching:proposal_revise": PITCH_CLICK,
    "pitching:version_approve_margin": {
        "own": expect(ok=["admin", "director"], status=422),
        "other": ADMIN_FORM,
    },
    "pitching:version_decline_margin": {
        "own": expect(ok=["admin", "director"], status=422),
        "other": ADMIN_FORM,
    },
    "pitching:version_edit": PITCH_FORM,
    "pitching:version_feedback": PITCH_FORM,
    "pitching:version_request_approval": PITCH_CLICK,
    "pitching:version_send": PITCH_CLICK,
}
# Delivery. Contracts are read by those who see the client (and Sales, of clients they handed
# over); projects and change requests by Planners of their briefs too; a department member sees
# no contract, project or money, only their department's tasks (lan's is Creative's, minh's
# KOL's). The KAM side runs everything. The calendar feed's secret address needs no sign-in.
CONTRACT_READERS = [*CLIENT_READERS, "sales"]
PROJECT_READERS = [*CONTRACT_READERS, "planner"]
TASK_READ = {"own": expect(ok=[*CLIENT_READERS, "department_member"]), "other": OTHER_CLIENT_READ}
FEED = {"own": everyone(anonymous=200), "other": everyone(anonymous=200)}
# The KAM side's forms and one-click actions, as in pitching.
DELIVERY_FORM, DELIVERY_CLICK = PITCH_FORM, PITCH_CLICK
DELIVERY_READ_PAGES = [
    "contract_detail", "contract_file_download", "project_detail", "project_timeline",
    "change_detail", "client_panel",
]  # fmt: skip
DELIVERY_FORM_PAGES = [
    "booking_cancel", "booking_create", "booking_edit", "booking_promote", "change_create",
    "change_edit", "change_line_edit", "commitment_edit", "contract_edit", "milestone_edit",
    "milestone_slip", "phase_complete", "phase_edit", "project_create", "project_edit",
    "task_create", "task_edit", "task_slip",
]  # fmt: skip
DELIVERY_CLICKS = [
    "booking_confirm", "booking_done", "change_line_remove", "change_reject",
    "check_remove", "check_tick", "check_untick", "commitment_remove", "contract_file_remove",
    "dependency_remove", "milestone_reach", "milestone_remove", "phase_remove", "phase_start",
    "project_delete", "task_delete",
]  # fmt: skip
DELIVERY_FORM_POSTS = [
    "amendment_create", "check_create", "commitment_create", "contract_file_add",
    "contract_sign", "dependency_add", "milestone_create", "phase_create", "project_cancel",
    "project_deliver", "change_line_add",
]  # fmt: skip
PAGES |= {
    "delivery:contract_list": expect(ok=CONTRACT_READERS),
    "delivery:contract_create": expect(ok=CLIENT_CHANGERS),
    "delivery:project_list": expect(ok=PROJECT_READERS),
    "delivery:change_list": expect(ok=PROJECT_READERS),
    "delivery:task_queue": everyone(),
    "delivery:task_detail": TASK_READ,
    "delivery:calendar_settings": everyone(),
    "delivery:calendar_feed": FEED,
    **{f"delivery:{name}": CLIENT_READ for name in DELIVERY_READ_PAGES},
    **{f"delivery:{name}": CLIENT_CHANGE for name in DELIVERY_FORM_PAGES},
    **{
        f"delivery:{name}": POST_ONLY
        for name in [*DELIVERY_CLICKS, *DELIVERY_FORM_POSTS, "task_work"]
    },
    "delivery:calendar_reset": everyone(405),
}
POSTS |= {
    "delivery:contract_create": expect(ok=CLIENT_CHANGERS, status=422),
    "delivery:task_work": {
        "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], status=422),
        "other": ADMIN_FORM,
    },
    "delivery:calendar_reset": everyone(302),
    **{f"delivery:{name}": DELIVERY_FORM for name in [*DELIVERY_FORM_PAGES, *DELIVERY_FORM_POSTS]},
    **{f"delivery:{name}": DELIVERY_CLICK for name in DELIVERY_CLICKS},
}
# Budgets. Money is for the KAM side of the client and Finance: a department member, a Planner
# or Sales gets 404 on every budgets page but their own timesheet. Purchase orders and bills are
# Finance's too; the Director of the client's owner (and admins) decide what goes under the
# margin floor and re-baselines; Finance and admins keep the books.
BUDGET_READERS = [*CLIENT_CHANGERS, "finance"]
BUDGET_READ = {"own": expect(ok=BUDGET_READERS), "other": OTHER_CLIENT_READ}
COST_RECORDERS = {"own": expect(ok=BUDGET_READERS), "other": OTHER_CLIENT_READ}
BOOKS = expect(ok=["admin", "finance"])
BUDGET_POST_ONLY = [
    "budget_create", "budget_floor", "booking_order", "cost_cancel", "baseline_start",
    "baseline_line_add", "baseline_line_remove", "baseline_submit", "baseline_approve",
    "baseline_reject", "baseline_discard", "approval_decide", "change_approve",
    "change_ask_approval",
]  # fmt: skip
PAGES |= {
    "budgets:budget_list": expect(ok=BUDGET_READERS),
    "budgets:approval_list": expect(ok=BUDGET_READERS),
    "budgets:profitability": expect(ok=BUDGET_READERS),
    "budgets:books": BOOKS,
    "budgets:timesheet": everyone(),
    **{
        f"budgets:{name}": BUDGET_READ
        for name in [
            "project_panel", "budget_detail", "baseline_detail", "approval_detail",
            "change_panel", "request_panel",
        ]
    },
    "budgets:cost_create": COST_RECORDERS,
    "budgets:baseline_edit": CLIENT_CHANGE,
    "budgets:baseline_line_edit": CLIENT_CHANGE,
    **{f"budgets:{name}": POST_ONLY for name in BUDGET_POST_ONLY},
    "budgets:month_close": everyone(405),
    "budgets:rate_create": everyone(405),
}  # fmt: skip
DIRECTOR_FORM = {"own": expect(ok=["admin", "director"], status=422), "other": ADMIN_FORM}
POSTS |= {
    # Set up on the delivery project, which has none yet.
    "budgets:budget_create": PITCH_CLICK,
    "budgets:budget_floor": DIRECTOR_FORM,
    "budgets:cost_create": {
        "own": expect(ok=BUDGET_READERS, status=422),
        "other": expect(ok=["admin", "finance"], status=422),
    },
    "budgets:booking_order": {
        "own": expect(ok=BUDGET_READERS, status=302),
        "other": expect(ok=["admin", "finance"], status=302),
    },
    # Refused without its reason: back to the budget, told why.
    "budgets:cost_cancel": {
        "own": expect(ok=BUDGET_READERS, status=302),
        "other": expect(ok=["admin", "finance"], status=302),
    },
    "budgets:baseline_start": PITCH_CLICK,  # refused beside the draft: back to the budget
    "budgets:baseline_edit": PITCH_CLICK,  # a draft's reason may be empty until it is sent
    "budgets:baseline_line_add": PITCH_FORM,
    "budgets:baseline_line_edit": PITCH_FORM,
    "budgets:baseline_line_remove": PITCH_CLICK,
    "budgets:baseline_submit": PITCH_CLICK,
    "budgets:baseline_discard": PITCH_CLICK,
    "budgets:baseline_approve": DIRECTOR_FORM,
    "budgets:baseline_reject": DIRECTOR_FORM,
    "budgets:approval_decide": DIRECTOR_FORM,
    "budgets:change_approve": PITCH_CLICK,
    "budgets:change_ask_approval": PITCH_CLICK,  # nothing to ask without a budget: told so
    "budgets:month_close": expect(ok=["admin", "finance"], status=422),
    "budgets:rate_create": expect(ok=["admin", "finance"], status=422),
}
# Receivables. Like budgets' money, for the KAM side of the client and Finance; Finance keeps
# the books (issues, credits, records and allocates payments); the KAM side follows up
# (drafts, statements, promises, disputes). The statement's link is public: its token is the key.
RECEIVABLE_READ = BUDGET_READ
FOLLOW_UP = {"own": expect(ok=BUDGET_READERS), "other": OTHER_CLIENT_READ}
BOOKS_ON_EVERY_CLIENT = {"own": BOOKS, "other": BOOKS}
RECEIVABLE_POST_ONLY = [
    "milestone_invoice", "invoice_delete", "invoice_issue", "invoice_credit", "invoice_cancel",
    "invoice_replace", "invoice_dispute", "invoice_dispute_settle", "payment_allocate",
    "payment_allocate_oldest", "allocation_remove", "statement_send", "statement_delete",
    "statement_settle", "promise_create", "call_create",
]  # fmt: skip
PAGES |= {
    **{
        f"receivables:{name}": expect(ok=BUDGET_READERS)
        for name in ["ageing", "invoice_list", "payment_list", "statement_list"]
    },
    # Without the client they are for, the new-document pages send back to a list.
    **{
        f"receivables:{name}": expect(ok=BUDGET_READERS, status=302)
        for name in ["invoice_create", "payment_create", "statement_create"]
    },
    **{
        f"receivables:{name}": RECEIVABLE_READ
        for name in [
            "client_receivables", "client_panel", "contract_panel", "invoice_detail",
            "invoice_pdf", "credit_note_detail", "payment_detail", "statement_detail",
            "statement_pdf", "statement_xlsx",
        ]
    },
    "receivables:invoice_edit": FOLLOW_UP,
    **{f"receivables:{name}": POST_ONLY for name in RECEIVABLE_POST_ONLY},
    "receivables:statement_public": {
        "own": everyone(anonymous=200),
        "other": everyone(anonymous=200),
    },
}  # fmt: skip
POSTS |= {
    "receivables:milestone_invoice": {
        "own": expect(ok=BUDGET_READERS, status=302),
        "other": expect(ok=["admin", "finance"], status=302),
    },
}
# Insights. Today is the home page (core). Dashboards, targets, surveys and health are for the
# KAM side and Finance; health and survey answers go with the client; targets are the
# Director's to set; the survey's public page takes its token as the key.
INSIGHT_READERS = ["admin", "director", "kam", "finance"]
DIRECTORS = expect(ok=["admin", "director"])
PAGES |= {
    "insights:portfolio": expect(ok=INSIGHT_READERS),
    "insights:team": DIRECTORS,
    "insights:health_list": everyone(),
    "insights:client_health": CLIENT_READ,
    "insights:client_panel": CLIENT_READ,
    "insights:client_health_recompute": POST_ONLY,
    "insights:target_list": expect(ok=INSIGHT_READERS),
    "insights:target_set": DIRECTORS,
    "insights:target_detail": {"own": expect(ok=INSIGHT_READERS), "other": OTHER_CLIENT_READ},
    "insights:target_adjust": POST_ONLY,
    "insights:survey_list": everyone(),
    "insights:survey_send": CLIENT_CHANGE,
    "insights:survey_detail": CLIENT_READ,
    "insights:survey_resend": POST_ONLY,
    "insights:survey_follow_up": POST_ONLY,
    "insights:survey_public": {"own": everyone(anonymous=200), "other": everyone(anonymous=200)},
}
POSTS |= {
    "insights:client_health_recompute": {
        "own": expect(ok=CLIENT_CHANGERS, status=302),
        "other": expect(ok=["admin"], status=302),
    },
    "insights:target_adjust": {
        "own": expect(ok=["admin", "director"], status=422),
        "other": ADMIN_FORM,
    },
    "insights:survey_send": {
        "own": expect(ok=CLIENT_CHANGERS, status=422),
        "other": ADMIN_FORM,
    },
    **{
        f"insights:{name}": {
            "own": expect(ok=CLIENT_CHANGERS, status=302),
            "other": expect(ok=["admin"], status=302),
        }
        for name in ["survey_resend", "survey_follow_up"]
    },
}
# The record kind behind each route's <pk>.
PAGE_RECORDS = {
    "milestone_invoice": "milestone",
    "invoice_edit": "receivable_draft",
    "invoice_delete": "receivable_draft",
    "invoice_issue": "receivable_draft",
    "invoice_": "invoice",
    "credit_note_": "credit_note",
    "payment_": "payment",
    "allocation_": "allocation",
    "statement_public": "statement_link",
    "statement_": "statement",
    "target_": "target",
    "survey_send": "client",
    "survey_public": "survey_link",
    "survey_": "survey",
    "promise_create": "client",
    "call_create": "client",
    "contract_panel": "contract",
    "budget_create": "project",
    "budget_": "budget",
    "cost_create": "budget",
    "cost_": "cost",
    "booking_order": "money_booking",
    "baseline_start": "budget",
    "baseline_line_add": "baseline",
    "baseline_line_": "baseline_line",
    "baseline_": "baseline",
    "approval_": "approval",
    "project_create": "contract",
    "amendment_create": "contract",
    "milestone_create": "contract",
    "commitment_create": "contract",
    "contract_file_add": "contract",
    "contract_file_": "contract_file",
    "phase_create": "project",
    "check_create": "project",
    "task_create": "project",
    "booking_create": "project",
    "change_create": "project",
    "change_line_add": "change",
    "change_line_": "change_line",
    "calendar_feed": "feed",
    "contract_": "contract",
    "milestone_": "milestone",
    "commitment_": "commitment",
    "project_": "project",
    "phase_": "phase",
    "check_": "check",
    "task_": "task",
    "dependency_": "task",
    "booking_": "booking",
    "change_": "change",
    "attachment_add": "brief",
    "creative_brief_create": "brief",
    "idea_add": "brief",
    "proposal_create": "brief",
    "pitch_create": "proposal",
    "line_add": "version",
    "attachment_": "attachment",
    "creative_brief_": "creative_brief",
    "brief_": "brief",
    "idea_": "idea",
    "proposal_": "proposal",
    "pitch_": "pitch",
    "version_": "version",
    "line_": "line",
    "client_panel": "client",
    "stage_": "stage",
    "opportunity_": "opportunity",
    "handover_create": "opportunity",
    "handover_": "handover",
    "lead_": "lead",
    "plan_": "plan",
    "play_": "play",
    "service_": "service",
    "request_": "request",
    "import_": "import",
    "term_": "term",
    "client_": "client",
    "member_": "member",
    "stakeholder_": "stakeholder",
    "interaction_": "interaction",
    "token_revoke": "token",
    "user_": "user",
    "team_": "team",
    "department_": "department",
}

API_ADMIN_ONLY = expect(ok=["admin"], anonymous=401)
API_CREATED_BY_ADMIN = expect(ok=["admin"], status=201, anonymous=401)
API_EVERYONE = everyone(anonymous=401)
API_OWN_TEAM = expect(ok=["admin", "director", "kam"], anonymous=401)

# "METHOD /path" -> (expectations, JSON body for writes)
OPERATIONS = {
    "GET /api/v1/me": (API_EVERYONE, None),
    "PATCH /api/v1/me": (API_EVERYONE, {"language": "en"}),
    "GET /api/v1/users": (API_EVERYONE, None),
    "POST /api/v1/users": (API_CREATED_BY_ADMIN, {"username": "moi", "full_name": "Người Mới"}),
    "GET /api/v1/users/{user_id}": ({"own": API_OWN_TEAM, "other": API_ADMIN_ONLY}, None),
    "PATCH /api/v1/users/{user_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"email": "doi@example.com"},
    ),
    "GET /api/v1/teams": (API_EVERYONE, None),
    "POST /api/v1/teams": (API_CREATED_BY_ADMIN, {"name": "Nhóm Z", "leader_id": "{director}"}),
    "GET /api/v1/teams/{team_id}": ({"own": API_OWN_TEAM, "other": API_ADMIN_ONLY}, None),
    "PATCH /api/v1/teams/{team_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"name": "Nhóm Z"},
    ),
    "GET /api/v1/departments": (API_EVERYONE, None),
    "POST /api/v1/departments": (API_CREATED_BY_ADMIN, {"code": "zz", "name": "Phòng Z"}),
    "GET /api/v1/departments/{department_id}": ({"own": API_EVERYONE, "other": API_EVERYONE}, None),
    "PATCH /api/v1/departments/{department_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"name": "Phòng Z"},
    ),
}
API_OWN_CLIENT_READ = expect(ok=CLIENT_READERS, anonymous=401)
API_CLIENT_READ = {
    "own": API_OWN_CLIENT_READ,
    "other": expect(ok=["admin", "finance"], anonymous=401),
}
API_CLIENT_CHANGE = {"own": expect(ok=CLIENT_CHANGERS, anonymous=401), "other": API_ADMIN_ONLY}


# Whoever may change the client, and the request's assignee (creative, on lan's side).
API_REQUEST_WORK = {
    "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], anonymous=401),
    "other": API_ADMIN_ONLY,
}


API_LEAD_ACCESS = {
    "own": expect(ok=LEAD_PEOPLE, anonymous=401),
    "other": expect(ok=["admin", "director"], anonymous=401),
}
API_HANDOVER_ANSWER = {
    "own": expect(ok=["admin", "kam"], anonymous=401),
    "other": API_ADMIN_ONLY,
}
HANDOVER_CHECKLIST = {
    "stakeholders_introduced": True,
    "commercial_terms": "Phí 12%",
    "promises_made": "Báo cáo tuần",
    "risks": "Không có",
    "documents": "Thư mục chung",
    "context_note": "Người quyết định là Giám đốc Marketing.",
}


def api_on_own_client(ok: list[str], status: int, refused: int) -> dict[str, int]:
    """A write naming lan's client in its body: `status` for `ok`, `refused` for those who see
    it but may not do this, 400 ("no such client") for those who cannot see it."""
    table = {role: 400 for role in SIGNED_IN} | {role: refused for role in CLIENT_READERS}
    return table | {role: status for role in ok} | {"anonymous": 401}


OPERATIONS |= {
    "GET /api/v1/clients": (API_EVERYONE, None),
    "POST /api/v1/clients": (
        expect(ok=CLIENT_CHANGERS, status=201, anonymous=401),
        {"legal_name": "Mới", "owner_id": "{lan}"},
    ),
    "GET /api/v1/clients/{client_id}": (API_CLIENT_READ, None),
    "PATCH /api/v1/clients/{client_id}": (API_CLIENT_CHANGE, {"potential": "high"}),
    "POST /api/v1/clients/{client_id}/team": (
        {
            "own": expect(ok=CLIENT_CHANGERS, status=201, anonymous=401),
            "other": API_CREATED_BY_ADMIN,
        },
        {"user_id": "{planner}", "role": "planner"},
    ),
    "DELETE /api/v1/clients/{client_id}/team/{member_id}": (
        {
            "own": expect(ok=CLIENT_CHANGERS, status=204, anonymous=401),
            "other": expect(ok=["admin"], status=204, anonymous=401),
        },
        None,
    ),
    "GET /api/v1/contacts": (API_EVERYONE, None),
    "POST /api/v1/contacts": (
        api_on_own_client(CLIENT_CHANGERS, 201, refused=404),
        {"client_id": "{client}", "full_name": "Trần Thu Hà"},
    ),
    "GET /api/v1/contacts/{contact_id}": (API_CLIENT_READ, None),
    "PATCH /api/v1/contacts/{contact_id}": (API_CLIENT_CHANGE, {"influence": 5}),
    "POST /api/v1/contacts/{contact_id}/move": (API_CLIENT_CHANGE, {"client_id": "{spare}"}),
    "GET /api/v1/interactions": (API_EVERYONE, None),
    "GET /api/v1/search": (API_EVERYONE, None),
    "GET /api/v1/terms": (API_EVERYONE, None),
    "POST /api/v1/terms": (
        api_on_own_client(CLIENT_CHANGERS, 201, refused=404),
        {
            "client_id": "{client}",
            "kind": "price",
            "description": "Giảm 5%",
            "valid_from": "2026-12-01",
        },
    ),
    "GET /api/v1/terms/{term_id}": (API_CLIENT_READ, None),
    "PATCH /api/v1/terms/{term_id}": (API_CLIENT_CHANGE, {"rate_percent": 7}),
    "POST /api/v1/terms/{term_id}/approve": (
        {"own": expect(ok=["admin", "director"], anonymous=401), "other": API_ADMIN_ONLY},
        None,
    ),
    "POST /api/v1/terms/{term_id}/end": (API_CLIENT_CHANGE, None),
    "GET /api/v1/requests": (API_EVERYONE, None),
    "GET /api/v1/services": (API_EVERYONE, None),
    "POST /api/v1/services": (API_CREATED_BY_ADMIN, {"code": "podcast", "name": "Podcast"}),
    "GET /api/v1/services/{service_id}": ({"own": API_EVERYONE, "other": API_EVERYONE}, None),
    "PATCH /api/v1/services/{service_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"name": "Dịch vụ mới"},
    ),
    "GET /api/v1/account-plans": (API_EVERYONE, None),
    "POST /api/v1/account-plans": (
        api_on_own_client(CLIENT_CHANGERS, 201, refused=404),
        {"client_id": "{client}", "year": 2030, "objectives": "Tăng doanh thu"},
    ),
    "GET /api/v1/account-plans/{plan_id}": (API_CLIENT_READ, None),
    "PATCH /api/v1/account-plans/{plan_id}": (API_CLIENT_CHANGE, {"objectives": "Tăng 30%"}),
    "POST /api/v1/account-plans/{plan_id}/plays": (
        {
            "own": expect(ok=CLIENT_CHANGERS, status=201, anonymous=401),
            "other": API_CREATED_BY_ADMIN,
        },
        {"title": "Chào gói KOL", "owner_id": "{lan}", "due_on": "2027-01-10"},
    ),
    "PATCH /api/v1/account-plans/{plan_id}/plays/{play_id}": (
        API_CLIENT_CHANGE,
        {"status": "done"},
    ),
    "POST /api/v1/requests": (
        api_on_own_client(CLIENT_READERS, 201, refused=201),
        {"client_id": "{client}", "title": "Thêm bản TVC 15 giây"},
    ),
    "GET /api/v1/requests/{request_id}": (
        {
            "own": expect(ok=[*CLIENT_READERS, "department_member"], anonymous=401),
            "other": API_CLIENT_READ["other"],
        },
        None,
    ),
    "PATCH /api/v1/requests/{request_id}": (API_REQUEST_WORK, {"severity": "high"}),
    "POST /api/v1/requests/{request_id}/start": (API_REQUEST_WORK, None),
    "POST /api/v1/requests/{request_id}/resolve": (API_REQUEST_WORK, {"resolution": "Đã xử lý"}),
    "POST /api/v1/requests/{request_id}/reopen": (
        {
            "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], status=409, anonymous=401),
            "other": expect(ok=["admin"], status=409, anonymous=401),
        },
        None,
    ),
    "POST /api/v1/interactions": (
        api_on_own_client(CLIENT_READERS, 201, refused=201),
        {"client_id": "{client}", "summary": "Gọi hỏi thăm"},
    ),
    "GET /api/v1/interactions/{interaction_id}": (API_CLIENT_READ, None),
    "PATCH /api/v1/interactions/{interaction_id}": (API_CLIENT_CHANGE, {"summary": "Đã sửa"}),
    "POST /api/v1/interactions/{interaction_id}/next-step-done": (API_CLIENT_CHANGE, None),
}
OPERATIONS |= {
    "GET /api/v1/stages": (API_EVERYONE, None),
    "POST /api/v1/stages": (
        API_CREATED_BY_ADMIN,
        {"name": "Thử", "position": 9, "probability": 95},
    ),
    "PATCH /api/v1/stages/{stage_id}": (
        {"own": API_ADMIN_ONLY, "other": API_ADMIN_ONLY},
        {"probability": 20},
    ),
    "GET /api/v1/leads": (API_EVERYONE, None),
    "POST /api/v1/leads": (
        expect(ok=LEAD_PEOPLE, status=201, anonymous=401),
        {"company_name": "Công ty Mới", "source": "event"},
    ),
    "GET /api/v1/leads/{lead_id}": (API_LEAD_ACCESS, None),
    "PATCH /api/v1/leads/{lead_id}": (API_LEAD_ACCESS, {"need": "Sự kiện ra mắt"}),
    "POST /api/v1/leads/{lead_id}/convert": (
        {
            "own": expect(ok=LEAD_PEOPLE, status=201, anonymous=401),
            "other": expect(ok=["admin", "director"], status=201, anonymous=401),
        },
        {},
    ),
    "GET /api/v1/opportunities": (API_EVERYONE, None),
    "POST /api/v1/opportunities": (
        api_on_own_client(CLIENT_CHANGERS, 201, refused=404),
        {
            "client_id": "{client}",
            "title": "KOL",
            "kind": "upsell",
            "expected_close_on": "2027-03-01",
        },
    ),
    "GET /api/v1/opportunities/{opportunity_id}": (API_CLIENT_READ, None),
    "PATCH /api/v1/opportunities/{opportunity_id}": (API_CLIENT_CHANGE, {"title": "KOL Tết"}),
    "POST /api/v1/opportunities/{opportunity_id}/stage": (
        API_CLIENT_CHANGE,
        {"stage_id": "{stage}"},
    ),
    "POST /api/v1/opportunities/{opportunity_id}/win": (API_CLIENT_CHANGE, {}),
    "POST /api/v1/opportunities/{opportunity_id}/lose": (API_CLIENT_CHANGE, {"reason": "Giá"}),
    "GET /api/v1/handovers": (API_EVERYONE, None),
    # The body names lan's won opportunity: lan, her Director and admins hand its client over.
    "POST /api/v1/handovers": (
        api_on_own_client(CLIENT_CHANGERS, 201, refused=404),
        {"opportunity_id": "{won}", "to_kam_id": "{hoa}", **HANDOVER_CHECKLIST},
    ),
    "GET /api/v1/handovers/{handover_id}": (
        {
            "own": expect(ok=HANDOVER_READERS, anonymous=401),
            "other": expect(ok=["admin", "director", "finance"], anonymous=401),
        },
        None,
    ),
    "PATCH /api/v1/handovers/{handover_id}": (
        {"own": expect(ok=["admin", "sales"], anonymous=401), "other": API_ADMIN_ONLY},
        {"risks": "Không có"},
    ),
    "POST /api/v1/handovers/{handover_id}/accept": (API_HANDOVER_ANSWER, None),
    "POST /api/v1/handovers/{handover_id}/return": (API_HANDOVER_ANSWER, {"question": "Hạn?"}),
    "GET /api/v1/forecast": (API_EVERYONE, None),
}
# Pitching. A body naming lan's brief or proposal: `api_on_own_client` (those who cannot see it
# are told there is no such record, 400). Several records are in a state that refuses the write
# (the brief has its creative brief and its proposal; the idea is shortlisted and chosen; the
# version is a draft at the floor): the allowed roles get that refusal, 409 or 400.
API_BRIEF_READ = {
    "own": expect(ok=[*CLIENT_READERS, "planner", "department_member"], anonymous=401),
    "other": expect(ok=["admin", "finance"], anonymous=401),
}
API_MONEY_READ = {
    "own": expect(ok=[*CLIENT_READERS, "planner"], anonymous=401),
    "other": expect(ok=["admin", "finance"], anonymous=401),
}


def api_pitching(ok: list[str], status: int) -> dict:
    """`status` for `ok` on lan's side and for admins on minh's; 404 for the others."""
    return {
        "own": expect(ok=ok, status=status, anonymous=401),
        "other": expect(ok=["admin"], status=status, anonymous=401),
    }


def api_on_own_brief(ok: list[str], status: int, *, money: bool = False) -> dict[str, int]:
    """A write naming lan's brief (or its proposal, when `money`): like `api_on_own_client`,
    with the brief's readers in place of the client's."""
    readers = [*CLIENT_READERS, "planner"] + ([] if money else ["department_member"])
    table = {role: 400 for role in SIGNED_IN} | {role: 404 for role in readers}
    return table | {role: status for role in ok} | {"anonymous": 401}


LINE = {"kind": "vendor", "description": "Thuê địa điểm", "quantity": 1,
        "unit_cost_amount": 8, "unit_price_amount": 10}  # fmt: skip
OPERATIONS |= {
    "GET /api/v1/briefs": (API_EVERYONE, None),
    "POST /api/v1/briefs": (
        api_on_own_client(CLIENT_CHANGERS, 201, refused=404),
        {"client_id": "{client}", "title": "Tết", "objectives": "Bán hàng"},
    ),
    "GET /api/v1/briefs/{brief_id}": (API_BRIEF_READ, None),
    "PATCH /api/v1/briefs/{brief_id}": (api_pitching(CLIENT_CHANGERS, 200), {"title": "Tết 2027"}),
    "POST /api/v1/briefs/{brief_id}/budget": (
        api_pitching(CLIENT_CHANGERS, 200),
        {"amount": 1000, "rationale": "Đủ cho TVC"},
    ),
    "PUT /api/v1/briefs/{brief_id}/weights": (
        api_pitching(CLIENT_CHANGERS, 200),
        {"fit": 30, "creativity": 30, "feasibility": 20, "cost": 20},
    ),
    "POST /api/v1/briefs/{brief_id}/cancel": (
        api_pitching(CLIENT_CHANGERS, 409),
        {"reason": "Khách hoãn"},
    ),
    "GET /api/v1/briefs/{brief_id}/members": (API_BRIEF_READ, None),
    "POST /api/v1/briefs/{brief_id}/members": (
        api_pitching(CLIENT_CHANGERS, 201),
        {"user_id": "{hoa}"},
    ),
    "DELETE /api/v1/briefs/{brief_id}/members/{user_id}": (
        api_pitching(CLIENT_CHANGERS, 204),
        None,
    ),
    "GET /api/v1/briefs/{brief_id}/attachments": (API_BRIEF_READ, None),
    # A JSON body is not a file: the upload is refused before anyone's rights are looked at.
    "POST /api/v1/briefs/{brief_id}/attachments": (
        {"own": everyone(422, anonymous=401), "other": everyone(422, anonymous=401)},
        None,
    ),
    "DELETE /api/v1/attachments/{attachment_id}": (api_pitching(CLIENT_CHANGERS, 204), None),
    "GET /api/v1/attachments/{attachment_id}/file": (API_BRIEF_READ, None),
    "GET /api/v1/creative-briefs": (API_EVERYONE, None),
    "POST /api/v1/creative-briefs": (
        api_on_own_brief(CLIENT_CHANGERS, 409),
        {"brief_id": "{brief}", "planner_id": "{planner}"},
    ),
    "GET /api/v1/creative-briefs/{creative_brief_id}": (API_BRIEF_READ, None),
    "PATCH /api/v1/creative-briefs/{creative_brief_id}": (
        api_pitching(WITH_PLANNER, 200),
        {"insight": "Tết là về nhà"},
    ),
    "POST /api/v1/creative-briefs/{creative_brief_id}/ready": (
        api_pitching(WITH_PLANNER, 200),
        None,
    ),
    "GET /api/v1/ideas": (API_EVERYONE, None),
    "POST /api/v1/ideas": (
        api_on_own_brief(BRIEF_TEAM, 201),
        {"brief_id": "{brief}", "title": "Mâm cơm", "description": "Phim ngắn"},
    ),
    "GET /api/v1/ideas/{idea_id}": (API_BRIEF_READ, None),
    "PATCH /api/v1/ideas/{idea_id}": (api_pitching(CLIENT_CHANGERS, 200), {"title": "Mới"}),
    "GET /api/v1/ideas/{idea_id}/reviews": (API_BRIEF_READ, None),
    "PUT /api/v1/ideas/{idea_id}/review": (
        api_pitching(BRIEF_TEAM, 200),
        {"fit": 5, "creativity": 4, "feasibility": 3, "cost": 2},
    ),
    "POST /api/v1/ideas/{idea_id}/shortlist": (api_pitching(WITH_PLANNER, 409), None),
    "DELETE /api/v1/ideas/{idea_id}/shortlist": (api_pitching(WITH_PLANNER, 409), None),
    "GET /api/v1/proposals": (API_EVERYONE, None),
    "POST /api/v1/proposals": (api_on_own_brief(CLIENT_CHANGERS, 409), {"brief_id": "{brief}"}),
    "GET /api/v1/proposals/{proposal_id}": (API_MONEY_READ, None),
    "GET /api/v1/proposals/{proposal_id}/versions": (API_MONEY_READ, None),
    "POST /api/v1/proposals/{proposal_id}/versions": (api_pitching(CLIENT_CHANGERS, 409), None),
    "POST /api/v1/proposals/{proposal_id}/approve": (api_pitching(CLIENT_CHANGERS, 409), {}),
    "POST /api/v1/proposals/{proposal_id}/lose": (
        api_pitching(CLIENT_CHANGERS, 200),
        {"reason": "Giá"},
    ),
    "GET /api/v1/proposal-versions/{version_id}": (API_MONEY_READ, None),
    "PATCH /api/v1/proposal-versions/{version_id}": (
        api_pitching(CLIENT_CHANGERS, 200),
        {"narrative": "Câu chuyện Tết"},
    ),
    "POST /api/v1/proposal-versions/{version_id}/send": (api_pitching(CLIENT_CHANGERS, 200), None),
    "POST /api/v1/proposal-versions/{version_id}/request-approval": (
        api_pitching(CLIENT_CHANGERS, 400),
        None,
    ),
    "POST /api/v1/proposal-versions/{version_id}/approve-margin": (
        api_pitching(["admin", "director"], 409),
        {"note": "Khách chiến lược"},
    ),
    "POST /api/v1/proposal-versions/{version_id}/decline-margin": (
        api_pitching(["admin", "director"], 409),
        {"note": "Giảm chi phí"},
    ),
    "POST /api/v1/proposal-versions/{version_id}/lines": (api_pitching(CLIENT_CHANGERS, 201), LINE),
    "PATCH /api/v1/estimate-lines/{line_id}": (api_pitching(CLIENT_CHANGERS, 200), {"quantity": 2}),
    "DELETE /api/v1/estimate-lines/{line_id}": (api_pitching(CLIENT_CHANGERS, 204), None),
    "GET /api/v1/proposal-versions/{version_id}/feedback": (API_MONEY_READ, None),
    "POST /api/v1/proposal-versions/{version_id}/feedback": (
        api_pitching(CLIENT_CHANGERS, 409),
        {"text": "Giảm ngân sách KOL"},
    ),
    "GET /api/v1/pitches": (API_EVERYONE, None),
    "POST /api/v1/pitches": (
        api_on_own_brief(WITH_PLANNER, 201, money=True),
        {
            "proposal_id": "{proposal}",
            "held_at": "2026-12-01T09:00:00+07:00",
            "presenter_ids": ["{lan}"],
        },
    ),
    "GET /api/v1/pitches/{pitch_id}": (API_MONEY_READ, None),
    "PATCH /api/v1/pitches/{pitch_id}": (api_pitching(WITH_PLANNER, 200), {"location": "Hà Nội"}),
}
# Delivery: reads as on the pages; every write is the KAM side's (lan's side: admin, Director,
# KAM; minh's: admin), getting the record's answer — created, done, or refused by its state (the
# contract is signed, its schedule full; the task is internal; the booking only proposed; the
# first phase started; the check line unticked; the amendment dated before its contract).
API_TASK_READ = {
    "own": expect(ok=[*CLIENT_READERS, "department_member"], anonymous=401),
    "other": expect(ok=["admin", "finance"], anonymous=401),
}
API_DELIVERY_READS = [
    "/contracts/{contract_id}", "/contracts/{contract_id}/amendments", "/projects/{project_id}",
    "/projects/{project_id}/phases", "/projects/{project_id}/checks", "/bookings/{booking_id}",
    "/change-requests/{change_id}",
]  # fmt: skip
# "METHOD path" -> (the status of those who may, the body)
API_DELIVERY_WRITES = {
    "PATCH /contracts/{contract_id}": (409, {"title": "HĐ đổi"}),
    "POST /contracts/{contract_id}/sign": (409, {}),
    "POST /contracts/{contract_id}/milestones": (
        400, {"title": "Đợt 4", "due_on": "2027-02-01", "amount": 1},
    ),
    "PATCH /milestones/{milestone_id}": (409, {"title": "Đợt 1 đổi"}),
    "DELETE /milestones/{milestone_id}": (409, None),
    "POST /milestones/{milestone_id}/reach": (200, {}),
    "POST /milestones/{milestone_id}/slip": (
        201, {"now_due_on": "2030-01-10", "reason": "Chờ duyệt", "told_how": "call"},
    ),
    "POST /contracts/{contract_id}/commitments": (
        201, {"party": "agency", "description": "3 bản TVC", "due_on": "2027-01-10"},
    ),
    "PATCH /commitments/{commitment_id}": (200, {"status": "done"}),
    "DELETE /commitments/{commitment_id}": (409, None),
    "POST /contracts/{contract_id}/amendments": (
        400, {"signed_on": "2000-01-01", "summary": "Thêm KOL"},
    ),
    "POST /contracts/{contract_id}/projects": (201, {}),
    "PATCH /projects/{project_id}": (200, {"title": "Tết 2027"}),
    "DELETE /projects/{project_id}": (409, None),
    "POST /projects/{project_id}/cancel": (200, {"reason": "Khách dừng"}),
    "POST /projects/{project_id}/deliver": (200, {"reason": "Báo cáo gửi sau"}),
    "POST /projects/{project_id}/phases": (
        201, {"kind": "production", "name": "Quay lần 2", "starts_on": "2027-01-01",
              "ends_on": "2027-01-02"},
    ),
    "PATCH /phases/{phase_id}": (200, {"name": "Tiền kỳ"}),
    "DELETE /phases/{phase_id}": (409, None),
    "POST /phases/{phase_id}/start": (409, {}),
    "POST /phases/{phase_id}/evaluation": (200, {"went_well": "Đúng hạn", "score": 4}),
    "POST /projects/{project_id}/checks": (201, {"text": "Logo mới"}),
    "POST /checks/{check_id}/tick": (200, {}),
    "POST /checks/{check_id}/untick": (409, {}),
    "DELETE /checks/{check_id}": (409, None),
    "POST /projects/{project_id}/tasks": (
        201, {"title": "Dựng phim", "vendor": "Studio", "starts_on": "2027-01-01",
              "due_on": "2027-01-05"},
    ),
    "PATCH /tasks/{task_id}": (200, {"title": "Kịch bản 2"}),
    "DELETE /tasks/{task_id}": (204, None),
    "POST /tasks/{task_id}/dependencies": (400, {"depends_on_id": "{prior}"}),
    "DELETE /tasks/{task_id}/dependencies/{other_id}": (204, None),
    "POST /tasks/{task_id}/slip": (
        409, {"now_due_on": "2030-01-10", "reason": "KOL ốm", "told_how": "call"},
    ),
    "POST /projects/{project_id}/bookings": (
        201, {"kind": "venue", "name": "GEM Center", "starts_on": "2027-01-01",
              "ends_on": "2027-01-01"},
    ),
    "PATCH /bookings/{booking_id}": (200, {"contact": "0909 000 000"}),
    "POST /bookings/{booking_id}/confirm": (200, {}),
    "POST /bookings/{booking_id}/done": (409, {}),
    "POST /bookings/{booking_id}/cancel": (200, {"reason": "Trùng lịch"}),
    "POST /bookings/{booking_id}/promote": (409, {"reason": "Trùng lịch"}),
    "POST /projects/{project_id}/change-requests": (
        201, {"requested_by_id": "{stakeholder}", "title": "Thêm video", "description": "2 video"},
    ),
    "PATCH /change-requests/{change_id}": (200, {"days_effect": 3}),
    "POST /change-requests/{change_id}/lines": (201, LINE | {"kind": "production"}),
    "PATCH /change-lines/{change_line_id}": (200, {"quantity": 2}),
    "DELETE /change-lines/{change_line_id}": (204, None),
    "POST /change-requests/{change_id}/approve": (200, {}),
    "POST /change-requests/{change_id}/reject": (200, {"note": "Không"}),
}  # fmt: skip
OPERATIONS |= {
    "GET /api/v1/contracts": (API_EVERYONE, None),
    "GET /api/v1/projects": (API_EVERYONE, None),
    "GET /api/v1/tasks": (API_EVERYONE, None),
    "GET /api/v1/bookings": (API_EVERYONE, None),
    "GET /api/v1/change-requests": (API_EVERYONE, None),
    "GET /api/v1/calendar": (API_EVERYONE, None),
    "POST /api/v1/calendar/reset": (API_EVERYONE, {}),
    "POST /api/v1/contracts": (
        api_on_own_client(CLIENT_CHANGERS, 201, refused=404),
        {"client_id": "{client}", "title": "HĐ mới", "starts_on": "2026-11-01",
         "ends_on": "2027-03-01"},
    ),
    "GET /api/v1/tasks/{task_id}": (API_TASK_READ, None),
    "POST /api/v1/tasks/{task_id}/work": (
        {
            "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], anonymous=401),
            "other": API_ADMIN_ONLY,
        },
        {"status": "doing"},
    ),
    **{f"GET /api/v1{path}": (API_CLIENT_READ, None) for path in API_DELIVERY_READS},
    **{
        write.replace(" /", " /api/v1/", 1): (api_pitching(CLIENT_CHANGERS, status), body)
        for write, (status, body) in API_DELIVERY_WRITES.items()
    },
}  # fmt: skip


# Budgets: reads are the money readers' (lists answer everyone, empty for those who see no
# money); the KAM side writes budgets and baselines, Finance records costs too, the Director of
# the client's owner decides; one's hours are one's own (an entry of another, admins' included,
# reads as missing); Finance and admins keep the books.
def api_money(ok: list[str], status: int, *, other: tuple = ("admin",)) -> dict:
    return {
        "own": expect(ok=ok, status=status, anonymous=401),
        "other": expect(ok=list(other), status=status, anonymous=401),
    }


def api_recorders(status: int) -> dict:
    """Costs: the KAM side of lan's client and Finance; Finance and admins on minh's."""
    return api_money(BUDGET_READERS, status, other=("admin", "finance"))


API_BUDGET_READS = [
    "/budgets/{budget_id}", "/budgets/{budget_id}/lines", "/budgets/{budget_id}/baselines",
    "/baselines/{baseline_id}", "/costs/{cost_id}", "/margin-approvals/{approval_id}",
    "/change-requests/{change_id}/money",
]  # fmt: skip
API_DIRECTORS = ["admin", "director"]
OPERATIONS |= {
    **{
        f"GET /api/v1{path}": (API_EVERYONE, None)
        for path in [
            "/budgets", "/costs", "/margin-approvals", "/time-entries", "/closed-months",
            "/cost-rates",
        ]
    },
    **{f"GET /api/v1{path}": (API_CLIENT_READ, None) for path in API_BUDGET_READS},
    # A report, like its page: those who see no money are not told it exists.
    "GET /api/v1/reports/profitability": (expect(ok=BUDGET_READERS, anonymous=401), None),
    "POST /api/v1/budgets": (api_money(CLIENT_CHANGERS, 201), {"project_id": "{project}"}),
    "PATCH /api/v1/budgets/{budget_id}/floor": (
        api_money(API_DIRECTORS, 200), {"margin_floor_percent": 15, "reason": "Khách chiến lược"},
    ),
    "POST /api/v1/budgets/{budget_id}/baselines": (
        api_money(CLIENT_CHANGERS, 409), {"reason": "Tăng phạm vi"},
    ),
    "PATCH /api/v1/baselines/{baseline_id}": (api_money(CLIENT_CHANGERS, 200), {"reason": "Khác"}),
    "DELETE /api/v1/baselines/{baseline_id}": (api_money(CLIENT_CHANGERS, 204), None),
    "POST /api/v1/baselines/{baseline_id}/lines": (api_money(CLIENT_CHANGERS, 201), LINE),
    "PATCH /api/v1/baseline-lines/{baseline_line_id}": (
        api_money(CLIENT_CHANGERS, 200), {"quantity": 2},
    ),
    "DELETE /api/v1/baseline-lines/{baseline_line_id}": (api_money(CLIENT_CHANGERS, 204), None),
    "POST /api/v1/baselines/{baseline_id}/submit": (api_money(CLIENT_CHANGERS, 200), {}),
    # The draft is not waiting for a decision yet: the Director may, and is told it is a draft.
    "POST /api/v1/baselines/{baseline_id}/approve": (api_money(API_DIRECTORS, 409), {"note": "OK"}),
    "POST /api/v1/baselines/{baseline_id}/reject": (
        api_money(API_DIRECTORS, 409), {"note": "Chưa"},
    ),
    "POST /api/v1/costs": (
        api_recorders(201),
        {"project_id": "{money_project}", "kind": "bill", "supplier": "Sao Mai",
         "description": "Quay", "amount": 1000},
    ),
    "POST /api/v1/costs/{cost_id}/cancel": (
        api_recorders(200), {"reason": "Nhập trùng"},
    ),
    # The delivery side's booking is only proposed: those who may are told so.
    "POST /api/v1/bookings/{booking_id}/order": (api_recorders(409), {}),
    "POST /api/v1/margin-approvals/{approval_id}/decide": (
        api_money(API_DIRECTORS, 200), {"approve": True, "note": "Khách chiến lược"},
    ),
    # The delivery side's change has no budget to guard: nothing to ask.
    "POST /api/v1/change-requests/{change_id}/margin-approval": (
        api_money(CLIENT_CHANGERS, 400), {"reason": "Giữ khách"},
    ),
    "PUT /api/v1/time-entries": (
        {
            "own": expect(ok=[*CLIENT_CHANGERS, "department_member"], anonymous=401),
            "other": API_ADMIN_ONLY,
        },
        {"task_id": "{task}", "worked_on": "2026-01-05", "hours": 1.5},
    ),
    "DELETE /api/v1/time-entries/{time_entry_id}": (
        {
            "own": expect(ok=["kam"], status=204, anonymous=401),
            "other": expect(anonymous=401),
        },
        None,
    ),
    "POST /api/v1/closed-months": (
        expect(ok=["admin", "finance"], status=201, anonymous=401), {"month": "2026-01-01"},
    ),
    "POST /api/v1/cost-rates": (
        expect(ok=["admin", "finance"], status=201, anonymous=401),
        {"department_id": None, "hourly_amount": 200000, "valid_from": "2026-01-01"},
    ),
}  # fmt: skip


# Receivables: reads as budgets'; Finance (and admins) keep the books on every client; the KAM
# side of lan's client follows up. Writes on an issued invoice that would change it: 409.
def api_books(status: int) -> dict:
    """Finance and admins, on either side's records."""
    return api_money(["admin", "finance"], status, other=("admin", "finance"))


API_RECEIVABLE_READS = [
    "/invoices/{invoice_id}", "/credit-notes/{credit_note_id}", "/payments/{payment_id}",
    "/payments/{payment_id}/suggested-allocations", "/statements/{statement_id}",
]  # fmt: skip
OPERATIONS |= {
    **{
        f"GET /api/v1{path}": (API_EVERYONE, None)
        for path in ["/invoices", "/credit-notes", "/payments", "/statements", "/promises"]
    },
    **{f"GET /api/v1{path}": (API_CLIENT_READ, None) for path in API_RECEIVABLE_READS},
    "GET /api/v1/reports/ar-ageing": (expect(ok=BUDGET_READERS, anonymous=401), None),
    "POST /api/v1/invoices": (
        expect(ok=BUDGET_READERS, status=201, anonymous=401),
        {"client_id": "{client}", "lines": [{"description": "Phí", "quantity": 1,
                                             "unit_price": 1000, "vat_code": "10"}]},
    ),
    "PATCH /api/v1/invoices/{invoice_id}": (api_recorders(409), {"note": "Sửa"}),
    "DELETE /api/v1/invoices/{invoice_id}": (api_recorders(409), None),
    "POST /api/v1/invoices/{invoice_id}/issue": (api_books(409), {}),
    "POST /api/v1/invoices/{invoice_id}/cancel": (api_books(409), {"reason": "Sai"}),
    "POST /api/v1/invoices/{invoice_id}/replace": (api_books(409), {"reason": "Sai"}),
    "POST /api/v1/invoices/{invoice_id}/credit-notes": (
        api_books(201), {"amount": 100, "reason": "Giảm"},
    ),
    "POST /api/v1/invoices/{invoice_id}/dispute": (api_recorders(200), {"note": "Sai"}),
    "POST /api/v1/invoices/{invoice_id}/dispute/settle": (api_recorders(409), {}),
    "POST /api/v1/milestones/{milestone_id}/invoice": (api_recorders(201), {}),
    "POST /api/v1/payments": (
        expect(ok=["admin", "finance"], status=201, anonymous=401),
        {"client_id": "{client}", "amount": 1000},
    ),
    # The side's payment is allocated in full already: nothing left to allocate.
    "POST /api/v1/payments/{payment_id}/allocations": (
        api_books(400), {"allocations": [{"invoice_id": "{invoice}", "amount": 1}]},
    ),
    "DELETE /api/v1/allocations/{allocation_id}": (api_books(204), None),
    "POST /api/v1/statements": (
        expect(ok=BUDGET_READERS, status=201, anonymous=401),
        {"client_id": "{client}", "period_start": "2026-11-01", "period_end": "2026-11-02"},
    ),
    "POST /api/v1/statements/{statement_id}/send": (api_recorders(200), {}),
    "POST /api/v1/statements/{statement_id}/settle-dispute": (api_recorders(409), {}),
    "DELETE /api/v1/statements/{statement_id}": (api_recorders(409), None),
    "POST /api/v1/promises": (
        expect(ok=BUDGET_READERS, status=201, anonymous=401),
        {"client_id": "{client}", "pay_by": "2027-01-31", "amount": 1000,
         "promised_by_name": "Chị Hoa"},
    ),
}  # fmt: skip
API_INSIGHT_READERS = expect(ok=INSIGHT_READERS, anonymous=401)
OPERATIONS |= {
    "GET /api/v1/agenda": (API_EVERYONE, None),
    "GET /api/v1/reports/attainment": (API_INSIGHT_READERS, None),
    "GET /api/v1/targets": (API_EVERYONE, None),  # an empty list for those who see none
    "POST /api/v1/targets": (
        expect(ok=["admin", "director"], status=201, anonymous=401),
        {"kam_id": "{lan}", "metric": "booked", "period": "year", "day": "2026-11-02",
         "amount": 1000},
    ),
    "GET /api/v1/targets/{target_id}": (
        {"own": API_INSIGHT_READERS, "other": expect(ok=["admin", "finance"], anonymous=401)},
        None,
    ),
    "PATCH /api/v1/targets/{target_id}": (
        {"own": expect(ok=["admin", "director"], anonymous=401), "other": API_ADMIN_ONLY},
        {"amount": 5, "reason": "Điều chỉnh"},
    ),
    "GET /api/v1/health": (API_EVERYONE, None),
    "GET /api/v1/health/{client_id}": (API_CLIENT_READ, None),
    "POST /api/v1/health/{client_id}/recompute": (API_CLIENT_CHANGE, {}),
    "GET /api/v1/surveys": (API_EVERYONE, None),
    "POST /api/v1/surveys": (
        expect(ok=CLIENT_CHANGERS, status=201, anonymous=401), {"client_id": "{client}"},
    ),
    "GET /api/v1/surveys/{survey_id}": (API_CLIENT_READ, None),
    "POST /api/v1/surveys/{survey_id}/send": (API_CLIENT_CHANGE, {}),
    "POST /api/v1/surveys/{survey_id}/follow-up": (
        {"own": expect(ok=CLIENT_CHANGERS, status=409, anonymous=401),
         "other": expect(ok=["admin"], status=409, anonymous=401)},
        {"note": "Đã gọi"},
    ),
}  # fmt: skip
API_RECORDS = {
    "{invoice_id}": "invoice",
    "{credit_note_id}": "credit_note",
    "{payment_id}": "payment",
    "{allocation_id}": "allocation",
    "{statement_id}": "statement",
    "{budget_id}": "budget",
    "{baseline_id}": "baseline",
    "{baseline_line_id}": "baseline_line",
    "{cost_id}": "cost",
    "{approval_id}": "approval",
    "{time_entry_id}": "time_entry",
    "{contract_id}": "contract",
    "{milestone_id}": "milestone",
    "{commitment_id}": "commitment",
    "{project_id}": "project",
    "{phase_id}": "phase",
    "{check_id}": "check",
    "{task_id}": "task",
    "{other_id}": "prior",
    "{booking_id}": "booking",
    "{change_id}": "change",
    "{change_line_id}": "change_line",
    "{brief_id}": "brief",
    "{attachment_id}": "attachment",
    "{creative_brief_id}": "creative_brief",
    "{idea_id}": "idea",
    "{proposal_id}": "proposal",
    "{version_id}": "version",
    "{line_id}": "line",
    "{pitch_id}": "pitch",
    "{stage_id}": "stage",
    "{lead_id}": "lead",
    "{opportunity_id}": "opportunity",
    "{handover_id}": "handover",
    "{user_id}": "user",
    "{team_id}": "team",
    "{department_id}": "department",
    "{client_id}": "client",
    "{member_id}": "member",
    "{contact_id}": "stakeholder",
    "{interaction_id}": "interaction",
    "{term_id}": "term",
    "{request_id}": "request",
    "{plan_id}": "plan",
    "{service_id}": "service",
    "{play_id}": "play",
    "{target_id}": "target",
    "{survey_id}": "survey",
}


def _fill_body(body: dict, everyone, records, side=None) -> str:
    """The JSON body with "{persona}", "{client}" and "{stage}" (lan's side's), "{spare}" and
    "{won}" replaced by ids; "{prior}", "{stakeholder}", "{project}", "{task}" and
    "{money_project}", "{invoice}" by those of the side the operation acts on (a task waits for a
    task of its own project; a change is asked by its client; costs go on the side's budgeted
    project; a payment is allocated to an invoice of its client)."""
    text = json.dumps(body, ensure_ascii=False)
    own = records["own"]
    named = {
        **everyone,
        **{kind: own[kind] for kind in ("client", "stage", "brief", "proposal")},
        **{
            kind: records[side or "own"][kind]
            for kind in ("prior", "stakeholder", "project", "task", "money_project", "invoice")
        },
        "spare": records["spare"],
        "won": records["won"],
    }
    for name, record in named.items():
        text = text.replace(f'"{{{name}}}"', str(record.pk))
    return text


# --- Discovery ------------------------------------------------------------------------------
@functools.cache
def discovered_routes() -> dict[str, list[str]]:
    """Every named page route (name -> its URL arguments), leaving out the API (its operations
    are checked from the OpenAPI document) and the admin site's pages past its index."""
    routes: dict[str, list[str]] = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                if name.startswith("admin:") and name != "admin:index":
                    continue
                if name.startswith("api:") and not name.startswith("api:openapi"):
                    continue
                routes[name] = list(pattern.pattern.converters)

    walk(get_resolver().url_patterns)
    return routes


def discovered_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}


def test_every_route_and_operation_has_a_policy():
    routes = discovered_routes()
    assert sorted(set(routes) - set(PAGES)) == [], "page routes without an entry in PAGES"
    assert sorted(set(PAGES) - set(routes)) == [], "entries in PAGES for routes that do not exist"
    operations = discovered_operations()
    assert sorted(operations - set(OPERATIONS)) == [], "API operations without an entry"
    assert sorted(set(OPERATIONS) - operations) == [], (
        "entries for API operations that do not exist"
    )


def _cases(table: dict) -> list[tuple]:
    cases = []
    for name, policy in table.items():
        sides = (
            ["own", "other"]
            if "own" in (policy[0] if isinstance(policy, tuple) else policy)
            else [None]
        )
        for side in sides:
            for role in ROLES:
                cases.append((name, side, role))
    return cases


# --- Records --------------------------------------------------------------------------------
# The personas and records are made once for the module (`module_db`): every case runs in a
# savepoint inside that transaction, so what a case writes is undone before the next one reads.
@pytest.fixture(scope="module")
def everyone(module_db) -> dict[str, User]:
    """All personas at once, by name, made once for the module."""
    return make_everyone()


class Side(dict):
    """One side's records by kind, added a group of kinds at a time (`CLIENT_KINDS`, ...); a
    group may be made from the kinds added before it (the pitching group from the client)."""

    def add(self, kinds: tuple[str, ...], made: dict) -> None:
        assert set(made) == set(kinds), f"the group {kinds} made {sorted(made)}"
        self.update(made)


CLIENT_KINDS = (
    "opportunity", "plan", "play", "request", "term", "import", "client", "member",
    "stakeholder", "interaction",
)  # fmt: skip
GROWTH_KINDS = ("stage", "lead", "handover")
PITCHING_KINDS = (
    "brief", "creative_brief", "attachment", "idea", "proposal", "version", "line", "pitch",
)  # fmt: skip
DELIVERY_KINDS = (
    "contract", "milestone", "commitment", "amendment", "contract_file", "project", "phase",
    "check", "task", "prior", "booking", "change", "change_line", "feed",
)  # fmt: skip
BUDGET_KINDS = (
    "money_project", "budget", "baseline", "baseline_line", "cost", "approval", "money_booking",
    "time_entry",
)  # fmt: skip


RECEIVABLE_KINDS = (
    "receivable_draft", "invoice", "credit_note", "payment", "allocation", "statement",
    "statement_link",
)  # fmt: skip
INSIGHT_KINDS = ("target", "survey", "survey_link")


@pytest.fixture(scope="module")
def records(everyone) -> dict:
    """One record of each kind on team A's side ("own") and on team B's ("other"); "spare", a
    client of lan's that contacts move to, and "won", a won opportunity on it, whose client
    may be handed over."""
    lan, minh, creative = everyone["lan"], everyone["minh"], everyone["creative"]

    own = Side()
    own.add(
        ("user", "team", "department"),
        {"user": lan, "team": lan.team, "department": creative.department},
    )
    own.add(("token",), {"token": services.create_api_token(by=lan, name="lan")[0]})
    own.add(("service",), {"service": AgencyService.objects.get(code="kol")})
    own.add(CLIENT_KINDS, _client_records(owner=lan, member=everyone["hoa"], assignee=creative))
    own.add(GROWTH_KINDS, _growth_records(stage=3, salesperson=everyone["sales"], kam=lan))
    own.add(
        PITCHING_KINDS,
        _pitching_records(
            client=own["client"], kam=lan, planner=everyone["planner"], member=creative
        ),
    )

    other = Side()
    other.add(("user", "team"), {"user": minh, "team": minh.team})
    other.add(("department",), {"department": DepartmentFactory(code="finance", name="Tài chính")})
    other.add(("token",), {"token": services.create_api_token(by=minh, name="minh")[0]})
    other.add(("service",), {"service": AgencyService.objects.get(code="research")})
    other.add(CLIENT_KINDS, _client_records(owner=minh, member=everyone["director2"]))
    other.add(
        GROWTH_KINDS,
        _growth_records(stage=2, salesperson=UserFactory(is_sales=True), kam=minh),
    )
    other.add(
        PITCHING_KINDS,
        _pitching_records(
            client=other["client"], kam=minh, planner=UserFactory(is_planner=True),
            member=UserFactory(department=creative.department),
        ),
    )  # fmt: skip

    own.add(
        DELIVERY_KINDS,
        _delivery_records(client=own["client"], kam=lan, department=creative.department),
    )
    other.add(
        DELIVERY_KINDS,
        _delivery_records(
            client=other["client"], kam=minh, department=Department.objects.get(code="kol")
        ),
    )

    own.add(BUDGET_KINDS, _budget_records(client=own["client"], kam=lan))
    other.add(BUDGET_KINDS, _budget_records(client=other["client"], kam=minh))

    finance = everyone["finance"]
    own.add(RECEIVABLE_KINDS, _receivable_records(client=own["client"], finance=finance))
    other.add(RECEIVABLE_KINDS, _receivable_records(client=other["client"], finance=finance))
    own.add(
        INSIGHT_KINDS,
        _insight_records(client=own["client"], kam=lan, director=everyone["director"]),
    )
    other.add(
        INSIGHT_KINDS,
        _insight_records(client=other["client"], kam=minh, director=everyone["director2"]),
    )

    spare = ClientFactory(owner=lan, legal_name="Dự phòng")
    won = OpportunityFactory(client=spare, status="won", closed_on="2026-11-02")
    return {"own": own, "other": other, "spare": spare, "won": won}


def _client_records(*, owner, member, assignee=None) -> dict:
    client = ClientFactory(owner=owner)
    upload = ImportBatch.objects.create(
        kind="clients", file_name="x.csv", content=b"Legal name\nA\n", created_by=owner
    )
    term = SpecialTerm.objects.create(
        client=client, kind="price", description="Giảm 10%", valid_from="2026-11-01",
        proposed_by=owner,
    )  # fmt: skip
    request = ClientRequest.objects.create(
        client=client, title="Sai logo", assignee=assignee, created_by=owner
    )
    plan = AccountPlan.objects.create(
        client=client, year=2026, objectives="Tăng doanh thu", created_by=owner
    )
    play = plan.plays.create(title="Chào gói KOL", owner=owner, due_on="2026-12-20")
    return {
        "opportunity": OpportunityFactory(client=client),
        "plan": plan,
        "play": play,
        "request": request,
        "term": term,
        "import": upload,
        "client": client,
        "member": client.team_members.create(user=member, role="executive"),
        "stakeholder": StakeholderFactory(client=client),
        "interaction": InteractionFactory(
            client=client, next_step="Gọi lại", next_step_due_on="2026-12-01", next_step_owner=owner
        ),
    }


def _growth_records(*, stage: int, salesperson, kam) -> dict:
    """The side's stage; an opportunity on the side's client (added by the caller's client
    records); a qualified lead of the salesperson; their pending hand-over of a prospect to the
    KAM."""
    prospect = ClientFactory(owner=salesperson, status="prospect")
    handover = Handover.objects.create(
        client=prospect, from_user=salesperson, to_kam=kam, context_note="Bối cảnh",
        **{name: value for name, value in HANDOVER_CHECKLIST.items() if name != "context_note"},
    )  # fmt: skip
    return {
        "stage": Stage.objects.get(position=stage),
        "lead": LeadFactory(owner=salesperson, status="qualified"),
        "handover": handover,
    }


def _pitching_records(*, client, kam, planner, member) -> dict:
    """A brief on the side's client, planned by `planner`, with `member` (a department's
    creative) and the KAM on its team, a PDF attached, a shortlist of three, and a proposal
    whose draft version has one line (a 20 % margin) and a pitch planned."""
    brief = shortlisted_brief(client=client)
    creative_brief = pitching.create_creative_brief(by=kam, brief=brief, planner=planner)
    pitching.add_brief_member(by=kam, brief=brief, user=member)
    # The KAM too, so that taking the side's user off the brief has someone to take off.
    pitching.add_brief_member(by=kam, brief=brief, user=kam)
    attachment = pitching.attach_file(by=kam, brief=brief, name="de-bai.pdf", content=b"%PDF-1.4\n")
    proposal = pitching.create_proposal(by=kam, brief=brief)
    version = proposal.versions.get()
    line = price(version, by=kam, cost=800, price=1000)
    pitch = pitching.schedule_pitch(
        by=kam, proposal=proposal, held_at="2026-12-01T09:00+07:00", presenters=[kam]
    )
    return {
        "brief": brief,
        "creative_brief": creative_brief,
        "attachment": attachment,
        "idea": brief.ideas.filter(is_shortlisted=True).first(),
        "proposal": proposal,
        "version": version,
        "line": line,
        "pitch": pitch,
    }


def _delivery_records(*, client, kam, department) -> dict:
    """A contract on the side's client, signed with its schedule, a commitment, an amendment
    and a file; its running project with a task for `department` waiting for a vendor's task
    ("prior"), a KOL booking with a backup standing by, a change request with a line; the
    KAM's calendar feed (its secret address is its "pk")."""
    contract = signed_contract(client=client)
    today = timezone.localdate()
    commitment = delivery.add_commitment(
        by=kam, contract=contract, party="client", description="Gửi tư liệu", due_on=today
    )
    amendment = delivery.record_amendment(
        by=kam, contract=contract, signed_on=today, summary="Thêm 2 bài KOL"
    )
    contract_file = delivery.attach_contract_file(
        by=kam, contract=contract, name="hop-dong.pdf", content=b"%PDF-1.4\n"
    )
    project = delivery.create_project(by=kam, contract=contract)
    delivery.start_phase(by=kam, phase=project.phases.first())
    dates = {"starts_on": today, "due_on": today + timedelta(days=5)}
    prior = delivery.create_task(by=kam, project=project, title="Thuê", vendor="Studio", **dates)
    task = delivery.create_task(
        by=kam, project=project, title="Kịch bản", department=department, depends_on=[prior],
        **dates,
    )  # fmt: skip
    day = {"starts_on": today + timedelta(days=3), "ends_on": today + timedelta(days=3)}
    booking = delivery.add_booking(by=kam, project=project, kind="kol", name="KOL A", **day)
    delivery.add_booking(
        by=kam, project=project, kind="kol", name="KOL B", backup_for=booking, **day
    )
    change = delivery.create_change_request(
        by=kam, project=project, title="Thêm video", description="2 video",
        requested_by=StakeholderFactory(client=client),
    )  # fmt: skip
    change_line = delivery.add_change_line(
        by=kam, change=change, kind="production", description="Quay", quantity=1,
        unit_cost_amount=8, unit_price_amount=10,
    )  # fmt: skip
    return {
        "contract": contract,
        "milestone": contract.milestones.first(),
        "commitment": commitment,
        "amendment": amendment,
        "contract_file": contract_file,
        "project": project,
        "phase": project.phases.first(),
        "check": project.check_items.first(),
        "task": task,
        "prior": prior,
        "booking": booking,
        "change": change,
        "change_line": change_line,
        "feed": SimpleNamespace(pk=delivery.reset_calendar_feed(by=kam).token),
    }


def _budget_records(*, client, kam) -> dict:
    """A second project of the side's client, from an approved estimate, with its budget: a
    draft re-baseline, a bill, a cost held for the Director, a confirmed KOL booking not ordered
    yet, and two hours of the KAM's on a task of theirs."""
    budget = budgeted_project(client=client)
    project = budget.project
    baseline = budgets.start_baseline(by=kam, budget=budget, reason="Tăng phạm vi")
    cost_fields = {"project": project, "kind": "bill", "supplier": "Sao Mai", "description": "Quay"}
    cost = budgets.record_cost(by=kam, amount=1_000_000, **cost_fields)
    held = budgets.record_cost(by=kam, amount=700_000_000, margin_reason="Quay lại", **cost_fields)
    today = timezone.localdate()
    booking = delivery.add_booking(
        by=kam,
        project=project,
        kind="kol",
        name="KOL C",
        fee_amount=50_000_000,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=3),
    )
    delivery.confirm_booking(by=kam, booking=booking)
    task = delivery.create_task(
        by=kam,
        project=project,
        title="Duyệt kịch bản",
        vendor="Studio",
        assignee=kam,
        starts_on=today,
        due_on=today + timedelta(days=5),
    )
    entry = budgets.enter_time(by=kam, task=task, worked_on=today, hours=2)
    return {
        "money_project": project,
        "budget": budget,
        "baseline": baseline,
        "baseline_line": baseline.lines.first(),
        "cost": cost,
        "approval": held.margin_approval,
        "money_booking": booking,
        "time_entry": entry,
    }  # fmt: skip


def _receivable_records(*, client, finance) -> dict:
    """The side's client given an address, a finance contact and: a draft invoice; an issued one
    (VAT 10%) half paid by a payment allocated to it, and credited a little; a statement of the
    month, sent (its link is the public page's "pk")."""
    client.address = "25 Lê Duẩn, TP. Hồ Chí Minh"
    client.save(update_fields=["address"])
    StakeholderFactory(
        client=client, full_name="Kế Toán", decision_role="finance", email="kt@example.com"
    )
    draft = receivables.draft_invoice(
        by=finance, client=client, lines=[receivables.LineInput("Phí", 1_000, vat_code="10")]
    )
    invoice = receivables.issue_invoice(
        by=finance,
        invoice=receivables.draft_invoice(
            by=finance, client=client, lines=[receivables.LineInput("Phí", 10_000, vat_code="10")]
        ),
    )
    payment, _new = receivables.record_payment(
        by=finance, client=client, amount=5_500, allocate_oldest_first=True
    )
    credit_note = receivables.credit_invoice(by=finance, invoice=invoice, amount=100, reason="Giảm")
    today = timezone.localdate()
    statement = receivables.make_statement(
        by=finance, client=client, period_start=today.replace(day=1), period_end=today
    )
    sent = receivables.send_statement(by=finance, statement=statement)
    return {
        "receivable_draft": draft,
        "invoice": invoice,
        "credit_note": credit_note,
        "payment": payment,
        "allocation": payment.allocations.get(),
        "statement": statement,
        "statement_link": SimpleNamespace(pk=receivables.statements.statement_token(sent)),
    }


def _insight_records(*, client, kam, director) -> dict:
    """The KAM's quarterly collected target, set by their Director, and a survey sent to the
    client's decision maker, answered with a low score (its link is the public page's "pk")."""
    target = insights.set_target(
        by=director, kam=kam, metric="collected", period="quarter", day=timezone.localdate(),
        amount=1_000_000_000,
    )  # fmt: skip
    person = StakeholderFactory(
        client=client, full_name="Giám Đốc", decision_role="decision_maker", email="gd@example.com"
    )
    survey = insights.send_survey(by=kam, client=client, stakeholder=person)
    insights.recompute_health(client_ids=[client.pk])
    return {
        "target": target,
        "survey": survey,
        "survey_link": SimpleNamespace(pk=insights.surveys.survey_token(survey)),
    }


@pytest.fixture(scope="module")
def credentials(everyone) -> dict[str, dict[str, str]]:
    """Each role's persona signed in once for the module: its session's key (the value of the
    session cookie) and the key of an API token of its own."""
    made = {}
    for role, name in PERSONA_OF_ROLE.items():
        browser = Client()
        browser.force_login(everyone[name])
        _token, key = services.create_api_token(by=everyone[name], name="matrix")
        made[role] = {"session": browser.cookies[settings.SESSION_COOKIE_NAME].value, "bearer": key}
    return made


def _client_for(role, credentials, client):
    """The client with the role's session cookie (none for the anonymous visitor)."""
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = credentials[role]["session"]
    return client


# --- Pages ----------------------------------------------------------------------------------
def _page_url(name: str, side, records) -> str:
    args = []
    if discovered_routes()[name]:
        kind = next(
            kind for prefix, kind in PAGE_RECORDS.items() if name.split(":")[1].startswith(prefix)
        )
        args = [records[side][kind].pk]
    return reverse(name, args=args)


@pytest.mark.parametrize("name,side,role", _cases(PAGES))
def test_page_access(name, side, role, db, credentials, records, client):
    policy = PAGES[name]
    expected = policy[side][role] if side else policy[role]
    response = _client_for(role, credentials, client).get(_page_url(name, side, records))
    assert response.status_code == expected, f"{role} GET {name} ({side})"
    if expected == 302 and role == "anonymous" and name != "admin:index":
        assert response["Location"].startswith(reverse("people:login"))


@pytest.mark.parametrize("name,side,role", _cases(POSTS))
def test_page_writes(name, side, role, db, credentials, records, client):
    policy = POSTS[name]
    expected = policy[side][role] if side else policy[role]
    response = _client_for(role, credentials, client).post(_page_url(name, side, records), {})
    assert response.status_code == expected, f"{role} POST {name} ({side})"


def test_every_write_route_is_in_the_table_of_writes():
    assert set(POSTS) <= set(discovered_routes())


# --- API ------------------------------------------------------------------------------------
def _api_path(operation: str, side, records) -> str:
    path = operation.split(" ", 1)[1]
    for placeholder, kind in API_RECORDS.items():
        path = (
            path.replace(placeholder, str(records[side][kind].pk)) if placeholder in path else path
        )
    return path


def _api_cases() -> list[tuple]:
    """Every (operation, side, role) with a bearer token; with a session too for the KAM, which
    proves each operation takes a session as well — who the caller is, not how they signed in,
    is what the policy reads, so the other roles need not be asked twice."""
    return [
        (*case, auth)
        for case in _cases(OPERATIONS)
        for auth in (["bearer", "session"] if case[2] == "kam" else ["bearer"])
    ]


@pytest.mark.parametrize("operation,side,role,auth", _api_cases())
def test_api_access(operation, side, role, auth, db, everyone, credentials, records, client):
    policy, body = OPERATIONS[operation]
    expected = policy[side][role] if side else policy[role]
    headers = {}
    if role != "anonymous":
        if auth == "bearer":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {credentials[role]['bearer']}"
        else:
            _client_for(role, credentials, client)
    method = operation.split(" ", 1)[0].lower()
    data = _fill_body(body, everyone, records, side) if body else None
    response = getattr(client, method)(
        _api_path(operation, side, records), data=data, content_type="application/json", **headers
    )
    assert response.status_code == expected, (
        f"{role} {operation} ({side}, {auth}): {response.content[:200]}"
    )
    if not (operation.endswith("/file") and response.status_code == 200):  # a download
        assert response["Content-Type"].startswith("application/json")

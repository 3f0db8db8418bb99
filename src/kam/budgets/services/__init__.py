"""Every change to budgets, costs, time and the margin guard, one module per part; the rest of
kam imports the services from here."""

from kam.budgets.services import books, budgets, costs, guard, time
from kam.budgets.services.alerts import email_budget_warnings
from kam.budgets.services.books import close_month, set_cost_rate
from kam.budgets.services.budgets import (
    LINE_FIELDS,
    add_baseline_line,
    approve_baseline,
    create_budget,
    discard_baseline,
    reject_baseline,
    remove_baseline_line,
    set_margin_floor,
    start_baseline,
    submit_baseline,
    update_baseline,
    update_baseline_line,
)
from kam.budgets.services.costs import (
    COST_FIELDS,
    cancel_cost,
    record_cost,
    record_order_for_booking,
)
from kam.budgets.services.guard import approve_change, decide_margin, request_change_approval
from kam.budgets.services.time import enter_time, remove_time

VERB_LABELS = {
    **books.VERB_LABELS,
    **budgets.VERB_LABELS,
    **costs.VERB_LABELS,
    **guard.VERB_LABELS,
    **time.VERB_LABELS,
}

__all__ = [
    "COST_FIELDS",
    "LINE_FIELDS",
    "VERB_LABELS",
    "add_baseline_line",
    "approve_baseline",
    "approve_change",
    "cancel_cost",
    "close_month",
    "create_budget",
    "decide_margin",
    "discard_baseline",
    "email_budget_warnings",
    "enter_time",
    "record_cost",
    "record_order_for_booking",
    "reject_baseline",
    "remove_baseline_line",
    "remove_time",
    "request_change_approval",
    "set_cost_rate",
    "set_margin_floor",
    "start_baseline",
    "submit_baseline",
    "update_baseline",
    "update_baseline_line",
]

"""API of the budgets app: budgets (+ lines, baselines and their lines, the margin floor),
costs (purchase orders, vendors' bills, an order from a booking), the caller's time entries,
margin approvals and what a change request costs (+ the client's approval of a change), the
profitability report, and Finance's closed months and cost rates; one module each, all adding
their endpoints to one router."""

from kam.budgets.api import (  # noqa: F401 - each module adds its endpoints to the router
    approvals,
    baselines,
    books,
    budgets,
    costs,
    reports,
    time,
)
from kam.budgets.api.common import router

__all__ = ["router"]

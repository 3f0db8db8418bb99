from django.urls import path

from kam.budgets.views import approvals, baselines, books, budgets, costs, profitability, time

app_name = "budgets"

urlpatterns = [
    path("budgets/", budgets.budget_list, name="budget_list"),
    path("projects/<int:pk>/budget/", budgets.project_panel, name="project_panel"),
    path("projects/<int:pk>/budget/new/", budgets.budget_create, name="budget_create"),
    path("budgets/<int:pk>/", budgets.budget_detail, name="budget_detail"),
    path("budgets/<int:pk>/floor/", budgets.budget_floor, name="budget_floor"),
    path("budgets/<int:pk>/costs/new/", costs.cost_create, name="cost_create"),
    path("bookings/<int:pk>/order/", costs.booking_order, name="booking_order"),
    path("costs/<int:pk>/cancel/", costs.cost_cancel, name="cost_cancel"),
    path("requests/<int:pk>/cost/", costs.request_panel, name="request_panel"),
    path("budgets/<int:pk>/baselines/new/", baselines.baseline_start, name="baseline_start"),
    path("baselines/<int:pk>/", baselines.baseline_detail, name="baseline_detail"),
    path("baselines/<int:pk>/edit/", baselines.baseline_edit, name="baseline_edit"),
    path("baselines/<int:pk>/lines/new/", baselines.baseline_line_add, name="baseline_line_add"),
    path("baseline-lines/<int:pk>/edit/", baselines.baseline_line_edit, name="baseline_line_edit"),
    path(
        "baseline-lines/<int:pk>/remove/",
        baselines.baseline_line_remove,
        name="baseline_line_remove",
    ),
    path("baselines/<int:pk>/submit/", baselines.baseline_submit, name="baseline_submit"),
    path("baselines/<int:pk>/approve/", baselines.baseline_approve, name="baseline_approve"),
    path("baselines/<int:pk>/reject/", baselines.baseline_reject, name="baseline_reject"),
    path("baselines/<int:pk>/discard/", baselines.baseline_discard, name="baseline_discard"),
    path("approvals/", approvals.approval_list, name="approval_list"),
    path("approvals/<int:pk>/", approvals.approval_detail, name="approval_detail"),
    path("approvals/<int:pk>/decide/", approvals.approval_decide, name="approval_decide"),
    path("change-requests/<int:pk>/approve/", approvals.change_approve, name="change_approve"),
    path("change-requests/<int:pk>/money/", approvals.change_panel, name="change_panel"),
    path(
        "change-requests/<int:pk>/money/ask/",
        approvals.change_ask_approval,
        name="change_ask_approval",
    ),
    path("me/time/", time.timesheet, name="timesheet"),
    path("books/", books.books, name="books"),
    path("books/months/close/", books.month_close, name="month_close"),
    path("books/rates/new/", books.rate_create, name="rate_create"),
    path("profitability/", profitability.profitability, name="profitability"),
]

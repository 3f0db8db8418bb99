"""What `kam bench` measures of budgets: the budget list and a budget's page, profitability by
client, project and month (issue 8's report: every bill, time entry and milestone of the period
summed), and the API's budget list, budget detail and profitability report, as a KAM, their
Director and Finance; and the timesheet of a department member (the demo's `creative`)."""

from kam.core.bench import REPORT_BUDGET_MS, Scenario

PERSONAS = ("lan", "director", "finance")
DEPARTMENT = ("creative",)
A_BUDGET = {"budget": "/api/v1/budgets?page_size=1"}

SCENARIOS = [
    Scenario("budgets", "/budgets/", PERSONAS),
    Scenario("budget page", "/budgets/{budget}/", PERSONAS, lookups=A_BUDGET),
    Scenario(
        "profitability by client", "/profitability/?by=client", PERSONAS, budget_ms=REPORT_BUDGET_MS
    ),
    Scenario(
        "profitability by project",
        "/profitability/?by=project",
        PERSONAS,
        budget_ms=REPORT_BUDGET_MS,
    ),
    Scenario(
        "profitability by month", "/profitability/?by=month", PERSONAS, budget_ms=REPORT_BUDGET_MS
    ),
    Scenario("timesheet", "/me/time/", DEPARTMENT),
    Scenario("API budgets", "/api/v1/budgets", PERSONAS),
    Scenario("API budget", "/api/v1/budgets/{budget}", PERSONAS, lookups=A_BUDGET),
    Scenario(
        "API profitability by client",
        "/api/v1/reports/profitability?by=client",
        PERSONAS,
        budget_ms=REPORT_BUDGET_MS,
    ),
    Scenario(
        "API profitability by project",
        "/api/v1/reports/profitability?by=project",
        PERSONAS,
        budget_ms=REPORT_BUDGET_MS,
    ),
]

"""What `kam bench` measures of insights: Today (the agenda of every app, as a KAM, a Director
and Finance), a KAM's portfolio dashboard (her own; a Director's view of one of his KAMs), the
Director's team view, the health list, and the API's agenda, attainment and health — each over
every client, invoice and target the persona sees."""

from kam.core.bench import REPORT_BUDGET_MS, Scenario

PERSONAS = ("lan", "director")
# A KAM of the Director's team: the one his search for "lan" finds first.
A_KAM_OF_HIS = {"kam": "/api/v1/users?q=lan&page_size=1"}

SCENARIOS = [
    Scenario("Today", "/", ("lan", "director", "finance"), budget_ms=REPORT_BUDGET_MS),
    Scenario("Portfolio dashboard", "/dashboard/", ("lan",), budget_ms=REPORT_BUDGET_MS),
    Scenario(
        "Portfolio dashboard, a KAM of the Director's",
        "/dashboard/?kam={kam}",
        ("director",),
        lookups=A_KAM_OF_HIS,
        budget_ms=REPORT_BUDGET_MS,
    ),
    Scenario("Team view", "/dashboard/team/", ("director",), budget_ms=REPORT_BUDGET_MS),
    Scenario("Health list", "/health/", PERSONAS),
    Scenario("API agenda", "/api/v1/agenda", PERSONAS, budget_ms=REPORT_BUDGET_MS),
    Scenario(
        "API attainment",
        "/api/v1/reports/attainment",
        (*PERSONAS, "finance"),
        budget_ms=REPORT_BUDGET_MS,
    ),
    Scenario("API health", "/api/v1/health", PERSONAS),
]

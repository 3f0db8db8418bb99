"""What `kam bench` measures of growth: the pipeline's table, board and forecast, an
opportunity's page and the API's pipeline, as a KAM, their Director and Finance."""

from kam.core.bench import REPORT_BUDGET_MS, Scenario

PERSONAS = ("lan", "director", "finance")
AN_OPPORTUNITY = {"opportunity": "/api/v1/opportunities?status=open&page_size=1"}

SCENARIOS = [
    Scenario("pipeline", "/pipeline/", PERSONAS),
    Scenario("pipeline board", "/pipeline/board/", PERSONAS),
    Scenario("forecast", "/pipeline/forecast/", PERSONAS, budget_ms=REPORT_BUDGET_MS),
    Scenario("opportunity page", "/opportunities/{opportunity}/", PERSONAS, lookups=AN_OPPORTUNITY),
    Scenario("API opportunities", "/api/v1/opportunities?status=open", PERSONAS),
    Scenario("API forecast", "/api/v1/forecast", PERSONAS, budget_ms=REPORT_BUDGET_MS),
]

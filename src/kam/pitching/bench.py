"""What `kam bench` measures of pitching: the briefs list, a brief's working page, the
proposals list and a proposal's page, and the API's lists and a version with its totals, as a
KAM, their Director and Finance."""

from kam.core.bench import Scenario

PERSONAS = ("lan", "director", "finance")
A_BRIEF = {"brief": "/api/v1/briefs?status=open&page_size=1"}
A_PROPOSAL = {"proposal": "/api/v1/proposals?page_size=1"}

SCENARIOS = [
    Scenario("briefs", "/briefs/", PERSONAS),
    Scenario("brief page", "/briefs/{brief}/", PERSONAS, lookups=A_BRIEF),
    Scenario("proposals", "/proposals/", PERSONAS),
    Scenario("proposal page", "/proposals/{proposal}/", PERSONAS, lookups=A_PROPOSAL),
    Scenario("API briefs", "/api/v1/briefs?status=open", PERSONAS),
    Scenario("API proposals", "/api/v1/proposals", PERSONAS),
    Scenario("API proposal", "/api/v1/proposals/{proposal}", PERSONAS, lookups=A_PROPOSAL),
]

"""What `kam bench` measures of clients: the list, a key client's page and search, as a KAM,
their Director and Finance (who see every client)."""

from kam.core.bench import Scenario

PERSONAS = ("lan", "director", "finance")
A_KEY_CLIENT = {"client": "/api/v1/clients?tier=key&page_size=1"}

SCENARIOS = [
    Scenario("client list", "/clients/", PERSONAS),
    Scenario("client list, quiet first", "/clients/?sort=last_contact&tier=key", PERSONAS),
    Scenario("client page", "/clients/{client}/", PERSONAS, lookups=A_KEY_CLIENT),
    Scenario("search", "/search/?q=binh+minh", PERSONAS),
    Scenario("search, a person", "/search/?q=nguyen+van", PERSONAS),
    Scenario("API clients", "/api/v1/clients", PERSONAS),
    Scenario("API client", "/api/v1/clients/{client}", PERSONAS, lookups=A_KEY_CLIENT),
    Scenario("API search", "/api/v1/search?q=binh+minh", PERSONAS),
    Scenario("API interactions", "/api/v1/interactions", PERSONAS),
]

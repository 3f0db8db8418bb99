"""What `kam bench` measures of receivables: the ageing page and `GET /api/v1/reports/ar-ageing`
(every open invoice the persona sees summed by bucket, with the days sales outstanding), the
invoice list (all, and the open ones past due), a client's receivables page, a reconciliation
statement's page, and the API's invoice and payment lists — as Finance (every client), a
Director (their teams' clients) and a KAM (their own)."""

from kam.core.bench import REPORT_BUDGET_MS, Scenario

PERSONAS = ("finance", "director", "lan")
A_KEY_CLIENT = {"client": "/api/v1/clients?tier=key&page_size=1"}
A_STATEMENT = {"statement": "/api/v1/statements?page_size=1"}
AN_INVOICE = {"invoice": "/api/v1/invoices?page_size=1"}

SCENARIOS = [
    Scenario("AR ageing", "/receivables/", PERSONAS, budget_ms=REPORT_BUDGET_MS),
    Scenario("API AR ageing", "/api/v1/reports/ar-ageing", PERSONAS, budget_ms=REPORT_BUDGET_MS),
    Scenario("invoices", "/invoices/", PERSONAS),
    Scenario("invoice page", "/invoices/{invoice}/", PERSONAS, lookups=AN_INVOICE),
    Scenario(
        "client receivables", "/clients/{client}/receivables/", PERSONAS, lookups=A_KEY_CLIENT
    ),
    Scenario("statement page", "/statements/{statement}/", PERSONAS, lookups=A_STATEMENT),
    Scenario("API invoices", "/api/v1/invoices", PERSONAS),
    Scenario("API invoices, overdue", "/api/v1/invoices?open=true&overdue=true", PERSONAS),
    Scenario("API payments", "/api/v1/payments", PERSONAS),
]

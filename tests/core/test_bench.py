"""`kam bench` and the Server-Timing header it reads."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.test import override_settings

from kam.core import bench
from tests.clients.factories import ClientFactory, InteractionFactory
from tests.conftest import PASSWORD


@override_settings(KAM_SERVER_TIMING=True)
def test_server_timing_says_how_long_and_how_many_queries(lan):
    client = HttpClient()
    client.force_login(lan)
    ClientFactory.create_batch(3, owner=lan)
    response = client.get("/clients/")
    sample = bench.Sample(seconds=0, status=200)
    bench._read_server_timing(response["Server-Timing"], sample)
    assert sample.app_ms > 0
    assert sample.queries >= 3  # session, user, the clients and their count at least
    assert sample.sql_ms <= sample.app_ms


def test_server_timing_is_off_unless_asked_for(client, db):
    assert "Server-Timing" not in client.get("/healthz")


def test_reading_a_server_timing_header():
    sample = bench.Sample(seconds=0.01, status=200)
    bench._read_server_timing('app;dur=12.5, sql;dur=4.1;desc="7"', sample)
    assert (sample.app_ms, sample.sql_ms, sample.queries) == (12.5, 4.1, 7)
    bare = bench.Sample(seconds=0.01, status=200)
    bench._read_server_timing("", bare)
    assert (bare.app_ms, bare.queries) == (None, None)


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert bench.percentile(values, 0.50) == 50
    assert bench.percentile(values, 0.95) == 95
    assert bench.percentile(values, 0.99) == 99
    assert bench.percentile([7.0], 0.99) == 7


def test_a_summary_counts_errors_and_reads_server_figures():
    samples = [
        bench.Sample(0.010, 200, app_ms=8, queries=5),
        bench.Sample(0.020, 200, app_ms=9, queries=6),
        bench.Sample(0.030, 302),
        bench.Sample(0.040, 0),
    ]
    result = bench.summarise(bench.FLOOR, "", "/healthz", 2, samples, wall=0.5)
    assert (result.requests, result.errors, result.throughput) == (4, 2, 8.0)
    assert (result.queries_max, result.server_p95_ms, result.persona) == (6, 9, "anonymous")
    table = bench.as_markdown([result], {"label": "test"})
    assert "| healthz (floor) | anonymous | 2 | 4 | 2 |" in table


def test_each_row_is_judged_against_its_scenarios_budget():
    page = bench.Scenario("client list", "/clients/")
    report = bench.Scenario("Today", "/", budget_ms=bench.REPORT_BUDGET_MS)
    fast, slow = [bench.Sample(0.050, 200)] * 20, [bench.Sample(0.150, 200)] * 20
    failing = [bench.Sample(0.010, 500)] + [bench.Sample(0.010, 200)] * 19
    rows = [
        bench.summarise(page, "lan", "/clients/", 8, fast, wall=1),
        bench.summarise(page, "lan", "/clients/", 8, slow, wall=1),
        bench.summarise(report, "lan", "/", 8, slow, wall=1),
        bench.summarise(page, "lan", "/clients/", 8, failing, wall=1),
        bench.summarise(page, "lan", "/clients/", 1, slow, wall=1),
    ]
    assert [row.within_budget for row in rows] == [True, False, True, False, False]
    assert bench.summarise(bench.FLOOR, "", "/healthz", 8, fast, wall=1).within_budget is None
    table = bench.as_markdown(rows, {"label": "test"})
    assert "at concurrency 8: 2 of 4 scenario rows" in table
    assert "| 100 | yes |" in table and "| 300 | yes |" in table and "| 100 | no |" in table


def test_only_a_server_on_this_machine_is_loaded():
    with pytest.raises(ValueError):
        bench.Server("http://example.com:8000")
    with pytest.raises(ValueError):
        bench.Server("https://127.0.0.1:8000")


@pytest.fixture
def busy_lan(transactional_db, lan, director, finance):
    """The bench's personas (they share the factories' password) and a key client of lan's."""
    key = ClientFactory(owner=lan, legal_name="Công ty Cổ phần Sữa Việt")
    InteractionFactory.create_batch(3, client=key)
    return lan


def test_bench_signs_in_fills_placeholders_and_measures_against_the_floor(busy_lan, live_server):
    server = bench.Server(live_server.url)
    scenarios = [
        bench.Scenario("client page", "/clients/{client}/", ("lan",),
                       lookups={"client": "/api/v1/clients?tier=key&page_size=1"}),
    ]  # fmt: skip
    results = bench.run(
        server, scenarios, password=PASSWORD, concurrencies=[1, 3], requests=6, warmup=1
    )
    assert [(r.scenario, r.concurrency) for r in results] == [
        ("healthz (floor)", 1), ("healthz (floor)", 3), ("client page", 1), ("client page", 3),
    ]  # fmt: skip
    assert all(result.requests == 6 and result.errors == 0 for result in results)
    assert results[2].path == f"/clients/{busy_lan.owned_clients.get().pk}/"
    assert results[0].floor_ratio == 1.0
    assert results[2].floor_ratio > 0


def test_bench_refuses_a_wrong_password(busy_lan, live_server):
    with pytest.raises(RuntimeError, match="could not sign in"):
        bench.Server(live_server.url).sign_in("lan", "not the password")


def test_the_bench_command_writes_json_and_markdown(busy_lan, live_server, tmp_path):
    call_command(
        "bench", url=live_server.url, concurrency=[2], requests=4, warmup=1,
        scenario=["client list"], password=PASSWORD, label="test", output=tmp_path,
    )  # fmt: skip
    report = json.loads(next(tmp_path.glob("bench-*.json")).read_text())
    assert report["about"]["label"] == "test"
    scenarios = {(row["scenario"], row["persona"]) for row in report["results"]}
    assert ("client list", "lan") in scenarios
    assert {persona for _name, persona in scenarios} == {"anonymous", "lan", "director", "finance"}
    assert all(row["errors"] == 0 for row in report["results"])
    assert "| client list | lan | 2 |" in next(tmp_path.glob("bench-*.md")).read_text()


def test_the_bench_command_refuses_nonsense(db):
    with pytest.raises(CommandError):
        call_command("bench", requests=0)
    with pytest.raises(CommandError):
        call_command("bench", url="http://10.0.0.1:8000")

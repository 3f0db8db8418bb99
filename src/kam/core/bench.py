"""`kam bench`: a bounded load generator on loopback against a running kam server.

Each app that has pages worth measuring keeps a `bench.py` with `SCENARIOS`; they run as the
personas named there (demo logins, so a seeded database is needed) at each concurrency, after
the server's own floor, `/healthz`. The server's time and SQL queries come from its
Server-Timing header (KAM_SERVER_TIMING=1 on the server); latency is measured here, so it adds
the loopback, the HTTP parsing and this generator's own share of the machine."""

from __future__ import annotations

import http.client
import json
import math
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from importlib import import_module
from importlib.util import find_spec
from urllib.parse import urlencode, urlsplit

from django.apps import apps

TIMEOUT_SECONDS = 60
# The performance budgets (issue 11): the p95 latency a page or API call must stay under at
# BUDGET_CONCURRENCY on the large data set — lists and details, reports and dashboards.
PAGE_BUDGET_MS = 100
REPORT_BUDGET_MS = 300
BUDGET_CONCURRENCY = 8


@dataclass(frozen=True)
class Scenario:
    """A GET to measure. `path` may hold {placeholders}, each filled with the `id` of the first
    item the API path in `lookups` returns to the persona (e.g. one of their key clients).
    `budget_ms`: its p95 budget (REPORT_BUDGET_MS for reports and dashboards)."""

    name: str
    path: str
    personas: tuple[str, ...] = ("lan",)
    lookups: dict[str, str] = field(default_factory=dict)
    budget_ms: int = PAGE_BUDGET_MS


FLOOR = Scenario("healthz (floor)", "/healthz", personas=("",))


@dataclass
class Sample:
    seconds: float
    status: int
    app_ms: float | None = None
    sql_ms: float | None = None
    queries: int | None = None


@dataclass
class Result:
    scenario: str
    persona: str
    path: str
    concurrency: int
    requests: int
    errors: int
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    server_p50_ms: float | None
    server_p95_ms: float | None
    queries_max: int | None
    floor_ratio: float | None = None
    budget_ms: int | None = None

    @property
    def within_budget(self) -> bool | None:
        """Whether p95 stayed under the budget, without errors (None: no budget, the floor)."""
        if self.budget_ms is None:
            return None
        return self.errors == 0 and self.p95_ms < self.budget_ms


def discover_scenarios() -> list[Scenario]:
    """Every kam app's `bench.SCENARIOS`, in app order."""
    scenarios = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.bench"
        if config.name.startswith("kam.") and module_name != __name__ and find_spec(module_name):
            scenarios += import_module(module_name).SCENARIOS
    return scenarios


class Server:
    """The server under test, reached with one new connection per request, as gunicorn's sync
    workers close each connection after answering."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError("kam bench measures a server on this machine: http://127.0.0.1:PORT")
        self.host, self.port = parts.hostname, parts.port or 80

    def request(self, method: str, path: str, headers: dict, body: str | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def sign_in(self, username: str, password: str) -> str:
        """A session cookie header for `username`, through the sign-in form like a person."""
        if not username:
            return ""
        response, body = self.request("GET", "/login/", {})
        cookies = _cookies(response)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not token or "csrftoken" not in cookies:
            raise RuntimeError("The sign-in page has no CSRF token; is this a kam server?")
        form = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1].decode()}
        )
        response, _body = self.request(
            "POST",
            "/login/",
            {
                "Cookie": f"csrftoken={cookies['csrftoken']}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            form,
        )
        session = _cookies(response).get("sessionid")
        if response.status != 302 or not session:
            raise RuntimeError(f"{username} could not sign in (HTTP {response.status}).")
        return f"sessionid={session}"

    def resolve(self, scenario: Scenario, cookie: str) -> str:
        """The scenario's path with its placeholders filled for this persona."""
        values = {}
        for name, api_path in scenario.lookups.items():
            response, body = self.request("GET", api_path, {"Cookie": cookie})
            items = json.loads(body).get("items", []) if response.status == 200 else []
            if not items:
                raise RuntimeError(f"{api_path} gave nothing to fill {{{name}}} with.")
            values[name] = items[0]["id"]
        return scenario.path.format(**values)

    def sample(self, path: str, cookie: str) -> Sample:
        started = time.perf_counter()
        try:
            response, _body = self.request("GET", path, {"Cookie": cookie} if cookie else {})
        except OSError:
            return Sample(seconds=time.perf_counter() - started, status=0)
        sample = Sample(seconds=time.perf_counter() - started, status=response.status)
        _read_server_timing(response.getheader("Server-Timing", ""), sample)
        return sample


def _cookies(response) -> dict[str, str]:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def _read_server_timing(header: str, sample: Sample) -> None:
    """`app;dur=12.3, sql;dur=4.1;desc="7"` → the sample's server figures."""
    for metric in header.split(","):
        name, _sep, rest = metric.strip().partition(";")
        duration = re.search(r"dur=([\d.]+)", rest)
        if name == "app" and duration:
            sample.app_ms = float(duration[1])
        elif name == "sql" and duration:
            sample.sql_ms = float(duration[1])
            queries = re.search(r'desc="(\d+)"', rest)
            sample.queries = int(queries[1]) if queries else None


def load(server: Server, path: str, cookie: str, concurrency: int, requests: int) -> tuple:
    """`requests` GETs from `concurrency` threads at once; (samples, wall seconds)."""
    samples: list[Sample] = []
    lock = threading.Lock()
    remaining = [requests]

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            sample = server.sample(path, cookie)
            with lock:
                samples.append(sample)

    threads = [threading.Thread(target=worker) for _n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of a non-empty list: the smallest value with at least `share` of
    the values at or below it."""
    ordered = sorted(values)
    rank = math.ceil(round(share * len(ordered), 9))
    return ordered[max(rank, 1) - 1]


def summarise(scenario: Scenario, persona: str, path: str, concurrency: int, samples, wall):
    latencies = [sample.seconds * 1000 for sample in samples]
    server = [sample.app_ms for sample in samples if sample.app_ms is not None]
    queries = [sample.queries for sample in samples if sample.queries is not None]
    return Result(
        scenario=scenario.name,
        persona=persona or "anonymous",
        path=path,
        concurrency=concurrency,
        requests=len(samples),
        errors=sum(1 for sample in samples if not 200 <= sample.status < 300),
        throughput=round(len(samples) / wall, 1),
        p50_ms=round(percentile(latencies, 0.50), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
        server_p50_ms=round(percentile(server, 0.50), 1) if server else None,
        server_p95_ms=round(percentile(server, 0.95), 1) if server else None,
        queries_max=max(queries) if queries else None,
        budget_ms=None if scenario is FLOOR else scenario.budget_ms,
    )


def run(
    server: Server,
    scenarios: list[Scenario],
    *,
    password: str,
    concurrencies: list[int],
    requests: int,
    warmup: int,
    progress=lambda result: None,
) -> list[Result]:
    """The floor, then each scenario as each persona at each concurrency."""
    cookies: dict[str, str] = {}
    floors: dict[int, float] = {}
    results = []
    for scenario in [FLOOR, *scenarios]:
        for persona in scenario.personas:
            if persona not in cookies:
                cookies[persona] = server.sign_in(persona, password)
            path = server.resolve(scenario, cookies[persona])
            load(server, path, cookies[persona], 1, warmup)
            for concurrency in concurrencies:
                samples, wall = load(server, path, cookies[persona], concurrency, requests)
                result = summarise(scenario, persona, path, concurrency, samples, wall)
                if scenario is FLOOR:
                    floors[concurrency] = result.throughput
                result.floor_ratio = round(result.throughput / floors[concurrency], 3)
                results.append(result)
                progress(result)
    return results


def as_json(results: list[Result], about: dict) -> str:
    rows = [{**asdict(r), "within_budget": r.within_budget} for r in results]
    return json.dumps({"about": about, "results": rows}, indent=2)


COLUMNS = [
    ("scenario", "scenario"), ("persona", "as"), ("concurrency", "conc."),
    ("requests", "requests"), ("errors", "errors"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"),
    ("p99_ms", "p99 ms"), ("server_p50_ms", "server p50 ms"),
    ("server_p95_ms", "server p95 ms"), ("queries_max", "queries"),
    ("throughput", "req/s"), ("floor_ratio", "share of floor"), ("budget_ms", "budget ms"),
    ("within_budget", "within"),
]  # fmt: skip


def as_markdown(results: list[Result], about: dict) -> str:
    lines = [" · ".join(f"{key}: {value}" for key, value in about.items()), ""]
    lines += budget_summary(results)
    lines.append("| " + " | ".join(title for _key, title in COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for result in results:
        values = {**asdict(result), "within_budget": _yes_no(result.within_budget)}
        cells = ["—" if values[key] is None else str(values[key]) for key, _title in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def budget_summary(results: list[Result]) -> list[str]:
    """How many scenario rows met their p95 budget at the budgets' concurrency, if measured."""
    judged = [r for r in results if r.concurrency == BUDGET_CONCURRENCY and r.budget_ms]
    if not judged:
        return []
    met = sum(1 for r in judged if r.within_budget)
    return [
        f"Budgets at concurrency {BUDGET_CONCURRENCY}: {met} of {len(judged)} scenario rows "
        f"have their p95 under budget with no error.",
        "",
    ]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")

"""Two machines in miniature: two `kam serve` processes on different ports, each with its own
data folder and its own worker, share one PostgreSQL and one Redis, as behind a load balancer.
A load spread over both stays consistent, because no state lives in a process: a session
opened on one server is good on the other, a job enqueued by either runs once on whichever
worker takes it, and writes through both land exactly once — the same Idempotency-Key sent to
both servers at once records one payment.

It brings its own PostgreSQL database and Redis queue, whichever database the suite's pass
tests; it is skipped where neither answers, except in CI, which starts both."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

from kam.core.bench import Server
from tests.growth.test_concurrency import at_once
from tests.reliability.test_backup import empty_postgres_databases
from tests.test_cli import (
    empty_redis_for_tests,
    free_port,
    kam,
    kam_env,
    read_mail,
    wait_for,
)

# Real processes on databases of their own: ./dev test runs them once, not in each pass.
pytestmark = pytest.mark.processes

# Shared by every machine, as a production deployment shares KAM_SECRET_KEY_FILE: a session is
# only good where the same key signs it.
SECRET_KEY = "two-servers-" + "k9Q_" * 15
WRITES_PER_THREAD, THREADS = 10, 4
PEOPLE = ("lan", "finance")


def send(base: str, key: str, method: str, path: str, body=None, headers=None):
    """A JSON request with a bearer key: (status, body)."""
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def page(base: str, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def shell_json(code: str, env: dict):
    result = kam("shell", "-v0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def machines(tmp_path):
    """Two installations on one PostgreSQL and one Redis, each serving and working: a list of
    (base URL, environment)."""
    with ExitStack() as stack:
        (database,) = stack.enter_context(empty_postgres_databases("kam_two_servers"))
        shared = {
            "DATABASE_URL": database,
            "REDIS_URL": empty_redis_for_tests(),
            "KAM_QUEUE_NAME": "kam-two-servers",
            "KAM_SECRET_KEY": SECRET_KEY,
        }
        envs = [kam_env(tmp_path / name, **shared) for name in ("a", "b")]
        for command in (("migrate", "-v0"), ("seed",)):
            result = kam(*command, env=envs[0], timeout=600)
            assert result.returncode == 0, result.stderr
        bases = []
        for number, env in enumerate(envs):
            assert kam("collectstatic", "--noinput", "-v0", env=env).returncode == 0
            port = free_port()
            serve = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            # One worker schedules the periodic jobs; the other only runs what is queued.
            work = ["worker"] if number == 0 else ["worker", "--no-periodic"]
            for command in (serve, work):
                process = subprocess.Popen(
                    [sys.executable, "-m", "kam", *command],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                stack.callback(_stop, process)
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_for(base + "/healthz")
        yield list(zip(bases, envs, strict=True))


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.xdist_group("redis")  # with test_cli's, which empties the same Redis database
def test_two_servers_share_sessions_jobs_and_writes(machines):
    (a, env_a), (b, env_b) = machines
    tokens = {name: kam("token", "create", name, env=env_a).stdout.strip() for name in PEOPLE}

    # Sessions: signed in on one server, known on the other, both ways.
    for first, second in ((a, b), (b, a)):
        cookie = Server(first).sign_in("lan", "demo")
        status, body = page(second, "/", cookie)
        assert status == 200 and "Nguyễn Thị Lan" in body
    status, location = page(b, "/", "")
    assert status == 302 and "/login/" in location

    # Writes: four people log contact at once, each request to the next server in turn.
    client_id, people = shell_json(
        "import json; from kam.clients.models import Client, Stakeholder; "
        "c = Client.objects.filter(owner__username='lan').exclude(status='lost')"
        ".filter(stakeholders__is_active=True).exclude(stakeholders__email='')"
        ".order_by('pk').first(); "
        "s = Stakeholder.objects.filter(client=c, is_active=True).exclude(email='')"
        ".order_by('pk'); "
        "print(json.dumps([c.pk, [p.pk for p in s[:2]]]))",
        env_a,
    )
    assert len(people) == 2, "the demo's client needs two people with an email"
    before = send(a, tokens["lan"], "GET", f"/api/v1/interactions?client_id={client_id}")[1]

    def log_contact(thread: int) -> list[int]:
        statuses = []
        for number in range(WRITES_PER_THREAD):
            base = (a, b)[(thread + number) % 2]
            body = {"client_id": client_id, "kind": "call", "summary": f"Gọi {thread}-{number}"}
            statuses.append(send(base, tokens["lan"], "POST", "/api/v1/interactions", body)[0])
        return statuses

    outcomes = at_once(*[lambda t=t: log_contact(t) for t in range(THREADS)])
    assert [status for statuses in outcomes for status in statuses] == [201] * (
        THREADS * WRITES_PER_THREAD
    )
    for base in (a, b):
        after = send(base, tokens["lan"], "GET", f"/api/v1/interactions?client_id={client_id}")
        assert after[1]["count"] == before["count"] + THREADS * WRITES_PER_THREAD

    # The same payment sent to both servers at once is recorded once.
    key = {"Idempotency-Key": str(uuid.uuid4())}
    payment = {"client_id": client_id, "amount": 12_000_000, "bank_reference": "FT-HAI-MAY"}

    def pay(base: str):
        return send(base, tokens["finance"], "POST", "/api/v1/payments", payment, key)

    answers = at_once(lambda: pay(a), lambda: pay(b))
    assert {status for status, _body in answers} <= {200, 201}, answers
    assert len({body["id"] for _status, body in answers}) == 1, answers
    recorded = shell_json(
        "import json; from kam.receivables.models import Payment; "
        f"print(Payment.objects.filter(idempotency_key={key['Idempotency-Key']!r}).count())",
        env_b,
    )
    assert recorded == 1

    # Jobs: a survey sent through each server is emailed by whichever worker takes the job,
    # once: its link is in exactly one message across both machines' mail.
    surveys = []
    for base, person in zip((a, b), people, strict=True):
        status, survey = send(base, tokens["lan"], "POST", "/api/v1/surveys", {
            "client_id": client_id, "stakeholder_id": person,
        })  # fmt: skip
        assert status == 201, survey
        surveys.append(survey["id"])
    links = shell_json(
        "import json; from kam.insights.models import Survey; "
        "from kam.insights.services.surveys import public_url; "
        f"print(json.dumps([public_url(s) for s in Survey.objects.filter(pk__in={surveys})]))",
        env_a,
    )
    mail_dirs = [Path(env["KAM_DATA_DIR"]) / "mail" for env in (env_a, env_b)]

    def messages_with(link: str) -> int:
        return sum(message.count(link) for mail_dir in mail_dirs for message in read_mail(mail_dir))

    wait_until(lambda: all(messages_with(link) for link in links), seconds=60)
    time.sleep(2)  # time for a second, unwanted message to show up
    assert [messages_with(link) for link in links] == [1, 1]


def wait_until(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not done after {seconds} s"
        time.sleep(0.3)

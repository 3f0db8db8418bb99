"""A payment is recorded once, through a real server: eight requests carrying the same
Idempotency-Key and body, released at the same instant against `kam serve` with three worker
processes, all answer the same payment, and the database holds exactly one, on SQLite (writers
queue on the file) and on PostgreSQL (the unique index makes the later inserts wait for the
first and then answer its payment)."""

import json
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_cli import call_api, free_port, kam, kam_env, wait_for

pytestmark = pytest.mark.faults

THREADS = 8
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def post_payment(base: str, key: str, idempotency_key: str, body: dict) -> tuple[int, dict]:
    """POST /api/v1/payments with the Idempotency-Key header; (0, {}) when nothing answers."""
    request = urllib.request.Request(
        base + "/api/v1/payments",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except OSError:
        return 0, {}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request) -> Iterator[dict]:
    """The environment's database: the data folder's SQLite, or a fresh PostgreSQL database
    dropped afterwards."""
    if request.param == "sqlite":
        yield {}
        return
    import psycopg

    try:
        server = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError:
        # .ci/run starts PostgreSQL: in CI its absence is a failure, not a reason to skip.
        if os.environ.get("CI"):
            pytest.fail("no PostgreSQL on 127.0.0.1:5432")
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"kam_idem_{secrets.token_hex(4)}"
    with server:
        server.execute(f"CREATE DATABASE {name}")
    yield {"DATABASE_URL": f"{POSTGRES}/{name}"}
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# `kam migrate`, `kam seed` and `kam token create finance` in one process: the same commands,
# without starting Django three times (the test stays within its minute on both databases).
SET_UP = (
    "import io; from django.core.management import call_command; "
    "call_command('migrate', verbosity=0); call_command('seed', stdout=io.StringIO()); "
    "key = io.StringIO(); call_command('token', 'create', 'finance', stdout=key); "
    "print(key.getvalue().strip())"
)


def payments_with_key(env: dict, idempotency_key: str) -> int:
    """Counted in the database itself, not through kam."""
    query = "SELECT COUNT(*) FROM receivables_payment WHERE idempotency_key = "
    if "DATABASE_URL" not in env:
        with sqlite3.connect(Path(env["KAM_DATA_DIR"]) / "kam.sqlite3") as db:
            return db.execute(query + "?", [idempotency_key]).fetchone()[0]
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as db:
        return db.execute(query + "%s", [idempotency_key]).fetchone()[0]


def send_together(base: str, key: str, idempotency_key: str, body: dict) -> list:
    """The same request from THREADS threads released at once; the answers."""
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def send() -> None:
        start.wait()
        answer = post_payment(base, key, idempotency_key, body)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_concurrent_retries_with_one_idempotency_key_record_one_payment(
    tmp_path: Path, database: dict
):
    env = {**kam_env(tmp_path / "data", KAM_STATIC_ROOT=str(tmp_path / "static")), **database}
    set_up = kam("shell", "-v0", "-c", SET_UP, env=env)
    assert set_up.returncode == 0, set_up.stderr[-3000:]
    key = set_up.stdout.strip().splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [sys.executable, "-m", "kam", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
    log = tmp_path / "web.log"
    with log.open("w") as web_log:
        web = subprocess.Popen(serve, env=env, stdout=web_log, stderr=subprocess.STDOUT)
        try:
            wait_for(base + "/healthz")
            clients = call_api(base, key, "GET", "/api/v1/clients?page_size=1", None)[1]
            body = {
                "client_id": clients["items"][0]["id"],
                "amount": 123_456_789,
                "method": "bank",
                "bank_reference": "VCB 2611280042",
                "payer": "CONG TY CP SUA VIET",
                "note": "Thanh toán đợt 1",
            }
            idempotency_key = str(uuid.uuid4())
            answers = send_together(base, key, idempotency_key, body)
            reused = post_payment(base, key, idempotency_key, body | {"amount": 1_000})
        finally:
            web.terminate()
            web.wait(timeout=30)
    statuses = Counter(status for status, _body in answers)
    assert statuses == {201: 1, 200: THREADS - 1}, (statuses, log.read_text()[-3000:])
    assert len({answer["id"] for _status, answer in answers}) == 1
    assert {answer["amount"] for _status, answer in answers} == {123_456_789}
    assert reused[0] == 422, reused
    assert payments_with_key(env, idempotency_key) == 1
    assert "Traceback" not in log.read_text()

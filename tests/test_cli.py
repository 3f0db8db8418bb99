"""The `kam` command as a person runs it: real processes, a scratch data folder, SQLite."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# Real processes on databases of their own: ./dev test runs them once, not in each pass.
pytestmark = pytest.mark.processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kam_env(data_dir: Path, **extra: str) -> dict:
    """The environment of a fresh install: no DATABASE_URL (so never a shared PostgreSQL)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "KAM_"))
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "KAM_DATA_DIR": str(data_dir), **extra}


def kam(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kam", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_for(url: str, seconds: float = 120) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def call_api(base: str, key: str, method: str, path: str, body: dict) -> tuple[int, dict]:
    """A JSON request with a bearer key to a running kam; (0, {}) when nothing answers."""
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except OSError:
        return 0, {}


def empty_redis_for_tests() -> str:
    """The URL of the Redis database the tests may empty (REDIS_URL_FOR_TESTS), emptied: no
    jobs left from another run. Skipped where no Redis answers, except in CI, which starts one."""
    url = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


def read_mail(mail_dir: Path) -> list[str]:
    return [path.read_text() for path in mail_dir.iterdir()] if mail_dir.exists() else []


def wait_for_mail(mail_dir: Path, *, containing: str, seconds: float = 60) -> list[str]:
    """The mail written so far, once one message is complete (the file backend writes a file
    in several steps, so its mere existence proves nothing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        messages = read_mail(mail_dir)
        if any(containing in message for message in messages):
            return messages
        time.sleep(0.3)
    return read_mail(mail_dir)


def wait_for_text(path: Path, text: str, seconds: float = 120) -> str:
    """The file's content once it holds text (a process's output, written as it goes)."""
    deadline = time.monotonic() + seconds
    while text not in (content := path.read_text() if path.exists() else ""):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not in the output after {seconds} s:\n{content}")
        time.sleep(0.3)
    return content


def test_kam_up_serves_the_shell_with_demo_logins_and_stops_cleanly(tmp_path):
    port = free_port()
    log = tmp_path / "up.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kam", "up", "--port", str(port)],
            env=kam_env(tmp_path, PYTHONUNBUFFERED="1"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        # The address and logins are printed once kam itself has seen the server answer; a stop
        # before that (a person's Ctrl+C during start-up) rightly prints neither.
        announced = wait_for_text(log, "director2")
        assert f"kam is running at http://127.0.0.1:{port}" in announced
        assert "lan" in announced and "'demo'" in announced
        assert b'"status": "ok"' in wait_for(f"http://127.0.0.1:{port}/healthz")
        login_page = wait_for(f"http://127.0.0.1:{port}/login/").decode()
        css = next(part.split('"')[0] for part in login_page.split('href="') if "pico" in part)
        assert b"--pico" in wait_for(f"http://127.0.0.1:{port}{css}")
        assert (tmp_path / "kam.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert process.returncode == 0


def test_production_refuses_to_start_without_a_real_secret(tmp_path):
    result = kam("check", env=kam_env(tmp_path, KAM_ENV="production"))
    assert result.returncode != 0
    assert "KAM_SECRET_KEY" in result.stderr


def test_production_refuses_to_serve_with_demo_passwords(tmp_path):
    env = kam_env(tmp_path)
    assert kam("migrate", "-v0", env=env).returncode == 0
    assert kam("seed", env=env).returncode == 0
    production = {
        **env,
        "KAM_ENV": "production",
        "KAM_SECRET_KEY": "k" + "x9Y_" * 20,
        "KAM_ALLOWED_HOSTS": "kam.example.com",
    }
    result = kam("serve", "--bind", f"127.0.0.1:{free_port()}", env=production)
    assert result.returncode != 0
    assert "kam.E001" in result.stderr


# Every test that empties the tests' Redis database runs in one process (pytest-xdist group).
@pytest.mark.xdist_group("redis")
@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_the_worker_runs_queued_jobs(tmp_path, queue):
    extra = {"REDIS_URL": empty_redis_for_tests()} if queue == "redis" else {}
    env = kam_env(tmp_path, **extra)
    assert kam("migrate", "-v0", env=env).returncode == 0
    assert kam("seed", env=env).returncode == 0
    assert kam("token", "create", "lan", env=env).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "kam", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        enqueue = "from kam.core.jobs import send_daily_digests_job; send_daily_digests_job()"
        assert kam("shell", "-c", enqueue, env=env).returncode == 0
        wait_for_mail(tmp_path / "mail", containing="lan@example.com")
        time.sleep(1)  # time for a second, unwanted message to show up
        messages = read_mail(tmp_path / "mail")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    # The demo gives others something to read too (hand-overs, next steps); lan gets one.
    to_lan = [message for message in messages if "To: lan@example.com" in message]
    assert len(to_lan) == 1 and "command line" in to_lan[0]


def test_the_embedded_database_is_durable_and_queues_concurrent_writers(tmp_path):
    env = kam_env(tmp_path)
    assert kam("migrate", "-v0", env=env).returncode == 0
    assert kam("seed", env=env).returncode == 0
    pragmas = (
        "from django.db import connection; cursor = connection.cursor(); "
        "print(cursor.execute('PRAGMA journal_mode').fetchone()[0], "
        "cursor.execute('PRAGMA synchronous').fetchone()[0])"
    )
    assert kam("shell", "-v0", "-c", pragmas, env=env).stdout.split() == ["wal", "2"]  # 2 = FULL
    # Six processes each add twenty people at once. Each service reads (uniqueness checks) and
    # then writes; IMMEDIATE transactions make them wait their turn instead of failing with
    # "database is locked" when a reader's lock cannot be upgraded.
    write = (
        "import os; from kam.people import services; from kam.people.models import User; "
        "admin = User.objects.get(username='admin'); "
        "[services.create_user(by=admin, username=f'w{os.getpid()}x{i}', full_name='Thử') "
        "for i in range(20)]"
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "kam", "shell", "-c", write],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * 6, errors
    count = (
        "from kam.people.models import User; print(User.objects.filter(full_name='Thử').count())"
    )
    assert kam("shell", "-v0", "-c", count, env=env).stdout.strip() == "120"


def test_kam_up_says_so_when_the_port_is_taken_instead_of_announcing_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kam", "up", "--port", str(port)],
            env=kam_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert "is the port in use?" in result.stderr
    assert "kam is running" not in result.stdout


def test_ctrl_c_while_kam_up_is_starting_leaves_no_process_behind(tmp_path):
    env = kam_env(tmp_path)
    assert kam("migrate", "-v0", env=env).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "kam", "up", "--port", str(free_port())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Stop it as soon as its children exist: before it has announced anything.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not children_of(process.pid):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert children_of(process.pid) == []


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue
        ppid = next((line.split()[1] for line in lines if line.startswith("PPid:")), None)
        if ppid == str(pid):
            found.append(int(status.parent.name))
    return found


def test_uploads_go_to_s3_compatible_storage_when_a_bucket_is_named(tmp_path):
    env = kam_env(tmp_path, KAM_S3_BUCKET="kam-files", KAM_S3_ENDPOINT_URL="http://127.0.0.1:9")
    script = (
        "from django.conf import settings; s = settings.STORAGES['default']; "
        "print(s['BACKEND'], s['OPTIONS']['bucket_name'], s['OPTIONS']['default_acl'])"
    )
    result = kam("shell", "-v0", "-c", script, env=env)
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "kam-files", "private"]

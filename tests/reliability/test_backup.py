"""`kam backup` while another process writes, then `kam restore` into a fresh installation: the
restored database equals the snapshot table by table (row count and content hash), and the
snapshot is consistent (every token has its audit event: no half-committed write)."""

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.test_cli import kam, kam_env

# Real processes on databases of their own: ./dev test runs them once, not in each pass.
pytestmark = pytest.mark.processes

WRITER = (
    "import time; from kam.people import services; from kam.people.models import User; "
    "lan = User.objects.get(username='lan'); end = time.monotonic() + 6; i = 0\n"
    "while time.monotonic() < end:\n"
    "    services.create_api_token(by=lan, name=f'load {i}'); i += 1"
)


def fingerprints(tables: list[str], select_all) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its sorted rows; `select_all(sql)` runs a query."""
    result = {}
    for table in tables:
        rows = sorted(repr(row) for row in select_all(f'SELECT * FROM "{table}"'))  # noqa: S608
        result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def table_fingerprints(database: Path) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return fingerprints(tables, db.execute)


def test_a_backup_under_write_load_restores_exactly(tmp_path):
    live = kam_env(tmp_path / "live")
    assert kam("migrate", "-v0", env=live).returncode == 0
    assert kam("seed", env=live).returncode == 0
    upload = tmp_path / "live" / "media" / "briefs" / "Tết 2027.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes("%PDF-1.7 brief Sữa Việt".encode())
    writer = subprocess.Popen([sys.executable, "-m", "kam", "shell", "-c", WRITER], env=live)
    time.sleep(2)  # the writer is busy
    backup = tmp_path / "kam-backup.tar.gz"
    made = kam("backup", str(backup), env=live)
    writer.wait(timeout=60)
    assert made.returncode == 0, made.stderr
    assert writer.returncode == 0

    fresh = kam_env(tmp_path / "fresh")
    restored = kam("restore", str(backup), env=fresh)
    assert restored.returncode == 0, restored.stderr

    with tarfile.open(backup) as archive:
        archive.extract("database.sqlite3", tmp_path / "snapshot", filter="data")
    snapshot = table_fingerprints(tmp_path / "snapshot" / "database.sqlite3")
    assert table_fingerprints(tmp_path / "fresh" / "kam.sqlite3") == snapshot
    tokens, _hash = snapshot["people_apitoken"]
    assert tokens > 0, "the backup was taken while tokens were being written"
    consistent = (
        "from kam.core.models import AuditEvent; from kam.people.models import ApiToken; "
        "print(ApiToken.objects.count(), AuditEvent.objects.filter(verb='token.created').count())"
    )
    counts = kam("shell", "-v0", "-c", consistent, env=fresh).stdout.split()
    assert counts[0] == counts[1] == str(tokens)
    restored_upload = tmp_path / "fresh" / "media" / "briefs" / "Tết 2027.pdf"
    assert restored_upload.read_bytes() == upload.read_bytes()


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path):
    live = kam_env(tmp_path / "live")
    assert kam("migrate", "-v0", env=live).returncode == 0
    assert kam("seed", env=live).returncode == 0
    backup = tmp_path / "kam-backup.tar.gz"
    assert kam("backup", str(backup), env=live).returncode == 0
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(backup) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name == "database.sqlite3":
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            copy.addfile(member, fileobj=io.BytesIO(data))
    fresh = kam_env(tmp_path / "fresh")
    refused = kam("restore", str(damaged), env=fresh)
    assert refused.returncode != 0 and "checksum" in refused.stderr
    assert not (tmp_path / "fresh" / "kam.sqlite3").exists()


def test_restoring_over_data_needs_replace(tmp_path):
    live = kam_env(tmp_path / "live")
    assert kam("migrate", "-v0", env=live).returncode == 0
    assert kam("seed", env=live).returncode == 0
    backup = tmp_path / "kam-backup.tar.gz"
    assert kam("backup", str(backup), env=live).returncode == 0
    refused = kam("restore", str(backup), env=live)
    assert refused.returncode != 0 and "--replace" in refused.stderr
    assert kam("restore", str(backup), "--replace", env=live).returncode == 0


def postgres_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    import psycopg

    with psycopg.connect(url) as db:
        public = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return fingerprints([row[0] for row in db.execute(public)], db.execute)


@contextmanager
def empty_postgres_databases(*names: str):
    """Empty databases of these names on the local PostgreSQL (their URLs), dropped afterwards;
    the test is skipped where no PostgreSQL answers, except in CI, which starts one."""
    import psycopg

    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        server = psycopg.connect(admin_url, autocommit=True)
    except psycopg.OperationalError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 (CI starts one)")
    for name in names:
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {name}")
    server.close()
    try:
        yield [f"postgresql://postgres@127.0.0.1:5432/{name}" for name in names]
    finally:
        # A fresh connection: the server may have restarted meanwhile (test_postgres_restart).
        with psycopg.connect(admin_url, autocommit=True) as server:
            for name in names:
                server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def scratch_postgres():
    """Two empty databases on the local PostgreSQL, dropped afterwards."""
    with empty_postgres_databases("kam_backup_live", "kam_backup_fresh") as urls:
        yield urls


def test_a_postgresql_backup_under_write_load_restores_exactly(tmp_path, scratch_postgres):
    live_url, fresh_url = scratch_postgres
    live = {**kam_env(tmp_path / "live"), "DATABASE_URL": live_url}
    assert kam("migrate", "-v0", env=live).returncode == 0
    assert kam("seed", env=live).returncode == 0
    writer = subprocess.Popen([sys.executable, "-m", "kam", "shell", "-c", WRITER], env=live)
    time.sleep(2)
    backup = tmp_path / "kam-backup.tar.gz"
    made = kam("backup", str(backup), env=live)
    writer.wait(timeout=60)
    assert made.returncode == 0, made.stderr
    snapshot = postgres_fingerprints(live_url)  # moved on since: compare the restore instead

    fresh = {**kam_env(tmp_path / "fresh"), "DATABASE_URL": fresh_url}
    restored = kam("restore", str(backup), env=fresh)
    assert restored.returncode == 0, restored.stderr
    restored_tables = postgres_fingerprints(fresh_url)
    assert set(restored_tables) == set(snapshot)
    tokens = restored_tables["people_apitoken"][0]
    assert 0 < tokens <= snapshot["people_apitoken"][0]
    consistent = (
        "from kam.core.models import AuditEvent; from kam.people.models import ApiToken; "
        "print(ApiToken.objects.count(), AuditEvent.objects.filter(verb='token.created').count())"
    )
    counts = kam("shell", "-v0", "-c", consistent, env=fresh).stdout.split()
    assert counts[0] == counts[1] == str(tokens)
    # Restoring the same backup again gives the same database, table by table.
    assert kam("restore", str(backup), "--replace", env=fresh).returncode == 0
    assert postgres_fingerprints(fresh_url) == restored_tables

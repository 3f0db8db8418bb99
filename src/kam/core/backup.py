"""`kam backup` and `kam restore`: a consistent snapshot of the database (SQLite's online backup,
or pg_dump, both a single read transaction while the app keeps running) and the uploaded files,
in one .tar.gz with a manifest of SHA-256 checksums that a restore verifies before it touches
anything."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def create_backup(target: Path) -> dict:
    """Write a backup of the database and the uploaded files to `target`; return its manifest."""
    engine = _engine()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = folder / DATABASE_FILES[engine]
        if engine == "sqlite":
            _snapshot_sqlite(database)
        else:
            _dump_postgresql(database)
        members = {database.name: database, **_media_files()}
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "files": {name: _sha256(path) for name, path in members.items()},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / MANIFEST, arcname=MANIFEST)
            for name, path in members.items():
                archive.add(path, arcname=name)
        partial.replace(target)  # a reader never sees half a backup
    return manifest


def restore_backup(source: Path, *, replace: bool = False) -> dict:
    """Restore a backup made by `create_backup` into this installation's database and media
    folder, after checking every file against the manifest."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        manifest = _unpack_verified(source, folder)
        if manifest["engine"] != _engine():
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; this kam runs on {_engine()}."
            )
        if not replace and _has_people():
            raise BackupError("This installation has data: restore with --replace to overwrite it.")
        database = folder / DATABASE_FILES[manifest["engine"]]
        if manifest["engine"] == "sqlite":
            _replace_sqlite(database)
        else:
            _restore_postgresql(database)
        _restore_media(folder)
    return manifest


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"kam backs up SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files() -> dict[str, Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {f"media/{path.relative_to(root)}": path for path in root.rglob("*") if path.is_file()}


def _snapshot_sqlite(destination: Path) -> None:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=20)
    copy = sqlite3.connect(destination)
    try:
        source.backup(copy)  # all pages in one step: one consistent read transaction
    finally:
        copy.close()
        source.close()


def _postgresql_environment() -> dict[str, str]:
    database = settings.DATABASES["default"]
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    result = subprocess.run(command, env=_postgresql_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_postgresql(destination: Path) -> None:
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(destination)]
    )


def _restore_postgresql(dump: Path) -> None:
    connections.close_all()
    database = settings.DATABASES["default"]["NAME"]
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run(["pg_restore", *options, "--dbname", database, str(dump)])


def _unpack_verified(source: Path, folder: Path) -> dict:
    try:
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(folder, filter="data")  # no paths outside the folder, no devices
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{source} is not a readable kam backup: {error}") from error
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} has no readable manifest.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != checksum:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    return manifest


def _has_people() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM people_user")
            return cursor.fetchone()[0] > 0
    except DatabaseError:
        return False  # not migrated: nothing to lose


def _replace_sqlite(snapshot: Path) -> None:
    """Write the snapshot into the live database file through SQLite's backup API, so a
    half-copied file is never seen and the WAL stays consistent."""
    connections.close_all()
    source = sqlite3.connect(snapshot)
    target = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=20)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_media(folder: Path) -> None:
    unpacked = folder / "media"
    if unpacked.is_dir():
        shutil.copytree(unpacked, settings.MEDIA_ROOT, dirs_exist_ok=True)

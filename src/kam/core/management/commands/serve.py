import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def gunicorn_command(*, bind: str, workers: int) -> list[str]:
    """The production web server: gunicorn, several processes, access log on stdout."""
    return [
        sys.executable, "-m", "gunicorn", "kam.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--access-logfile", "-",
        "--forwarded-allow-ips", os.environ.get("KAM_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--timeout", "60",
    ]  # fmt: skip


def default_workers() -> int:
    return int(os.environ.get("KAM_WEB_WORKERS") or (os.cpu_count() or 1) * 2 + 1)


def refuse_unsafe_start() -> None:
    """Production refuses to start on a default secret (settings) or demo passwords (a
    database check of the people app)."""
    call_command("check", databases=["default"], deploy=settings.PRODUCTION, fail_level="ERROR")


class Command(BaseCommand):
    help = "Run the production web server (gunicorn, multi-process)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KAM_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=default_workers())

    def handle(self, *args, **options) -> None:
        refuse_unsafe_start()
        command = gunicorn_command(bind=options["bind"], workers=options["workers"])
        os.execv(sys.executable, command)

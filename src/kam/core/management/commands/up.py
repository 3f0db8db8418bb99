import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kam.core.management.commands.serve import gunicorn_command, refuse_unsafe_start
from kam.core.seed import DEMO_LOGINS


class Command(BaseCommand):
    help = (
        "Migrate, load the demo data on an empty database, then run the web server and the "
        "background worker together."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2, help="web server processes")

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        seeded = self._seed_if_empty()
        call_command("collectstatic", interactive=False, verbosity=0)
        refuse_unsafe_start()
        address = f"http://{options['host']}:{options['port']}"
        # Listen for Ctrl+C before the children exist, so a stop during start-up still stops
        # them instead of leaving them orphaned.
        self._stopping: list[int] = []
        signal.signal(signal.SIGINT, self._request_stop)
        signal.signal(signal.SIGTERM, self._request_stop)
        processes = self._start(options)
        if not self._serving(address, web=processes[0]):
            if self._stopping:
                self._stop(processes)
                sys.exit(0)
            self.stderr.write(f"The web server did not start at {address}: is the port in use?")
            sys.exit(self._stop(processes) or 1)
        self._announce(address, seeded or not settings.PRODUCTION)
        sys.exit(self._supervise(processes))

    def _request_stop(self, signum, _frame) -> None:
        self._stopping.append(signum)

    def _serving(self, address: str, *, web: subprocess.Popen, seconds: float = 60) -> bool:
        """Wait until the server answers /healthz, so the address printed is one that works."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and web.poll() is None and not self._stopping:
            try:
                with urllib.request.urlopen(f"{address}/healthz", timeout=2):  # noqa: S310 - our own server
                    return True
            except OSError:
                time.sleep(0.3)
        return False

    def _seed_if_empty(self) -> bool:
        if settings.PRODUCTION or get_user_model().objects.exists():
            return False
        self.stdout.write("Empty database: loading the demo data set…")
        call_command("seed", scale="demo", verbosity=0)
        return True

    def _start(self, options) -> list[subprocess.Popen]:
        bind = f"{options['host']}:{options['port']}"
        web = subprocess.Popen(gunicorn_command(bind=bind, workers=options["workers"]))
        worker = subprocess.Popen([sys.executable, "-m", "kam", "worker"])
        return [web, worker]

    def _announce(self, address: str, show_logins: bool) -> None:
        self.stdout.write(self.style.SUCCESS(f"kam is running at {address}  (Ctrl+C stops it)"))
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        if show_logins:
            self.stdout.write(f"Demo logins (password '{settings.DEMO_PASSWORD}'):")
            for username, description in DEMO_LOGINS:
                self.stdout.write(f"  {username:<10} {description}")

    def _supervise(self, processes: list[subprocess.Popen]) -> int:
        """Run until a signal or until either process ends, then stop both."""
        while not self._stopping and all(process.poll() is None for process in processes):
            time.sleep(0.5)
        returncode = self._stop(processes)
        return 0 if self._stopping else returncode

    def _stop(self, processes: list[subprocess.Popen]) -> int:
        """Stop both processes (politely, then not); the worst exit code of the two."""
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return max(process.returncode or 0 for process in processes)

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from kam.core.seed import SCALES, make_context, seed_all


class Command(BaseCommand):
    help = "Fill an empty database with deterministic, realistic Vietnamese agency data."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="demo",
            help="demo: the demo logins and ~40 clients; medium: 5,000 clients and 200,000 "
            "interactions; large: 1,000,000 interactions and every domain's volume",
        )
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same data")

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is refused under KAM_ENV=production.")
        if get_user_model().objects.exists():
            raise CommandError("The database is not empty; seed only an empty database.")
        started = time.monotonic()
        self._shown: dict[str, int] = {}
        ctx = make_context(scale=options["scale"], seed=options["seed"], progress=self.progress)
        with transaction.atomic():
            seed_all(ctx)
        if connection.vendor == "postgresql":
            # Bulk inserts leave the planner without statistics and the tables without their
            # visibility map until autovacuum comes by: a page opened (or a benchmark started)
            # right after seeding was planned for empty tables (a budget's page took seconds
            # instead of a millisecond) and could not read an index alone. VACUUM cannot run
            # inside a transaction (a test's): there, the statistics only.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        for line in ctx.log:
            self.stdout.write(line)
        if ctx.volumes:
            self.stdout.write(f"seeded in {time.monotonic() - started:.0f} s")

    def progress(self, label: str, done: int, total: int) -> None:
        """A line per tenth of each step, so a long seed shows it is moving (also in CI logs)."""
        tenth = 10 * done // total if total else 10
        if tenth > self._shown.get(label, -1):
            self._shown[label] = tenth
            bar = "#" * tenth + "." * (10 - tenth)
            self.stdout.write(f"  {label:<16} [{bar}] {done:>9,}/{total:,}")

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kam.core.seed import make_context, seed_all


class Command(BaseCommand):
    help = "Fill an empty database with deterministic, realistic Vietnamese agency data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=["demo"], default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same data")

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is refused under KAM_ENV=production.")
        if get_user_model().objects.exists():
            raise CommandError("The database is not empty; seed only an empty database.")
        ctx = make_context(scale=options["scale"], seed=options["seed"])
        with transaction.atomic():
            seed_all(ctx)
        for line in ctx.log:
            self.stdout.write(line)

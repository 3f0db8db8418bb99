from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker alone (Huey consumer: jobs and periodic jobs)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-w", "--workers", type=int, help="worker threads")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="run queued jobs only: with several workers on one queue, exactly one "
            "schedules the periodic jobs",
        )

    def handle(self, *args, **options) -> None:
        extra = {"workers": options["workers"]} if options["workers"] else {}
        if options["no_periodic"]:
            extra["periodic"] = False
        call_command("run_huey", **extra)

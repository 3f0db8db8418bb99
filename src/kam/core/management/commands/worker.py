from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker alone (Huey consumer: jobs and periodic jobs)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-w", "--workers", type=int, help="worker threads")

    def handle(self, *args, **options) -> None:
        extra = {"workers": options["workers"]} if options["workers"] else {}
        call_command("run_huey", **extra)

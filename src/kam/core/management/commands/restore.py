from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kam.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `kam backup` (stop kam's web server and worker first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="overwrite an installation that has data"
        )

    def handle(self, *args, **options) -> None:
        try:
            manifest = restore_backup(options["file"], replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} ({manifest['engine']})."
        )

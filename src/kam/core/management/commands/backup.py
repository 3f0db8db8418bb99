from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kam.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files to FILE (.tar.gz) while kam keeps running."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options) -> None:
        try:
            manifest = create_backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {len(manifest['files'])} files ({manifest['engine']}) to {options['file']}"
        )

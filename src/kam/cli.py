"""The `kam` command: every manage.py command, plus up, serve, worker, seed and token."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kam", *sys.argv[1:]])

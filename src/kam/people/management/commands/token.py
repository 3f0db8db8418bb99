from django.core.management.base import BaseCommand, CommandError

from kam.people import services
from kam.people.models import User


class Command(BaseCommand):
    help = "Manage personal API tokens: `kam token create USERNAME [--name NAME]`."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="print a new personal API token for a user")
        create.add_argument("username")
        create.add_argument("--name", default="command line")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username__iexact=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['username']!r}.")
        _token, key = services.create_api_token(by=user, name=options["name"])
        self.stdout.write(key)

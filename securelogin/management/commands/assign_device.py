"""Assign an imported security token to a client: `manage.py assign_device USER SERIAL`.

Parses the arguments and calls device_assignment.assign_token (audited); the
client then activates the token by answering one challenge with it.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from securelogin import device_assignment


class Command(BaseCommand):
    help = (
        "Assign the unassigned security token SERIAL to the client USER; it waits for the "
        "client's activation."
    )

    def add_arguments(self, parser):
        parser.add_argument("user", help="the client's user name")
        parser.add_argument("serial", help="the token's serial number")

    def handle(self, *args, user, serial, **options):
        client = get_user_model().objects.filter(username=user).first()
        if client is None:
            raise CommandError(f"No user is called {user!r}.")
        try:
            device_assignment.assign_token(client, serial, actor="assign_device")
        except device_assignment.AssignmentRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Token {serial} assigned to {client.get_username()}; it becomes the client's "
                "device once they "
                "answer one challenge with it (Security device › Activate your security token)."
            )
        )

"""Assign an imported security token to a client: `manage.py assign_device USER SERIAL`.

Parses the arguments and calls device_assignment.assign_token_to (audited); the
client then activates the token by answering one challenge with it.
"""

from argparse import ArgumentParser
from typing import Any

from portal.commands import AppCommand
from securelogin import device_assignment


class Command(AppCommand):
    help = (
        "Assign the unassigned security token SERIAL to the client USER; it waits for the "
        "client's activation."
    )
    refusals = (device_assignment.AssignmentRefused,)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("user", help="the client's user name")
        parser.add_argument("serial", help="the token's serial number")

    def run(self, *, user: str, serial: str, **options: Any) -> None:
        device = device_assignment.assign_token_to(user, serial, actor="assign_device")
        self.stdout.write(
            self.style.SUCCESS(
                f"Token {serial} assigned to {device.user.get_username()}; it becomes the "
                "client's device once they answer one challenge with it (Security device › "
                "Activate your security token)."
            )
        )

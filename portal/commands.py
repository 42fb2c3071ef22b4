"""The skeleton of every app's thin management command: parse the arguments, call one function
of the app, print its report. The app's refusals (its exceptions that mean "not done, and this is
why") end the command with their message, without a traceback, and with their `returncode` as
the exit status when they carry one (else 1)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class AppCommand(BaseCommand):
    """Subclasses name their app's refusals and implement `run` (the options as keywords)."""

    refusals: tuple[type[Exception], ...] = ()

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.run(**options)
        except self.refusals as refused:
            returncode = getattr(refused, "returncode", 1)
            raise CommandError(str(refused), returncode=returncode) from None

    def run(self, *args: Any, **options: Any) -> None:  # any keywords: each command's own
        raise NotImplementedError

from django.core.management.base import CommandParser

from articles.content_loader import CONTENT_DIR, ContentError, load_help_content
from portal.commands import AppCommand


class Command(AppCommand):
    help = "Load the help articles from articles/content/*.toml (idempotent; keeps staff edits)."
    refusals = (ContentError,)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(CONTENT_DIR), help="Folder with the TOML files.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite articles staff edited in the admin."
        )

    def run(self, **options: object) -> None:
        report = load_help_content(str(options["dir"]), force=bool(options["force"]))
        for text, warning in report.messages():
            self.stdout.write(self.style.WARNING(text) if warning else text)

from django.core.management.base import BaseCommand, CommandError

from articles.content_loader import CONTENT_DIR, ContentError, load_help_content


class Command(BaseCommand):
    help = "Load the help articles from articles/content/*.toml (idempotent; keeps staff edits)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(CONTENT_DIR), help="Folder with the TOML files.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite articles staff edited in the admin."
        )

    def handle(self, *args, **options):
        try:
            report = load_help_content(options["dir"], force=options["force"])
        except ContentError as error:
            raise CommandError(str(error)) from None
        write = self.stdout.write
        write(
            f"Help content: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
        for kb in report.kept_staff_edits:
            write(
                self.style.WARNING(
                    f"{kb} was edited in the admin since it was loaded: kept the staff version "
                    "(use --force to replace it with the file)."
                )
            )

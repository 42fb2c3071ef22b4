"""Regenerate the KB2260 figures (1–13, 1A–9A, 1B–8B) from the real emulated screens.

Starts this site on a free loopback port in-process, creates three throw-away
practice clients (one per device kind), drives the portal and the emulators
with Playwright and Debian's Chromium in English and German, stores each
screenshot as the figure's image_en / image_de (renditions are rebuilt by the
Figure model) and deletes the practice clients again.
Run after `load_help_content` (which creates the figures); e.g.
    .venv/bin/python manage.py regenerate_kb2260_figures
"""
import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.test.testcases import LiveServerThread

from articles.models import Article
from securelogin import figures
from securelogin.account_kinds import mark_practice
from securelogin.services import assign_device

KB = "KB2260"
PINS = {"ios": "", "android": "4826", "dsc": "5173"}


def _identity(app):
    return app  # whitenoise (in the middleware) serves static files


class Command(BaseCommand):
    help = "Regenerate the KB2260 article's figures from the emulated screens (Playwright + Chromium)."

    def add_arguments(self, parser):
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
        parser.add_argument("--languages", default="en,de")
        parser.add_argument("--kinds", default="ios,android,dsc", help="Device kinds (sections) to capture.")
        parser.add_argument("--output-dir", help="Also write the PNG files here.")
        parser.add_argument("--dry-run", action="store_true", help="Capture only; leave the figures unchanged.")
        parser.add_argument("--only-if-drawn", action="store_true",
                            help="Do nothing when every figure is already a screenshot (for `make run`).")

    def handle(self, *args, **options):
        article = Article.objects.filter(kb_number=KB).first()
        if article is None:
            raise CommandError(f"Article {KB} not found: run load_help_content first.")
        if options["only_if_drawn"] and not any(
            (getattr(figure, f"image_{code}").name or "").startswith("figures/drawn-")
            for figure in article.figures.all() for code in ("en", "de")
        ):
            self.stdout.write(f"{KB} figures are already screenshots of the emulated screens.")
            return
        if not Path(options["chromium"]).exists():
            raise CommandError(f"Chromium not found at {options['chromium']}.")
        languages = [code.strip() for code in options["languages"].split(",") if code.strip()]

        accounts, users = [], []
        with transaction.atomic():
            kinds = [kind.strip() for kind in options["kinds"].split(",") if kind.strip() in PINS]
            if not kinds:
                raise CommandError("--kinds takes ios, android and/or dsc.")
            for kind in kinds:
                password = secrets.token_urlsafe(16)
                user = get_user_model().objects.create_user(f"figures-{kind}-{secrets.token_hex(3)}",
                                                            password=password)
                mark_practice(user, actor="regenerate_kb2260_figures")  # emulators are practice-only
                assign_device(user, kind, PINS[kind], actor="regenerate_kb2260_figures")
                users.append(user)
                accounts.append({"kind": kind, "username": user.username, "password": password, "pin": PINS[kind]})

        # An in-memory SQLite database (the tests) is shared with the server thread, as LiveServerTestCase does.
        overrides = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        for conn in overrides.values():
            conn.inc_thread_sharing()
        server = LiveServerThread("127.0.0.1", _identity, connections_override=overrides or None, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        try:
            if server.error:
                raise CommandError(f"Could not start the server: {server.error}")
            # Playwright's sync API runs an event loop in this thread; the ORM is
            # not used while it runs, only before and after.
            os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
            images, values = figures.capture(f"http://127.0.0.1:{server.port}", accounts, languages, options["chromium"])
        finally:
            server.terminate()
            for conn in overrides.values():
                conn.dec_thread_sharing()
            for user in users:
                user.delete()

        if options["output_dir"]:
            out = Path(options["output_dir"])
            out.mkdir(parents=True, exist_ok=True)
            for (number, lang), png in images.items():
                (out / f"kb2260-figure-{number}-{lang}.png").write_bytes(png)

        stored, missing = 0, []
        if not options["dry_run"]:
            by_number = {figure.number: figure for figure in article.figures.all()}
            for number in sorted({number for number, _lang in images}, key=lambda n: (len(n), n)):
                figure = by_number.get(number)
                if figure is None:
                    missing.append(number)
                    continue
                for lang in languages:
                    png = images.get((number, lang))
                    if png:
                        getattr(figure, f"image_{lang}").save(f"kb2260-{number}-{lang}.png", ContentFile(png),
                                                              save=False)
                        stored += 1
                figure.save()
            self._renumber_texts(by_number, values)
            # The screenshots are part of the loaded content, not a staff edit:
            # record it so load_help_content keeps treating the article as untouched.
            article = Article.objects.prefetch_related("sections__steps", "figures").get(pk=article.pk)
            Article.objects.filter(pk=article.pk).update(loaded_content_hash=article.content_hash())
            from articles import signals

            signals.content_changed(sender=Article)
        self.stdout.write(self.style.SUCCESS(f"Captured {len(images)} screenshots; stored {stored}."))
        for (kind, lang), (challenge, response) in sorted(values.items()):
            self.stdout.write(f"  {kind} [{lang}]: challenge {challenge}, response {response}")
        if missing:
            self.stdout.write(self.style.WARNING(f"No figure in {KB} for: {', '.join(missing)}"))

    def _renumber_texts(self, by_number, values):
        """Alt texts and captions name the example numbers: make them match the new images."""
        for (kind, lang), (challenge, response) in values.items():
            numbers = figures.FIGURE_NUMBERS[kind]
            first, last = by_number.get(numbers[1]), by_number.get(numbers[-1])
            if not first or not last:
                continue
            old_challenge = next(iter(figures._SIX_DIGITS.findall(getattr(first, f"alt_text_{lang}") or "")), None)
            old_response = next(iter(figures._SIX_DIGITS.findall(getattr(last, f"alt_text_{lang}") or "")), None)
            if not old_challenge or not old_response:
                continue
            for number in numbers:
                figure = by_number.get(number)
                if figure is None:
                    continue
                fields = [f"alt_text_{lang}", f"caption_{lang}"]
                new = figures.renumber([getattr(figure, f) for f in fields], old_challenge, old_response,
                                       challenge, response)
                type(figure).objects.filter(pk=figure.pk).update(**dict(zip(fields, new, strict=True)))

"""Capture every article figure that shows a screen, from the real practice portal.

`capture_article_figures()` is the one function behind the management command
`capture_article_figures` and the admin action "Re-capture figures": it reads
which scene each figure shows (`capture = "…"` in articles/content/*.toml),
starts this site on a free loopback port in-process, creates throw-away
practice clients, runs the journeys that reach those screens in every
language with Playwright and Debian's Chromium (screenshot_scenes.py), stores each
screenshot as the figure's image_en / image_de (the Figure model rebuilds its
renditions) and deletes the practice clients again. Figures without a scene
(e.g. a phone photographing a page: no screen of ours) keep their drawing.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import timezone

from portal.languages import language_codes, localized_field

from . import screenshot_scenes, screenshots
from .account_kinds import mark_practice
from .screenshot_scenes import Account, Hooks
from .services import assign_device
from .temporary_access import issue_temporary_code

if TYPE_CHECKING:
    from typing import Any

    from playwright.sync_api import Browser

CONTENT_DIR = Path(settings.BASE_DIR) / "articles" / "content"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PINS = {"ios": "", "android": "4826", "dsc": "5173"}
ACTOR = "capture_article_figures"
HOLDER = {  # the name on the printed card in the figures
    "en": {"first_name": "Jane", "last_name": "Smith"},
    "de": {"first_name": "Erika", "last_name": "Muster"},
}


class CaptureError(Exception):
    """Nothing was captured; the message says why (shown to staff or on the command line)."""


@dataclass
class CaptureReport:
    stored: dict[str, int] = field(default_factory=dict)  # KB number -> images stored
    skipped: list[str] = field(default_factory=list)  # already screenshots (only_if_drawn)
    values: dict[tuple[str, str], dict[str, str]] = field(
        default_factory=dict
    )  # (journey, lang) -> values


def capture_plan(content_dir: Path = CONTENT_DIR) -> dict[str, dict[str, str]]:
    """{KB number: {figure number: scene}} from the content files."""
    plan = {}
    for path in sorted(content_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        scenes = {
            str(f["number"]): f["capture"] for f in data.get("figures", []) if f.get("capture")
        }
        if data.get("kb") and scenes:
            unknown = [scene for scene in scenes.values() if not _known(scene)]
            if unknown:
                raise CaptureError(f"{path.name}: no such scene: {', '.join(unknown)}.")
            plan[data["kb"]] = scenes
    return plan


def _known(scene: str) -> bool:
    try:
        screenshot_scenes.journey_of(scene)
    except KeyError:
        return False
    return True


def _is_drawn(figure: Any) -> bool:
    return any(
        (getattr(figure, localized_field("image", code)).name or "").startswith("figures/drawn-")
        for code in language_codes()
    )


def capture_article_figures(
    kb_numbers: list[str] | None = None,
    *,
    only_if_drawn: bool = False,
    languages: list[str] | None = None,
    chromium: str = CHROMIUM,
    output_dir: Path | None = None,
    content_dir: Path = CONTENT_DIR,
) -> CaptureReport:
    """Capture the figures of the given articles (all with scenes when None) and store them."""
    from articles.models import Article

    plan = capture_plan(content_dir)
    languages = languages or language_codes()
    unknown = sorted(set(kb_numbers or []) - set(plan))
    if unknown:
        raise CaptureError(f"No figures to capture in: {', '.join(unknown)}.")
    articles = {
        a.kb_number: a
        for a in Article.objects.filter(kb_number__in=kb_numbers or list(plan)).prefetch_related(
            "figures"
        )
    }
    missing = sorted(set(kb_numbers or []) - set(articles))
    if missing:
        raise CaptureError(
            f"Article not found: {', '.join(missing)} (run load_help_content first)."
        )
    report = CaptureReport()
    if only_if_drawn:
        for kb in sorted(articles):
            if not any(_is_drawn(f) for f in articles[kb].figures.all() if f.number in plan[kb]):
                report.skipped.append(kb)
                del articles[kb]
    if not articles:
        return report
    if not Path(chromium).exists():
        raise CaptureError(f"Chromium not found at {chromium} (make chromium).")
    journeys = sorted(
        {
            screenshot_scenes.journey_of(plan[kb][f.number])
            for kb, article in articles.items()
            for f in article.figures.all()
            if f.number in plan[kb]
        }
    )
    images, report.values = _run(journeys, languages, chromium)
    if output_dir:
        output_dir.mkdir(parents=True, exist_ok=True)
        for (scene, lang), png in images.items():
            (output_dir / f"{scene.replace(':', '-')}-{lang}.png").write_bytes(png)
    for kb, article in articles.items():
        report.stored[kb] = _store(article, plan[kb], images, languages, report.values)
    return report


def _run(journeys: Any, languages: list[str], chromium: str) -> Any:
    """Accounts, a live server and the browser for the journeys; always cleaned up."""
    accounts, users = _accounts(journeys, languages)
    # An in-memory SQLite database (the tests) is shared with the server thread, as
    # LiveServerTestCase does.
    overrides = {
        c.alias: c
        for c in connections.all()
        if c.vendor == "sqlite" and c.is_in_memory_db()  # type: ignore[attr-defined]  # SQLite's
    }
    for conn in overrides.values():
        conn.inc_thread_sharing()
    server = LiveServerThread(
        "127.0.0.1",
        _handler_for(_capture_address(), _site_host()),
        connections_override=overrides or None,
        port=0,
    )
    server.daemon = True
    async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    try:
        server.start()
        server.is_ready.wait()
        if server.error:
            raise CaptureError(f"Could not start the server: {server.error}")
        # Playwright's sync API runs an event loop in this thread; the ORM is used only by the
        # hooks.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        return _browse(f"http://127.0.0.1:{server.port}", journeys, languages, accounts, chromium)
    finally:
        if async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        server.terminate()
        for conn in overrides.values():
            conn.dec_thread_sharing()
        for user in users:
            user.delete()


def _capture_address() -> str:
    """A TEST-NET-1 address (RFC 5737) per capture: its sign-ins count against their own limits,
    never against the clients sharing the loopback address (and read as such in the audit)."""
    return f"192.0.2.{secrets.randbelow(254) + 1}"


def _site_host() -> str:
    """The host name the loopback requests carry: one the settings allow (production too)."""
    allowed = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    for host in ("127.0.0.1", "localhost"):
        if host in allowed or "*" in settings.ALLOWED_HOSTS or not allowed:
            return host
    return allowed[0]


def _handler_for(address: str, host: str) -> Any:
    """WSGI wrapper of the loopback server: its requests look like the site's own HTTPS requests
    (scheme, host, Origin and Referer), so no setting is changed for the rest of the process:
    under production settings the HTTPS redirect, secure cookies and CSRF checks stay on
    (Chromium keeps Secure cookies of http://127.0.0.1). The client address is the capture's own."""
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    origin = re.compile(r"^http://[^/]+")

    def handler(app: Any) -> Any:  # whitenoise (in the middleware) serves static files
        def as_the_site(environ: dict[str, Any], start_response: Any) -> Any:
            environ.update({"REMOTE_ADDR": address, "wsgi.url_scheme": "https", "HTTP_HOST": host})
            environ.pop("HTTP_X_FORWARDED_FOR", None)
            if proxy_header:
                environ[proxy_header[0]] = proxy_header[1]
            for key in ("HTTP_ORIGIN", "HTTP_REFERER"):
                if key in environ:
                    environ[key] = origin.sub(f"https://{host}", environ[key])
            return app(environ, start_response)

        return as_the_site

    return handler


def _accounts(journeys: Any, languages: list[str]) -> Any:
    """One practice client per journey and language, deleted again after the capture."""
    accounts, users = {}, []
    with transaction.atomic():
        for journey, lang in ((j, code) for j in journeys for code in languages):
            kind = journey.split(":")[1] if journey.startswith("device:") else "dsc"
            password = secrets.token_urlsafe(16)
            user = get_user_model().objects.create_user(
                f"figures-{kind}-{secrets.token_hex(4)}",
                password=password,
                **HOLDER.get(lang, HOLDER["en"]),
            )
            users.append(user)
            mark_practice(user, actor=ACTOR)  # the emulators serve practice accounts only
            assign_device(user, kind, PINS[kind], actor=ACTOR)
            account = Account(kind=kind, username=user.username, password=password, pin=PINS[kind])
            if journey == "lost-device":
                _device, account.temporary_code = issue_temporary_code(user, actor=ACTOR)
            accounts[journey, lang] = account
    return accounts, users


def _signed_in_cookie(account: Account) -> dict:
    """A session of the account, for journeys that start signed in (the sign-in has its own
    figures)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=account.username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": cookie.value,
        "domain": "127.0.0.1",
        "path": "/",
    }


def _expire_card(account: Account) -> None:
    from .models import SecurityDevice

    SecurityDevice.objects.filter(
        user__username=account.username, kind=SecurityDevice.Kind.CARD
    ).update(expires_at=timezone.now() - timedelta(minutes=1))


def _browse(base: str, journeys: Any, languages: list[str], accounts: Any, chromium: str) -> Any:
    from playwright.sync_api import sync_playwright

    images, values = {}, {}
    with sync_playwright() as playwright:
        for lang in languages:  # one browser per language: its own controls (file inputs) speak it
            browser = playwright.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", f"--lang={lang}"],
                env={**os.environ, "LANGUAGE": lang},
            )
            try:
                for journey in journeys:
                    shots = _journey(browser, base, journey, lang, accounts[journey, lang])
                    images.update({(scene, lang): png for scene, png in shots.images.items()})
                    values[(journey, lang)] = shots.values
            finally:
                browser.close()
    return images, values


def _journey(browser: Browser, base: str, journey: str, lang: str, account: Account) -> Any:
    """One journey in a fresh browser context; a failure names the journey and the page it was
    on."""
    context = browser.new_context(
        viewport=screenshot_scenes.VIEWPORT,
        device_scale_factor=screenshots.SCALE,
        locale=lang,
        bypass_csp=True,
    )
    try:
        if journey != "lost-device":
            context.add_cookies([_signed_in_cookie(account)])  # type: ignore[list-item]  # a cookie dict
        return screenshot_scenes.JOURNEYS[journey](
            context, base, lang, account, Hooks(expire_card=_expire_card)
        )
    except Exception as error:
        page = context.pages[-1] if context.pages else None
        if page and os.environ.get("CAPTURE_DEBUG_DIR"):  # a picture of where it stopped
            page.screenshot(
                path=str(Path(os.environ["CAPTURE_DEBUG_DIR"]) / f"{journey}-{lang}.png")
            )
        where = f" at {page.url}" if page else ""
        raise CaptureError(f"The {journey} journey ({lang}) stopped{where}: {error}") from error
    finally:
        context.close()


def _store(
    article: Any, scenes: dict[str, str], images: Any, languages: list[str], values: Any
) -> int:
    """Save the screenshots on the article's figures; keep the article 'as loaded'."""
    from articles import signals
    from articles.models import Article

    stored = 0
    figures_by_scene = {scenes[f.number]: f for f in article.figures.all() if f.number in scenes}
    with transaction.atomic(), signals.suspended():
        for scene, figure in figures_by_scene.items():
            for lang in languages:
                png = images.get((scene, lang))
                if png:
                    name = f"{article.kb_number.lower()}-{figure.number}-{lang}.png"
                    getattr(figure, localized_field("image", lang)).save(
                        name, ContentFile(png), save=False
                    )
                    stored += 1
        for (journey, lang), shown in values.items():
            _renumber(figures_by_scene, journey, lang, shown)
        for figure in figures_by_scene.values():
            figure.save()
        # The screenshots are part of the loaded content, not a staff edit:
        # record it so load_help_content keeps treating the article as untouched.
        fresh = Article.objects.prefetch_related("sections__steps", "figures").get(pk=article.pk)
        Article.objects.filter(pk=article.pk).update(loaded_content_hash=fresh.content_hash())
    signals.content_changed(sender=Article)
    return stored


def _renumber(figures_by_scene: dict[str, Any], journey: str, lang: str, shown: Any) -> None:
    """Alt texts and captions name the example challenge and response: make them the ones the new
    screenshots show (the numbers named by the challenge and response figures of the journey)."""
    if not journey.startswith("device:") or not shown.get("challenge"):
        return
    kind = journey.split(":")[1]
    old = {}
    for scene, key in ((f"challenge:{kind}", "challenge"), (f"response-typed:{kind}", "response")):
        figure = figures_by_scene.get(scene)
        found = (
            screenshots.SIX_DIGITS.findall(getattr(figure, localized_field("alt_text", lang)) or "")
            if figure
            else []
        )
        if found:
            old[found[0]] = shown[key]
    if not old:
        return
    for scene, figure in figures_by_scene.items():
        if screenshot_scenes.journey_of(scene) != journey:
            continue
        for name in (localized_field("alt_text", lang), localized_field("caption", lang)):
            text = getattr(figure, name) or ""
            setattr(
                figure,
                name,
                screenshots.SIX_DIGITS.sub(lambda m: old.get(m.group(0), m.group(0)), text),
            )

"""The journeys that reach every screen an article shows, and the scenes they photograph.

A *scene* is one screenshot, named in the article's content file
(`capture = "challenge:ios"`). Each scene belongs to one *journey*: a client
going through the practice portal, its device emulators or the printed card,
like the article tells them to. A journey runs once per language in its own
browser context and returns {scene: PNG bytes}; nothing here touches the
database (the caller prepares the accounts and passes `hooks` for the few
things only the server can do, such as letting a card expire).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops

from .screenshots import DEMO_USERNAME, SCALE, shot

if TYPE_CHECKING:
    from typing import Any

    from playwright.sync_api import BrowserContext, Locator, Page, ViewportSize

SUBMIT = "button[type=submit]"
EXAMPLE_PASSWORD = "example-password"  # noqa: S105 - typed for the picture only (a password field shows dots)
EXAMPLE_TEMPORARY_CODE = "K7QM2XRA"  # the example the articles use
EXAMPLE_EMAIL = "j.smith@example.com"
PHONE_SCREENS = [
    ("start", "#sl-authenticate"),
    ("login", "#sl-services"),
    ("account", "#sl-more"),
    ("more", "#sl-twofa"),
    ("twofa", "#sl-generate-code"),
]
DEVICE_KINDS = ("ios", "android", "dsc")
VIEWPORT: ViewportSize = {
    "width": 520,
    "height": 1000,
}  # narrow: forms fill the figure, text stays readable


@dataclass
class Account:
    """A throw-away practice client the journey signs in as."""

    kind: str
    username: str
    password: str
    pin: str = ""
    temporary_code: str = ""
    session_cookie: dict = field(default_factory=dict)


@dataclass
class Hooks:
    """What only the server side can do during a journey."""

    expire_card: Callable[[Account], None]


@dataclass
class Shots:
    """The scenes one journey took in one language, and the example values they show."""

    images: dict[str, bytes] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def journey_of(scene: str) -> str:
    """'challenge:ios' -> 'device:ios'; 'card-page' -> 'lost-device'; … (KeyError if unknown)."""
    name, _sep, kind = scene.partition(":")
    if kind:
        if kind not in DEVICE_KINDS or name not in DEVICE_SCENES:
            raise KeyError(scene)
        return f"device:{kind}"
    for journey, scenes in JOURNEY_SCENES.items():
        if scene in scenes:
            return journey
    raise KeyError(scene)


def _expect_text(page: Page, selector: str, pattern: str, timeout: int = 10_000) -> None:
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_text(re.compile(pattern), timeout=timeout)


def _sign_in_form(
    page: Page, shots: Shots | None, account: Account, prefix: str = "signin"
) -> None:
    """The sign-in (or task) form: pictures with the demo name, then the account's own."""
    if shots is not None:
        shots.images[f"{prefix}-empty"] = shot(page, ".sl-narrow form.card")
        page.fill("#id_username", DEMO_USERNAME)
        page.fill("#id_password", EXAMPLE_PASSWORD)
        shots.images[f"{prefix}-filled"] = shot(
            page, ".sl-narrow form.card", f".sl-narrow form.card {SUBMIT}"
        )
    page.fill("#id_username", account.username)
    page.fill("#id_password", account.password)
    page.locator("#id_password").press("Enter")


# ---------------------------------------------------------------------------
# A verified task with each device (KB2260)
# ---------------------------------------------------------------------------

DEVICE_SCENES = (
    "task-password",
    "challenge",
    "phone-start",
    "phone-login",
    "phone-account",
    "phone-more",
    "phone-twofa",
    "phone-challenge",
    "touch-prompt",
    "touch-response",
    "face-prompt",
    "face-response",
    "passcode-prompt",
    "dsc-pin-prompt",
    "dsc-pin-typed",
    "dsc-challenge-prompt",
    "dsc-challenge-typed",
    "dsc-response",
    "response-typed",
)


def device_journey(
    context: BrowserContext, base: str, lang: str, account: Account, hooks: Hooks
) -> Shots:
    """Change the e-mail address: user name and password again, the challenge, the device, the
    response."""
    shots, kind = Shots(), account.kind
    page = context.new_page()
    page.goto(f"{base}/{lang}/portal/tasks/change-email/")
    page.fill("#id_email", EXAMPLE_EMAIL)
    page.locator("#id_email").press("Enter")
    page.locator("#id_username").wait_for()
    task = Shots()
    _sign_in_form(page, task, account, prefix="task")
    shots.images[f"task-password:{kind}"] = task.images["task-filled"]
    _expect_text(page, "#challenge-code", r"^[0-9]{6}$")
    shots.images[f"challenge:{kind}"] = shot(page, ".sl-challenge-card")
    challenge = _text(page.locator("#challenge-code"))
    device = context.new_page()
    if kind == "dsc":
        response = _dsc_screens(device, base, lang, account, challenge, shots)
    else:
        response = _phone_screens(device, base, lang, account, challenge, shots)
    page.bring_to_front()
    page.fill("#id_response", response)
    shots.images[f"response-typed:{kind}"] = shot(
        page, ".sl-challenge-card", f".sl-challenge-card {SUBMIT}"
    )
    shots.values.update(challenge=challenge, response=response)
    return shots


def _phone_screens(
    page: Page, base: str, lang: str, account: Account, challenge: str, shots: Shots
) -> Any:
    kind = account.kind
    for screen, arrow in PHONE_SCREENS:
        page.goto(f"{base}/{lang}/portal/device/?screen={screen}")
        shots.images[f"phone-{screen}:{kind}"] = shot(page, "#sl-device", arrow)
    if kind == "android":
        page.goto(f"{base}/{lang}/portal/device/?screen=challenge")
        page.fill("#sl-pin", account.pin)
        page.fill("#sl-challenge", challenge)
        page.locator("#sl-generate").click()
        _expect_text(page, "#sl-response-android", r"^[0-9]{6}$")
        shots.images["phone-challenge:android"] = shot(page, "#sl-device", "#sl-generate")
        return _text(page.locator("#sl-response-android"))
    response = ""
    for biometric in ("passcode", "touch", "face"):
        page.goto(f"{base}/{lang}/portal/device/?screen=challenge&biometric={biometric}")
        page.fill("#sl-challenge", challenge)
        if biometric == "touch":
            shots.images["phone-challenge:ios"] = shot(page, "#sl-device", "#sl-generate")
        page.locator("#sl-generate").click()
        if biometric == "passcode":
            page.locator('section[data-screen="passcode"]').wait_for(state="visible")
            page.fill("#sl-passcode", "246810")
            shots.images["passcode-prompt:ios"] = shot(page, "#sl-device", "#sl-passcode-ok")
            page.locator("#sl-passcode-ok").click()
        else:
            page.locator('section[data-screen="biometric"]').wait_for(state="visible")
            shots.images[f"{biometric}-prompt:ios"] = shot(
                page, "#sl-device", "#sl-home" if biometric == "touch" else None
            )
            page.locator("#sl-confirm").click()
        _expect_text(page, "#sl-response", r"^[0-9]{6}$")
        if biometric != "passcode":
            shots.images[f"{biometric}-response:ios"] = shot(page, "#sl-device")
        response = _text(page.locator("#sl-response"))
    return response


def _dsc_screens(
    page: Page, base: str, lang: str, account: Account, challenge: str, shots: Shots
) -> Any:
    page.goto(f"{base}/{lang}/portal/device/")
    page.locator("#sl-press").click()
    _expect_text(page, "#sl-lcd", r"^PIN>")
    shots.images["dsc-pin-prompt:dsc"] = shot(page, "#sl-device", "#sl-press")
    for digit in account.pin:
        page.locator(f'.sl-keypad [data-key="{digit}"]').click()
    shots.images["dsc-pin-typed:dsc"] = shot(page, "#sl-device", "#sl-ok")
    page.locator("#sl-ok").click()
    _expect_text(page, "#sl-lcd", r"^CHALLNG>")
    shots.images["dsc-challenge-prompt:dsc"] = shot(page, "#sl-device")
    for digit in challenge:
        page.locator(f'.sl-keypad [data-key="{digit}"]').click()
    shots.images["dsc-challenge-typed:dsc"] = shot(page, "#sl-device", "#sl-ok")
    page.locator("#sl-ok").click()
    _expect_text(page, "#sl-lcd", r"^[0-9]{6}$")
    shots.images["dsc-response:dsc"] = shot(page, "#sl-device")
    return _text(page.locator("#sl-lcd"))


# ---------------------------------------------------------------------------
# Lost device: temporary code and the Online Security Code Card (KB70, KB2636)
# ---------------------------------------------------------------------------


def lost_device_journey(
    context: BrowserContext, base: str, lang: str, account: Account, hooks: Hooks
) -> Shots:
    shots = Shots()
    page = context.new_page()
    page.set_viewport_size({"width": 1024, "height": 800})  # the whole menu on one line
    page.goto(f"{base}/{lang}/")
    portal_link = f'.main-nav a[href="/{lang}/portal/"]'
    shots.images["site-header"] = shot(page, "header.site-header", portal_link)
    page.set_viewport_size(VIEWPORT)
    page.locator(portal_link).click()
    page.locator("#id_username").wait_for()
    _sign_in_form(page, shots, account)
    page.locator("#id_code").wait_for()
    page.fill("#id_code", EXAMPLE_TEMPORARY_CODE)
    shots.images["temporary-code-typed"] = shot(
        page, ".sl-narrow form.card", f".sl-narrow form.card {SUBMIT}"
    )
    page.fill("#id_code", account.temporary_code)
    page.locator("#id_code").press("Enter")
    page.locator("#card-offer-continue").wait_for()
    shots.images["card-offer"] = shot(page, ".sl-narrow", "#card-offer-continue")
    page.locator("#card-offer-continue").click()
    page.locator("#print-card").wait_for(state="visible")
    page.set_viewport_size({"width": 680, "height": 1400})  # the card large enough to read
    shots.images["card-page"] = shot(page, "main", "#print-card")
    page.set_viewport_size(VIEWPORT)
    card = _card_values(page)
    pdf = page.request.get(f"{base}/{lang}/portal/account/security/secure-login/card/pdf/")
    shots.images["card-printed"] = printed_card(pdf.body())
    page.locator("#card-continue").click()
    _type_card_values(page, card, "#id_values")
    shots.images["card-activate-typed"] = shot(
        page, ".sl-challenge-card", f".sl-challenge-card {SUBMIT}"
    )
    page.locator("#id_values").press("Enter")
    page.locator("#card-ok").wait_for()
    shots.images["card-activated"] = shot(page, ".sl-narrow", "#card-ok")
    shots.values["expires_on"] = _text(page.locator("#card-expiry"))
    context.clear_cookies()
    page.goto(f"{base}/{lang}/portal/signin/")
    _sign_in_form(page, None, account)
    _type_card_values(page, card, "#id_response")
    shots.images["card-signin-typed"] = shot(
        page, ".sl-challenge-card", f".sl-challenge-card {SUBMIT}"
    )
    hooks.expire_card(account)
    context.clear_cookies()
    page.goto(f"{base}/{lang}/portal/signin/")
    _sign_in_form(page, None, account)
    page.locator("#problem").wait_for()
    shots.images["card-expired"] = shot(page, ".sl-narrow")
    return shots


def _text(locator: Locator) -> str:
    return locator.text_content() or ""


def _card_values(page: Page) -> dict[str, str]:
    """{index label: value} as the card page shows them."""
    cells = page.locator(".sl-codecard-grid tbody th.sl-index")
    return {
        _text(cells.nth(i)): _text(cells.nth(i).locator("xpath=following-sibling::td[1]"))
        for i in range(cells.count())
    }


def _type_card_values(page: Page, card: dict[str, str], field_selector: str) -> None:
    page.locator("#index-1").wait_for()
    first, second = _text(page.locator("#index-1")), _text(page.locator("#index-2"))
    page.fill(field_selector, card[first] + card[second])


def printed_card(pdf: bytes, dpi: int = 110) -> bytes:
    """The card PDF as the printout looks: rendered by poppler, cropped to the card with a
    margin."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise RuntimeError("pdftoppm not found: install poppler-utils (make chromium)")
    with tempfile.TemporaryDirectory(prefix="card-figure-") as folder:
        source = Path(folder) / "card.pdf"
        source.write_bytes(pdf)
        resolution = str(dpi * SCALE // 2)
        command = [pdftoppm, "-r", resolution, "-png", "-singlefile", str(source), f"{folder}/card"]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603
        image = Image.open(Path(folder) / "card.png").convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    margin = 24
    if box:
        image = image.crop(
            (
                max(box[0] - margin, 0),
                max(box[1] - margin, 0),
                min(box[2] + margin, image.width),
                min(box[3] + margin, image.height),
            )
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Sending photos of a document (KB2477), on a phone-sized screen
# ---------------------------------------------------------------------------


def documents_journey(
    context: BrowserContext, base: str, lang: str, account: Account, hooks: Hooks
) -> Shots:
    shots = Shots()
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 1400})  # a phone: where clients take the photos
    page.goto(f"{base}/{lang}/documents/")
    page.locator("#upload-form").wait_for()
    page.locator("#upload-form input[name=document_type]").first.check()
    shots.images["documents-upload"] = shot(
        page, "#upload-form", highlight=".photo-input:has(#camera-input)"
    )
    return shots


JOURNEYS = {
    **{f"device:{kind}": device_journey for kind in DEVICE_KINDS},
    "lost-device": lost_device_journey,
    "documents": documents_journey,
}
JOURNEY_SCENES = {
    "lost-device": (
        "site-header",
        "signin-empty",
        "signin-filled",
        "temporary-code-typed",
        "card-offer",
        "card-page",
        "card-printed",
        "card-activate-typed",
        "card-activated",
        "card-signin-typed",
        "card-expired",
    ),
    "documents": ("documents-upload",),
}

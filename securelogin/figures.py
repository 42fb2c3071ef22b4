"""Screenshots of the real emulated screens for the KB2260 figures (Playwright + Chromium).

`capture(base_url, accounts, languages)` drives the portal and the emulators
like a client would and returns {(figure number, language): PNG bytes}. A red
arrow (drawn with Pillow) points at the control the step asks for, as in the
article's figures. Nothing here touches the database: the caller prepares the
accounts and stores the images.
"""

import io
import re

from PIL import Image, ImageDraw

PAD = 28  # CSS px of white margin around each screenshot, room for the arrow
SCALE = 2  # device pixel ratio of the screenshots
DEMO_USERNAME = "jsmith01"  # what figure 1 shows; the real sign-in uses the account's own name

PORTAL_SUBMIT = "main form button[type=submit]"
PHONE_SCREENS = [  # (figure numbers for iOS / Android, screen, arrow target)
    (("3", "3A"), "start", "#sl-authenticate"),
    (("4", "4A"), "login", "#sl-services"),
    (("5", "5A"), "account", "#sl-more"),
    (("6", "6A"), "more", "#sl-twofa"),
    (("7", "7A"), "twofa", "#sl-generate-code"),
]
SUFFIX = {"ios": "", "android": "A", "dsc": "B"}
ISOLATE_CSS = (
    "body, main, .wrap { background: #fff !important; } body * { visibility: hidden !important; } "
    ".fig-target, .fig-target * { visibility: visible !important; } .fig-target [hidden] { display: none !important; }"
)


def draw_arrow(png, target, frame):
    """Return `png` with a red arrow pointing at `target` (boxes in CSS px)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    left = (target["x"] - frame["x"]) * SCALE
    top = (target["y"] - frame["y"]) * SCALE
    right = left + target["width"] * SCALE
    bottom = top + target["height"] * SCALE
    cy = (top + bottom) / 2
    length = 70 * SCALE
    if width - right >= length + 10 * SCALE:  # room on the right: point from the right
        end, start = (right + 6 * SCALE, cy), (right + length, cy + 34 * SCALE)
    elif left >= length + 10 * SCALE:  # room on the left
        end, start = (left - 6 * SCALE, cy), (left - length, cy + 34 * SCALE)
    elif height - bottom >= 50 * SCALE:  # from below
        cx = (left + right) / 2
        end, start = (cx, bottom + 4 * SCALE), (min(cx + 40 * SCALE, width - 8), min(bottom + length, height - 8))
    else:  # from above
        cx = (left + right) / 2
        end, start = (cx, top - 4 * SCALE), (min(cx + 40 * SCALE, width - 8), max(top - length, 8))
    draw = ImageDraw.Draw(image)
    red = (214, 31, 38)
    draw.line([start, end], fill=red, width=5 * SCALE)
    dx, dy = end[0] - start[0], end[1] - start[1]
    norm = max((dx * dx + dy * dy) ** 0.5, 1)
    ux, uy = dx / norm, dy / norm
    head = 16 * SCALE
    base = (end[0] - ux * head, end[1] - uy * head)
    draw.polygon(
        [end, (base[0] - uy * head * 0.6, base[1] + ux * head * 0.6), (base[0] + uy * head * 0.6, base[1] - ux * head * 0.6)],
        fill=red,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def shot(page, selector, arrow=None):
    """Screenshot of `selector` with a white margin, and an arrow at `arrow`."""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # no hover effect in the picture
    # Only the figure's subject is visible (the screenshot context bypasses CSP for this).
    style = page.add_style_tag(content=ISOLATE_CSS)
    element.evaluate("el => el.classList.add('fig-target')")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    box = element.bounding_box()
    frame = {"x": max(box["x"] - PAD, 0), "y": max(box["y"] - PAD, 0)}
    frame["width"] = box["width"] + PAD * 2
    frame["height"] = box["height"] + PAD * 2
    png = page.screenshot(clip=frame)
    if arrow:
        png = draw_arrow(png, page.locator(arrow).first.bounding_box(), frame)
    element.evaluate("el => el.classList.remove('fig-target')")
    style.evaluate("el => el.remove()")
    return png


def _expect_text(page, selector, pattern, timeout=10_000):
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_text(re.compile(pattern), timeout=timeout)


def _portal_figures(page, base, lang, account, suffix, results):
    page.goto(f"{base}/{lang}/portal/signin/")
    page.fill("#id_username", DEMO_USERNAME)
    page.fill("#id_password", "example-password")
    results[("1" + suffix, lang)] = shot(page, "main form.card", PORTAL_SUBMIT)
    page.fill("#id_username", account["username"])
    page.fill("#id_password", account["password"])
    page.locator("#id_password").press("Enter")
    _expect_text(page, "#challenge-code", r"^[0-9]{6}$")
    results[("2" + suffix, lang)] = shot(page, ".sl-challenge-card")
    return page.locator("#challenge-code").text_content()


def _phone_figures(context, base, lang, account, challenge, results):
    kind = account["kind"]
    page = context.new_page()
    for numbers, screen, arrow in PHONE_SCREENS:
        page.goto(f"{base}/{lang}/portal/device/?screen={screen}")
        results[(numbers[0 if kind == "ios" else 1], lang)] = shot(page, "#sl-device", arrow)
    response = ""
    if kind == "android":
        page.goto(f"{base}/{lang}/portal/device/?screen=challenge")
        page.fill("#sl-pin", account["pin"])
        page.fill("#sl-challenge", challenge)
        page.locator("#sl-generate").click()
        _expect_text(page, "#sl-response-android", r"^[0-9]{6}$")
        results[("8A", lang)] = shot(page, "#sl-device", "#sl-generate")
        return page.locator("#sl-response-android").text_content()
    for biometric, prompt, answer in (("touch", "9", "10"), ("face", "11", "12")):
        page.goto(f"{base}/{lang}/portal/device/?screen=challenge&biometric={biometric}")
        page.fill("#sl-challenge", challenge)
        if biometric == "touch":
            results[("8", lang)] = shot(page, "#sl-device", "#sl-generate")
        page.locator("#sl-generate").click()
        page.locator('section[data-screen="biometric"]').wait_for(state="visible")
        results[(prompt, lang)] = shot(page, "#sl-device", "#sl-home" if biometric == "touch" else None)
        page.locator("#sl-confirm").click()
        _expect_text(page, "#sl-response", r"^[0-9]{6}$")
        results[(answer, lang)] = shot(page, "#sl-device")
        response = page.locator("#sl-response").text_content()
    return response


def _card_figures(context, base, lang, account, challenge, results):
    page = context.new_page()
    page.goto(f"{base}/{lang}/portal/device/")
    page.locator("#sl-press").click()
    _expect_text(page, "#sl-lcd", r"^PIN>")
    results[("3B", lang)] = shot(page, "#sl-device", "#sl-press")
    for digit in account["pin"]:
        page.locator(f'.sl-keypad [data-key="{digit}"]').click()
    results[("4B", lang)] = shot(page, "#sl-device", "#sl-ok")
    page.locator("#sl-ok").click()
    _expect_text(page, "#sl-lcd", r"^CHALLNG>")
    results[("5B", lang)] = shot(page, "#sl-device")
    for digit in challenge:
        page.locator(f'.sl-keypad [data-key="{digit}"]').click()
    results[("6B", lang)] = shot(page, "#sl-device", "#sl-ok")
    page.locator("#sl-ok").click()
    _expect_text(page, "#sl-lcd", r"^[0-9]{6}$")
    results[("7B", lang)] = shot(page, "#sl-device")
    return page.locator("#sl-lcd").text_content()


def capture(base_url, accounts, languages=("en", "de"), chromium="/usr/bin/chromium"):
    """accounts: [{"kind", "username", "password", "pin"}].

    Returns ({(figure number, lang): png}, {(kind, lang): (challenge, response)}).
    """
    from playwright.sync_api import sync_playwright

    results, values = {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for lang in languages:
                for account in accounts:
                    context = browser.new_context(viewport={"width": 900, "height": 1000},
                                                  device_scale_factor=SCALE, locale=lang, bypass_csp=True)
                    page = context.new_page()
                    suffix = SUFFIX[account["kind"]]
                    challenge = _portal_figures(page, base_url, lang, account, suffix, results)
                    if account["kind"] == "dsc":
                        response = _card_figures(context, base_url, lang, account, challenge, results)
                    else:
                        response = _phone_figures(context, base_url, lang, account, challenge, results)
                    page.bring_to_front()
                    page.fill("#id_response", response)
                    number = {"ios": "13", "android": "9A", "dsc": "8B"}[account["kind"]]
                    results[(number, lang)] = shot(page, ".sl-challenge-card", PORTAL_SUBMIT)
                    values[(account["kind"], lang)] = (challenge, response)
                    context.close()
        finally:
            browser.close()
    return results, values


FIGURE_NUMBERS = {
    "ios": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"],
    "android": ["1A", "2A", "3A", "4A", "5A", "6A", "7A", "8A", "9A"],
    "dsc": ["1B", "2B", "3B", "4B", "5B", "6B", "7B", "8B"],
}
_SIX_DIGITS = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")


def renumber(texts, old_challenge, old_response, challenge, response):
    """Replace the example challenge/response numbers in alt texts and captions
    with the ones the new screenshots show, so the text still describes the picture."""
    mapping = {old_challenge: challenge, old_response: response}
    return [_SIX_DIGITS.sub(lambda m: mapping.get(m.group(0), m.group(0)), text or "") for text in texts]

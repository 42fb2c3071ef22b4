"""axe-core over every page state, both languages, phone and desktop, JavaScript on and off.

One browser; one context per (width, JavaScript) pair, reused for all pages of that pair.
A failure lists every violation with its rule, impact, page and the first offending nodes.

axe itself needs JavaScript (its checks wait on timers, which never fire in a page with
scripting disabled), so "JavaScript off" is a page whose own scripts are refused by the
browser (every script of the site is a file: the CSP forbids inline ones) and whose
<noscript> content is shown, as a browser without JavaScript shows it.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.models import Article, Category
from securelogin.services import assign_device
from securelogin.temporary_access import issue_temporary_code
from tests.browser.conftest import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "axe practice 2260"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
AXE = Axe()


@pytest.fixture(autouse=True)
def quick(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURELOGIN_THROTTLE_FACTOR = 0


def public_paths() -> list[str]:
    """Every public page and search state (language prefix added by the caller)."""
    paths = [
        "/",
        "/search/",
        "/search/?q=temporary+code",
        "/search/?q=tempory+kode",
        "/search/?q=zzqqxxy",
        "/help/cannot-sign-in/",
        "/connectivity/",
        "/no-such-page/",
    ]
    paths += [f"/categories/{slug}/" for slug in Category.objects.values_list("slug", flat=True)]
    paths += [f"/articles/{slug}/" for slug in Article.objects.values_list("slug", flat=True)]
    article = Article.objects.get(slug="sign-in-troubleshooting")
    paths += [
        f"/help/cannot-sign-in/{anchor}/"
        for anchor in article.sections.values_list("anchor", flat=True)[:2]
    ]
    return paths


ALL_RULES = "axe.getRules().map(rule => rule.ruleId)"


def refuse_scripts(route) -> None:
    if route.request.resource_type == "script":
        route.abort()
    else:
        route.continue_()


SHOW_NOSCRIPT = """() => document.querySelectorAll('noscript').forEach(element => {
    const shown = document.createElement('div');
    shown.innerHTML = element.textContent;
    element.replaceWith(...shown.childNodes);
})"""


def violations_of(page, label: str) -> list[str]:
    """Every axe-core rule, the experimental ones included (label-content-name-mismatch is one)."""
    if "js=False" in label:
        page.evaluate(SHOW_NOSCRIPT)
    page.evaluate(AXE.axe_script)
    rules = {rule: {"enabled": True} for rule in page.evaluate(ALL_RULES)}
    results = AXE.run(page, options={"resultTypes": ["violations"], "rules": rules})
    found = []
    for violation in results.response["violations"]:
        targets = "; ".join(str(node["target"]) for node in violation["nodes"][:3])
        found.append(f"{label}: {violation['id']} ({violation['impact']}) {targets}")
    return found


def check(page, url: str, label: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status in (200, 404), (
        f"{label}: {response and response.status}"
    )
    return violations_of(page, label)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_state_has_no_axe_violation(
    browser, live_server, live_help_content, width, javascript
):
    user = get_user_model().objects.create_user("axe-client", "axe@example.com", PASSWORD)
    device = assign_device(user, "android", "2468")
    lost = get_user_model().objects.create_user("axe-lost", "lost@example.com", PASSWORD)
    base = live_server.url
    found: list[str] = []
    options = {"viewport": WIDTHS[width]}
    if width == "phone":
        options.update(is_mobile=True, has_touch=True)
    anonymous = browser.new_context(**options)
    signed_in = browser.new_context(**options)
    if not javascript:
        for context in (anonymous, signed_in):
            context.route("**/*", refuse_scripts)
    signed_in.add_cookies([session_cookie(live_server, user)])
    try:
        page = anonymous.new_page()
        for lang in ("en", "de"):
            for path in public_paths():
                found += check(
                    page, f"{base}/{lang}{path}", f"{lang}{path} [{width}, js={javascript}]"
                )
            found += sign_in_states(page, base, lang, f"[{width}, js={javascript}]")
            found += lost_device_states(page, base, lang, lost, f"[{width}, js={javascript}]")
            if javascript:
                found += figure_viewer_state(page, base, lang, f"[{width}]")
        portal = signed_in.new_page()
        for lang in ("en", "de"):
            for path in (
                "/portal/",
                "/portal/account/security/secure-login/device/",
                "/portal/device/",
                f"/portal/devices/{device.pk}/",
                "/documents/",
                "/documents/submissions/",
            ):
                found += check(
                    portal, f"{base}/{lang}{path}", f"{lang}{path} [{width}, js={javascript}]"
                )
            portal.goto(f"{base}/{lang}/documents/")
            portal.locator("#upload-form [type=submit]").first.click()
            portal.wait_for_load_state()
            found += violations_of(portal, f"{lang} documents refused [{width}, js={javascript}]")
        portal.goto(f"{base}/en/portal/")
        portal.locator("form[action$='/signout/'] button").click()
        portal.wait_for_load_state()
        found += violations_of(portal, f"en signed out (flash message) [{width}, js={javascript}]")
    finally:
        anonymous.close()
        signed_in.close()
    assert not found, "axe-core violations:\n" + "\n".join(found)


def sign_in_states(page, base: str, lang: str, suffix: str) -> list[str]:
    """The sign-in form empty, refused, and the challenge page after the password."""
    found = check(page, f"{base}/{lang}/portal/signin/", f"{lang} sign-in {suffix}")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    found += violations_of(page, f"{lang} sign-in empty {suffix}")
    page.fill("#id_username", "axe-client")
    page.fill("#id_password", "not the password")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    found += violations_of(page, f"{lang} sign-in refused {suffix}")
    page.fill("#id_username", "axe-client")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("#challenge-code")).to_be_visible()
    found += violations_of(page, f"{lang} challenge {suffix}")
    page.fill("#id_response", "12")
    page.locator("#id_response").press("Enter")
    page.wait_for_load_state()
    found += violations_of(page, f"{lang} challenge refused {suffix}")
    page.context.clear_cookies()
    return found


def lost_device_states(page, base: str, lang: str, user, suffix: str) -> list[str]:
    """Signing in with a temporary code (refused, then accepted) and the card offer."""
    issue_temporary_code(user, actor="axe")
    page.goto(f"{base}/{lang}/portal/signin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("#id_code")).to_be_visible()
    found = violations_of(page, f"{lang} temporary code {suffix}")
    page.fill("#id_code", "abc def")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#problem")).to_be_visible()
    found += violations_of(page, f"{lang} temporary code refused {suffix}")
    page.context.clear_cookies()
    return found


def figure_viewer_state(page, base: str, lang: str, suffix: str) -> list[str]:
    """The article with its gallery open and the figure viewer showing a figure."""
    page.goto(f"{base}/{lang}/articles/challenge-response/")
    page.evaluate("document.querySelector('[data-gallery-section]').open = true")
    page.locator(".step-figures .figure-link").first.click()
    expect(page.locator("[data-lightbox]")).to_be_visible()
    return violations_of(page, f"{lang} figure viewer {suffix}")

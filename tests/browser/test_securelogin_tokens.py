"""A client account activates an imported token and signs in with it, by keyboard, on a
390 px phone, without JavaScript, in both languages; a practice account is marked."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from securelogin import device_assignment, pskc_import, temporary_access
from securelogin.account_kinds import mark_practice
from securelogin.services import assign_device
from tests.securelogin.helpers import PHONE, fast_sign_in, keyboard_sign_in, no_sideways_scroll
from tests.securelogin.token_helpers import pskc_file, reference_ocra, token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser token 2026"


@pytest.fixture(autouse=True)
def quick(settings):
    fast_sign_in(settings)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def type_by_keyboard(page, field, text):
    page.locator(field).focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_client_activates_a_token_and_signs_in_with_it(page, live_server, lang):
    spec = token(f"WEB-{lang}", "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", pin="1470")
    pskc_import.import_tokens(
        pskc_file([spec], "preshared"), key=bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    )
    user = get_user_model().objects.create_user(f"tok-{lang}", password=PASSWORD)
    _, code = temporary_access.issue_temporary_code(user, actor="agent")
    device_assignment.assign_token(user, spec["serial"], actor="agent")
    page.set_viewport_size(PHONE)
    base = f"{live_server.url}/{lang}/portal"

    page.goto(f"{base}/signin/")
    keyboard_sign_in(page, user.username, PASSWORD)
    type_by_keyboard(page, "#id_code", code)
    page.wait_for_url("**/card/offer/")
    page.goto(f"{base}/account/security/secure-login/device/")
    expect(page.locator("#pending-token")).to_contain_text(spec["serial"])
    no_sideways_scroll(page)
    page.screenshot(path=f"/tmp/securelogin-token-pending-{lang}.png", full_page=True)
    page.locator("#activate-token").click()
    challenge = page.locator("#challenge-code").inner_text()
    assert len(challenge) == 8
    type_by_keyboard(page, "#id_response", "1234567")  # one digit short: explained
    expect(page.locator("#problem")).to_have_attribute("data-problem", "token-wrong-length")
    no_sideways_scroll(page)
    page.screenshot(path=f"/tmp/securelogin-token-activate-{lang}.png", full_page=True)
    challenge = page.locator("#challenge-code").inner_text()
    type_by_keyboard(
        page, "#id_response", reference_ocra(spec["suite"], spec["secret"], challenge, pin="1470")
    )
    expect(page.locator("#token-serial")).to_have_text(spec["serial"])
    page.screenshot(path=f"/tmp/securelogin-token-active-{lang}.png", full_page=True)

    page.locator(".sl-portal-nav button").click()  # sign out
    page.goto(f"{base}/signin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator("#open-emulator")).to_have_count(0)
    challenge = page.locator("#challenge-code").inner_text()
    no_sideways_scroll(page)
    page.screenshot(path=f"/tmp/securelogin-token-signin-{lang}.png", full_page=True)
    type_by_keyboard(
        page, "#id_response", reference_ocra(spec["suite"], spec["secret"], challenge, pin="1470")
    )
    expect(page).to_have_url(f"{base}/")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_practice_account_banner_and_refused_upload_without_javascript(
    phone, live_server, settings, lang
):
    settings.PRACTICE_ACCOUNTS_MAY_UPLOAD = False
    user = get_user_model().objects.create_user(f"prac-{lang}", password=PASSWORD)
    mark_practice(user)
    assign_device(user, "ios")
    _, code = temporary_access.issue_temporary_code(user, actor="agent")
    phone.goto(f"{live_server.url}/{lang}/portal/signin/")
    phone.fill("#id_username", user.username)
    phone.fill("#id_password", PASSWORD)
    phone.locator("#id_password").press("Enter")
    type_by_keyboard(phone, "#id_code", code)
    phone.wait_for_url("**/card/offer/")
    phone.goto(f"{live_server.url}/{lang}/documents/")
    expect(phone.locator("#practice-account")).to_be_visible()
    expect(phone.locator("#problem")).to_have_attribute("data-problem", "practice-upload")
    no_sideways_scroll(phone)
    phone.screenshot(path=f"/tmp/securelogin-practice-upload-{lang}.png", full_page=True)


@pytest.mark.parametrize("lang, javascript", [("en", True), ("de", True), ("de", False)])
def test_new_client_activates_the_token_while_signing_in(browser, live_server, lang, javascript):
    """The client's only credential is the assigned token: the sign-in activates it."""
    spec = token(f"NEW-{lang}-{javascript:d}", "OCRA-1:HOTP-SHA256-8:QN08-PSHA1", pin="3690")
    pskc_import.import_tokens(pskc_file([spec]))
    user = get_user_model().objects.create_user(f"new-{lang}-{javascript:d}", password=PASSWORD)
    device_assignment.assign_token(user, spec["serial"], actor="agent")
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    base = f"{live_server.url}/{lang}/portal"
    heading = {
        "en": "Activate your new security token",
        "de": "Ihren neuen Sicherheitstoken aktivieren",
    }[lang]

    page.goto(f"{base}/signin/")
    keyboard_sign_in(page, user.username, PASSWORD)
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("main")).to_contain_text(spec["serial"])
    assert len(page.locator("#challenge-code").inner_text()) == 8
    type_by_keyboard(page, "#id_response", "1234 5678")  # a space: explained, not counted
    expect(page.locator("#problem")).to_have_attribute("data-problem", "token-spaces")
    expect(page.locator("h1")).to_have_text(heading)
    no_sideways_scroll(page)
    page.screenshot(
        path=f"/tmp/securelogin-first-token-{lang}-js{javascript:d}.png", full_page=True
    )
    challenge = page.locator("#challenge-code").inner_text()
    type_by_keyboard(
        page, "#id_response", reference_ocra(spec["suite"], spec["secret"], challenge, pin="3690")
    )
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("main")).to_contain_text(spec["serial"])  # "… is active" message
    no_sideways_scroll(page)
    page.screenshot(
        path=f"/tmp/securelogin-first-token-done-{lang}-js{javascript:d}.png", full_page=True
    )
    context.close()

"""Sign in with each emulated device in Chromium, in English and German; step-up; wrong response."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from securelogin.account_kinds import mark_practice
from securelogin.services import assign_device
from tests.securelogin.helpers import fast_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser practice 2260"
PINS = {"ios": "", "android": "2468", "dsc": "1357"}


@pytest.fixture(autouse=True)
def quick(settings):
    fast_sign_in(settings)


def make(kind):
    user = get_user_model().objects.create_user(f"web-{kind}", f"web-{kind}@example.com", PASSWORD)
    mark_practice(user)  # emulated devices are for practice accounts
    assign_device(user, kind, PINS[kind])
    return user


def password_step(page, base, user, lang):
    page.goto(f"{base}/{lang}/portal/signin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("#challenge-code")).to_have_text(re.compile(r"^[0-9]{6}$"))
    return page.locator("#challenge-code").text_content()


def use_device(emulator, kind, challenge):
    """Drive the emulated device like a client would; returns the response it shows."""
    if kind == "dsc":
        emulator.locator("#sl-press").click()
        expect(emulator.locator("#sl-lcd")).to_have_text(re.compile("^PIN>"))
        emulator.keyboard.type(PINS["dsc"])  # keyboard digits work
        emulator.keyboard.press("Enter")
        expect(emulator.locator("#sl-lcd")).to_have_text(re.compile("^CHALLNG>"))
        for digit in challenge:  # and so do the keypad buttons
            emulator.locator(f'.sl-keypad [data-key="{digit}"]').click()
        emulator.locator("#sl-ok").click()
        expect(emulator.locator("#sl-lcd")).to_have_text(re.compile(r"^[0-9]{6}$"))
        return emulator.locator("#sl-lcd").text_content()
    emulator.locator("#sl-authenticate").click()
    if kind == "android":
        emulator.fill("#sl-pin", PINS["android"])
    emulator.fill("#sl-challenge", challenge)
    emulator.locator("#sl-generate").click()
    if kind == "android":
        expect(emulator.locator("#sl-response-android")).to_have_text(re.compile(r"^[0-9]{6}$"))
        return emulator.locator("#sl-response-android").text_content()
    expect(emulator.locator('section[data-screen="biometric"]')).to_be_visible()
    emulator.locator("#sl-confirm").click()
    expect(emulator.locator("#sl-response")).to_have_text(re.compile(r"^[0-9]{6}$"))
    return emulator.locator("#sl-response").text_content()


def answer(page, response):
    page.fill("#id_response", response)
    page.locator("#id_response").press("Enter")


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("kind", ["ios", "android", "dsc"])
def test_sign_in_with_each_device_in_a_second_tab(page, live_server, kind, lang):
    user = make(kind)
    challenge = password_step(page, live_server.url, user, lang)
    with page.context.expect_page() as new_tab:
        page.locator("#open-emulator").click()
    emulator = new_tab.value
    emulator.wait_for_load_state()
    response = use_device(emulator, kind, challenge)
    answer(page, response)
    expect(page).to_have_url(f"{live_server.url}/{lang}/portal/")
    expect(page.locator("h1")).to_contain_text(user.username)
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_step_up_task_asks_again_and_wrong_response_is_refused(page, live_server):
    user = make("android")
    base = live_server.url
    challenge = password_step(page, base, user, "en")
    emulator = page.context.new_page()
    emulator.goto(f"{base}/en/portal/device/")
    answer(page, use_device(emulator, "android", challenge))
    expect(page).to_have_url(f"{base}/en/portal/")

    page.goto(f"{base}/en/portal/tasks/change-email/")
    page.fill("#id_email", "renewed@example.com")
    page.locator("#id_email").press("Enter")
    # The source's step 1: user name and password again, then the device.
    expect(page).to_have_url(f"{base}/en/portal/tasks/sign-in-again/")
    expect(page.locator("h1")).to_have_text("Confirm it is you")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "wrong password")
    page.locator("#id_password").press("Enter")
    expect(page.locator("#problem")).to_be_visible()
    expect(page.locator("#challenge-code")).to_have_count(0)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(f"{base}/en/portal/tasks/verify/")
    expect(page.locator("h1")).to_have_text("Confirm it is you")
    step_up = page.locator("#challenge-code").text_content()

    answer(page, "12 34 56")
    expect(page.locator("#problem")).to_contain_text("without spaces")
    expect(page.locator("#problem .error-help a")).to_have_attribute(
        "href", re.compile("#card-or-device$")
    )

    wrong = "000000" if step_up != "000000" else "111111"
    emulator.reload()
    real = use_device(emulator, "android", step_up)
    answer(page, wrong if wrong != real else "222222")
    expect(page.locator("#problem")).to_contain_text("User name, password or response not correct.")
    user.refresh_from_db()
    assert user.email == "web-android@example.com"

    answer(page, real)
    expect(page).to_have_url(f"{base}/en/portal/")
    expect(page.locator(".messages")).to_contain_text("renewed@example.com")


def test_phone_layout_fits_a_small_screen(browser, live_server):
    user = make("dsc")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    challenge = password_step(page, live_server.url, user, "de")
    emulator = context.new_page()
    emulator.goto(f"{live_server.url}/de/portal/device/")
    emulator.locator("#sl-press").tap()
    for digit in PINS["dsc"]:
        emulator.locator(f'.sl-keypad [data-key="{digit}"]').tap()
    emulator.locator("#sl-ok").tap()
    expect(emulator.locator("#sl-lcd")).to_have_text(re.compile("^CHALLNG>"))
    for digit in challenge:
        emulator.locator(f'.sl-keypad [data-key="{digit}"]').tap()
    emulator.locator("#sl-ok").tap()
    expect(emulator.locator("#sl-lcd")).to_have_text(re.compile(r"^[0-9]{6}$"))
    box = emulator.locator("#sl-device").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_ios_sign_in_with_the_phone_passcode_instead_of_face_id(browser, live_server, javascript):
    """KB2260 step 5: Face ID fails or is off, so IB Key asks for the iPhone's passcode."""
    user = make("ios")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    challenge = password_step(page, live_server.url, user, "en") if javascript else None
    if not javascript:
        page.goto(f"{live_server.url}/en/portal/signin/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.locator("main button[type=submit]").click()
        challenge = page.locator("#challenge-code").text_content()
    emulator = context.new_page()
    emulator.goto(f"{live_server.url}/en/portal/device/?screen=challenge")
    emulator.fill("#sl-challenge", challenge)
    emulator.locator("#sl-generate").click()
    expect(emulator.locator('section[data-screen="biometric"]')).to_be_visible()
    emulator.locator("#sl-use-passcode").click()
    expect(emulator.locator('section[data-screen="passcode"]')).to_be_visible()
    expect(emulator.locator("#sl-passcode")).to_be_visible()
    emulator.fill("#sl-passcode", "12")
    emulator.locator("#sl-passcode-ok").click()
    expect(emulator.locator("#sl-passcode-error")).to_contain_text("4 or 6 digits")
    expect(emulator.locator("#sl-response")).not_to_be_visible()
    emulator.fill("#sl-passcode", "246810")
    emulator.locator("#sl-passcode-ok").click()
    expect(emulator.locator("#sl-response")).to_have_text(re.compile(r"^[0-9]{6}$"))
    answer(page, emulator.locator("#sl-response").text_content())
    expect(page).to_have_url(f"{live_server.url}/en/portal/")
    context.close()


def test_ios_without_face_id_asks_for_the_passcode_at_once(page, live_server):
    user = make("ios")
    challenge = password_step(page, live_server.url, user, "de")
    emulator = page.context.new_page()
    emulator.goto(f"{live_server.url}/de/portal/device/?screen=challenge&biometric=passcode")
    emulator.fill("#sl-challenge", challenge)
    emulator.locator("#sl-challenge").press("Enter")
    expect(emulator.locator('section[data-screen="passcode"]')).to_be_visible()
    expect(emulator.locator('section[data-screen="biometric"]')).to_be_hidden()
    emulator.locator("#sl-passcode").fill("2580")
    emulator.locator("#sl-passcode").press("Enter")
    expect(emulator.locator("#sl-response")).to_have_text(re.compile(r"^[0-9]{6}$"))
    answer(page, emulator.locator("#sl-response").text_content())
    expect(page).to_have_url(f"{live_server.url}/de/portal/")

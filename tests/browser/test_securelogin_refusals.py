"""Staff TOTP sign-in and the new refusals on a 390 px phone, with the keyboard, in both
languages."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from securelogin.services import assign_device
from tests.securelogin.helpers import PHONE, fast_sign_in, no_sideways_scroll
from tests.staff_otp import current_code, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser practice 2260"


@pytest.fixture(autouse=True)
def quick(settings):
    fast_sign_in(settings)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_staff_sign_in_with_a_totp_code_by_keyboard(page, live_server, lang):
    staff = get_user_model().objects.create_superuser(
        f"agent-{lang}", "agent@example.com", PASSWORD
    )
    device = enrol(staff)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/{lang}/admin/login/")
    page.locator("#id_username").focus()
    page.keyboard.type(staff.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.locator("#id_otp_token").focus()
    page.keyboard.type(current_code(device))
    page.screenshot(path=f"/tmp/securelogin-admin-totp-{lang}.png", full_page=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/{lang}/admin/")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_prompt_limit_and_control_characters_are_explained_on_a_phone(
    page, live_server, settings, lang
):
    settings.SECURELOGIN_PROMPTS_PER_HOUR = 1
    user = get_user_model().objects.create_user(f"phone-{lang}", password=PASSWORD)
    assign_device(user, "ios")
    page.set_viewport_size(PHONE)
    for attempt in range(2):
        page.goto(f"{live_server.url}/{lang}/portal/signin/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.locator("#id_password").press("Enter")
        if attempt == 0:
            page.fill("#id_response", "12\t34")
            page.locator("#id_response").press("Enter")
            expect(page.locator("#problem")).to_have_attribute("data-problem", "control-characters")
            no_sideways_scroll(page)
            page.screenshot(path=f"/tmp/securelogin-control-characters-{lang}.png", full_page=True)
    expect(page.locator("#problem")).to_have_attribute("data-problem", "prompt-limit")
    no_sideways_scroll(page)
    page.screenshot(path=f"/tmp/securelogin-prompt-limit-{lang}.png", full_page=True)

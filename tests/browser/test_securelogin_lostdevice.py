"""Journey 3 in Chromium, English and German: staff issue a temporary code in the
admin, the client signs in with it, prints the card (print-to-PDF), activates it,
signs in with the card, and after 21 days is refused."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from securelogin import card_activation, codecard
from securelogin.services import assign_device
from tests.securelogin.helpers import fast_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser practice 70"
WORDS = {
    "en": {
        "continue": "Continue",
        "print": "Print",
        "ok": "OK",
        "action": "Issue a temporary code",
        "go": "Go",
        "expired": "expired",
    },
    "de": {
        "continue": "Weiter",
        "print": "Drucken",
        "ok": "OK",
        "action": "Temporären Code ausstellen",
        "go": "Ausführen",
        "expired": "abgelaufen",
    },
}


@pytest.fixture(autouse=True)
def quick(settings):
    fast_sign_in(settings)


def sign_in_password(page, base, lang, user):
    page.goto(f"{base}/{lang}/portal/signin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_lost_device_journey(page, live_server, lang, tmp_path):
    words = WORDS[lang]
    base = live_server.url
    client = get_user_model().objects.create_user(
        f"lost-{lang}", f"lost-{lang}@example.com", PASSWORD
    )
    assign_device(client, "ios")
    from tests.staff_otp import current_code, enrol

    agent = enrol(
        get_user_model().objects.create_superuser("agent", "agent@example.com", "agent pass 70")
    )

    # Client services: the admin action on the client shows the code once.
    page.goto(f"{base}/{lang}/admin/login/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "agent pass 70")
    page.fill("#id_otp_token", current_code(agent))
    page.locator("input[type=submit]").click()
    page.goto(f"{base}/{lang}/admin/auth/user/?q={client.username}")
    page.locator(f'input[name="_selected_action"][value="{client.pk}"]').check()
    page.select_option('select[name="action"]', "issue_temporary_code")
    page.locator('button[name="index"]').click()
    expect(page.locator("#temporary-code-confirm")).to_contain_text(client.username)
    page.locator("#confirm-temporary-code").click()
    code = page.locator("#temporary-code").text_content().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    page.context.clear_cookies()

    # The client signs in with it; lower case is explained first.
    sign_in_password(page, base, lang, client)
    page.fill("#id_code", code.lower())
    page.locator("main button[type=submit]").click()
    problem = page.locator("#problem")
    expect(problem).to_have_attribute("data-problem", "code-lower-case")
    expect(problem.locator(".error-help a")).to_have_attribute(
        "href", f"/{lang}/articles/sign-in-troubleshooting/#temporary-code"
    )
    page.fill("#id_code", code)
    page.get_by_role("button", name=words["continue"]).click()

    # Offered the card: Continue shows it with Print.
    page.locator("#card-offer-continue").click()
    expect(page.get_by_role("button", name=words["print"])).to_be_visible()
    card = card_activation.pending_card(client)
    pdf_path = tmp_path / "card.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf_path), format="A4")
    page.emulate_media(media="screen")
    data = pdf_path.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 1  # the whole card on one page
    pdftotext = shutil.which("pdftotext")  # poppler-utils, in the Makefile's Debian packages
    if pdftotext:
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf_path), "-"],
            capture_output=True,
            text=True,  # noqa: S603
            check=True,
        ).stdout
        for label, value in codecard.all_values(card.secret_key()):
            assert re.search(rf"\b{label}\s+{value}\b", text), (label, value)
    page.locator("#card-continue").click()

    # Activation: two index numbers, six digits.
    prompt = page.locator("#card-indexes").text_content()
    first, second = re.findall(r"\d{2}", prompt)
    values = card.response_for(f"{first}{second}")
    page.fill("#id_values", f"{values[:3]} {values[3:]}")
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.locator("#problem")).to_have_attribute("data-problem", "card-spaces")
    first, second = re.findall(r"\d{2}", page.locator("#card-indexes").text_content())
    page.fill("#id_values", card.response_for(f"{first}{second}"))
    page.get_by_role("button", name=words["continue"]).click()
    card.refresh_from_db()
    expiry = page.locator("#card-expiry")
    month = "Dezember" if lang == "de" else "Dec"
    expect(expiry).to_contain_text(str(timezone.localtime(card.expires_at).year))
    if timezone.localtime(card.expires_at).month == 12:
        expect(expiry).to_contain_text(month)
    page.screenshot(path=f"/tmp/securelogin-card-activated-{lang}.png")
    expect(page.locator("#card-ok")).to_have_text(words["ok"])
    page.locator("#card-ok").click()
    expect(page).to_have_url(f"{base}/{lang}/portal/")
    page.context.clear_cookies()

    # Signing in again with the card.
    sign_in_password(page, base, lang, client)
    first, second = re.findall(r"\d{2}", page.locator("#card-indexes").text_content())
    page.fill("#id_response", card.response_for(f"{first}{second}"))
    page.get_by_role("button", name=words["continue"]).click()
    expect(page).to_have_url(f"{base}/{lang}/portal/")
    page.context.clear_cookies()

    # After 21 days the card is refused with a message that says so.
    with time_machine.travel(card.expires_at + timedelta(seconds=1), tick=True):
        sign_in_password(page, base, lang, client)
        problem = page.locator("#problem")
        expect(problem).to_have_attribute("data-problem", "card-expired")
        expect(problem).to_contain_text(words["expired"])
        expect(problem.locator(".error-help a")).to_have_attribute(
            "href", f"/{lang}/articles/temporary-code/#get-a-code"
        )

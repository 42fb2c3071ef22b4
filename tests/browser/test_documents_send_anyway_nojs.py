"""Send anyway without JavaScript, in Chromium with scripts off on a 390 px phone: the same page
refused twice is offered "send anyway with a note"; staff then see the flag and the note."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from documents.models import Photo, Submission
from tests.documents import samples
from tests.texts import PHOTOS_RECEIVED, PROOF_OF_ADDRESS, by_language

TEXT = by_language(
    {
        "address": PROOF_OF_ADDRESS,
        "send": ("Send documents", "Dokumente senden"),
        "anyway": ("Send photo 1 anyway", "Foto 1 trotzdem senden"),
        "note": ("Note for our staff", "Hinweis für unsere Mitarbeitenden"),
        "thanks": PHOTOS_RECEIVED,
    }
)


@pytest.fixture(scope="module")
def blurred_photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("nojs") / "faint.jpg"
    path.write_bytes(samples.encode(samples.photo(samples.text_page(1240, 1754, seed=3), blur=4)))
    return str(path)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_plain_form_offers_send_anyway_after_two_refusals(
    signed_in_page, live_server, blurred_photo, lang
):
    t = TEXT[lang]
    user = get_user_model().objects.create_user(f"nojs-{lang}", password="unused-password-1")
    page = signed_in_page(user, viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page.goto(f"{live_server.url}/{lang}/documents/")
    for attempt in (1, 2):
        page.get_by_label(t["address"]).check()
        page.locator("#file-input").set_input_files(blurred_photo)
        page.locator("#upload-submit").click()
        expect(page.locator("#upload-errors")).to_be_visible()
        if attempt == 1:
            expect(page.locator("#anyway-choices")).to_have_count(0)
    expect(page.get_by_label(t["anyway"])).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= 391")
    page.screenshot(path=f"/tmp/send-anyway-nojs-{lang}.png", full_page=True)
    page.get_by_label(t["address"]).check()
    page.locator("#file-input").set_input_files(blurred_photo)
    page.get_by_label(t["anyway"]).check()
    page.get_by_label(t["note"]).fill("The letter is printed this faintly.")
    page.locator("#upload-submit").click()
    expect(page.locator("body")).to_contain_text(t["thanks"])
    photo = Photo.objects.get(submission=Submission.objects.get(owner=user))
    assert (
        photo.sent_anyway == "blurred"
        and photo.client_note == "The letter is printed this faintly."
    )

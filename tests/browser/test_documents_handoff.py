"""Hand-off to the phone with two browsers: a signed-in desktop and a 390 px phone that is not
signed in, opening the link shown next to the QR code. The phone sends a photo, the desktop shows
it as it arrives and finishes the submission; in English and in German."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from documents.models import HandoffEvent, Submission
from tests.documents import samples
from tests.texts import PHOTOS_RECEIVED, PROOF_OF_ADDRESS, by_language

TEXT = by_language(
    {
        "use": ("Use your phone", "Smartphone verwenden"),
        "scan": ("Scan this code", "Scannen Sie diesen Code"),
        "phone_title": ("Add photos from your phone", "Fotos vom Smartphone hinzufügen"),
        "received": ("1 photo received.", "1 Foto angekommen."),
        "done": ("Done: finish on my computer", "Fertig: am Computer abschließen"),
        "done_title": ("Done on your phone", "Fertig auf dem Smartphone"),
        "connected": ("Your phone is connected.", "Ihr Smartphone ist verbunden."),
        "finished": ("Your phone has finished.", "Ihr Smartphone ist fertig."),
        "address": PROOF_OF_ADDRESS,
        "send": ("Send the photos from my phone", "Fotos von meinem Smartphone senden"),
        "thanks": PHOTOS_RECEIVED,
        "used": ("This link has been used", "Dieser Link wurde bereits verwendet"),
    }
)


@pytest.fixture(scope="module")
def page_photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("handoff") / "page1.jpg"
    path.write_bytes(samples.encode(samples.photo(samples.text_page(1240, 1754, seed=5))))
    return str(path)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_phone_sends_a_photo_and_the_desktop_shows_it_and_finishes(
    signed_in_page, phone_page, live_server, page_photo, lang
):
    t = TEXT[lang]
    user = get_user_model().objects.create_user(f"handoff-{lang}", password="unused-password-1")
    desktop = signed_in_page(user, viewport={"width": 1280, "height": 900})
    desktop.goto(f"{live_server.url}/{lang}/documents/")
    desktop.get_by_role("button", name=t["use"], exact=True).click()
    expect(desktop.locator("h2", has_text=t["scan"])).to_be_visible()
    expect(desktop.locator(".qr svg")).to_be_visible()
    link = desktop.locator("#handoff-link").get_attribute("href")
    assert link.startswith(f"{live_server.url}/{lang}/documents/p/")
    desktop.screenshot(path=f"/tmp/handoff-desktop-qr-{lang}.png", full_page=True)

    phone = phone_page
    phone.goto(link)
    phone.screenshot(path=f"/tmp/handoff-phone-start-{lang}.png", full_page=True)
    phone.locator("#phone-start").click()  # looking at the link binds nothing; Start does
    expect(phone.locator("#phone-form")).to_be_visible()
    expect(phone.locator("h1")).to_have_text(t["phone_title"])
    assert not [c for c in phone.context.cookies() if c["name"] == "sessionid"]  # never signed in
    phone.locator("#file-input").set_input_files(page_photo)
    phone.locator("#phone-send").click()
    expect(phone.locator("#phone-sent")).to_have_text(t["received"])
    assert phone.evaluate("document.documentElement.scrollWidth <= 391")
    phone.screenshot(path=f"/tmp/handoff-phone-{lang}.png", full_page=True)

    # The desktop's script shows the photo without a reload.
    expect(desktop.locator("#handoff-photos img")).to_have_count(1, timeout=10_000)
    expect(desktop.locator("#handoff-state")).to_contain_text(t["connected"])
    expect(desktop.locator("#handoff-link-box")).to_be_hidden()

    phone.get_by_role("button", name=t["done"]).click()
    expect(phone.locator("h1")).to_have_text(t["done_title"])
    expect(desktop.locator("#handoff-state")).to_contain_text(t["finished"], timeout=10_000)
    desktop.screenshot(path=f"/tmp/handoff-desktop-photos-{lang}.png", full_page=True)

    phone.goto(link)  # the link is used up
    expect(phone.locator("h1")).to_contain_text(t["used"])

    desktop.get_by_label(t["address"]).check()
    desktop.get_by_role("button", name=t["send"]).click()
    expect(desktop.locator(".messages, [role=status], body").first).to_contain_text(t["thanks"])
    submission = Submission.objects.get(owner=user)
    expect(desktop.locator("#reference")).to_have_text(submission.reference)
    assert submission.document_type == "address" and submission.photos.count() == 1
    kinds = set(HandoffEvent.objects.values_list("kind", flat=True))
    assert {"created", "opened", "photo-added", "done", "finished", "refused"} <= kinds

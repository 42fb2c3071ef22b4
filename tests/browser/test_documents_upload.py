"""Sending documents on a phone-sized Chromium: instant checks, retake, reference, staff review."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from documents.models import Submission
from tests.browser.conftest import PHONE
from tests.documents import samples

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "en": {
        "address": "Proof of address",
        "refused": "Not accepted:",
        "still": "Hold the phone still",
        "ok": "Looks good.",
        "remove": "Remove photo 4",
        "again": "Take photo 2 again",
        "send": "Send documents",
        "status": "Received, waiting for review",
        "thanks": "Thank you. Your photos were received.",
    },
    "de": {
        "address": "Adressnachweis",
        "refused": "Nicht angenommen:",
        "still": "mit beiden Händen ruhig",
        "ok": "Sieht gut aus.",
        "remove": "Foto 4 entfernen",
        "again": "Foto 2 neu aufnehmen",
        "send": "Dokumente senden",
        "status": "Eingegangen, wartet auf Prüfung",
        "thanks": "Vielen Dank, Ihre Fotos sind eingegangen.",
    },
}


@pytest.fixture(scope="module")
def photo_files(tmp_path_factory):
    """Three sharp pages and one blurred page, as a phone would hand them over."""
    folder = tmp_path_factory.mktemp("phone-photos")
    files = {}
    for name, seed, blur in (
        ("page1", 1, 0),
        ("page2", 2, 0),
        ("page3", 3, 0),
        ("page2-blurred", 2, 4),
    ):
        path = folder / f"{name}.jpg"
        path.write_bytes(
            samples.encode(samples.photo(samples.text_page(1240, 1754, seed=seed), blur=blur))
        )
        files[name] = str(path)
    return files


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= 391")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_client_sends_three_pages_after_retaking_a_blurred_one_and_staff_accept(
    signed_in_page, live_server, photo_files, lang, tmp_path
):
    t = TEXT[lang]
    user = get_user_model().objects.create_user(f"client-{lang}", password="unused-password-1")
    page = signed_in_page(user, **PHONE)
    page.goto(f"{live_server.url}/{lang}/documents/")
    expect(page.locator("h1")).to_have_text(t["send"])
    page.get_by_label(t["address"]).check()
    page.locator("#file-input").set_input_files(
        [photo_files["page1"], photo_files["page2-blurred"], photo_files["page3"]]
    )

    items = page.locator("#photo-list > li")
    expect(items).to_have_count(3)
    expect(items.nth(1)).to_have_class(re.compile("state-refused"))
    expect(items.nth(1)).to_contain_text(t["refused"])
    expect(items.nth(1)).to_contain_text(t["still"])
    expect(items.nth(0)).to_contain_text(t["ok"])
    expect(items.nth(2)).to_contain_text(t["ok"])
    assert no_horizontal_scroll(page)
    page.screenshot(path=f"/tmp/documents-refused-{lang}.png", full_page=True)

    with (
        page.expect_file_chooser() as chooser
    ):  # the retake replaces photo 2 in place: pages keep their order
        page.get_by_role("button", name=t["again"]).click()
    chooser.value.set_files(photo_files["page2"])
    expect(items).to_have_count(3)
    for index, name in enumerate(("page1.jpg", "page2.jpg", "page3.jpg")):
        expect(items.nth(index)).to_contain_text(name)
        expect(items.nth(index)).to_contain_text(t["ok"])
    page.locator("#camera-input").set_input_files(
        photo_files["page1"]
    )  # one too many: remove it again
    expect(items).to_have_count(4)
    page.get_by_role("button", name=t["remove"]).click()
    expect(items).to_have_count(3)

    page.get_by_role("button", name=t["send"], exact=True).click()
    page.wait_for_url(re.compile(r"/documents/submissions/DOC-[2-9A-Z]{4}-[2-9A-Z]{4}/$"))
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"DOC-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", reference)
    expect(page.locator(".status")).to_have_text(t["status"])
    expect(page.locator(".message.success")).to_contain_text(t["thanks"])
    expect(page.locator(".thumbnails img")).to_have_count(3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.thumbnails img')].every(i => i.complete && "
        "i.naturalWidth > 0)"
    )
    assert no_horizontal_scroll(page)
    page.screenshot(path=f"/tmp/documents-sent-{lang}.png", full_page=True)

    submission = Submission.objects.get(reference=reference)
    assert submission.owner == user and submission.photos.count() == 3

    # Staff read the PDF, then accept the submission from the queue.
    staff = get_user_model().objects.create_superuser(f"staff-{lang}", password="unused-password-2")
    page = signed_in_page(staff, **PHONE, accept_downloads=True)
    page.goto(f"{live_server.url}/{lang}/admin/documents/submission/{submission.pk}/change/")
    expect(page.locator(".inline-group img")).to_have_count(3)
    with page.expect_download() as download_info:
        page.locator("a.button[href$='/pdf/']").click()
    pdf = tmp_path / "submission.pdf"
    download_info.value.save_as(pdf)
    data = pdf.read_bytes()
    assert (
        data.startswith(b"%PDF") and data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 3
    )
    page.goto(f"{live_server.url}/{lang}/admin/documents/submission/?status__exact=received")
    page.locator(f"tr:has-text('{reference}') input.action-select").check()
    page.locator("select[name=action]").select_option("accept_selected")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED


def test_form_works_without_javascript(signed_in_page, live_server, photo_files):
    user = get_user_model().objects.create_user("client-nojs", password="unused-password-3")
    page = signed_in_page(user, **PHONE, java_script_enabled=False)
    page.goto(f"{live_server.url}/en/documents/")
    page.get_by_label("Other document").check()
    page.get_by_label("Which document is it?").fill("Bank statement")
    page.locator("#file-input").set_input_files(
        [photo_files["page1"], photo_files["page2-blurred"]]
    )
    page.get_by_role("button", name="Send documents", exact=True).click()
    expect(page.locator("#upload-errors")).to_contain_text("Photo 2 (page2-blurred.jpg):")
    expect(page.locator("#upload-errors")).to_contain_text("Hold the phone still")
    assert Submission.objects.count() == 0
    page.get_by_label("Other document").check()
    page.get_by_label("Which document is it?").fill("Bank statement")
    page.locator("#file-input").set_input_files([photo_files["page1"], photo_files["page2"]])
    page.get_by_role("button", name="Send documents", exact=True).click()
    page.wait_for_url(re.compile(r"/documents/submissions/DOC-"))
    expect(page.locator(".messages")).to_contain_text("Your reference is DOC-")
    assert Submission.objects.get().note == "Bank statement"


def wait_for_live_server_requests(timeout=90):
    """Let the live server finish the aborted upload before the database is flushed (a bound,
    not a speed check: three photos through the sandbox take long on a busy machine).

    Otherwise its request thread may still touch rows the next test's flush removes
    (seen as "FOREIGN KEY constraint failed" in a later test).
    """
    import threading
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any("process_request_thread" in thread.name for thread in threading.enumerate()):
            return
        time.sleep(0.05)
    raise AssertionError("the live server was still handling a request")


def test_slow_upload_shows_progress_and_can_be_cancelled(
    signed_in_page, live_server, photo_files, settings
):
    from pathlib import Path

    user = get_user_model().objects.create_user("client-slow", password="unused-password-4")
    page = signed_in_page(user, **PHONE)
    page.goto(f"{live_server.url}/en/documents/")
    page.get_by_label("Proof of identity").check()
    page.locator("#file-input").set_input_files(
        [photo_files["page1"], photo_files["page2"], photo_files["page3"]]
    )
    expect(page.locator("#photo-list > li.state-ok")).to_have_count(3)

    cdp = page.context.new_cdp_session(
        page
    )  # a very slow mobile connection: 8 kB/s up, so Cancel always comes first
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 50,
            "downloadThroughput": 256 * 1024,
            "uploadThroughput": 8 * 1024,
        },
    )
    page.get_by_role("button", name="Send documents", exact=True).click()
    progress = page.locator("#upload-progress-bar")
    cancel = page.get_by_role("button", name="Cancel")
    try:
        cancel.click(timeout=3000)  # only possible while bytes are still being sent
        cancelled = True
    except PlaywrightTimeoutError:
        cancelled = False  # the whole body was already sent: Cancel was switched off
    if cancelled:
        expect(page.locator("#upload-errors")).to_contain_text(
            "Sending was cancelled. Nothing was sent."
        )
        expect(progress).to_be_hidden()
        expect(page.locator("#photo-list > li")).to_have_count(
            3
        )  # the photos are still there to send again
    else:
        page.wait_for_url(re.compile(r"/documents/submissions/DOC-"))
    page.context.close()  # no more requests from the page
    wait_for_live_server_requests()
    if cancelled:
        # Bytes already handed to the network can still arrive in full; what must never
        # happen is a half-stored submission. (Nothing, or all three photos.)
        submissions = list(Submission.objects.all())
        assert len(submissions) <= 1
        assert all(submission.photos.count() == 3 for submission in submissions)
    else:
        assert Submission.objects.count() == 1
    staging = Path(settings.STAGING_ROOT)
    assert not staging.exists() or [p for p in staging.rglob("*") if p.is_file()] == []


def test_rejected_submission_fits_a_phone_screen_in_german(
    signed_in_page, live_server, photo_files
):
    """The reason, the staff message and long German labels stay inside 390 px."""
    user = get_user_model().objects.create_user("client-rejected", password="unused-password-3")
    staff = get_user_model().objects.create_superuser(
        "staff-rejecting", password="unused-password-4"
    )
    client = Client()
    client.force_login(user)
    with open(photo_files["page1"], "rb") as photo:
        client.post("/de/documents/", {"document_type": "identity", "photos": [photo]})
    submission = Submission.objects.get(owner=user)
    submission.reject(
        staff,
        "incomplete",
        "Bitte senden Sie die zweite Seite noch einmal, vollständig und scharf.",
    )
    page = signed_in_page(user, **PHONE)
    page.goto(f"{live_server.url}/de/documents/submissions/{submission.reference}/")
    expect(page.locator("#rejection-reason")).to_have_text(
        "Eine Seite oder ein Teil des Dokuments fehlt."
    )
    expect(page.get_by_text("Nachricht vom Kundenservice")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/documents-rejected-de.png", full_page=True)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_glare_spot_is_marked_on_the_preview_and_retaken(
    signed_in_page, live_server, photo_files, lang, tmp_path
):
    """The client sees their photo with the washed-out spot outlined, retakes it, and the mark
    goes."""
    glare = tmp_path / "glare.jpg"
    glare.write_bytes(
        samples.encode(samples.photo(samples.text_page(1240, 1754, seed=4), spot=0.1))
    )
    user = get_user_model().objects.create_user(f"glare-{lang}", password="unused-password-1")
    page = signed_in_page(user, **PHONE)
    page.goto(f"{live_server.url}/{lang}/documents/")
    page.locator("#file-input").set_input_files([str(glare)])
    item = page.locator("#photo-list > li").first
    expect(item).to_have_class(re.compile("state-warning"))
    mark = item.locator("svg.problem-area-preview rect.problem-mark")
    expect(mark).to_have_count(1)
    box = mark.bounding_box()
    preview = item.locator("svg.problem-area-preview").bounding_box()
    assert (
        box["x"] < preview["x"] + 0.6 * preview["width"] < box["x"] + box["width"]
    )  # the spot is at 60 % across
    said = {"en": "washed-out area is marked", "de": "überbelichtete Bereich ist markiert"}[lang]
    assert said in item.locator("svg.problem-area-preview").get_attribute("aria-label")
    assert no_horizontal_scroll(page)
    page.screenshot(path=f"/tmp/documents-glare-marked-{lang}.png", full_page=True)
    assert page.locator("#replace-input").get_attribute("capture") == "environment"  # the camera
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=TEXT[lang]["again"].replace("2", "1")).click()
    chooser.value.set_files(photo_files["page1"])
    expect(item).to_contain_text(TEXT[lang]["ok"])
    expect(item.locator("svg.problem-area-preview")).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_page_refused_twice_can_be_sent_anyway_with_a_note(
    signed_in_page, live_server, photo_files, lang
):
    words = {
        "en": ("Send photo 1 anyway", "Note for our staff", "Will be sent anyway"),
        "de": (
            "Foto 1 trotzdem senden",
            "Hinweis für unsere Mitarbeitenden",
            "Wird trotzdem gesendet",
        ),
    }[lang]
    user = get_user_model().objects.create_user(f"anyway-{lang}", password="unused-password-1")
    page = signed_in_page(user, **PHONE)
    page.goto(f"{live_server.url}/{lang}/documents/")
    page.get_by_label(TEXT[lang]["address"]).check()
    page.locator("#file-input").set_input_files([photo_files["page2-blurred"]])
    item = page.locator("#photo-list > li").first
    expect(item).to_have_class(re.compile("state-refused"))
    expect(item.get_by_role("button", name=words[0])).to_have_count(
        0
    )  # not after the first refusal
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=TEXT[lang]["again"].replace("2", "1")).click()
    chooser.value.set_files(photo_files["page2-blurred"])  # the same page, still blurred
    expect(item).to_have_class(re.compile("state-refused"))
    item.get_by_role("button", name=words[0]).click()
    expect(item).to_contain_text(words[2])
    note = page.get_by_label(words[1])
    expect(note).to_be_focused()
    page.get_by_role(
        "button", name=TEXT[lang]["send"]
    ).last.click()  # without a note: asked for one
    expect(page.locator("#upload-errors")).to_be_visible()
    note.fill("The original is printed this faintly.")
    assert no_horizontal_scroll(page)
    page.screenshot(path=f"/tmp/documents-anyway-{lang}.png", full_page=True)
    page.get_by_role("button", name=TEXT[lang]["send"]).last.click()
    expect(page.locator("#reference")).to_be_visible(timeout=20000)
    photo = Submission.objects.get(owner=user).photos.get()
    assert (photo.sent_anyway, photo.client_note) == (
        "blurred",
        "The original is printed this faintly.",
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_id_card_too_small_in_the_photo_is_refused_with_the_card_marked(
    signed_in_page, live_server, lang, tmp_path, settings
):
    """The client chose "ID card"; a card at about 150 dpi is refused with the card outlined on
    their photo; the same card closer up (400 dpi) passes."""
    from tests.documents import images

    settings.DOCUMENTS_MIN_DPI, settings.DOCUMENTS_RECOMMENDED_DPI = 200, 300  # the product's rule
    far, near = tmp_path / "far.jpg", tmp_path / "near.jpg"
    far.write_bytes(images.document_photo((1600, 1200), dpi=150, page_format="id_card", angle=6)[0])
    near.write_bytes(
        images.document_photo((1600, 1200), dpi=400, page_format="id_card", angle=6)[0]
    )
    words = {
        "en": ("ID card (credit card size)", "too small in the photo", "Look"),
        "de": ("Ausweiskarte (Scheckkartenformat)", "auf dem Foto zu klein", "Sieht"),
    }[lang]
    user = get_user_model().objects.create_user(f"card-{lang}", password="unused-password-1")
    page = signed_in_page(user, **PHONE)
    page.goto(f"{live_server.url}/{lang}/documents/")
    page.get_by_label(words[0]).check()
    page.locator("#file-input").set_input_files([str(far)])
    item = page.locator("#photo-list > li").first
    expect(item).to_have_class(re.compile("state-refused"))
    expect(item).to_contain_text(words[1])
    mark = item.locator("svg.problem-area-preview rect.problem-mark")
    expect(mark).to_have_count(1)
    box, preview = mark.bounding_box(), item.locator("svg.problem-area-preview").bounding_box()
    assert box["width"] < 0.5 * preview["width"]  # the card, not the whole photo
    said = {"en": "document found in the photo is marked", "de": "gefundene Dokument ist markiert"}
    assert said[lang] in item.locator("svg.problem-area-preview").get_attribute("aria-label")
    assert no_horizontal_scroll(page)
    page.screenshot(path=f"/tmp/documents-card-too-small-{lang}.png", full_page=True)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=TEXT[lang]["again"].replace("2", "1")).click()
    chooser.value.set_files(str(near))
    expect(item).to_contain_text(words[2])

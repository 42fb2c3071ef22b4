"""Hand-off to the phone: the link's rules, the phone's pages and the desktop's, every bad case."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents import handoff
from documents.models import (
    DocumentRequest,
    HandoffEvent,
    HandoffPhoto,
    PhoneHandoff,
    Photo,
    Submission,
)
from tests.documents import images
from tests.documents.conftest import stored_files, upload

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def start(desktop, lang="en", **data):
    """Press "Use your phone"; returns (hand-off, the link's path as the desktop page shows it)."""
    response = desktop.post(f"/{lang}/documents/phone/new/", data)
    assert response.status_code == 302
    page = desktop.get(response["Location"])
    assert page.status_code == 200
    link = re.search(r'id="handoff-link"[^>]*href="([^"]+)"', page.content.decode()).group(1)
    return PhoneHandoff.objects.latest("created_at"), link.removeprefix("http://testserver")


def open_on_phone(link, phone=None):
    """The phone opens the link (a page with a Start button) and presses Start."""
    phone = phone or Client()
    page = phone.get(link)
    assert page.status_code == 200 and b'id="phone-start"' in page.content, page.content
    response = phone.post(link)
    assert response.status_code == 302, response.content
    return phone, response


def events(kind):
    return list(HandoffEvent.objects.filter(kind=kind))


@pytest.fixture
def desktop(signed_in):
    return signed_in


# --- the link and the token ---


def test_link_token_is_long_random_and_only_its_hash_is_stored(desktop):
    item, link = start(desktop)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 bytes in URL-safe base64: 256 bits
    assert item.token_hash == handoff.digest(token) and token not in item.token_hash
    assert not PhoneHandoff.objects.filter(token_hash=token).exists()
    assert item.expires_at - item.created_at == timedelta(minutes=15)
    assert events("created")[0].client_username == "anna"


def test_desktop_page_shows_a_qr_code_as_inline_svg_and_the_link(desktop):
    _item, link = start(desktop, "de")
    html = desktop.get(reverse("documents:handoff", args=[_item.pk])).content.decode()
    assert "<svg" in html and 'class="qr-code"' in html and "<script>" not in html
    assert "Scannen Sie diesen Code" in html
    assert link.startswith("/de/documents/p/")


def test_the_phone_adds_photos_and_the_desktop_finishes(
    desktop, client_user, samples, private_root
):
    item, link = start(desktop)
    phone, response = open_on_phone(link)
    assert response["Location"] == "/en/documents/from-phone/"
    cookie = phone.cookies[handoff.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "_auth_user_id" not in phone.session  # no sign-in on the phone
    page = phone.get("/en/documents/from-phone/")
    assert page.status_code == 200 and b"Add photos from your phone" in page.content
    sent = phone.post(
        "/en/documents/from-phone/",
        {"photos": [upload(samples.sharp_jpeg, "a.jpg"), upload(samples.webp, "b.webp")]},
    )
    assert sent.status_code == 302 and sent["Location"].endswith("?sent=2")
    assert b"2 photos received." in phone.get(sent["Location"]).content
    status = desktop.get(reverse("documents:handoff_status", args=[item.pk])).json()
    assert status["state"] == "connected" and [p["position"] for p in status["photos"]] == [1, 2]
    thumb = desktop.get(status["photos"][0]["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    done = phone.post("/en/documents/from-phone/done/")
    assert done.status_code == 200 and b"2 photos were sent to your computer." in done.content
    assert (
        desktop.get(reverse("documents:handoff_status", args=[item.pk])).json()["state"] == "done"
    )
    files_before = sorted(stored_files(private_root))
    finished = desktop.post(
        reverse("documents:handoff", args=[item.pk]), {"document_type": "identity"}
    )
    submission = Submission.objects.get()
    assert finished.status_code == 302 and finished["Location"] == submission.get_absolute_url()
    assert submission.owner == client_user and submission.photos.count() == 2
    assert (
        sorted(stored_files(private_root)) == files_before
    )  # the same files, now the submission's
    assert HandoffPhoto.objects.count() == 0
    assert (
        desktop.get(reverse("documents:thumbnail", args=[submission.reference, 1])).status_code
        == 200
    )
    kinds = list(HandoffEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "opened", "photo-added", "photo-added", "done", "finished"]
    assert HandoffEvent.objects.get(kind="finished").reference == submission.reference


def address_request(owner, staff_user):
    """Staff ask the client for a proof of address, due today."""
    return DocumentRequest.objects.create(
        owner=owner, document_type="address", due_date=timezone.localdate(), created_by=staff_user
    )


def test_a_hand_off_for_a_staff_request_fulfils_it(desktop, client_user, staff_user, samples):
    wanted = address_request(client_user, staff_user)
    item, link = start(desktop, request=str(wanted.pk))
    assert item.request == wanted
    page = desktop.get(reverse("documents:handoff", args=[item.pk])).content.decode()
    assert 'value="address" required id="id_document_type_1" checked' in page or "checked" in page
    phone, _ = open_on_phone(link)
    phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    desktop.post(reverse("documents:handoff", args=[item.pk]), {"document_type": "address"})
    wanted.refresh_from_db()
    assert wanted.fulfilled_by == Submission.objects.get()


def test_someone_elses_request_is_not_bound(desktop, other_user, staff_user):
    theirs = address_request(other_user, staff_user)
    item, _link = start(desktop, request=str(theirs.pk))
    assert item.request is None


# --- refused links: each gets its own clear, translated page ---


def test_unknown_link_gets_a_clear_page_and_is_audited(client):
    response = client.get("/de/documents/p/" + "x" * 43 + "/")
    assert response.status_code == 404
    assert "Dieser Link ist ungültig." in response.content.decode()
    assert events("refused")[0].detail == "unknown"


def test_expired_link_says_so_and_what_to_do(desktop):
    item, link = start(desktop)
    PhoneHandoff.objects.filter(pk=item.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get(link)
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html and "Use your phone" in html
    assert events("refused")[0].detail == "expired"


def test_second_device_is_refused_and_the_first_keeps_working(desktop, samples):
    _item, link = start(desktop)
    phone, _ = open_on_phone(link)
    other = Client().get(link)
    assert other.status_code == 409
    assert "already open on another device" in other.content.decode()
    assert phone.get("/en/documents/from-phone/").status_code == 200
    assert events("refused")[0].detail == "other_device"


def test_a_link_used_by_the_phone_cannot_be_opened_again(desktop):
    _item, link = start(desktop)
    phone, _ = open_on_phone(link)
    phone.post("/en/documents/from-phone/done/")
    again = phone.get(link)
    assert again.status_code == 410 and "This link has been used" in again.content.decode()
    assert Client().get(link).status_code == 410


def test_after_done_the_phone_page_and_uploads_are_refused(desktop, samples, private_root):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    cookie = phone.cookies[handoff.COOKIE_NAME].value
    phone.post("/en/documents/from-phone/done/")
    phone.cookies[handoff.COOKIE_NAME] = cookie  # a phone that kept the cookie anyway
    response = phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    assert response.status_code == 410
    assert HandoffPhoto.objects.count() == 0 and stored_files(private_root) == []


def test_phone_page_expires_with_the_link(desktop, samples, private_root):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    PhoneHandoff.objects.filter(pk=item.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    assert response.status_code == 410 and b"This link has expired" in response.content
    assert stored_files(private_root) == []


def test_phone_page_without_or_with_a_forged_cookie_is_refused(desktop):
    item, link = start(desktop)
    open_on_phone(link)
    assert Client().get("/en/documents/from-phone/").status_code == 404
    forged = Client()
    forged.cookies[handoff.COOKIE_NAME] = f"{item.pk}.not-the-secret"
    assert forged.get("/en/documents/from-phone/").status_code == 404
    assert forged.post("/en/documents/from-phone/done/").status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


def test_a_burst_of_guesses_is_throttled_even_for_a_real_link(desktop, settings):
    settings.DOCUMENTS_HANDOFF_GUESSES = 5
    _item, link = start(desktop)
    guesser = Client()
    for number in range(5):
        assert guesser.get(f"/en/documents/p/{'g' * 40}{number:03d}/").status_code == 404
    response = guesser.get(link)
    assert response.status_code == 429 and b"Too many links" in response.content
    assert events("refused")[0].detail == "throttled"
    assert PhoneHandoff.objects.get().opened_at is None  # the real link was not used up


def test_refusals_are_json_for_json_clients(client):
    response = client.get("/en/documents/p/" + "y" * 43 + "/", **JSON)
    assert response.status_code == 404
    assert response.json()["ok"] is False and response.json()["code"] == "unknown"


# --- the link can do nothing else ---


def test_the_link_grants_no_other_page(desktop, client_user, samples):
    Client().force_login(client_user)
    desktop.post(
        reverse("documents:upload"),
        {"document_type": "identity", "photos": [upload(samples.sharp_jpeg)]},
    )
    earlier = Submission.objects.get()
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    for url in (
        reverse("documents:upload"),
        reverse("documents:submission_list"),
        earlier.get_absolute_url(),
        reverse("documents:thumbnail", args=[earlier.reference, 1]),
        reverse("documents:handoff", args=[item.pk]),
        reverse("documents:handoff_status", args=[item.pk]),
    ):
        response = phone.get(url)
        assert response.status_code == 302 and "/signin/" in response["Location"], url
    assert phone.get("/en/portal/").status_code == 302


def test_a_client_cannot_see_or_finish_another_clients_hand_off(desktop, other_user, samples):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    stranger = Client()
    stranger.force_login(other_user)
    for url in (
        reverse("documents:handoff", args=[item.pk]),
        reverse("documents:handoff_status", args=[item.pk]),
        reverse("documents:handoff_thumbnail", args=[item.pk, 1]),
    ):
        assert stranger.get(url).status_code == 404
    assert (
        stranger.post(
            reverse("documents:handoff", args=[item.pk]), {"document_type": "identity"}
        ).status_code
        == 404
    )
    assert Submission.objects.count() == 0


# --- the phone's photos: the same checks as the desktop's ---


def test_a_refused_photo_stores_nothing_and_says_why(desktop, samples, private_root):
    _item, link = start(desktop, "de")
    phone, _ = open_on_phone(link)
    response = phone.post(
        "/de/documents/from-phone/",
        {"photos": [upload(samples.sharp_jpeg), upload(samples.small_jpeg, "small.jpg")]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ihre Fotos wurden nicht gesendet." in html and "small.jpg" in html
    assert HandoffPhoto.objects.count() == 0 and stored_files(private_root) == []
    assert events("photo-refused")[0].detail == "too_small"


def test_hostile_file_from_the_phone_is_refused_like_on_the_desktop(desktop, samples, private_root):
    _item, link = start(desktop)
    phone, _ = open_on_phone(link)
    response = phone.post(
        "/en/documents/from-phone/", {"photos": [upload(samples.scan_bomb_jpeg)]}, **JSON
    )
    assert response.status_code == 400
    assert response.json()["file_errors"][0]["code"] == "too_complex"
    assert stored_files(private_root) == []


def test_no_photo_and_too_many_photos(desktop, samples, settings, private_root):
    settings.DOCUMENTS_MAX_FILES = 2
    _item, link = start(desktop)
    phone, _ = open_on_phone(link)
    assert b"Add at least one photo." in phone.post("/en/documents/from-phone/", {}).content
    assert (
        phone.post(
            "/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)] * 1}
        ).status_code
        == 302
    )
    response = phone.post(
        "/en/documents/from-phone/",
        {"photos": [upload(samples.sharp_jpeg, "x.jpg"), upload(samples.webp, "y.webp")]},
    )
    assert response.status_code == 400 and b"at most 2 photos" in response.content
    assert HandoffPhoto.objects.count() == 1


def test_phone_forms_need_csrf(desktop, samples):
    _item, link = start(desktop)
    phone = Client(enforce_csrf_checks=True)
    phone.get(link)
    assert phone.post(link).status_code == 403  # Start without the form's token
    token = phone.cookies["csrftoken"].value
    assert phone.post(link, {"csrfmiddlewaretoken": token}).status_code == 302
    response = phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    assert response.status_code == 403
    assert HandoffPhoto.objects.count() == 0


def test_looking_at_the_link_uses_nothing_up(desktop):
    """Link previews and mail scanners fetch links: only pressing Start binds a device."""
    item, link = start(desktop)
    for _ in range(3):
        assert Client().get(link).status_code == 200
    item.refresh_from_db()
    assert item.opened_at is None and not events("opened")
    open_on_phone(link)


def test_the_phone_that_opened_the_link_may_open_it_again(desktop):
    _item, link = start(desktop)
    phone, _ = open_on_phone(link)
    again = phone.get(link)
    assert again.status_code == 302 and again["Location"] == "/en/documents/from-phone/"
    assert phone.post(link).status_code == 302


def test_two_devices_pressing_start_one_wins(desktop):
    _item, link = start(desktop)
    first, second = Client(), Client()
    first.get(link)
    second.get(link)
    assert first.post(link).status_code == 302
    refused = second.post(link)
    assert refused.status_code == 409 and b"already open on another device" in refused.content
    assert len(events("opened")) == 1


# --- finishing on the desktop ---


def test_finishing_before_any_photo_arrived_says_so(desktop):
    item, _link = start(desktop)
    response = desktop.post(
        reverse("documents:handoff", args=[item.pk]), {"document_type": "identity"}
    )
    assert (
        response.status_code == 400
        and b"No photos have arrived from your phone yet" in response.content
    )
    assert Submission.objects.count() == 0


def test_finish_form_errors_keep_the_photos(desktop, samples):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    response = desktop.post(
        reverse("documents:handoff", args=[item.pk]), {"document_type": "other"}
    )
    assert (
        response.status_code == 400
        and b"Tell us which document you are sending." in response.content
    )
    assert HandoffPhoto.objects.count() == 1 and Submission.objects.count() == 0


def test_finishing_twice_makes_one_submission(desktop, samples):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    url = reverse("documents:handoff", args=[item.pk])
    first = desktop.post(url, {"document_type": "identity"})
    second = desktop.post(url, {"document_type": "identity"})
    assert first["Location"] == second["Location"] and Submission.objects.count() == 1
    assert Photo.objects.count() == 1


def test_after_finishing_the_phone_is_told(desktop, samples):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    desktop.post(reverse("documents:handoff", args=[item.pk]), {"document_type": "identity"})
    response = phone.get("/en/documents/from-phone/")
    assert (
        response.status_code == 410 and b"already been sent from your computer" in response.content
    )


def test_the_qr_code_is_shown_until_a_phone_opens_the_link(desktop):
    item, link = start(desktop)
    url = reverse("documents:handoff", args=[item.pk])
    assert 'class="qr-code"' in desktop.get(url).content.decode()  # a reload shows it again
    open_on_phone(link)
    html = desktop.get(url).content.decode()
    assert 'class="qr-code"' not in html and link not in html
    assert "Your phone is connected." in html


def test_abandoned_hand_offs_lose_their_photos(desktop, samples, private_root):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    phone.post("/en/documents/from-phone/", {"photos": [upload(samples.sharp_jpeg)]})
    assert len(stored_files(private_root)) == 2
    assert handoff.purge_abandoned(now=timezone.now() + timedelta(hours=1)) == 0
    assert handoff.purge_abandoned(now=timezone.now() + timedelta(hours=25)) == 1
    assert HandoffPhoto.objects.count() == 0 and stored_files(private_root) == []


def test_the_audit_log_is_append_only(desktop):
    start(desktop)
    event = HandoffEvent.objects.get()
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        HandoffEvent.objects.all().delete()


def test_the_status_poll_costs_a_fixed_number_of_queries(
    desktop, samples, django_assert_max_num_queries
):
    item, link = start(desktop)
    phone, _ = open_on_phone(link)
    photos = [upload(samples.sharp_jpeg, f"{number}.jpg") for number in range(3)]
    assert phone.post("/en/documents/from-phone/", {"photos": photos}).status_code == 302
    url = reverse("documents:handoff_status", args=[item.pk])
    with django_assert_max_num_queries(4):  # session, user, hand-off, its photos
        assert len(desktop.get(url).json()["photos"]) == 3


def test_staff_read_the_hand_off_log_in_the_admin_but_cannot_change_it(client, staff_user, desktop):
    start(desktop)
    client.force_login(staff_user)
    listing = client.get(reverse("admin:documents_handoffevent_changelist"))
    assert listing.status_code == 200 and b"Link created" in listing.content
    assert client.get(reverse("admin:documents_handoffevent_add")).status_code == 403


def test_a_refused_other_link_leaves_the_phones_own_hand_off_working(desktop):
    _item, link = start(desktop)
    phone, _ = open_on_phone(link)
    assert phone.get("/en/documents/p/" + "z" * 43 + "/").status_code == 404
    assert phone.get("/en/documents/from-phone/").status_code == 200


def test_the_phone_page_words_a_warning_with_its_figures(desktop, settings, private_root):
    """ "Rather small in the photo (about 250 dpi)" on the phone too, not "about ? dpi"."""
    del settings.DOCUMENTS_MIN_DPI, settings.DOCUMENTS_RECOMMENDED_DPI  # the product's 200 / 300
    _item, link = start(desktop)
    phone, _response = open_on_phone(link)
    data, _corners = images.document_photo((3100, 4300), dpi=250, angle=4, tilt=0)
    sent = phone.post("/en/documents/from-phone/", {"photos": [upload(data, "page.jpg")]})
    page = phone.get(sent["Location"]).content.decode()
    assert "about ? dpi" not in page
    assert re.search(r"rather small in the photo \(about 2[45]\d dpi\)", page)

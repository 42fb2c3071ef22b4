"""Send anyway without JavaScript: the server counts refusals per page slot, and the plain form
offers "send anyway with a note" after the second refusal of the same page."""

import pytest
from django.urls import reverse

from documents.models import Photo, Submission
from documents.send_anyway import SESSION_KEY
from tests.documents.conftest import stored_files, upload

pytestmark = pytest.mark.django_db
OFFER = 'id="anyway-choices"'


def send(client, photos, lang="en", **data):
    """The plain multipart form, as a browser without JavaScript sends it."""
    return client.post(
        f"/{lang}/documents/", {"document_type": "address", "photos": photos, **data}
    )


def test_the_offer_comes_after_the_second_refusal_of_the_same_page(
    signed_in, samples, private_root
):
    first = send(signed_in, [upload(samples.sharp_jpeg), upload(samples.blurred_jpeg)])
    assert first.status_code == 400
    html = first.content.decode()
    assert "blurred" in html and OFFER not in html
    assert 'id="anyway-row" hidden' in html.replace("\n", "")
    second = send(signed_in, [upload(samples.sharp_jpeg), upload(samples.blurred_jpeg)])
    html = second.content.decode()
    assert second.status_code == 400 and OFFER in html
    assert 'name="anyway" value="1"' in html and 'name="anyway" value="0"' not in html
    assert "Send photo 2 anyway" in html and 'id="anyway-row" hidden' not in html
    assert "tick “Send anyway”" in html
    assert Submission.objects.count() == 0 and stored_files(private_root) == []


def test_sending_anyway_with_a_note_keeps_the_photo_flagged_for_staff(
    signed_in, client_user, samples, staff_user
):
    for _ in range(2):
        send(signed_in, [upload(samples.sharp_jpeg), upload(samples.blurred_jpeg)])
    response = send(
        signed_in,
        [upload(samples.sharp_jpeg), upload(samples.blurred_jpeg)],
        anyway=["1"],
        anyway_note="The original is printed this faintly.",
    )
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == submission.get_absolute_url()
    photo = Photo.objects.get(position=2)
    assert (
        photo.sent_anyway == "blurred"
        and photo.client_note == "The original is printed this faintly."
    )
    assert SESSION_KEY not in signed_in.session
    signed_in.force_login(staff_user)
    changelist = reverse("admin:documents_submission_changelist")
    listed = signed_in.get(changelist + "?anyway=yes").content.decode()
    assert submission.reference in listed and 'alt="True"' in listed
    assert submission.reference not in signed_in.get(changelist + "?anyway=no").content.decode()
    change = signed_in.get(
        reverse("admin:documents_submission_change", args=[submission.pk])
    ).content.decode()
    assert "Sent anyway by the client:" in change and "printed this faintly" in change


def test_a_missing_note_keeps_the_offer_and_the_ticked_box(signed_in, samples, private_root):
    for _ in range(2):
        send(signed_in, [upload(samples.blurred_jpeg)], "de")
    response = send(signed_in, [upload(samples.blurred_jpeg)], "de", anyway=["0"])
    html = response.content.decode()
    assert response.status_code == 400 and OFFER in html
    assert 'value="0" id="anyway-0" checked' in html
    assert "Foto 1 trotzdem senden" in html and "warum Sie ein Foto senden" in html
    assert Submission.objects.count() == 0 and stored_files(private_root) == []


def test_a_page_that_passed_in_between_starts_again(signed_in, samples):
    send(signed_in, [upload(samples.blurred_jpeg)])
    send(signed_in, [upload(samples.sharp_jpeg), upload(samples.small_jpeg)])  # slot 0 passed now
    third = send(signed_in, [upload(samples.blurred_jpeg)])
    assert OFFER not in third.content.decode()


def test_refusals_of_different_pages_are_not_added_up(signed_in, samples):
    send(signed_in, [upload(samples.blurred_jpeg), upload(samples.sharp_jpeg)])
    second = send(signed_in, [upload(samples.sharp_jpeg), upload(samples.blurred_jpeg)])
    assert OFFER not in second.content.decode()


def test_hostile_or_too_small_photos_are_never_offered(signed_in, samples):
    for _ in range(3):
        response = send(signed_in, [upload(samples.small_jpeg)])
    assert response.status_code == 400 and OFFER not in response.content.decode()


def test_json_clients_learn_which_pages_may_be_sent_anyway(signed_in, samples):
    for _ in range(2):
        response = signed_in.post(
            "/en/documents/",
            {"document_type": "address", "photos": [upload(samples.dark_jpeg)]},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 400 and response.json()["anyway_slots"] == [0]

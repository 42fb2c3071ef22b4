"""After two refusals of the same page a client may send it anyway, with a note for staff."""

import pytest
from django.urls import reverse

from documents.models import Photo, Submission
from tests.documents.conftest import stored_files, upload

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def send(client, data, lang="en"):
    return client.post(f"/{lang}/documents/", data, **JSON)


def test_a_blurred_page_sent_anyway_is_kept_and_flagged_for_staff(signed_in, samples, staff_user):
    response = send(
        signed_in,
        {
            "document_type": "address",
            "photos": [upload(samples.sharp_jpeg), upload(samples.blurred_jpeg)],
            "anyway": ["1"],
            "anyway_note": "The original letter is printed this faintly.",
        },
    )
    assert response.status_code == 201, response.content
    first, second = Photo.objects.order_by("position")
    assert first.sent_anyway == "" and first.client_note == ""
    assert (
        second.sent_anyway == "blurred"
        and second.client_note == "The original letter is printed this faintly."
    )
    assert response.json()["photos"][1]["warnings"][0]["code"] == "blurred"
    signed_in.force_login(staff_user)
    html = signed_in.get(
        reverse("admin:documents_submission_change", args=[Submission.objects.get().pk])
    ).content.decode()
    assert "Sent anyway by the client:" in html and "printed this faintly" in html


def test_sending_anyway_needs_a_note(signed_in, samples, private_root):
    response = send(
        signed_in,
        {"document_type": "address", "photos": [upload(samples.blurred_jpeg)], "anyway": ["0"]},
        "de",
    )
    assert response.status_code == 400
    assert "warum Sie ein Foto senden" in response.json()["errors"]["anyway_note"][0]
    assert Submission.objects.count() == 0 and stored_files(private_root) == []


@pytest.mark.parametrize(
    ("sample", "code"),
    [("small_jpeg", "too_small"), ("polyglot_jpeg", "markup"), ("scan_bomb_jpeg", "too_complex")],
)
def test_only_quality_refusals_can_be_overruled(signed_in, samples, private_root, sample, code):
    response = send(
        signed_in,
        {
            "document_type": "address",
            "photos": [upload(getattr(samples, sample))],
            "anyway": ["0"],
            "anyway_note": "Please take it.",
        },
    )
    assert response.status_code == 400
    assert response.json()["file_errors"][0]["code"] == code
    assert Submission.objects.count() == 0 and stored_files(private_root) == []


def test_without_anyway_a_blurred_page_is_still_refused(signed_in, samples):
    response = send(
        signed_in,
        {"document_type": "address", "photos": [upload(samples.blurred_jpeg)], "anyway_note": "x"},
    )
    assert response.status_code == 400
    assert response.json()["file_errors"][0]["code"] == "blurred"

"""Staff review in the admin: queue, photos, PDF, accept and reject with a reason."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation
from PIL import Image

from documents.models import Submission
from tests.documents.conftest import send_photos, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(client_user, samples):
    return send_photos(
        client_user,
        upload(samples.sharp_jpeg, "1.jpg"),
        upload(samples.sharp_jpeg, "2.jpg"),
        upload(samples.webp, "3.webp"),
    )


def test_queue_lists_and_filters_by_status(staff, submission):
    changelist = reverse("admin:documents_submission_changelist")
    html = staff.get(changelist + "?status__exact=received").content.decode()
    assert submission.reference in html
    html = staff.get(changelist + "?status__exact=accepted").content.decode()
    assert submission.reference not in html


def test_change_page_shows_thumbnails_and_pdf_link(staff, submission):
    html = staff.get(
        reverse("admin:documents_submission_change", args=[submission.pk])
    ).content.decode()
    for photo in submission.photos.all():
        assert photo.get_thumbnail_url() in html
    assert reverse("admin:documents_submission_pdf", args=[submission.pk]) in html
    assert reverse("admin:documents_submission_photo", args=[submission.pk, 1]) in html


def test_change_page_shows_quality_warnings_as_words_in_the_reviewers_language(staff, submission):
    submission.photos.filter(position=2).update(warnings=["glare"])
    with translation.override("de"):
        html = staff.get(
            reverse("admin:documents_submission_change", args=[submission.pk])
        ).content.decode()
    assert "Ein Teil des Fotos ist durch Spiegelung überbelichtet." in html
    assert "[&quot;glare&quot;]" not in html and '["glare"]' not in html


def test_pdf_has_one_page_per_photo(staff, submission):
    response = staff.get(reverse("admin:documents_submission_pdf", args=[submission.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{submission.reference}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert response.content.count(b"/Type /Page") - response.content.count(b"/Type /Pages") == 3


def test_staff_can_open_full_photo(staff, submission):
    response = staff.get(reverse("admin:documents_submission_photo", args=[submission.pk, 2]))
    assert response.status_code == 200
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (1240, 1754)


def test_clients_cannot_reach_admin_views(client, client_user, submission):
    client.force_login(client_user)
    for name, args in (("pdf", [submission.pk]), ("photo", [submission.pk, 1])):
        response = client.get(reverse(f"admin:documents_submission_{name}", args=args))
        assert response.status_code == 302  # to the admin login, never the file
        assert "/admin/login/" in response["Location"]


def test_accept_action(staff, submission, staff_user):
    changelist = reverse("admin:documents_submission_changelist")
    response = staff.post(
        changelist, {"action": "accept_selected", ACTION_CHECKBOX_NAME: [submission.pk]}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.reviewed_by == staff_user and submission.reviewed_at


def reject_selected(staff, submission, **fields):
    """The changelist's "reject" action on the submission (`apply=1` and a reason to apply it)."""
    changelist = reverse("admin:documents_submission_changelist")
    data = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [submission.pk], **fields}
    return staff.post(changelist, data)


def test_reject_action_asks_for_a_reason(staff, submission):
    response = reject_selected(staff, submission)
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED
    message = "Please send the new passport."
    response = reject_selected(staff, submission, apply="1", reason="expired", message=message)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.REJECTED
    assert submission.rejection_reason == "expired"
    assert submission.staff_message == "Please send the new passport."


def test_reject_with_unknown_reason_changes_nothing(staff, submission):
    response = reject_selected(staff, submission, apply="1", reason="nope")
    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED


def test_model_reject_refuses_unknown_reason(submission, staff_user):
    with pytest.raises(ValueError):
        submission.reject(staff_user, "because")


def test_change_form_rejection_needs_a_reason_and_records_the_reviewer(
    staff, submission, staff_user
):
    change = reverse("admin:documents_submission_change", args=[submission.pk])
    photos = {f"photos-{i}-id": str(p.pk) for i, p in enumerate(submission.photos.all())}
    photos.update({f"photos-{i}-submission": str(submission.pk) for i in range(3)})
    photos.update({"photos-TOTAL_FORMS": "3", "photos-INITIAL_FORMS": "3"})

    def reject(reason):
        data = {"status": "rejected", "rejection_reason": reason, "staff_message": "", **photos}
        return staff.post(change, data)

    response = reject("")
    assert response.status_code == 200
    assert "Choose the reason the client will see." in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED
    response = reject("mismatch")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (
        submission.status == Submission.Status.REJECTED
        and submission.rejection_reason == "mismatch"
    )
    assert submission.reviewed_by == staff_user


def test_queue_lists_waiting_submissions_first(staff, submission, client_user, staff_user):
    older_accepted = Submission.objects.create(owner=client_user, document_type="address")
    older_accepted.accept(staff_user)
    Submission.objects.filter(pk=older_accepted.pk).update(
        created_at=submission.created_at.replace(year=2020)
    )
    html = staff.get(reverse("admin:documents_submission_changelist")).content.decode()
    assert html.index(submission.reference) < html.index(older_accepted.reference)

"""Reviewer access by permission, audited photo views, JSON errors, throttle after CSRF (issue 11,
findings 7 and 9)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from documents.models import REVIEWERS_GROUP, PhotoAccess
from tests.documents.conftest import send_photos, upload

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def submission(client_user, samples):
    return send_photos(
        client_user, upload(samples.sharp_jpeg, "1.jpg"), upload(samples.sharp_jpeg, "2.jpg")
    )


def staff_client(django_user_model, name, reviewer):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.com", "pw-staff-123456", is_staff=True
    )
    if reviewer:
        user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    client = Client()
    client.force_login(user)
    return client


def urls(submission):
    return {
        "thumbnail": submission.photos.get(position=1).get_thumbnail_url(),
        "photo": reverse("admin:documents_submission_photo", args=[submission.pk, 1]),
        "pdf": reverse("admin:documents_submission_pdf", args=[submission.pk]),
    }


def test_staff_without_the_reviewers_permission_sees_no_photos(django_user_model, submission):
    other_staff = staff_client(django_user_model, "desk", reviewer=False)
    addresses = urls(submission)
    assert other_staff.get(addresses["thumbnail"]).status_code == 404
    assert other_staff.get(addresses["photo"]).status_code == 403
    assert other_staff.get(addresses["pdf"]).status_code == 403
    assert PhotoAccess.objects.count() == 0


def test_reviewers_see_photos_and_every_view_is_audited(django_user_model, submission, client_user):
    reviewer = staff_client(django_user_model, "rita", reviewer=True)
    for kind, address in urls(submission).items():
        response = reviewer.get(address)
        assert response.status_code == 200, kind
        assert b"".join(response.streaming_content if response.streaming else [response.content])
    rows = list(
        PhotoAccess.objects.order_by("id").values_list(
            "staff_username", "client_username", "reference", "kind", "position"
        )
    )
    assert rows == [
        ("rita", client_user.username, submission.reference, "thumbnail", 1),
        ("rita", client_user.username, submission.reference, "photo", 1),
        ("rita", client_user.username, submission.reference, "pdf", None),
    ]


def test_the_owner_looking_at_their_own_photos_is_not_logged(signed_in, submission):
    assert signed_in.get(urls(submission)["thumbnail"]).status_code == 200
    assert PhotoAccess.objects.count() == 0


def test_the_access_log_is_append_only(django_user_model, submission):
    reviewer = staff_client(django_user_model, "rita", reviewer=True)
    reviewer.get(urls(submission)["pdf"])
    entry = PhotoAccess.objects.get()
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        PhotoAccess.objects.all().delete()
    assert reviewer.get(reverse("admin:documents_photoaccess_changelist")).status_code == 200


# -- JSON clients get JSON for every error -------------------------------------------


def test_json_404_for_someone_elses_photo(other_user, submission):
    client = Client()
    client.force_login(other_user)
    response = client.get(urls(submission)["thumbnail"], **JSON)
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error": "Not found.",
        "errors": {"__all__": ["Not found."]},
    }


def test_json_404_in_german():
    with translation.override("de"):
        address = reverse("documents:submission_detail", args=["DOC-XXXX-XXXX"])
    response = Client().get("/de/nothing-here/", **JSON)
    assert response.status_code == 404
    assert response.json()["error"] == "Nicht gefunden."
    assert address.startswith("/de/")


def test_json_403_when_staff_lacks_the_permission(django_user_model, submission):
    response = staff_client(django_user_model, "desk", reviewer=False).get(
        urls(submission)["pdf"], **JSON
    )
    assert response.status_code == 403
    assert response.json()["ok"] is False


def test_json_403_on_a_failed_csrf_check_and_it_is_not_counted_by_the_throttle(
    client_user, samples, settings
):
    settings.DOCUMENTS_THROTTLE_CHECKS = settings.DOCUMENTS_THROTTLE_SUBMISSIONS = 1
    client = Client(enforce_csrf_checks=True)
    client.force_login(client_user)
    for _ in range(3):
        response = client.post(
            reverse("documents:check"), {"photos": upload(samples.sharp_jpeg)}, **JSON
        )
        assert response.status_code == 403
        assert "expired" in response.json()["error"]
    client.get(reverse("documents:upload"))  # a real page visit sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("documents:check"),
        {"photos": upload(samples.sharp_jpeg)},
        HTTP_X_CSRFTOKEN=token,
        **JSON,
    )
    assert response.status_code == 200  # the three forged attempts used none of the allowance


def test_json_413_when_the_form_has_too_many_fields(signed_in, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    data = {f"field{i}": "x" for i in range(20)}
    response = signed_in.post(reverse("documents:upload"), data, **JSON)
    assert response.status_code == 413
    assert response.json()["ok"] is False

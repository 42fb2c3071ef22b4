"""Retention: photos of reviewed submissions go after DOCUMENTS_RETENTION_DAYS; the record stays."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import Photo, Submission
from tests.documents.conftest import stored_files, upload

pytestmark = pytest.mark.django_db(transaction=True)  # file removal happens on commit


def send(user, samples, count=2):
    client = Client()
    client.force_login(user)
    files = [upload(samples.sharp_jpeg, f"{i}.jpg") for i in range(count)]
    client.post(reverse("documents:upload"), {"document_type": "address", "photos": files})
    return Submission.objects.latest("created_at")


def reviewed(submission, staff, days_ago, accept=True):
    submission.accept(staff) if accept else submission.reject(staff, "illegible")
    Submission.objects.filter(pk=submission.pk).update(
        reviewed_at=F("reviewed_at") - timedelta(days=days_ago)
    )


def test_photos_past_retention_are_deleted_and_the_record_stays(
    client_user, staff_user, samples, private_root
):
    old = send(client_user, samples)
    reviewed(old, staff_user, days_ago=91)
    recent = send(client_user, samples)
    reviewed(recent, staff_user, days_ago=89, accept=False)
    waiting = send(client_user, samples)
    Submission.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=400))
    files_before = len(private_root.private_names())
    out = io.StringIO()
    call_command("documents_purge_photos", stdout=out)
    assert out.getvalue().startswith("2 photo(s) of 1 submission(s)")
    old.refresh_from_db()
    assert (
        old.photos_deleted_at is not None
        and old.status == "accepted"
        and old.reviewed_by == staff_user
    )
    assert not Photo.objects.filter(submission=old).exists()
    assert (
        Photo.objects.filter(submission__in=[recent, waiting]).count() == 4
    )  # not reviewed long enough / not reviewed
    assert len(private_root.private_names()) == files_before - 4  # image + thumbnail of two photos
    call_command("documents_purge_photos", stdout=io.StringIO())  # again: nothing more
    assert Photo.objects.count() == 4


def test_retention_period_is_configurable(client_user, staff_user, samples, private_root, settings):
    settings.DOCUMENTS_RETENTION_DAYS = 10
    submission = send(client_user, samples, count=1)
    reviewed(submission, staff_user, days_ago=11)
    call_command("documents_purge_photos", stdout=io.StringIO())
    assert not Photo.objects.exists()
    assert stored_files(private_root) == []


def test_client_sees_that_the_photos_were_deleted(client_user, staff_user, samples, private_root):
    submission = send(client_user, samples, count=1)
    reviewed(submission, staff_user, days_ago=100)
    call_command("documents_purge_photos", stdout=io.StringIO())
    client = Client()
    client.force_login(client_user)
    for lang, words in (("en", "The photos were deleted"), ("de", "Fotos wurden")):
        response = client.get(f"/{lang}/documents/submissions/{submission.reference}/")
        assert response.status_code == 200
        assert words in response.content.decode()

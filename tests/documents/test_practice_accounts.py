"""Uploads are for client accounts: a practice account's upload is refused under production
settings, allowed in development, marked, and purged after a day."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import Submission
from securelogin.account_kinds import mark_practice
from tests.documents.conftest import stored_files, upload

pytestmark = pytest.mark.django_db(transaction=True)  # file removal happens on commit
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def practice_user(django_user_model):
    user = django_user_model.objects.create_user("demo-ios", "demo@example.com", "pw-demo-123456")
    mark_practice(user)
    return user


def send(user, samples, **extra):
    client = Client()
    client.force_login(user)
    photos = [upload(samples.sharp_jpeg, "0.jpg")]
    return client.post(
        reverse("documents:upload"), {"document_type": "address", "photos": photos}, **extra
    )


def test_a_client_accounts_upload_is_accepted_under_production_settings(
    client_user, samples, settings
):
    settings.PRACTICE_ACCOUNTS_MAY_UPLOAD = False
    result = send(client_user, samples)
    assert result.status_code == 302
    assert Submission.objects.get().owner == client_user


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", "Practice accounts cannot send documents"),
        ("de", "Übungskonten können hier keine Dokumente senden"),
    ],
)
def test_a_practice_accounts_upload_is_refused_under_production_settings(
    practice_user, samples, settings, private_root, lang, words
):
    settings.PRACTICE_ACCOUNTS_MAY_UPLOAD = False
    client = Client()
    client.force_login(practice_user)
    page = client.get(f"/{lang}/documents/")
    assert page.status_code == 403 and words in page.content.decode()
    assert b'id="practice-account"' in page.content  # the banner says which account this is
    assert send(practice_user, samples).status_code == 403
    refused = send(practice_user, samples, **JSON)
    assert refused.status_code == 403 and refused.json()["ok"] is False
    check = client.post(reverse("documents:check"), {"photo": upload(samples.sharp_jpeg)}, **JSON)
    assert check.status_code == 403
    assert not Submission.objects.exists() and stored_files(private_root) == []


def test_production_turns_practice_uploads_off_whatever_the_environment_says():
    import secrets
    import subprocess
    import sys

    from tests.test_project import ROOT, production_env

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PRACTICE_ACCOUNTS_MAY_UPLOAD)"
    )
    env = production_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60), PRACTICE_ACCOUNTS_MAY_UPLOAD="1"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr[-2000:]


def test_practice_submissions_are_marked_and_purged_after_a_day(
    practice_user, client_user, staff_user, samples, settings, private_root
):
    settings.PRACTICE_ACCOUNTS_MAY_UPLOAD = True
    assert send(practice_user, samples).status_code == 302
    practice = Submission.objects.get(owner=practice_user)
    send(client_user, samples)
    real = Submission.objects.get(owner=client_user)
    staff = Client()
    staff.force_login(staff_user)
    listing = staff.get("/en/admin/documents/submission/?account_kind=practice")
    assert (
        practice.reference in listing.content.decode()
        and real.reference not in listing.content.decode()
    )

    out = io.StringIO()
    call_command("documents_purge_photos", stdout=out)
    assert "0 practice submission(s) deleted" in out.getvalue()  # not a day old yet
    Submission.objects.filter(pk=practice.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    Submission.objects.filter(pk=real.pk).update(created_at=timezone.now() - timedelta(days=30))
    files_before = len(private_root.private_names())
    out = io.StringIO()
    call_command("documents_purge_photos", stdout=out)
    assert "1 practice submission(s) deleted" in out.getvalue()
    assert list(Submission.objects.all()) == [real]
    assert 0 < len(private_root.private_names()) < files_before

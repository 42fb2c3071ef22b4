import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.documents import images
from tests.stores import FileStores, isolated_file_stores


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path, monkeypatch) -> FileStores:
    """Each test gets its own private and public file stores (folders, or key prefixes in the
    S3 buckets) and staging folder, so leftovers can be counted."""
    return isolated_file_stores(settings, tmp_path, monkeypatch)


@pytest.fixture
def staging(tmp_path):
    """An empty staging folder of the test's own (for imaging.process_photo)."""
    path = tmp_path / "staging"
    path.mkdir()
    return path


def stored_files(stores: FileStores):
    """Every private object (staging included): what a failed request must not leave behind."""
    return stores.private_names() + stores.staging_names()


class Samples:
    """Generated images, each made once per test session."""

    def __init__(self):
        self._cache = {}

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._cache:
            value = getattr(images, name)
            self._cache[name] = value() if callable(value) else value
        return self._cache[name]


@pytest.fixture(scope="session")
def samples():
    return Samples()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def open_image(data):
    from PIL import Image

    return Image.open(io.BytesIO(data))


@pytest.fixture
def client_user(django_user_model):
    return django_user_model.objects.create_user("anna", "anna@example.com", "pw-anna-123456")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user("bert", "bert@example.com", "pw-bert-123456")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        "clara", "clara@example.com", "pw-clara-123456"
    )


@pytest.fixture
def staff(client, staff_user):
    """The test client, signed in as the superuser."""
    client.force_login(staff_user)
    return client


def send_photos(user, *files, document_type="identity"):
    """The user sends these photos from the upload page; returns the one submission stored."""
    from django.test import Client
    from django.urls import reverse

    from documents.models import Submission

    client = Client()
    client.force_login(user)
    client.post(reverse("documents:upload"), {"document_type": document_type, "photos": files})
    return Submission.objects.get()


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture(autouse=True)
def english():
    """Requests activate their URL's language in this thread; start every test in English."""
    from django.utils import translation

    with translation.override("en"):
        yield

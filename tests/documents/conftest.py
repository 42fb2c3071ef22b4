import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.documents import images


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Each test gets its own private and public media roots, so leftovers can be counted."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


def stored_files(root):
    """Every file below a root (staging included)."""
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


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
    return django_user_model.objects.create_superuser("clara", "clara@example.com", "pw-clara-123456")


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

"""Public media come from the public store (folder or S3 bucket); private files never get a URL."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from tests.stores import isolated_file_stores

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_stores(settings, tmp_path, monkeypatch):
    return isolated_file_stores(settings, tmp_path, monkeypatch)


def test_a_figure_is_served_from_the_public_store(client, file_stores):
    name = file_stores.public.save("figures/test-figure.png", ContentFile(b"\x89PNG fake bytes"))
    url = file_stores.public.url(name)
    assert url == f"/media/{name}"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake bytes"
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    "path",
    [
        "figures/missing.png",
        "../private-media/x.jpg",
        "figures/../../etc/passwd",
        "figures/%00.png",
    ],
)
def test_missing_or_crafted_media_paths_are_404(client, file_stores, path):
    assert client.get(f"/media/{path}").status_code == 404


def test_private_files_have_no_url(file_stores):
    name = file_stores.private.save("documents/ab/secret.jpg", ContentFile(b"jpeg"))
    with pytest.raises(ValueError):
        file_stores.private.url(name)
    assert name in file_stores.private_names()
    assert storages["private"] is file_stores.private

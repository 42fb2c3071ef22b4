"""All or nothing on the wire (issue 11, finding 4): a body that does not arrive whole stores
nothing.

The bodies are sent as a client would on a broken connection: cut inside the
second photo, cut exactly between the two photos, or complete but with a
Content-Length that stops short of its end (a lying client).
"""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation

from documents import storage
from tests.documents.conftest import stored_files, upload

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def url(name, lang="en"):
    with translation.override(lang):
        return reverse(f"documents:{name}")


def body_of(samples):
    photos = [upload(samples.sharp_jpeg, "a.jpg"), upload(samples.sharp_jpeg, "b.jpg")]
    return encode_multipart(BOUNDARY, {"document_type": "address", "photos": photos})


def send(client, body, length, lang="en", **extra):
    return client.generic(
        "POST",
        url("upload", lang),
        body,
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": io.BytesIO(body)},
        **extra,
    )


def between_photos(body):
    second = body.index(b'filename="b.jpg"')
    return body.rindex(b"--" + BOUNDARY.encode(), 0, second)


def assert_nothing_stored(stores):
    from documents.models import Photo, Submission

    assert Submission.objects.count() == 0 and Photo.objects.count() == 0
    assert stored_files(stores) == []


@pytest.mark.parametrize(
    "where", ["inside the second photo", "between the photos", "before the closing boundary"]
)
def test_body_cut_short_stores_nothing_and_says_so(signed_in, samples, private_root, where):
    body = body_of(samples)
    cut = {
        "inside the second photo": len(body) - len(samples.sharp_jpeg) // 2,
        "between the photos": between_photos(body),
        "before the closing boundary": len(body) - 10,
    }[where]
    response = send(signed_in, body[:cut], len(body))  # the connection ended early
    assert response.status_code == 400
    assert "interrupted before all photos arrived" in response.content.decode()
    assert_nothing_stored(private_root)


def test_short_lying_content_length_stores_nothing(signed_in, samples, private_root):
    body = body_of(samples)
    response = send(signed_in, body, between_photos(body) + 40, **JSON)  # claims less than it sends
    assert response.status_code == 400
    assert response.json()["code"] == "interrupted"
    assert_nothing_stored(private_root)


def test_interrupted_message_is_german_on_the_german_page(signed_in, samples, private_root):
    body = body_of(samples)
    response = send(signed_in, body[: between_photos(body)], len(body), lang="de")
    assert response.status_code == 400
    assert "unterbrochen" in response.content.decode()


def test_whole_body_is_still_accepted(signed_in, samples, private_root):
    body = body_of(samples)
    response = send(signed_in, body, len(body), **JSON)
    assert response.status_code == 201
    assert len(response.json()["photos"]) == 2


def test_large_uploads_are_written_to_the_staging_folder(
    signed_in, samples, private_root, settings, monkeypatch
):
    """Not the system temp folder: the cleaning command must be able to find what a killed worker
    left."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    from documents import services

    seen = []
    real = services.process_all

    def spy(uploads, *args):
        seen.extend(os.path.dirname(item.temporary_file_path()) for item in uploads)
        return real(uploads, *args)

    monkeypatch.setattr(services, "process_all", spy)
    body = body_of(samples)
    assert send(signed_in, body, len(body), **JSON).status_code == 201
    assert seen == [str(storage.upload_dir())] * 2
    assert list(storage.upload_dir().iterdir()) == []  # and gone after the request


def test_clean_staging_empties_every_scratch_folder(private_root):
    old = time.time() - 7200
    leftovers = [
        storage.upload_dir() / "tmpab12.upload.jpg",
        storage.staging_dir() / "doc-x.jpg",
        storage.staging_dir().parent / "renditions" / "renditions-x" / "480.webp",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        os.utime(path, (old, old))
    os.utime(leftovers[2].parent, (old, old))
    fresh = storage.upload_dir() / "tmpcd34.upload.jpg"
    fresh.write_bytes(b"y")
    out = io.StringIO()
    call_command("documents_clean_staging", "--older-than", "60", stdout=out)
    assert [path.exists() for path in leftovers] == [False, False, False]
    assert not leftovers[2].parent.exists()
    assert fresh.exists() and storage.upload_dir().exists()
    assert out.getvalue().startswith("3 ")

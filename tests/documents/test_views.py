"""The Send documents page and JSON endpoint, My submissions, thumbnails: permissions and bad
input."""

import errno
import io
import json
from unittest import mock

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation

from documents.models import Photo, Submission
from portal import sandbox
from tests.documents.conftest import open_image, stored_files, upload

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"documents:{name}", kwargs=kwargs or None)


def post_photos(client, files, lang="en", document_type="address", note="", **extra):
    data = {"document_type": document_type, "note": note, "photos": files}
    return client.post(url("upload", lang), data, **extra)


def assert_nothing_stored(root):
    assert Submission.objects.count() == 0
    assert Photo.objects.count() == 0
    assert stored_files(root) == []


# -- the page ---------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(url("upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("securelogin:signin"))


def test_anonymous_json_gets_401(client):
    response = client.post(url("upload"), {}, **JSON)
    assert response.status_code == 401
    assert response.json()["ok"] is False


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Send documents"), ("de", "Dokumente senden")]
)
def test_page_has_plain_form_with_camera_and_file_inputs(signed_in, lang, heading):
    response = signed_in.get(url("upload", lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert html.count('name="photos"') == 2
    with translation.override(lang):
        assert reverse("articles:article", kwargs={"slug": "photograph-documents"}) in html
    assert "documents/upload.js" in html
    assert "<script>" not in html  # CSP: only the JSON data block and the static file
    assert 'type="application/json"' in html


# -- a good submission --------------------------------------------------------


def test_plain_form_submission_redirects_to_reference(
    signed_in, client_user, samples, private_root, settings
):
    files = [
        upload(samples.sharp_jpeg, "p1.jpg"),
        upload(samples.glare_jpeg, "p2.jpg"),
        upload(samples.heic, "p3.heic"),
    ]
    response = post_photos(signed_in, files)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()
    assert submission.owner == client_user
    assert submission.status == Submission.Status.RECEIVED
    assert len(submission.reference) == 13 and submission.reference.startswith("DOC-")
    photos = list(submission.photos.all())
    assert [p.position for p in photos] == [1, 2, 3]
    assert photos[1].warnings == ["glare"]
    assert photos[2].source_format == "HEIF"
    # files under random names in private storage, nothing in public media or staging
    files_now = stored_files(private_root)
    assert len(files_now) == 6
    assert all(name.startswith("documents/") and "p1" not in name for name in files_now)
    assert private_root.public_names() == []
    with pytest.raises(ValueError):
        _ = photos[0].image.url
    page = signed_in.get(response["Location"])
    assert submission.reference in page.content.decode()
    assert "Part of the photo is washed out by glare." in page.content.decode()


def test_json_submission_answers_with_reference(signed_in, samples):
    response = post_photos(
        signed_in, [upload(samples.sharp_jpeg)], HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 201
    body = response.json()
    submission = Submission.objects.get()
    assert body["ok"] is True
    assert body["reference"] == submission.reference
    assert body["url"] == submission.get_absolute_url()
    assert body["photos"][0]["warnings"] == []
    assert body["photos"][0]["thumbnail_url"].endswith("/photos/1/thumbnail.jpg")
    page = signed_in.get(body["url"])  # where the script goes next: it thanks the client too
    assert (
        f"Thank you. Your photos were received. Your reference is {submission.reference}."
        in page.content.decode()
    )


def test_without_javascript_a_form_error_says_the_photos_must_be_chosen_again(
    signed_in, samples, private_root
):
    response = post_photos(
        signed_in, [upload(samples.sharp_jpeg)], lang="de", document_type="other"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Teilen Sie uns mit, welches Dokument Sie senden." in html
    assert "wählen Sie Ihre Fotos danach erneut aus" in html
    assert_nothing_stored(private_root)


def test_other_document_needs_a_note(signed_in, samples, private_root):
    response = post_photos(signed_in, [upload(samples.sharp_jpeg)], document_type="other", **JSON)
    assert response.status_code == 400
    assert "note" in response.json()["errors"]
    assert_nothing_stored(private_root)
    response = post_photos(
        signed_in, [upload(samples.sharp_jpeg)], document_type="other", note="Tax form", **JSON
    )
    assert response.status_code == 201
    assert Submission.objects.get().note == "Tax form"


# -- bad inputs: a clear translated error and nothing left behind ------------

BAD = [
    ("empty", b"", "empty.jpg", "empty"),
    ("text", "TEXT_AS_JPEG", "passport.jpg", "not_image"),
    ("truncated", "truncated_jpeg", "page.jpg", "damaged"),
    ("bomb", "bomb_png", "page.png", "too_many_pixels_unknown"),
    ("gif", "animated_gif", "page.gif", "unsupported"),
    ("svg", "SVG_WITH_SCRIPT", "page.svg", "unsupported"),
    ("polyglot", "polyglot_jpeg", "page.jpg", "markup"),
    ("blurred", "blurred_jpeg", "page.jpg", "blurred"),
    ("small", "small_jpeg", "page.jpg", "too_small"),
]


@pytest.mark.parametrize(("label", "sample", "name", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_refuses_whole_submission_with_per_file_error(
    signed_in, samples, private_root, label, sample, name, code
):
    data = sample if isinstance(sample, bytes) else getattr(samples, sample)
    files = [upload(samples.sharp_jpeg, "good.jpg"), upload(data, name)]
    response = post_photos(signed_in, files, **JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert [(e["index"], e["name"], e["code"]) for e in body["file_errors"]] == [(1, name, code)]
    assert body["file_errors"][0]["message"] and body["file_errors"][0]["advice"]
    assert_nothing_stored(private_root)


def test_errors_are_translated(signed_in, samples, private_root):
    response = post_photos(signed_in, [upload(samples.blurred_jpeg)], lang="de", **JSON)
    error = response.json()["file_errors"][0]
    assert error["message"] == "Das Foto ist unscharf, der Text ist so vielleicht nicht lesbar."
    assert "ruhig" in error["advice"]
    response = post_photos(signed_in, [upload(samples.dark_jpeg)], lang="de", **JSON)
    assert "gleichmäßiges Licht ohne Schatten" in response.json()["file_errors"][0]["advice"]
    assert_nothing_stored(private_root)


def test_plain_form_shows_per_file_errors(signed_in, samples, private_root):
    response = post_photos(
        signed_in, [upload(samples.sharp_jpeg, "a.jpg"), upload(samples.blurred_jpeg, "b.jpg")]
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Photo 2 (b.jpg):" in html
    assert "The photo is blurred" in html and "Hold the phone still" in html
    assert "choose your photos again" in html
    assert_nothing_stored(private_root)


def test_eleven_files_are_refused(signed_in, samples, private_root):
    files = [upload(samples.sharp_jpeg, f"p{i}.jpg") for i in range(11)]
    with mock.patch("documents.imaging.process_photo") as process:
        response = post_photos(signed_in, files, lang="de", **JSON)
    process.assert_not_called()
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [
        "Sie können höchstens 10 Fotos in einer Einreichung schicken; Sie haben 11 hinzugefügt."
    ]
    assert_nothing_stored(private_root)


def test_no_files_is_refused(signed_in, private_root):
    response = post_photos(signed_in, [], **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == ["Add at least one photo."]


def test_file_over_the_limit_is_not_even_stored_by_the_upload_handler(
    signed_in, samples, private_root, settings
):
    settings.DOCUMENTS_MAX_FILE_BYTES = 100_000
    big = samples.sharp_jpeg
    assert len(big) > 100_000
    response = post_photos(signed_in, [upload(big, "big.jpg")], **JSON)
    assert response.status_code == 400
    error = response.json()["file_errors"][0]
    assert (error["index"], error["name"], error["code"]) == (0, "big.jpg", "too_large")
    assert error["message"] == "The file is larger than 0.1 MB."
    assert_nothing_stored(private_root)


def test_body_far_over_the_limit_is_refused_before_reading(signed_in, private_root, settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 1000
    response = signed_in.post(
        url("upload"), b"x" * 1_100_000, content_type="application/octet-stream", **JSON
    )
    assert response.status_code == 413
    assert_nothing_stored(private_root)


def test_missing_csrf_token_is_refused(client_user, samples, private_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(client_user)
    response = post_photos(client, [upload(samples.sharp_jpeg)])
    assert response.status_code == 403
    assert_nothing_stored(private_root)


def test_full_disk_while_storing_leaves_nothing(signed_in, samples, private_root):
    store = private_root.private
    real_save = store._save
    calls = []

    def save(name, content):
        calls.append(name)
        if len(calls) == 3:  # the second photo's image: the first photo is already stored
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(name, content)

    files = [upload(samples.sharp_jpeg, "a.jpg"), upload(samples.sharp_jpeg, "b.jpg")]
    with mock.patch.object(store, "_save", side_effect=save):
        response = post_photos(signed_in, files, **JSON)
    assert response.status_code == 503
    assert "Nothing was sent" in response.json()["errors"]["__all__"][0]
    assert len(calls) == 3
    assert_nothing_stored(private_root)


def test_full_disk_while_writing_to_staging_leaves_nothing(
    signed_in, samples, private_root, settings
):
    """The second photo's child cannot write its files (RLIMIT_FSIZE standing in for a full
    disk)."""
    real_run = sandbox.run
    calls = []

    def run(module, params, source, file_bytes=None):
        calls.append(module)
        return real_run(
            module, params, source, file_bytes=1000 if len(calls) == 2 else 64 * 1024 * 1024
        )

    files = [upload(samples.sharp_jpeg, "a.jpg"), upload(samples.sharp_jpeg, "b.jpg")]
    with mock.patch("documents.imaging.sandbox.run", side_effect=run):
        response = post_photos(signed_in, files)
    assert len(calls) == 2
    assert response.status_code == 503
    assert "Nothing was sent" in response.content.decode()
    assert_nothing_stored(private_root)


def test_database_error_removes_moved_files(signed_in, samples, private_root):
    from django.db import DatabaseError

    with (
        mock.patch("documents.services.Photo.objects.create", side_effect=DatabaseError("boom")),
        pytest.raises(DatabaseError),
    ):
        post_photos(signed_in, [upload(samples.sharp_jpeg)])
    assert_nothing_stored(private_root)


def test_cancelled_upload_leaves_nothing(signed_in, samples, private_root):
    body = encode_multipart(
        BOUNDARY, {"document_type": "address", "photos": [upload(samples.sharp_jpeg)]}
    )
    cut = body[: len(body) // 2]  # the phone lost its connection half-way
    response = signed_in.generic(
        "POST",
        url("upload"),
        cut,
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": io.BytesIO(cut)},
    )
    assert response.status_code in (400, 403)
    assert_nothing_stored(private_root)


# -- the instant check ----------------------------------------------------------


def test_check_accepts_good_photo_and_stores_nothing(signed_in, samples, private_root):
    response = signed_in.post(url("check"), {"photos": upload(samples.glare_jpeg)}, **JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert [w["code"] for w in body["warnings"]] == ["glare"]
    assert_nothing_stored(private_root)


def test_check_refuses_blurred_photo_in_german(signed_in, samples, private_root):
    response = signed_in.post(url("check", "de"), {"photos": upload(samples.blurred_jpeg)}, **JSON)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "blurred"
    assert response.json()["error"]["message"].startswith("Das Foto ist unscharf")
    assert_nothing_stored(private_root)


def test_check_needs_exactly_one_file(signed_in, samples):
    response = signed_in.post(
        url("check"), {"photos": [upload(samples.sharp_jpeg), upload(samples.sharp_jpeg)]}, **JSON
    )
    assert response.status_code == 400


# -- my submissions and permissions -------------------------------------------------


@pytest.fixture
def submission(signed_in, samples):
    post_photos(signed_in, [upload(samples.sharp_jpeg), upload(samples.sharp_jpeg)])
    return Submission.objects.get()


def test_list_shows_own_submissions_with_status(signed_in, submission, other_user):
    theirs = Submission.objects.create(owner=other_user, document_type="identity")
    response = signed_in.get(url("submission_list", "de"))
    html = response.content.decode()
    assert submission.reference in html
    assert "Eingegangen, wartet auf Prüfung" in html
    assert "Adressnachweis" in html and "2 Seiten" in html
    assert theirs.reference not in html


def test_owner_sees_thumbnails(signed_in, submission):
    photo = submission.photos.first()
    response = signed_in.get(photo.get_thumbnail_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    image = open_image(b"".join(response.streaming_content))
    assert max(image.size) == 480


def test_other_client_gets_404_everywhere(client, other_user, submission):
    client.force_login(other_user)
    assert client.get(submission.get_absolute_url()).status_code == 404
    assert client.get(submission.photos.first().get_thumbnail_url()).status_code == 404
    assert client.get(url("submission_detail", reference="DOC-XXXX-XXXX")).status_code == 404


def test_staff_can_fetch_thumbnails(client, staff_user, submission):
    client.force_login(staff_user)
    assert client.get(submission.photos.first().get_thumbnail_url()).status_code == 200


def test_rejected_submission_shows_translated_reason(signed_in, submission, staff_user):
    submission.reject(staff_user, "incomplete", "Bitte auch die Rückseite.")
    html = signed_in.get(
        url("submission_detail", "de", reference=submission.reference)
    ).content.decode()
    assert "Abgelehnt" in html
    assert "Eine Seite oder ein Teil des Dokuments fehlt." in html
    assert "Bitte auch die Rückseite." in html
    html = signed_in.get(
        url("submission_detail", "en", reference=submission.reference)
    ).content.decode()
    assert "A page or part of the document is missing." in html


def test_deleting_a_submission_removes_its_files(
    submission, private_root, django_capture_on_commit_callbacks
):
    assert len(stored_files(private_root)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        submission.delete()
    assert stored_files(private_root) == []


def test_reference_format():
    from documents.models import REFERENCE_ALPHABET, new_reference

    references = {new_reference() for _ in range(200)}
    assert len(references) == 200
    for reference in references:
        prefix, a, b = reference.split("-")
        assert prefix == "DOC" and len(a) == len(b) == 4
        assert set(a + b) <= set(REFERENCE_ALPHABET)
        assert not set(a + b) & set("01ILOU")


def test_json_texts_for_script_are_valid(signed_in):
    html = signed_in.get(url("upload", "de")).content.decode()
    start = html.index('<script id="upload-texts" type="application/json">') + len(
        '<script id="upload-texts" type="application/json">'
    )
    texts = json.loads(html[start : html.index("</script>", start)])
    assert texts["remove"] == "Entfernen"
    assert texts["max"] == 10


def test_checks_are_throttled_per_client(signed_in, samples, settings):
    settings.DOCUMENTS_THROTTLE_CHECKS, settings.DOCUMENTS_THROTTLE_SUBMISSIONS = 2, 1
    settings.DOCUMENTS_THROTTLE_WINDOW_SECONDS = 60
    for _ in range(2):
        assert (
            signed_in.post(url("check"), {"photos": upload(samples.small_jpeg)}, **JSON).status_code
            == 422
        )
    response = signed_in.post(url("check", "de"), {"photos": upload(samples.small_jpeg)}, **JSON)
    assert response.status_code == 429
    assert "warten" in response.json()["error"]
    assert post_photos(signed_in, [upload(samples.small_jpeg)], **JSON).status_code == 400
    assert post_photos(signed_in, [upload(samples.small_jpeg)], **JSON).status_code == 429


def test_clean_staging_removes_only_old_files(private_root):
    import os
    import time

    from django.core.management import call_command

    from documents import storage

    old = storage.staging_dir() / "doc-old.jpg"
    new = storage.staging_dir() / "doc-new.jpg"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    out = io.StringIO()
    call_command("documents_clean_staging", "--older-than", "60", stdout=out)
    assert not old.exists() and new.exists()
    assert out.getvalue().startswith("1 ")


def test_oversized_file_among_good_ones_is_reported_at_its_position(
    signed_in, samples, private_root, settings
):
    settings.DOCUMENTS_MAX_FILE_BYTES = len(samples.sharp_jpeg) + 10
    big = samples.sharp_jpeg + b"\0" * 100  # 90 bytes over the limit
    files = [
        upload(samples.sharp_jpeg, "a.jpg"),
        upload(big, "b.jpg"),
        upload(samples.sharp_jpeg, "c.jpg"),
    ]
    response = post_photos(signed_in, files, **JSON)
    assert response.status_code == 400
    assert [(e["index"], e["name"], e["code"]) for e in response.json()["file_errors"]] == [
        (1, "b.jpg", "too_large")
    ]
    assert_nothing_stored(private_root)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The document is rather small in the photo (about 240 dpi)"),
        ("de", "240 dpi"),
    ],
)
def test_the_submission_page_repeats_every_warning_of_its_photos(
    signed_in, client_user, language, expected
):
    from documents.models import Photo, Submission

    submission = Submission.objects.create(owner=client_user, document_type="address")
    Photo.objects.create(
        submission=submission,
        position=1,
        width=2480,
        height=3508,
        source_format="JPEG",
        warnings=["low_resolution", "bright"],
        scores={"dpi": 240, "min_dpi": 200},
    )
    page = signed_in.get(f"/{language}{submission.get_absolute_url()[3:]}").content.decode()
    assert expected in page
    assert page.count('class="warning"') == 2


def test_opening_the_page_starts_the_decoders_fork_server_ahead(signed_in):
    """The server imports Pillow, numpy and OpenCV while the client chooses photos."""
    stopped = sandbox._servers.pop("documents.decoding", None)
    if stopped is not None:
        stopped.stop()
    assert signed_in.get(url("upload")).status_code == 200
    assert sandbox._servers["documents.decoding"].alive()

"""Staff ask a client for a document; the client sees it and a submission fulfils it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from documents.models import REVIEWERS_GROUP, DocumentRequest, Submission
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user(
        "rita", "rita@example.com", "pw-rita-123456", is_staff=True
    )
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def ask(
    owner, staff, document_type="address", days=7, message="The last page of your utility bill."
):
    return DocumentRequest.objects.create(
        owner=owner,
        created_by=staff,
        document_type=document_type,
        message=message,
        due_date=timezone.localdate() + timedelta(days=days),
    )


def test_a_reviewer_asks_for_a_document_in_the_admin(reviewer, client_user):
    add = reverse("admin:documents_documentrequest_add")
    page = reviewer.get(add)
    assert page.status_code == 200
    assert f'value="{client_user.pk}"' in page.content.decode()
    assert f'value="{reviewer.user.pk}"' not in page.content.decode()  # staff are not clients
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    assert f'name="due_date" value="{due}"' in page.content.decode()  # proposed: two weeks
    response = reviewer.post(
        add,
        {
            "owner": client_user.pk,
            "document_type": "identity",
            "page_format": "id_card",
            "message": "Both sides of your ID card.",
            "due_date": due,
        },
    )
    assert response.status_code == 302
    request = DocumentRequest.objects.get()
    assert (request.owner, request.created_by, request.is_open) == (
        client_user,
        reviewer.user,
        True,
    )
    assert request.page_format == "id_card"  # the client's photos are judged for an ID card


def test_staff_see_outstanding_and_overdue(reviewer, client_user, other_user):
    late = ask(client_user, reviewer.user, days=-2)
    ask(other_user, reviewer.user, days=5)
    changelist = reverse("admin:documents_documentrequest_changelist")
    overdue = reviewer.get(changelist + "?state=overdue").content.decode()
    assert overdue.count('class="overdue"') == 1 and client_user.username in overdue
    assert other_user.username not in overdue
    assert list(DocumentRequest.objects.overdue()) == [late]
    assert DocumentRequest.objects.open().count() == 2


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "please send by"), ("de", "bitte senden Sie bis")]
)
def test_client_sees_open_requests_on_the_portal_home_and_the_documents_pages(
    signed_in, client_user, staff_user, lang, words
):
    ask(client_user, staff_user)
    with translation.override(lang):
        pages = [
            reverse("securelogin:home"),
            reverse("documents:upload"),
            reverse("documents:submission_list"),
        ]
    for page in pages:
        html = signed_in.get(page).content.decode()
        assert 'id="open-requests"' in html, page
        assert words in html
        assert "The last page of your utility bill." in html


def test_overdue_request_is_marked_for_the_client(signed_in, client_user, staff_user):
    ask(client_user, staff_user, days=-1)
    assert "overdue since" in signed_in.get(reverse("documents:upload")).content.decode()


def test_other_clients_do_not_see_my_requests(client, other_user, client_user, staff_user):
    ask(client_user, staff_user)
    client.force_login(other_user)
    assert 'id="open-requests"' not in client.get(reverse("documents:upload")).content.decode()


def test_sending_the_requested_document_fulfils_the_request(
    signed_in, client_user, staff_user, samples
):
    wanted = ask(client_user, staff_user, document_type="identity")
    page = signed_in.get(wanted.get_send_url()).content.decode()
    assert f'name="request" value="{wanted.pk}"' in page
    assert "You are answering this request now." in page
    response = signed_in.post(
        reverse("documents:upload"),
        {"request": wanted.pk, "document_type": "identity", "photos": [upload(samples.sharp_jpeg)]},
        **JSON,
    )
    assert response.status_code == 201
    wanted.refresh_from_db()
    assert wanted.fulfilled_by == Submission.objects.get()
    assert 'id="open-requests"' not in signed_in.get(reverse("documents:upload")).content.decode()


def test_a_submission_of_the_requested_type_fulfils_the_oldest_open_request(
    signed_in, client_user, staff_user, samples
):
    first = ask(client_user, staff_user, document_type="address", days=3)
    second = ask(client_user, staff_user, document_type="address", days=9)
    other = ask(client_user, staff_user, document_type="identity")
    signed_in.post(
        reverse("documents:upload"),
        {"document_type": "address", "photos": [upload(samples.sharp_jpeg)]},
    )
    for item in (first, second, other):
        item.refresh_from_db()
    assert (first.is_open, second.is_open, other.is_open) == (False, True, True)


def test_someone_elses_or_an_answered_request_is_refused_and_nothing_is_stored(
    client, other_user, client_user, staff_user, samples, private_root
):
    theirs = ask(client_user, staff_user)
    client.force_login(other_user)
    response = client.post(
        reverse("documents:upload"),
        {"request": theirs.pk, "document_type": "address", "photos": [upload(samples.sharp_jpeg)]},
        **JSON,
    )
    assert response.status_code == 400
    assert "already been answered or is not yours" in response.json()["errors"]["request"][0]
    assert Submission.objects.count() == 0
    theirs.refresh_from_db()
    assert theirs.is_open


def test_a_refused_photo_leaves_the_request_open(signed_in, client_user, staff_user, samples):
    wanted = ask(client_user, staff_user)
    response = signed_in.post(
        reverse("documents:upload"),
        {
            "request": wanted.pk,
            "document_type": "address",
            "photos": [upload(samples.blurred_jpeg)],
        },
        **JSON,
    )
    assert response.status_code == 400
    wanted.refresh_from_db()
    assert wanted.is_open

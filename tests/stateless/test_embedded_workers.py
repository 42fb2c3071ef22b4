"""The embedded set-up's shape: one node, two gunicorn worker processes (on SQLite exactly `make
run`).

Nothing the workers must agree on may live in one worker's memory: the content version of
the page cache, the upload throttle, the wrong-password counter of an account without a
device. Every request of these journeys goes to the other worker than the one before
(workers.AlternatingWorkers), and gunicorn's access log confirms that each worker served
its half.
"""

import pytest
from django.core.cache import cache

from documents import throttle
from securelogin import limits
from securelogin.conf import app_settings
from securelogin.models import AuditEvent, SecurityDevice
from tests.form_data import form_data
from tests.securelogin.helpers import PASSWORD, make_client
from tests.stateless.journeys import post_password, problem_code, sign_in_with_device, staff_visitor
from tests.stateless.nodes import Visitor, start_node
from tests.stateless.workers import AccessLog, AlternatingWorkers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workers(tmp_path):
    """The embedded node with two workers; every request of the test goes to each worker in turn."""
    log = AccessLog(tmp_path / "access.log")
    node = start_node("embedded", workers=2, GUNICORN_CMD_ARGS=log.gunicorn_args)
    try:
        with AlternatingWorkers(node, log) as alternating:
            yield alternating
    finally:
        node.stop()


def assert_served_by_both(workers, first):
    """The requests since number `first` were served half by one worker, half by the other."""
    count, served = workers.sent - first, workers.served_since(first)
    assert sorted(served.values()) == [count // 2, count - count // 2], (
        f"requests served per worker: {served}"
    )


def test_every_load_after_a_staff_edit_shows_it_on_both_workers(workers, make_article):
    node = workers.node
    article = make_article(title_en="Title before the edit")
    url = f"/en/articles/{article.slug}/"
    reader = Visitor(handlers=(workers.handler(),))
    first = workers.sent
    for _ in range(10):
        assert "Title before the edit" in reader.get(node, url).text
    assert_served_by_both(workers, first)  # so both workers hold the page in memory

    staff = staff_visitor(node, handlers=(workers.handler(),))
    change = f"/en/admin/articles/article/{article.pk}/change/"
    data = form_data(staff.get(node, change).text, "article_form")
    data["title_en"] = "Title after the edit"
    saved = staff.post(node, change, {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"})
    assert saved.status == 302, saved.text[:2000]

    first = workers.sent
    stale = [
        number
        for number in range(1, 31)
        if "Title after the edit" not in reader.get(node, url).text
    ]
    assert stale == [], f"loads {stale} of 30 after the edit showed the old title"
    assert_served_by_both(workers, first)


def test_the_document_upload_throttle_counts_on_both_workers(workers, samples):
    """The default allowance (30 submissions an hour) holds across workers: the 31st is refused."""
    node = workers.node
    allowed, _seconds = throttle.limits()["submit"]
    user, device = make_client("anna", SecurityDevice.Kind.IOS)
    anna = Visitor(handlers=(workers.handler(),))
    sign_in_with_device(anna, [node], user, device)
    first = workers.sent
    sent = anna.post(
        node,
        "/en/documents/",
        {"document_type": "address", "note": ""},
        files={"photos": [("bill.jpg", samples.sharp_jpeg)]},
    )
    assert sent.status == 302, sent.text[:1000]
    for _ in range(allowed - 1):  # forms sent without a photo: refused, but counted all the same
        assert (
            anna.post(node, "/en/documents/", {"document_type": "address", "note": ""}).status
            == 400
        )
    refused = anna.post(
        node,
        "/en/documents/",
        {"document_type": "address", "note": ""},
        files={"photos": [("bill.jpg", samples.sharp_jpeg)]},
    )
    assert (
        refused.status == 429 and "You have sent a lot of photos in a short time." in refused.text
    )
    assert cache.get(f"documents:throttle:submit:{user.pk}") == allowed + 1
    assert_served_by_both(workers, first)


def test_password_tries_of_one_source_and_user_name_count_once_across_both_workers(
    workers, django_user_model
):
    """The (source address, user name) counter lives in the shared cache: the free tries are shared
    by both workers, and the next try is slowed down whichever worker answers, right password or
    not. (Wrong passwords never lock the account: a stranger could otherwise lock anyone out.)"""
    node = workers.node
    free = app_settings.PASSWORD_FREE_TRIES_PER_PAIR
    user = django_user_model.objects.create_user("otto", "otto@example.com", PASSWORD)
    pair_key = limits._scopes("127.0.0.1", user.username)[0][0]
    guesser = Visitor(handlers=(workers.handler(),))
    guesser.get(node, "/en/portal/signin/")
    first = workers.sent
    checked = free + 1  # the free tries, then the first slowed-down one (it starts the delay)
    for number in range(checked):
        response = post_password(guesser, node, user, f"guess {number}")
        assert response.status == 400 and problem_code(response.text) == "bad-credentials"
        assert cache.get(pair_key) == number + 1
    assert_served_by_both(workers, first)
    assert (
        AuditEvent.objects.filter(
            user=user, kind=AuditEvent.Kind.FAILURE, reason="password"
        ).count()
        == checked
    )

    for _ in range(2):  # within the delay, the right password too is refused by either worker
        refused = post_password(guesser, node, user, PASSWORD)
        assert refused.status == 400 and problem_code(refused.text) == "throttled"
    assert cache.get(pair_key) == checked + 2
    assert (
        AuditEvent.objects.filter(
            user=user, kind=AuditEvent.Kind.REFUSED, reason="throttled"
        ).count()
        == 2
    )

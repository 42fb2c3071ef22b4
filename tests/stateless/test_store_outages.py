"""A store really goes away while a live gunicorn node is serving, and comes back.

Each test starts a node whose store sits behind something the test controls (a TCP
proxy in front of PostgreSQL, a private redis-server, a private S3 server), takes
that store away and checks what clients get: the site's own translated 503 page (or
JSON for scripts) with Retry-After where the store is needed, never a 500 or a hang;
/healthz stays 200 and /readyz names the store. Then the store comes back and the
same node, without a restart, serves everything again. Rows and stored objects are
counted before and after: nothing is lost and nothing is half-stored.
"""

import ast
import inspect
import json
import os
import re
import textwrap
import time
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from articles.models import Article
from documents import views as documents_views
from documents.models import Photo, Submission
from portal import views as portal_views
from securelogin.models import AuditEvent, Challenge, SecurityDevice
from tests.securelogin.helpers import PASSWORD, make_client
from tests.stateless.nodes import Visitor, database_url, hidden_value, start_node
from tests.stateless.outages import RedisServer, S3Server, TcpProxy, Traffic, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# The nodes' STORE_TIMEOUT_SECONDS: a store that does not answer costs a request about this long
# (PostgreSQL: 2 s, libpq's shortest connect timeout).
STORE_TIMEOUT = 1
SLOW = 8  # no answer during an outage may take longer (seconds; generous: the machine may be busy)
# seconds a node may take to serve normally once its store is back (usually the next request)
RECOVERY = 10
JSON = {"Accept": "application/json"}


def message_of(view) -> str:
    """The English message a view passes to gettext as `message = _("…")`, however its literal is
    split over lines (so rewording it breaks no test)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(view)))
    return next(
        node.value.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and [getattr(target, "id", None) for target in node.targets] == ["message"]
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "id", None) == "_"
    )


OUTAGE_HEADING = "Temporarily unavailable"  # templates/503.html
OUTAGE_MESSAGE = message_of(portal_views.server_error)
STORAGE_MESSAGE = message_of(documents_views._storage_failed)


# -- helpers ------------------------------------------------------------------------------


def translated(text: str, lang: str) -> str:
    with translation.override(lang):
        return gettext(text)


def row_counts() -> dict:
    """Rows of every table a request in these tests may write."""
    models = (
        get_user_model(),
        SecurityDevice,
        Challenge,
        AuditEvent,
        Session,
        Article,
        Submission,
        Photo,
    )
    return {model._meta.label: model.objects.count() for model in models}


def assert_outage_page(response, lang="en"):
    """The site's own 503 page in the page's language, with Retry-After; no error page, no
    traceback."""
    assert response.status == 503, (response.status, response.text[:1000])
    assert int(response.headers.get("retry-after", "0")) > 0, response.headers
    html = response.text
    assert "Traceback" not in html and "Server Error" not in html
    assert f'<html lang="{lang}">' in html
    heading, message = translated(OUTAGE_HEADING, lang), translated(OUTAGE_MESSAGE, lang)
    if lang != "en":
        assert (heading, message) != (OUTAGE_HEADING, OUTAGE_MESSAGE), (
            f"503 page has no {lang} translation"
        )
    assert f"<h1>{escape(heading)}</h1>" in html, html[:1000]
    assert escape(message) in html, html[:1000]


def assert_outage_json(response):
    assert response.status == 503, (response.status, response.text[:1000])
    assert int(response.headers.get("retry-after", "0")) > 0, response.headers
    assert response.headers.get("content-type", "").startswith("application/json")
    assert json.loads(response.body) == {"ok": False, "errors": {"__all__": [OUTAGE_MESSAGE]}}


def readiness(visitor, node):
    response = visitor.get(node, "/readyz", timeout=SLOW)
    return response, json.loads(response.body)


def assert_not_ready(visitor, node, *stores):
    started = time.monotonic()
    response, body = readiness(visitor, node)
    assert time.monotonic() - started < SLOW, "/readyz is slow while a store is gone"
    assert response.status == 503, body
    assert int(response.headers.get("retry-after", "0")) > 0
    assert body["ready"] is False
    assert set(stores) <= set(body["failing"]), body
    assert set(body["failing"]) <= set(stores), f"only {stores} are gone, yet: {body}"


def assert_alive(visitor, node):
    response = visitor.get(node, "/healthz", timeout=SLOW)
    assert (response.status, response.text) == (200, "ok")


def sign_in(visitor, node, user, device, lang="en"):
    """The whole sign-in through the node: password, then the device's response to the challenge
    shown."""
    visitor.get(node, f"/{lang}/portal/signin/")  # the CSRF cookie
    first = visitor.post(
        node, f"/{lang}/portal/signin/", {"username": user.username, "password": PASSWORD}
    )
    assert (first.status, first.location) == (302, f"/{lang}/portal/signin/verify/"), first.text[
        :1000
    ]
    page = visitor.get(node, first.location)
    assert page.status == 200, page.text[:1000]
    code = re.search(r'id="challenge-code">(\w+)<', page.text).group(1)
    device.refresh_from_db()
    done = visitor.post(
        node,
        first.location,
        {"challenge": hidden_value(page.text, "challenge"), "response": device.response_for(code)},
    )
    assert (done.status, done.location) == (302, f"/{lang}/portal/"), done.text[:1000]
    return done


def password_step(visitor, node, username, password=PASSWORD, lang="en", headers=None):
    if not visitor.csrf_token():
        visitor.get(node, f"/{lang}/portal/signin/")
    return visitor.post(
        node,
        f"/{lang}/portal/signin/",
        {"username": username, "password": password},
        headers=headers,
        timeout=SLOW,
    )


def send_photos(visitor, node, samples, lang="en", headers=None, timeout=30):
    fields = {"document_type": "address", "note": ""}
    files = {"photos": [("page-1.jpg", samples.sharp_jpeg)]}
    return visitor.post(
        node, f"/{lang}/documents/", fields, files=files, headers=headers, timeout=timeout
    )


def files_under(folder) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def articles(make_article):
    """One article that readers have open (cached once a node served it), one nobody asked for
    yet."""
    return make_article(kb="KB901", slug="read-often"), make_article(kb="KB902", slug="read-rarely")


@pytest.fixture
def anna(db):
    return make_client("anna", SecurityDevice.Kind.IOS)


def start(request, name, **env):
    """A node on the given stores, stopped after the test; returns once /readyz says every store
    answers."""
    node = start_node(name, STORE_TIMEOUT_SECONDS=STORE_TIMEOUT, **env)
    request.addfinalizer(node.stop)
    visitor = Visitor()
    wait_until(lambda: readiness(visitor, node)[0].status == 200, RECOVERY, what=f"{name} ready")
    return node


# -- the database -------------------------------------------------------------------------


@pytest.fixture
def database_proxy():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://…): "
            "an SQLite file cannot go away while a node serves"
        )
    params = connection.settings_dict
    with TcpProxy(params.get("HOST") or "127.0.0.1", int(params.get("PORT") or 5432)) as proxy:
        yield proxy


def database_stores():
    """What /readyz must name when the database is gone: the shared cache too when it is a table
    there."""
    return (
        ("database", "cache")
        if "redis" not in settings.CACHES["default"]["BACKEND"].lower()
        else ("database",)
    )


def proxied_database_url(proxy):
    """The test database, reached through the proxy (without TLS, so that `cut_on` can see the
    SQL)."""
    return (
        re.sub(r"@[^/]+/", f"@127.0.0.1:{proxy.port}/", database_url(), count=1)
        + "?sslmode=disable"
    )


def test_database_goes_away_and_comes_back(request, database_proxy, articles, anna):
    """Proxy cut (connections closed, new ones refused, then swallowed): 503 pages, /readyz names
    the database; restored: the same node serves and signs in again by itself."""
    often, rarely = articles
    user, device = anna
    node = start(request, "db-node", DATABASE_URL=proxied_database_url(database_proxy))
    reader, client, script = Visitor(), Visitor(), Visitor()
    assert reader.get(node, f"/en/articles/{often.slug}/").status == 200  # now cached
    client.get(node, "/en/portal/signin/")  # the sign-in form was open before the outage
    assert readiness(reader, node)[0].status == 200
    assert database_proxy.open_connections >= 1
    before = row_counts()

    # Each round asks for a page nobody has asked for yet (once served it is cached); the check
    # for recovery adds a query string, which the page cache never keeps.
    rounds = [
        (TcpProxy.REFUSE, f"/en/articles/{rarely.slug}/"),
        (TcpProxy.BLACKHOLE, f"/en/categories/{rarely.category.slug}/"),
    ]
    for mode, uncached in rounds:
        database_proxy.cut(mode)
        assert_alive(reader, node)
        assert_not_ready(reader, node, *database_stores())
        assert_outage_page(reader.get(node, uncached, timeout=SLOW))
        assert_outage_page(password_step(client, node, user.username))
        if (
            mode == TcpProxy.REFUSE
        ):  # (each request costs libpq's 2 s minimum connect timeout when swallowed)
            assert_outage_json(password_step(script, node, user.username, headers=JSON))
            cached = reader.get(node, f"/en/articles/{often.slug}/", timeout=SLOW)
            if cached.status == 200:  # served from the shared cache (Redis): fine
                assert often.title_en in cached.text
            else:  # the shared cache is a table of the database that is gone
                assert_outage_page(cached)
        database_proxy.restore()
        wait_until(
            lambda uncached=uncached: reader.get(node, f"{uncached}?fresh=1").status == 200,
            RECOVERY,
            what=f"serving again after a {mode} outage",
        )
        assert readiness(reader, node)[0].status == 200

    assert row_counts() == before  # nothing written half while the database was gone, nothing lost
    sign_in(client, node, user, device)
    assert client.get(node, "/en/portal/").status == 200
    after = row_counts()
    assert after[Challenge._meta.label] == before[Challenge._meta.label] + 1
    assert after[get_user_model()._meta.label] == before[get_user_model()._meta.label]


def test_database_goes_away_in_the_middle_of_a_write(
    request, tmp_path, database_proxy, anna, samples
):
    """The database goes away exactly when a request writes (the proxy cuts on that statement): the
    client gets the 503 answer, no half rows are left, no stored photo survives without its rows."""
    user, device = anna
    private = tmp_path / "private"
    node = start(
        request,
        "db-node-write",
        DATABASE_URL=proxied_database_url(database_proxy),
        S3_ENDPOINT_URL="",
        PRIVATE_MEDIA_ROOT=private,
        STAGING_ROOT=tmp_path / "staging",
    )
    script = Visitor()
    sign_in(script, node, user, device)
    before = row_counts()

    # A submission: its photos are stored first, then the rows in one transaction; the database
    # goes away as the first photo row is inserted.
    database_proxy.cut_on(b'INSERT INTO "documents_photo"')
    assert_outage_json(send_photos(script, node, samples, headers=JSON, timeout=SLOW))
    assert database_proxy.triggered.is_set()
    database_proxy.restore()
    assert row_counts() == before
    assert files_under(private) == [] and files_under(tmp_path / "staging") == []
    wait_until(lambda: readiness(script, node)[0].status == 200, RECOVERY, what="ready again")
    assert send_photos(script, node, samples, headers=JSON).status == 201
    assert len(files_under(private)) == 2

    # The first step of a sign-in for a client whose session already exists: the database goes
    # away as the session is saved.
    client = Visitor()
    first = password_step(client, node, user.username)
    assert first.status == 302
    database_proxy.cut_on(b'UPDATE "django_session"')
    again = password_step(client, node, user.username)
    assert database_proxy.triggered.is_set()
    assert again.status != 400, (
        "a session save that failed because the database went away answered 400 Bad Request"
    )
    assert_outage_page(again)
    database_proxy.restore()
    wait_until(lambda: readiness(script, node)[0].status == 200, RECOVERY, what="ready again")
    sign_in(client, node, user, device)


def test_database_outage_page_is_translated(request, database_proxy, articles):
    """The 503 page speaks the language of the page asked for (German texts from the catalogue)."""
    _often, rarely = articles
    node = start(request, "db-node-de", DATABASE_URL=proxied_database_url(database_proxy))
    database_proxy.cut()
    assert_outage_page(Visitor().get(node, f"/en/articles/{rarely.slug}/", timeout=SLOW), "en")
    assert_outage_page(Visitor().get(node, f"/de/articles/{rarely.slug}/", timeout=SLOW), "de")


def test_database_comes_and_goes_under_load(request, database_proxy, articles, anna):
    """Several clients keep reading, signing in and asking /readyz while the database is cut twice
    and restored: every answer is 200, 302 or 503 and quick; afterwards everything is served
    again."""
    often, rarely = articles
    user, device = anna
    # The traffic signs one client in again and again from 127.0.0.1: lift the per-source
    # password limits (tested in tests/securelogin), so every answer is about the outage.
    node = start(
        request,
        "db-node-load",
        workers=2,
        DATABASE_URL=proxied_database_url(database_proxy),
        SECURELOGIN_PASSWORD_FREE_TRIES_PER_PAIR="100000",
        SECURELOGIN_PASSWORD_FREE_TRIES_PER_SOURCE="100000",
    )
    Visitor().get(node, f"/en/articles/{often.slug}/")  # cached

    def signin_attempt(visitor, node):
        if not visitor.csrf_token():
            page = visitor.get(node, "/en/portal/signin/", timeout=SLOW)
            if not visitor.csrf_token():
                return page
        return visitor.post(
            node,
            "/en/portal/signin/",
            {"username": user.username, "password": PASSWORD},
            timeout=SLOW,
        )

    requests = [
        ("cached article", lambda v, n: v.get(n, f"/en/articles/{often.slug}/", timeout=SLOW)),
        (
            "uncached article",
            lambda v, n: v.get(
                n, f"/de/articles/{rarely.slug}/?r={uuid.uuid4().hex}", timeout=SLOW
            ),
        ),
        ("sign-in", signin_attempt),
        ("search", lambda v, n: v.get(n, "/en/search/?q=demo", timeout=SLOW)),
        ("readyz", lambda v, n: v.get(n, "/readyz", timeout=SLOW)),
        ("healthz", lambda v, n: v.get(n, "/healthz", timeout=SLOW)),
    ]
    with Traffic(node, requests, threads=4) as traffic:
        time.sleep(0.7)
        database_proxy.cut(TcpProxy.REFUSE)
        time.sleep(1.5)
        database_proxy.restore()
        time.sleep(1.0)
        database_proxy.cut(TcpProxy.BLACKHOLE)
        time.sleep(2.0)
        database_proxy.restore()
        restored_at = traffic.now()
        wait_until(
            lambda: any(
                a.what == "uncached article" and a.status == 200 for a in traffic.since(restored_at)
            ),
            RECOVERY,
            what="an uncached page served again",
        )
        recovered_at = traffic.now()
        time.sleep(1.0)

    answers = traffic.answers
    statuses = traffic.statuses()
    assert len(answers) > 20, statuses
    assert set(statuses) <= {200, 302, 503}, [
        a for a in answers if a.status not in (200, 302, 503)
    ][:5]
    assert statuses[503] > 0 and statuses[200] > 0 and statuses[302] > 0, statuses
    assert all(a.status == 200 for a in answers if a.what == "healthz"), (
        "a store outage made /healthz fail"
    )
    slowest = max(answers, key=lambda a: a.seconds)
    assert slowest.seconds < SLOW, slowest
    after_recovery = traffic.since(recovered_at)
    assert after_recovery and all(a.status in (200, 302) for a in after_recovery), after_recovery[
        :5
    ]
    sign_in(Visitor(), node, user, device)


# -- the shared cache (Redis) ------------------------------------------------------------


def private_store(server_class, folder, variable, why):
    """A store of the test's own (started, then stopped): only when the suite runs on that kind
    of store (`variable` set), since the embedded set-up's cannot go away."""
    if not os.environ.get(variable):
        pytest.skip(f"needs {variable} {why}")
    server = server_class(folder).start()
    yield server
    server.stop()


@pytest.fixture
def private_redis(tmp_path):
    yield from private_store(
        RedisServer,
        tmp_path / "redis",
        "REDIS_URL",
        "(the suite on Redis): the embedded cache is a database table",
    )


def test_redis_goes_away_and_comes_back(request, tmp_path, private_redis, articles, anna, samples):
    """Redis stopped: articles and search are served uncached, /readyz names the cache, sign-in
    guesses and uploads that must be counted are refused with 503 (never accepted uncounted);
    Redis started again: the same node counts, signs in and caches again."""
    often, _rarely = articles
    user, device = anna
    nodevice = get_user_model().objects.create_user("nodevice", "nodevice@example.com", PASSWORD)
    private = tmp_path / "private"
    node = start(
        request,
        "redis-node",
        REDIS_URL=private_redis.url,
        S3_ENDPOINT_URL="",
        MEDIA_ROOT=tmp_path / "media",
        PRIVATE_MEDIA_ROOT=private,
        STAGING_ROOT=tmp_path / "staging",
    )
    reader, client, script, guesser = Visitor(), Visitor(), Visitor(), Visitor()
    assert reader.get(node, f"/en/articles/{often.slug}/").status == 200
    assert private_redis.keys("*kb:page:*"), "the page was not cached in Redis"
    sign_in(client, node, user, device)
    client.get(node, "/en/documents/")
    sign_in(script, node, user, device)
    before, files_before = row_counts(), files_under(private)

    private_redis.stop()
    assert_alive(reader, node)
    assert_not_ready(reader, node, "cache")
    for _ in range(2):  # uncached, every time
        page = reader.get(node, f"/en/articles/{often.slug}/", timeout=SLOW)
        assert page.status == 200 and often.title_en in page.text
    found = reader.get(node, "/en/search/?q=demo", timeout=SLOW)
    assert found.status == 200 and often.title_en in found.text
    # Guessing a password of an account without a device is counted in the shared cache: refused,
    # not skipped.
    assert_outage_page(password_step(guesser, node, nodevice.username, password="guess"))
    assert_outage_page(password_step(guesser, node, nodevice.username))
    assert_outage_json(password_step(guesser, node, nodevice.username, headers=JSON))
    # A client with a device is refused as well: the new session id of the sign-in is checked in the
    # cache.
    assert_outage_page(password_step(Visitor(), node, user.username))
    # Uploads are counted in the shared cache too.
    assert_outage_page(send_photos(client, node, samples))
    assert_outage_json(send_photos(script, node, samples, headers=JSON))
    assert row_counts() == before
    assert files_under(private) == files_before
    assert files_under(tmp_path / "staging") == []

    private_redis.start()
    wait_until(
        lambda: readiness(reader, node)[0].status == 200,
        RECOVERY,
        what="/readyz after Redis is back",
    )
    first = password_step(guesser, node, nodevice.username)
    assert (first.status, first.location) == (302, "/en/portal/signin/verify/"), first.text[:500]
    sign_in(Visitor(), node, user, device)
    sent = send_photos(script, node, samples, headers=JSON)
    assert sent.status == 201, sent.text[:1000]
    assert Submission.objects.count() == before[Submission._meta.label] + 1
    assert reader.get(node, f"/en/articles/{often.slug}/").status == 200
    assert private_redis.keys("*kb:page:*"), "the page is not cached again"


def test_hung_redis_costs_one_timeout(request, tmp_path, private_redis, articles, anna, samples):
    """Redis hung (SIGSTOP: connections are accepted, nothing answers): each request waits at most
    about STORE_TIMEOUT_SECONDS for it; articles are served, /readyz names the cache, an upload
    is refused."""
    often, _rarely = articles
    user, device = anna
    private = tmp_path / "private"
    node = start(
        request,
        "redis-hung",
        REDIS_URL=private_redis.url,
        S3_ENDPOINT_URL="",
        PRIVATE_MEDIA_ROOT=private,
        STAGING_ROOT=tmp_path / "staging",
    )
    reader, script = Visitor(), Visitor()
    sign_in(script, node, user, device)
    before = row_counts()
    private_redis.pause()
    try:
        assert_alive(reader, node)
        assert_not_ready(reader, node, "cache")
        started = time.monotonic()
        page = reader.get(node, f"/en/articles/{often.slug}/", timeout=SLOW)
        assert page.status == 200 and time.monotonic() - started < SLOW
        started = time.monotonic()
        assert_outage_json(send_photos(script, node, samples, headers=JSON, timeout=SLOW))
        assert time.monotonic() - started < SLOW
    finally:
        private_redis.resume()
    wait_until(
        lambda: readiness(reader, node)[0].status == 200,
        RECOVERY,
        what="/readyz after Redis answers again",
    )
    assert send_photos(script, node, samples, headers=JSON).status == 201
    assert row_counts()[Submission._meta.label] == before[Submission._meta.label] + 1
    assert len(files_under(private)) == 2


# -- the file store (S3) ------------------------------------------------------------------


@pytest.fixture
def private_s3(tmp_path):
    yield from private_store(
        S3Server,
        tmp_path / "s3",
        "S3_ENDPOINT_URL",
        "(the suite on S3): local file stores cannot go away",
    )


def test_s3_goes_away_and_comes_back(request, tmp_path, private_s3, anna, samples):
    """S3 stopped: an upload is refused with a clear "Nothing was sent" (HTML and JSON), no rows and
    no objects are left; /readyz names both file stores. S3 started again: the same upload
    succeeds."""
    user, device = anna
    staging = tmp_path / "staging"
    node = start(request, "s3-node", STAGING_ROOT=staging, **private_s3.node_env())
    client, script = Visitor(), Visitor()
    sign_in(client, node, user, device)
    client.get(node, "/en/documents/")
    sign_in(script, node, user, device)
    assert readiness(client, node)[0].status == 200
    before, objects_before = row_counts(), private_s3.files()

    private_s3.stop()
    assert_alive(client, node)
    assert_not_ready(client, node, "public_files", "private_files")
    for lang in ("en", "de"):
        page = send_photos(client, node, samples, lang=lang)
        assert page.status == 503, page.text[:1000]
        assert escape(translated(STORAGE_MESSAGE, lang)) in page.text
        assert 'name="photos"' in page.text  # the form again, to send once more
    refused = send_photos(script, node, samples, headers=JSON)
    assert refused.status == 503, refused.text[:1000]
    assert json.loads(refused.body)["errors"]["__all__"] == [STORAGE_MESSAGE]
    assert "Nothing was sent" in STORAGE_MESSAGE
    assert row_counts() == before
    assert private_s3.files() == objects_before
    assert files_under(staging) == []

    private_s3.start()
    wait_until(
        lambda: readiness(client, node)[0].status == 200, RECOVERY, what="/readyz after S3 is back"
    )
    sent = send_photos(script, node, samples, headers=JSON)
    assert sent.status == 201, sent.text[:1000]
    assert Submission.objects.count() == before[Submission._meta.label] + 1
    assert Photo.objects.count() == before[Photo._meta.label] + 1
    new = sorted(set(private_s3.files()) - set(objects_before))
    assert len(new) == 2 and all(name.startswith("portal-private/") for name in new), (
        new
    )  # photo and thumbnail
    assert files_under(staging) == []


def test_hung_s3_is_refused_quickly(request, tmp_path, private_s3, anna, samples):
    """S3 hung (SIGSTOP: connections are accepted, nothing answers): /readyz and an upload must
    still answer 503 within a few STORE_TIMEOUT_SECONDS, not hold the worker for half a minute."""
    user, device = anna
    node = start(request, "s3-hung", STAGING_ROOT=tmp_path / "staging", **private_s3.node_env())
    script = Visitor()
    sign_in(script, node, user, device)
    before, objects_before = row_counts(), private_s3.files()
    private_s3.pause()
    try:
        assert_not_ready(script, node, "public_files", "private_files")
        started = time.monotonic()
        refused = send_photos(script, node, samples, headers=JSON, timeout=SLOW)
        assert refused.status == 503 and time.monotonic() - started < SLOW, refused.text[:500]
    finally:
        private_s3.resume()  # lets a worker still waiting on S3 finish, so the node stops at once
    assert row_counts() == before
    assert private_s3.files() == objects_before

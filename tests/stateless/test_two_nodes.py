"""Two live nodes sharing the stores: whatever one node does, the other sees at once.

Each test is one journey over HTTP in which consecutive requests of the same visitor go
to different nodes (as behind a round-robin balancer without sticky sessions), so a
session, challenge, counter, lock or file that stayed in one node would break it.
"""

import re

import pytest

from documents.models import Submission
from securelogin import card_activation, codecard
from securelogin.models import AuditEvent, SecurityDevice
from tests.form_data import form_data
from tests.securelogin.helpers import make_client
from tests.stateless.journeys import (
    CARD,
    CARD_ACTIVATE,
    CARD_ACTIVATED,
    CARD_OFFER,
    HOME,
    SIGNIN,
    SIGNOUT,
    VERIFY,
    admin_action,
    answer_challenge,
    challenge_on,
    element_text,
    index_pair_on,
    password_step,
    post_password,
    printed_card,
    problem_code,
    sign_in_with_device,
    signed_in_as,
    staff_visitor,
    values_from_card,
    wrong_response,
)
from tests.stateless.nodes import Visitor, start_node

pytestmark = pytest.mark.django_db(transaction=True)
Kind = SecurityDevice.Kind


@pytest.fixture
def two_nodes():
    first, second = start_node("node-1"), start_node("node-2")
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture
def article(make_article):
    return make_article(title_en="Before the edit")


def test_a_staff_edit_on_one_node_is_served_by_the_other_at_once(two_nodes, article):
    first, second = two_nodes
    reader = Visitor()
    for node in (first, second, first, second):  # both nodes have the page cached
        assert "Before the edit" in reader.get(node, f"/en/articles/{article.slug}/").text
    staff = staff_visitor(first)
    url = f"/en/admin/articles/article/{article.pk}/change/"
    data = form_data(staff.get(first, url).text, "article_form")
    data["title_en"] = "After the edit"
    response = staff.post(first, url, {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"})
    assert response.status == 302, response.text[:2000]
    for node in (second, first, second, first):
        html = reader.get(node, f"/en/articles/{article.slug}/").text
        assert "After the edit" in html and "Before the edit" not in html


def test_a_sign_in_started_on_one_node_is_finished_on_the_other(two_nodes):
    first, second = two_nodes
    user, device = make_client("anna", Kind.ANDROID)
    anna = Visitor()
    password_step(anna, first, user)
    assert not signed_in_as(anna, second, user)  # the password alone signs no one in, on any node
    challenge_id, code = challenge_on(anna.get(second, VERIFY))
    result = answer_challenge(anna, first, challenge_id, device.response_for(code))
    assert result.status == 302 and result.location == HOME
    assert signed_in_as(anna, second, user) and signed_in_as(anna, first, user)
    assert (
        AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.SUCCESS, purpose="signin").count()
        == 1
    )


def test_the_back_off_after_a_wrong_response_on_one_node_holds_on_the_other(two_nodes):
    """With the default back-off (1 s after the first wrong response), the other node refuses at
    once."""
    first, second = two_nodes
    user, device = make_client("bert", Kind.IOS)
    bert = Visitor()
    password_step(bert, first, user)
    challenge_id, code = challenge_on(bert.get(second, VERIFY))
    assert (
        problem_code(
            answer_challenge(
                bert, first, challenge_id, wrong_response(device.response_for(code))
            ).text
        )
        == "wrong"
    )
    refused = answer_challenge(bert, second, challenge_id, device.response_for(code))
    assert refused.status == 400 and problem_code(refused.text) == "throttled"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # an answer refused while waiting is not counted


def test_wrong_responses_sent_to_both_nodes_add_up_to_one_lockout():
    """Ten wrong responses, alternately to each node, lock the account on every node.

    The nodes run without back-off (SECURELOGIN_THROTTLE_FACTOR=0), so the ten answers need
    no waiting; the lockout threshold is the default (securelogin/conf.py)."""
    from securelogin.conf import app_settings

    limit = app_settings.LOCK_AFTER_FAILURES
    nodes = [start_node(f"node-{n}", SECURELOGIN_THROTTLE_FACTOR=0) for n in (1, 2)]
    try:
        user, device = make_client("carla", Kind.DSC)
        carla = Visitor()
        password_step(carla, nodes[0], user)
        page = carla.get(nodes[1], VERIFY)
        problems = []
        for number in range(limit):
            challenge_id, code = challenge_on(page)
            page = answer_challenge(
                carla, nodes[number % 2], challenge_id, wrong_response(device.response_for(code))
            )
            problems.append(problem_code(page.text))
        assert problems[:-1] == ["wrong"] * 4 + ["withdrawn"] + ["wrong"] * (
            limit - 6
        )  # a new challenge after 5
        assert page.status == 403 and problems[-1] == "locked"

        # Locked whichever node answers, even with the right password (and no new challenge is
        # shown).
        for node in nodes:
            again = Visitor()
            refused = post_password(again, node, user)
            assert refused.status == 400 and problem_code(refused.text) == "locked"
            assert again.get(node, VERIFY).location == SIGNIN
        device.refresh_from_db()
        assert device.is_locked and device.throttling_failure_count == limit
        failures = AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.FAILURE)
        assert failures.filter(reason="wrong").count() == limit, list(
            failures.values_list("reason", flat=True)
        )
        # and one row for the challenge withdrawn after five wrong answers
        assert list(failures.exclude(reason="wrong").values_list("reason", flat=True)) == [
            "withdrawn"
        ]
        assert AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.LOCKOUT).count() == 1
    finally:
        for node in nodes:
            node.stop()


def test_photos_uploaded_on_one_node_are_reviewed_with_their_pdf_on_the_other(two_nodes, samples):
    first, second = two_nodes
    user, device = make_client("dora", Kind.IOS)
    dora = Visitor()
    sign_in_with_device(dora, [first, second], user, device)
    assert dora.get(second, "/en/documents/").status == 200
    sent = dora.post(
        first,
        "/en/documents/",
        {"document_type": "identity", "note": ""},
        files={"photos": [("front.jpg", samples.sharp_jpeg), ("back.jpg", samples.glare_jpeg)]},
    )
    assert sent.status == 302, sent.text[:2000]
    submission = Submission.objects.get(owner=user)
    assert sent.location == submission.get_absolute_url()
    mine = dora.get(second, sent.location)
    assert submission.reference in mine.text and "Received" in mine.text
    thumbnail = dora.get(first, f"{sent.location}photos/2/thumbnail.jpg")
    assert thumbnail.status == 200 and thumbnail.body.startswith(b"\xff\xd8")

    staff = staff_visitor(second, "clara")
    queue = staff.get(second, "/en/admin/documents/submission/")
    assert submission.reference in queue.text
    change = staff.get(second, f"/en/admin/documents/submission/{submission.pk}/change/")
    pdf_url = f"/en/admin/documents/submission/{submission.pk}/pdf/"
    assert change.status == 200 and pdf_url in change.text
    assert all(f"{sent.location}photos/{n}/thumbnail.jpg" in change.text for n in (1, 2))
    pdf = staff.get(second, pdf_url)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert (
        pdf.body.startswith(b"%PDF")
        and pdf.body.count(b"/Type /Page") - pdf.body.count(b"/Type /Pages") == 2
    )
    photo = staff.get(second, f"/en/admin/documents/submission/{submission.pk}/photos/1/")
    assert photo.status == 200 and photo.body.startswith(b"\xff\xd8")
    accepted = admin_action(
        staff, second, "/en/admin/documents/submission/", "accept_selected", submission.pk
    )
    assert accepted.status == 302

    reviewed = dora.get(first, sent.location).text
    assert element_text(reviewed, "reference") == submission.reference
    assert 'class="status status-accepted">Accepted<' in reviewed
    submission.refresh_from_db()
    assert (
        submission.status == Submission.Status.ACCEPTED
        and submission.reviewed_by.username == "clara"
    )


def test_a_code_card_printed_on_one_node_is_activated_on_the_other(two_nodes):
    """KB70/KB2636 across nodes: staff issue a temporary code, the client signs in with it,
    prints the card, activates it, and from then on signs in with the card."""
    first, second = two_nodes
    user, _lost_device = make_client("lena", Kind.DSC)
    staff = staff_visitor(second, "agent")
    issued = admin_action(staff, second, "/en/admin/auth/user/", "issue_temporary_code", user.pk)
    temporary_code = element_text(issued.text, "temporary-code")
    assert issued.status == 200 and re.fullmatch(r"[2-9A-Z]{8}", temporary_code), issued.text[:1000]

    lena = Visitor()
    password_step(lena, first, user)
    assert (
        'name="code"' in lena.get(second, VERIFY).text
    )  # the temporary-code page, not a challenge
    signed_in = lena.post(first, VERIFY, {"code": temporary_code})
    assert signed_in.status == 302 and signed_in.location == CARD_OFFER
    assert lena.get(second, CARD_OFFER).status == 200
    assert lena.post(first, CARD_OFFER, {}).location == CARD
    card = printed_card(lena.get(first, CARD).text)
    assert len(card) == codecard.INDEX_COUNT
    pending = card_activation.pending_card(user)
    assert card == dict(
        codecard.all_values(pending.secret_key())
    )  # the printout is the card's own values

    prompt_id, pair = index_pair_on(lena.get(first, CARD_ACTIVATE), "prompt")
    activated = lena.post(
        second, CARD_ACTIVATE, {"prompt": prompt_id, "values": values_from_card(card, pair)}
    )
    assert activated.status == 302 and activated.location == CARD_ACTIVATED, activated.text[:1000]
    assert "Your Online Security Code Card is valid until" in lena.get(first, CARD_ACTIVATED).text
    assert (
        lena.get(second, CARD).status == 403
    )  # an activated card is never shown again, on any node
    assert lena.post(second, SIGNOUT, {}).location == SIGNIN

    password_step(lena, first, user)
    prompt_id, pair = index_pair_on(lena.get(second, VERIFY), "challenge")
    result = answer_challenge(lena, first, prompt_id, values_from_card(card, pair))
    assert result.status == 302 and result.location == HOME, result.text[:1000]
    assert signed_in_as(lena, second, user)
    pending.refresh_from_db()
    assert pending.kind == Kind.CARD and pending.confirmed and pending.activated_at is not None
    assert AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.CARD_ACTIVATED).count() == 1

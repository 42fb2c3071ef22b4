"""Steps the multi-node journeys repeat, each one HTTP request to a live node (see nodes.py).

Pages are read the way a client reads them: the challenge code, the card's index numbers
and the printed card's values come from the HTML a node served, never from the test's
own database rows (those are only used to check the result).
"""

import re
from html import unescape

from django.contrib.auth import get_user_model

from tests.securelogin.helpers import PASSWORD
from tests.stateless.nodes import Node, Response, Visitor, hidden_value

SIGNIN = "/en/portal/signin/"
VERIFY = "/en/portal/signin/verify/"
SIGNOUT = "/en/portal/signout/"
HOME = "/en/portal/"
CARD = "/en/portal/account/security/secure-login/card/"
CARD_OFFER = CARD + "offer/"
CARD_ACTIVATE = CARD + "activate/"
CARD_ACTIVATED = CARD + "activated/"
STAFF_PASSWORD = "editor-pw-2260"


# --- reading pages ----------------------------------------------------------------


def problem_code(html: str) -> str:
    """The code of the problem a page reports (`data-problem`), "" when none."""
    match = re.search(r'id="problem" data-problem="([^"]*)"', html)
    return match.group(1) if match else ""


def challenge_on(page: Response) -> tuple[str, str]:
    """(challenge id, 6-digit challenge code) of a challenge page."""
    match = re.search(r'id="challenge-code">([0-9]{6})<', page.text)
    assert page.status in (200, 400) and match, (
        f"no challenge on the page ({page.status}): {page.text[:500]}"
    )
    return hidden_value(page.text, "challenge"), match.group(1)


def index_pair_on(page: Response, id_field: str) -> tuple[str, str]:
    """(prompt id, "0713") of a card prompt page: the activation page or the card sign-in page."""
    first = re.search(r'id="index-1">([0-9]{2})<', page.text)
    second = re.search(r'id="index-2">([0-9]{2})<', page.text)
    assert first and second, f"no index numbers on the page ({page.status}): {page.text[:500]}"
    return hidden_value(page.text, id_field), first.group(1) + second.group(1)


def printed_card(html: str) -> dict[str, str]:
    """{"01": "529", …}: the index numbers and values of the card page, as printed."""
    return dict(
        re.findall(
            r'<th scope="row" class="sl-index">([0-9]{2})</th><td class="sl-value">([0-9]{3})</td>',
            html,
        )
    )


def values_from_card(card: dict[str, str], pair: str) -> str:
    """What the client types for a prompt: the value of the first index number, then the
    second's."""
    return card[pair[:2]] + card[pair[2:]]


def element_text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</', html, re.S)
    return unescape(match.group(1)).strip() if match else ""


def wrong_response(right: str) -> str:
    """Six digits that are not the right response."""
    return f"{(int(right) + 1) % 10**6:06d}"


# --- steps of a journey -------------------------------------------------------------


def staff_visitor(node: Node, username="editor", handlers=()) -> Visitor:
    """A new superuser with an authenticator, signed in to the admin through `node` (password and
    TOTP code)."""
    from tests.staff_otp import current_code, enrol

    device = enrol(
        get_user_model().objects.create_superuser(
            username, f"{username}@example.com", STAFF_PASSWORD
        )
    )
    visitor = Visitor(handlers=handlers)
    visitor.get(node, "/en/admin/login/")
    response = visitor.post(
        node,
        "/en/admin/login/?next=/en/admin/",
        {"username": username, "password": STAFF_PASSWORD, "otp_token": current_code(device)},
    )
    assert response.status == 302, response.text[:500]
    return visitor


def admin_action(staff: Visitor, node: Node, changelist: str, action: str, *pks) -> Response:
    """Select rows on an admin change list and run one of its actions, confirming it when the
    action asks first (as "Issue a temporary code" does)."""
    return staff.post(
        node,
        changelist,
        {"action": action, "_selected_action": [str(pk) for pk in pks], "post": "yes"},
    )


def post_password(visitor: Visitor, node: Node, user, password=PASSWORD) -> Response:
    """User name and password on the sign-in form (opened first, as a browser does, when the visitor
    is new)."""
    if not visitor.csrf_token():
        visitor.get(node, SIGNIN)
    return visitor.post(node, SIGNIN, {"username": user.get_username(), "password": password})


def password_step(visitor: Visitor, node: Node, user, password=PASSWORD) -> Response:
    """User name and password, accepted: the node sends the visitor on to the second step."""
    response = post_password(visitor, node, user, password)
    assert response.status == 302 and response.location == VERIFY, (
        response.status,
        response.text[:500],
    )
    return response


def answer_challenge(visitor: Visitor, node: Node, challenge_id: str, response: str) -> Response:
    return visitor.post(node, VERIFY, {"challenge": challenge_id, "response": response})


def sign_in_with_device(visitor: Visitor, nodes: list[Node], user, device) -> Response:
    """The whole sign-in, one request per node in turn: password, challenge page, response."""
    password_step(visitor, nodes[0], user)
    challenge_id, code = challenge_on(visitor.get(nodes[1 % len(nodes)], VERIFY))
    result = answer_challenge(visitor, nodes[0], challenge_id, device.response_for(code))
    assert result.status == 302 and result.location == HOME, (result.status, result.text[:500])
    return result


def signed_in_as(visitor: Visitor, node: Node, user) -> bool:
    """The portal home answers with the client's name (not a redirect to the sign-in page)."""
    page = visitor.get(node, HOME)
    return page.status == 200 and f"Welcome, {user.get_username()}" in page.text

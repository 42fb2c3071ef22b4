"""Lost device: temporary codes from client services and the Online Security Code Card."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.utils import timezone

from securelogin import card_activation, codecard, temporary_access, temporary_codes
from securelogin.models import AuditEvent, Challenge, SecurityDevice
from tests.securelogin.helpers import PASSWORD, make_client

pytestmark = pytest.mark.django_db
Kind = SecurityDevice.Kind


@pytest.fixture
def card_holder(client, temp_client):
    """The client of `temp_client` who signed in with the code, activated a card and signed
    out: (user, code, card)."""
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = activate(client, user)
    client.logout()
    return user, code, card


@pytest.fixture
def temp_client(db):
    """A client whose DSC+ was lost; client services issued a temporary code."""
    user, device = make_client("lena", Kind.DSC)
    temp, code = temporary_access.issue_temporary_code(user, actor="agent")
    return user, temp, code, device


def password_step(client, user, lang="en"):
    client.post(f"/{lang}/portal/signin/", {"username": user.username, "password": PASSWORD})
    return client.get(f"/{lang}/portal/signin/verify/")


def type_code(client, code, lang="en"):
    return client.post(f"/{lang}/portal/signin/verify/", {"code": code})


def signed_in_with_code(client, user, code):
    password_step(client, user)
    result = type_code(client, code)
    assert (
        result.status_code == 302
        and result["Location"] == "/en/portal/account/security/secure-login/card/offer/"
    )
    return result


def new_card(client):
    assert client.post("/en/portal/account/security/secure-login/card/offer/").status_code == 302
    return card_activation.pending_card(
        get_user_model().objects.get(pk=client.session[SESSION_KEY])
    )


def activation_page(client, lang="en"):
    page = client.get(f"/{lang}/portal/account/security/secure-login/card/activate/")
    assert page.status_code == 200
    return page.context["prompt"]


def values_for(card, prompt_code):
    return card.response_for(prompt_code)


def typed_and_problem(problems):
    """{problem: [what the client types, …]} → [(typed, problem), …], the cases of a form's
    problems, where `typed` is the characters typed or names a way to mistype the right answer."""
    return [(typed, problem) for problem, typed_list in problems.items() for typed in typed_list]


def refused_with(result, problem):
    """The form came back (400) naming `problem`, which is returned."""
    assert result.status_code == 400
    assert result.context["problem"].code == problem
    return result.context["problem"]


def answer_card(client, challenge, response):
    """`response` typed at sign-in for the card's `challenge`."""
    return client.post(
        "/en/portal/signin/verify/", {"challenge": challenge.public_id, "response": response}
    )


def activate(client, user):
    card = new_card(client)
    prompt = activation_page(client)
    result = client.post(
        "/en/portal/account/security/secure-login/card/activate/",
        {"prompt": prompt.public_id, "values": values_for(card, prompt.code)},
    )
    assert result.status_code == 302
    card.refresh_from_db()
    return card


# --- temporary codes ------------------------------------------------------------


def test_code_alphabet_has_no_look_alikes():
    code = temporary_codes.new_code()
    assert len(code) >= 8 and set(code) <= set(temporary_codes.ALPHABET)
    assert not set("0O1IL") & set(temporary_codes.ALPHABET)


def test_issue_stores_only_a_hash_revokes_the_device_and_audits_staff(temp_client):
    user, temp, code, old_device = temp_client
    temp.refresh_from_db()
    assert code not in temp.code_hash and temp.code_hash.startswith(("md5$", "pbkdf2", "argon2"))
    assert temp.expires_at - timezone.now() == pytest.approx(
        timedelta(days=2), abs=timedelta(seconds=5)
    )
    old_device.refresh_from_db()
    assert old_device.revoked_at is not None and not old_device.confirmed
    issued = AuditEvent.objects.get(user=user, kind="temp-code-issued")
    assert issued.actor == "agent"
    for row in AuditEvent.objects.values():
        assert code not in " ".join(str(v) for v in row.values())


def test_sign_in_with_the_code_then_card_is_offered(client, temp_client):
    user, temp, code, _ = temp_client
    page = password_step(client, user)
    assert page.status_code == 200 and "id_code" in page.content.decode()
    assert SESSION_KEY not in client.session
    result = type_code(client, code)
    assert result["Location"] == "/en/portal/account/security/secure-login/card/offer/"
    assert client.session[SESSION_KEY] == str(user.pk)
    used = AuditEvent.objects.get(user=user, kind="temp-code-used")
    assert (
        used.device_id == temp.pk and used.device.issued_by == "agent"
    )  # who issued it is on the row
    offer = client.get(result["Location"])
    assert offer.status_code == 200 and "21" in offer.content.decode()


@pytest.mark.parametrize(
    "typed, problem",
    typed_and_problem(
        {
            "code-lower-case": ["lower"],
            "code-spaces": ["spaced"],
            "code-lower-case-and-spaces": ["both"],
            "code-empty": [""],
            "code-length": ["K7QM2XR", "K7QM2XRA9"],
            "code-characters": ["K7QM0XRA", "K7QM-XRA"],
        }
    ),
)
def test_code_form_problems_are_explained_and_not_counted(client, temp_client, typed, problem):
    user, temp, code, _ = temp_client
    # Lower-case the whole code for "both": its first four characters may all be digits.
    typed = {
        "lower": code.lower(),
        "spaced": f"{code[:4]} {code[4:]}",
        "both": f"{code[:4].lower()} {code[4:].lower()}",
    }.get(typed, typed)
    password_step(client, user)
    refused_with(type_code(client, typed), problem)
    temp.refresh_from_db()
    assert temp.throttling_failure_count == 0
    assert SESSION_KEY not in client.session


def test_lower_case_message_says_so_and_links_the_troubleshooting_section(client, temp_client):
    user, _, code, _ = temp_client
    password_step(client, user)
    result = type_code(client, code.lower())
    problem = result.context["problem"]
    assert "upper case" in problem.message and "case-sensitive" in problem.message
    assert problem.help_url == "/en/articles/sign-in-troubleshooting/#temporary-code"
    german = type_code(client, code.lower(), lang="de")
    assert "Großbuchstaben" in german.context["problem"].message
    assert (
        german.context["problem"].help_url == "/de/articles/sign-in-troubleshooting/#temporary-code"
    )


def test_wrong_codes_count_toward_the_lockout(client, temp_client, settings):
    settings.SECURELOGIN_LOCK_AFTER_FAILURES = 3
    user, temp, code, _ = temp_client
    password_step(client, user)
    assert type_code(client, "K7QM2XRA").context["problem"].code == "code-wrong"
    type_code(client, "K7QM2XRB")
    locked = type_code(client, "K7QM2XRC")
    assert locked.status_code == 403 and locked.context["problem"].code == "locked"
    temp.refresh_from_db()
    assert temp.is_locked
    again = client.post("/en/portal/signin/", {"username": user.username, "password": PASSWORD})
    assert again.context["problem"].code == "locked"  # even with the right password and code
    assert SESSION_KEY not in client.session


def test_replaced_code_is_refused_with_its_own_message(client, temp_client):
    user, old, old_code, _ = temp_client
    new, new_code = temporary_access.issue_temporary_code(user, actor="agent2")
    old.refresh_from_db()
    assert old.revoked_at is not None
    password_step(client, user)
    result = type_code(client, old_code)
    assert result.context["problem"].code == "code-replaced"
    new.refresh_from_db()
    assert new.throttling_failure_count == 1
    assert type_code(client, new_code).status_code == 302


def test_expired_code_is_refused(client, temp_client):
    user, _, code, _ = temp_client
    with time_machine.travel(timezone.now() + timedelta(hours=48, seconds=1)):
        page = password_step(client, user)
        assert page.context["problem"].code == "code-expired"  # said before anything is typed
        result = type_code(client, code)
        assert result.context["problem"].code == "code-expired"
        assert SESSION_KEY not in client.session


def test_code_is_for_its_client_only(client, temp_client):
    _, _, code, _ = temp_client
    other, _ = make_client("otto", Kind.IOS)
    temporary_access.issue_temporary_code(other, actor="agent")
    password_step(client, other)
    assert type_code(client, code).context["problem"].code == "code-wrong"


# --- the card -------------------------------------------------------------------


def test_card_values_derive_from_the_secret():
    secret = b"k" * 32
    values = codecard.all_values(secret)
    assert [label for label, _ in values] == [f"{i:02d}" for i in range(1, 49)]
    assert all(re.fullmatch(r"[0-9]{3}", value) for _, value in values)
    assert codecard.all_values(b"x" * 32) != values
    assert codecard.response_for_pair(secret, "0713") == values[6][1] + values[12][1]
    assert codecard.parse_pair("0707") is None and codecard.parse_pair("0049") is None


def test_prompt_pairs_are_distinct_and_never_repeat():
    previous = "0102"
    for _ in range(500):
        pair = codecard.new_pair(previous)
        first, second = codecard.parse_pair(pair)
        assert first != second and {first, second} != set(codecard.parse_pair(previous))
        previous = pair


def test_card_page_pdf_and_secret_at_rest(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = new_card(client)
    assert card.kind == Kind.CARD and not card.confirmed
    page = client.get("/en/portal/account/security/secure-login/card/")
    html = page.content.decode()
    for label, value in codecard.all_values(card.secret_key()):
        assert f">{label}<" in html and f">{value}<" in html
    assert 'id="print-card"' in html and "print command" in html
    raw_key = card.secret_key()
    assert raw_key.hex() not in card.encrypted_key and raw_key not in card.encrypted_key.encode()
    pdf = client.get("/en/portal/account/security/secure-login/card/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.content)) == 1  # one page
    # a second offer shows the same card, not a new one
    assert new_card(client).pk == card.pk


@pytest.mark.parametrize(
    "typed, problem",
    typed_and_problem(
        {
            "card-wrong": ["wrong"],
            "card-swapped": ["swapped"],
            "card-spaces": ["spaced"],
            "card-length": ["12345", "1234567"],
            "card-not-digits": ["12a456"],
            "non-ascii-digits": ["١٢٣٤٥٦"],
            "card-empty": [""],
        }
    ),
)
def test_activation_problems(client, temp_client, typed, problem):
    user, temp, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = new_card(client)
    prompt = activation_page(client)
    right = values_for(card, prompt.code)
    swapped = right[3:] + right[:3]
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    typed = {
        "wrong": wrong if wrong != swapped else f"{(int(right) + 2) % 10**6:06d}",
        "swapped": swapped,
        "spaced": f"{right[:3]} {right[3:]}",
    }.get(typed, typed)
    if problem == "card-swapped" and swapped == right:
        pytest.skip("both values equal")
    result = client.post(
        "/en/portal/account/security/secure-login/card/activate/",
        {"prompt": prompt.public_id, "values": typed},
    )
    assert refused_with(result, problem).help_url
    temp.refresh_from_db()
    card.refresh_from_db()
    counted = problem in ("card-wrong", "card-swapped")
    assert temp.throttling_failure_count == (1 if counted else 0)
    assert not card.confirmed and temp.confirmed  # nothing else changed


def test_tampered_prompt_id_and_another_clients_prompt(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = new_card(client)
    prompt = activation_page(client)
    url = "/en/portal/account/security/secure-login/card/activate/"
    result = client.post(url, {"prompt": "x" * 500, "values": values_for(card, prompt.code)})
    assert result.context["problem"].code == "tampered"
    other, _ = make_client("olga", Kind.IOS)
    foreign = Challenge.objects.create(
        user=other,
        device=card,
        purpose="card-activation",
        binding="b" * 64,
        code="0102",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    result = client.post(url, {"prompt": foreign.public_id, "values": values_for(card, "0102")})
    assert result.context["problem"].code == "tampered"
    card.refresh_from_db()
    assert not card.confirmed


@pytest.mark.parametrize("lang, expected", [("en", "Dec"), ("de", "Dezember")])
def test_activation_shows_expiry_in_the_clients_language(
    client, temp_client, lang, expected, settings
):
    # The session starts in the frozen past; the last requests run in today's time.
    settings.SECURELOGIN_SESSION_IDLE_SECONDS = settings.SECURELOGIN_SESSION_ABSOLUTE_SECONDS = (
        365 * 86400
    )
    user, temp, code, _ = temp_client
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False):
        signed_in_with_code(client, user, code)
        card = new_card(client)
        prompt = activation_page(client, lang)
        result = client.post(
            f"/{lang}/portal/account/security/secure-login/card/activate/",
            {"prompt": prompt.public_id, "values": values_for(card, prompt.code)},
        )
        assert result.status_code == 302
        done = client.get(result["Location"])
    html = done.content.decode()
    assert expected in html and "16" in html and "2026" in html
    assert 'id="card-ok"' in html and ">OK<" in html
    card.refresh_from_db()
    temp.refresh_from_db()
    assert card.confirmed and card.expires_at == card.activated_at + timedelta(days=21)
    assert temp.revoked_at is not None  # the temporary code's role ended
    assert AuditEvent.objects.filter(user=user, kind="card-activated").exists()
    # the values are not shown again
    refused = client.get(f"/{lang}/portal/account/security/secure-login/card/")
    assert refused.status_code == 403 and refused.context["problem"].code == "card-already-active"
    assert client.get(f"/{lang}/portal/account/security/secure-login/card/pdf/").status_code == 403


def test_card_signin_and_expiry(client, card_holder):
    user, code, card = card_holder
    # the temporary code is used up now
    page = password_step(client, user)
    assert page.context["pair"] is not None
    typed_code = answer_card(client, page.context["challenge"], code)
    assert typed_code.context["problem"].code == "card-not-digits"
    pairs = []
    for _ in range(3):
        page = password_step(client, user)
        challenge = page.context["challenge"]
        pairs.append(challenge.code)
        html = page.content.decode()
        first, second = codecard.parse_pair(challenge.code)
        assert f'id="index-1">{first:02d}<' in html and f'id="index-2">{second:02d}<' in html
        result = answer_card(client, challenge, card.response_for(challenge.code))
        assert result.status_code == 302 and result["Location"] == "/en/portal/"
        client.logout()
    assert all(
        {*pairs[i]} and set(codecard.parse_pair(pairs[i])) != set(codecard.parse_pair(pairs[i + 1]))
        for i in range(len(pairs) - 1)
    )
    expires = card.expires_at
    with time_machine.travel(expires - timedelta(seconds=1), tick=False):
        page = password_step(client, user)
        challenge = page.context["challenge"]
        result = answer_card(client, challenge, card.response_for(challenge.code))
        assert result.status_code == 302
        client.logout()
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        page = password_step(client, user)
        assert page.status_code == 403
        problem = page.context["problem"]
        assert problem.code == "card-expired" and "expired" in problem.message
        assert problem.help_url == "/en/articles/temporary-code/#get-a-code"
        result = answer_card(client, challenge, card.response_for(challenge.code))
        assert result.status_code == 403 and SESSION_KEY not in client.session


def test_card_signin_wrong_and_swapped_count(client, card_holder):
    user, _, card = card_holder
    page = password_step(client, user)
    challenge = page.context["challenge"]
    right = card.response_for(challenge.code)
    if right[:3] == right[3:]:
        pytest.skip("both values equal")
    result = answer_card(client, challenge, right[3:] + right[:3])
    assert result.context["problem"].code == "card-swapped"
    result = answer_card(client, challenge, "12 3456")
    assert result.context["problem"].code == "card-spaces"
    card.refresh_from_db()
    assert card.throttling_failure_count == 1


def test_new_code_or_device_revokes_the_card(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = activate(client, user)
    from securelogin.services import assign_device

    assign_device(user, Kind.IOS, actor="agent")
    card.refresh_from_db()
    assert card.status == "revoked"


def test_pending_card_is_revoked_by_a_new_code(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = new_card(client)
    temporary_access.issue_temporary_code(user, actor="agent")
    card.refresh_from_db()
    assert card.status == "revoked"
    page = client.get("/en/portal/account/security/secure-login/card/")
    # a new temporary code: a new card is offered, never the revoked one
    assert page.status_code == 302 and page["Location"].endswith("/card/offer/")
    assert new_card(client).pk != card.pk


def test_card_pages_need_temporary_access(client, db):
    user, _ = make_client("ida", Kind.IOS)
    client.force_login(user)
    for path in ["card/", "card/pdf/", "card/activate/", "card/offer/"]:
        result = client.get(f"/en/portal/account/security/secure-login/{path}")
        assert result.status_code == 403 and result.context["problem"].code == "card-not-available"


def test_security_device_page_leads_to_the_card(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    page = client.get("/en/portal/account/security/secure-login/device/")
    assert 'href="/en/portal/account/security/secure-login/card/offer/"' in page.content.decode()
    activate(client, user)
    page = client.get("/de/portal/account/security/secure-login/device/")
    assert "Läuft ab am" in page.content.decode() or "Ablauf" in page.content.decode()


def test_emulator_has_nothing_for_a_code_or_card(client, temp_client):
    user, temp, code, _ = temp_client
    password_step(client, user)
    assert client.get("/en/portal/device/")["Location"] == "/en/portal/signin/verify/"
    assert client.get(f"/en/portal/devices/{temp.pk}/").status_code == 404


def test_step_up_task_with_the_card(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = activate(client, user)
    client.post("/en/portal/tasks/change-email/", {"email": "new@example.com"})
    client.post(
        "/en/portal/tasks/sign-in-again/", {"username": user.username, "password": PASSWORD}
    )
    page = client.get("/en/portal/tasks/verify/")
    challenge = page.context["challenge"]
    assert codecard.parse_pair(challenge.code)
    result = client.post(
        "/en/portal/tasks/verify/",
        {"challenge": challenge.public_id, "response": card.response_for(challenge.code)},
    )
    assert result.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.com"


def test_pdf_download_letter_size(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    new_card(client)
    pdf = client.get("/en/portal/account/security/secure-login/card/pdf/?size=letter")
    assert "attachment" in pdf["Content-Disposition"]
    assert re.search(rb"/MediaBox \[ ?0 0 612(\.0+)? 792(\.0+)? ?\]", pdf.content)


def test_card_revoked_by_staff_is_explained_at_sign_in(client, card_holder):
    user, _, card = card_holder
    card.revoke()
    page = password_step(client, user)
    assert page.context["problem"].code == "card-revoked"
    assert page.context["problem"].help_url == "/en/articles/temporary-code/#get-a-code"


def test_prompt_of_a_replaced_card_is_refused(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    old_card = new_card(client)
    prompt = activation_page(client)
    old_card.revoke()  # e.g. staff revoked the waiting card
    client.post("/en/portal/account/security/secure-login/card/offer/")  # a new card is made
    result = client.post(
        "/en/portal/account/security/secure-login/card/activate/",
        {"prompt": prompt.public_id, "values": old_card.response_for(prompt.code)},
    )
    assert result.status_code == 400 and result.context["problem"].code == "card-revoked"
    assert (
        card_activation.pending_card(user).pk != old_card.pk
        and not card_activation.pending_card(user).confirmed
    )


def test_wrong_activation_values_lock_the_account(client, temp_client, settings):
    settings.SECURELOGIN_LOCK_AFTER_FAILURES = 2
    user, temp, code, _ = temp_client
    signed_in_with_code(client, user, code)
    card = new_card(client)
    url = "/en/portal/account/security/secure-login/card/activate/"
    for _ in range(2):
        prompt = activation_page(client)
        right = card.response_for(prompt.code)
        wrong = "000000" if right not in ("000000", right[3:] + right[:3]) else "999998"
        result = client.post(url, {"prompt": prompt.public_id, "values": wrong})
    assert result.status_code == 403 and result.context["problem"].code == "locked"
    assert SESSION_KEY not in client.session
    temp.refresh_from_db()
    assert temp.is_locked
    assert AuditEvent.objects.filter(user=user, kind="lockout").exists()

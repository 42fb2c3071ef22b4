"""Parallel activations and assignments of hardware tokens (real threads, PostgreSQL)."""

import secrets

import pytest
from django.contrib.auth import get_user_model

from securelogin import device_assignment, pskc_import, temporary_access
from securelogin.models import AuditEvent, HardwareToken, SecurityDevice
from tests.parallel import run_parallel
from tests.securelogin.helpers import needs_postgresql
from tests.securelogin.token_helpers import pskc_file, reference_ocra, token

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]
SPEC = token("PAR-1", "OCRA-1:HOTP-SHA1-8:QN08")


def client(name):
    user = get_user_model().objects.create_user(name)
    temporary_access.issue_temporary_code(user, actor="agent")
    return user


def waiting_token(user):
    """The token assigned to `user`, an activation prompt of one attempt and its right answer."""
    device = device_assignment.assign_token(user, SPEC["serial"])
    nonce = secrets.token_urlsafe(16)
    prompt = device_assignment.activation_prompt(user, device, nonce)
    return device, nonce, prompt, reference_ocra(SPEC["suite"], SPEC["secret"], prompt.code)


def accepted_once(answer_with, user, nonce, prompt, response):
    """Six parallel submissions of the right response: exactly one is accepted."""

    def submit(_):
        return answer_with(user=user, nonce=nonce, prompt_id=prompt.public_id, raw=response).ok

    return sorted(run_parallel(6, submit)) == [False] * 5 + [True]


def test_one_right_activation_response_activates_once():
    pskc_import.import_tokens(pskc_file([SPEC]))
    user = client("parallel-activation")
    device, nonce, prompt, response = waiting_token(user)
    assert accepted_once(device_assignment.activate_token, user, nonce, prompt, response)
    assert AuditEvent.objects.filter(kind="token-activated", user=user).count() == 1
    assert SecurityDevice.objects.get(user=user, confirmed=True).pk == device.pk


def test_one_token_is_assigned_to_one_client_only():
    pskc_import.import_tokens(pskc_file([SPEC]))
    users = [client(f"parallel-{n}") for n in range(4)]

    def assign(n):
        try:
            device_assignment.assign_token(users[n], SPEC["serial"])
            return True
        except device_assignment.AssignmentRefused:
            return False

    assert sorted(run_parallel(4, assign)) == [False] * 3 + [True]
    assert SecurityDevice.objects.filter(hardware_token__serial=SPEC["serial"]).count() == 1
    assert HardwareToken.objects.get().status == HardwareToken.Status.ASSIGNED


def test_parallel_imports_of_one_file_import_it_once():
    data = pskc_file([SPEC, token("PAR-2")])

    def run(_):
        try:
            return len(pskc_import.import_tokens(data))
        except pskc_import.ImportRefused:
            return 0

    assert sorted(run_parallel(3, run)) == [0, 0, 2]
    assert HardwareToken.objects.count() == 2
    assert AuditEvent.objects.filter(kind="tokens-imported").count() == 1


def test_a_new_clients_parallel_right_sign_in_answers_activate_once():
    """No other credential: the token's own row is the one locked and counted."""
    pskc_import.import_tokens(pskc_file([SPEC]))
    user = get_user_model().objects.create_user("parallel-new-client")
    device, nonce, prompt, response = waiting_token(user)
    assert device_assignment.token_to_activate_at_signin(user) == device
    assert accepted_once(device_assignment.sign_in_with_new_token, user, nonce, prompt, response)
    assert AuditEvent.objects.filter(kind="token-activated", user=user).count() == 1
    assert AuditEvent.objects.filter(kind="success", purpose="signin", user=user).count() == 1
    assert SecurityDevice.objects.get(user=user, confirmed=True).pk == device.pk

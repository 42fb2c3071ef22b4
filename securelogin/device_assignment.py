"""Hardware tokens and their clients: assign, activate, revoke, mark lost.

Staff assign an unassigned token to a client by serial: the client gets a
SecurityDevice of kind `token` that waits for activation (confirmed=False), and
the client's previous credential stays valid. Signed in, the client activates
the token by answering one challenge with it; the answer is judged by
services.judge, the same step (limits, audit, teaching errors) as every sign-in,
and wrong answers count on the client's active credential. Then the token
becomes the active credential and the previous one is revoked.

A new client whose only credential is the waiting token (or whose temporary code
or card ran out) activates it while signing in instead (`token_to_activate_at_signin`,
`sign_in_with_new_token`): same challenge, same judge; wrong answers count on the
token's own row, so the password step sees that lock like any other.

Revoking a token's device puts the token back in stock (reassignable); a token
marked lost is revoked and never assigned again.
"""

from typing import Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from . import feedback, services
from .models import AuditEvent, Challenge, HardwareToken, SecurityDevice
from .services import Answer, Attempt, Outcome, staff_event

Kind = SecurityDevice.Kind
Status = HardwareToken.Status
PURPOSE = Challenge.Purpose.TOKEN_ACTIVATION


class AssignmentRefused(Exception):
    """Staff asked for something the rules do not allow; `message` says why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def live_device(token: HardwareToken) -> SecurityDevice | None:
    """The device (pending or active) that currently uses `token`."""
    return token.devices.filter(revoked_at__isnull=True).select_related("user").first()


def latest_device(token: HardwareToken) -> SecurityDevice | None:
    """The device of the token's latest assignment, revoked or not."""
    return token.devices.select_related("user").order_by("-created_at", "-pk").first()


def pending_token(user: User) -> SecurityDevice | None:
    """The client's token that waits for activation, if any."""
    return services.waiting_devices(user, Kind.TOKEN).select_related("hardware_token").first()


def find_token(serial: str) -> HardwareToken:
    token = HardwareToken.objects.filter(serial=(serial or "").strip()).first()
    if token is None:
        raise AssignmentRefused(
            _("No security token has the serial number %(serial)s.") % {"serial": serial}
        )
    return token


def assign_token(
    user: User, serial: str, *, actor: str = "", request: HttpRequest | None = None
) -> SecurityDevice:
    """Give the unassigned token `serial` to the client `user`; it waits for the client's
    activation. A token the client was still to activate goes back into stock."""
    if user.is_staff or not user.is_active:
        raise AssignmentRefused(_("Security tokens are only for active client accounts."))
    with transaction.atomic():
        token = find_token(serial)
        token = HardwareToken.objects.select_for_update().get(pk=token.pk)
        if token.status == Status.LOST:
            raise AssignmentRefused(
                _("Token %(serial)s was marked lost and is never assigned again.")
                % {"serial": token.serial}
            )
        if token.status == Status.ASSIGNED:
            holder = latest_device(token)
            raise AssignmentRefused(
                _("Token %(serial)s is assigned to %(user)s; revoke it first.")
                % {"serial": token.serial, "user": holder.user.get_username() if holder else "?"}
            )
        previous = pending_token(user)
        if previous is not None:
            previous.revoke()
            staff_event(AuditEvent.Kind.DEVICE_REVOKED, previous, actor=actor, request=request)
        device = SecurityDevice(
            user=user,
            kind=Kind.TOKEN,
            name=token.serial[:64],
            confirmed=False,
            suite=token.suite,
            encrypted_key="",
            hardware_token=token,
        )
        device.save()
        HardwareToken.objects.filter(pk=token.pk).update(status=Status.ASSIGNED)
        staff_event(AuditEvent.Kind.DEVICE_ASSIGNED, device, actor=actor, request=request, count=1)
    return device


def assign_token_to(username: str, serial: str, *, actor: str = "") -> SecurityDevice:
    """`assign_token` by the client's user name (as `manage.py assign_device` takes it)."""
    client = get_user_model().objects.filter(username=username).first()
    if client is None:
        raise AssignmentRefused(f"No user is called {username!r}.")
    return assign_token(client, serial, actor=actor)


def revoke_token(
    token: HardwareToken, *, actor: str = "", request: HttpRequest | None = None
) -> bool:
    """End the token's assignment (pending or active) and put it back in stock: the only way
    a token becomes assignable again. (A token whose device was replaced meanwhile, e.g. by
    a temporary code, stays assigned until staff revoke it here or mark it lost.) A client
    left without a device needs a temporary code or another token."""
    with transaction.atomic():
        if _locked(token).status != Status.ASSIGNED:
            return False
        device = _end_assignment(token, status=Status.AVAILABLE)
        last = device or latest_device(token)
        staff_event(AuditEvent.Kind.DEVICE_REVOKED, last, actor=actor, request=request, count=1)
    return True


def mark_lost(token: HardwareToken, *, actor: str = "", request: HttpRequest | None = None) -> bool:
    """The token is lost or stolen: its assignment ends and it is never assigned again."""
    with transaction.atomic():
        if _locked(token).status == Status.LOST:
            return False
        device = _end_assignment(token, status=Status.LOST, lost_at=timezone.now())
        if device is not None:
            staff_event(AuditEvent.Kind.DEVICE_REVOKED, device, actor=actor, request=request)
        staff_event(AuditEvent.Kind.TOKEN_LOST, device, actor=actor, request=request, count=1)
    return True


def _locked(token: HardwareToken) -> HardwareToken:
    """The token's row, locked until the end of the transaction."""
    return HardwareToken.objects.select_for_update().get(pk=token.pk)


def _end_assignment(token: HardwareToken, **changes: object) -> SecurityDevice | None:
    """Store `changes` on the token and revoke the device that uses it (returned), if any."""
    HardwareToken.objects.filter(pk=token.pk).update(**changes)
    device = live_device(token)
    if device is not None:
        device.revoke()
    return device


# --- activation by the client ---------------------------------------------------


def activation_prompt(
    user: User,
    device: SecurityDevice,
    nonce: str,
    request: HttpRequest | None = None,
) -> Challenge:
    """The open activation challenge of this attempt, or a new one (PromptLimitReached
    when the account drew too many this hour)."""
    prompt = services.open_challenge(nonce, user, device)
    if prompt is None:
        prompt = services.issue_challenge(user, device, PURPOSE, nonce, request)
    return prompt


def activate_token(**answer: Unpack[Answer]) -> Outcome:
    """Check the token's response to the activation challenge. On success the token
    becomes the active credential and the previous one is revoked. Wrong responses
    count toward the lockout on the active credential (on the token's own row when
    the client has none); malformed input is explained and not counted."""
    user = answer["user"]
    attempt = Attempt(user, PURPOSE, answer.get("request"))
    device = pending_token(user)
    if device is None:
        return Outcome(ok=False, problem=feedback.problem(feedback.TOKEN_NOT_PENDING))
    digits = device.response_digits
    response, form_problem = feedback.check_response_form(answer["raw"], digits=digits)
    if form_problem:
        return Outcome(ok=False, problem=form_problem)
    found = services.find_prompt(answer["prompt_id"], answer["nonce"], user, PURPOSE)
    prompt = services.usable_prompt(found, device, attempt)
    if isinstance(prompt, Outcome):
        return prompt

    with transaction.atomic():
        active = services.active_device(user)
        counted = SecurityDevice.objects.select_for_update().get(pk=(active or device).pk)
        token_device = (
            SecurityDevice.objects.select_for_update(of=("self",))
            .select_related("hardware_token")
            .get(pk=device.pk)
        )
        if token_device.confirmed or token_device.revoked_at is not None:
            # activated by a parallel submission, or staff revoked it meanwhile
            return Outcome(ok=False, problem=feedback.problem(feedback.TOKEN_NOT_PENDING))

        def activate() -> Outcome:
            now = timezone.now()
            old_rows = (
                SecurityDevice.objects.select_for_update(of=("self",))
                .filter(user=user, revoked_at__isnull=True)
                .filter(Q(confirmed=True) | Q(kind=Kind.CARD))
                .exclude(pk=token_device.pk)
            )
            for old in old_rows:
                old.revoke()
                attempt.event(AuditEvent.Kind.DEVICE_REVOKED, old)
            SecurityDevice.objects.filter(pk=token_device.pk).update(
                confirmed=True, activated_at=now, last_used_at=now
            )
            token_device.refresh_from_db()
            attempt.event(AuditEvent.Kind.TOKEN_ACTIVATED, token_device)
            return Outcome(ok=True)

        wrong = feedback.problem(feedback.WRONG, Kind.TOKEN)
        return services.judge(
            counted, token_device, prompt, response, attempt, wrong=wrong, on_success=activate
        )


# --- activation while signing in (a new client without a usable credential) -----


def token_to_activate_at_signin(user: User) -> SecurityDevice | None:
    """The token the sign-in's second step asks for: only when the client has no usable
    credential (none, or an expired temporary code or card) and a token waits. A client
    with a working credential activates from Security device, as before."""
    active = services.active_device(user)
    if active is not None and not active.is_expired:
        return None
    return pending_token(user)


def sign_in_with_new_token(**answer: Unpack[Answer]) -> Outcome:
    """`activate_token` with the sign-in's nonce; a right answer also counts as the
    sign-in's success (the token's failures reset, a `success` row for the sign-in)."""
    outcome = activate_token(**answer)
    if outcome.ok:
        device = services.active_device(answer["user"])
        assert device is not None  # the token just became the active device
        device.record_success()
        signin = Attempt(answer["user"], Challenge.Purpose.SIGNIN, answer.get("request"))
        signin.event(AuditEvent.Kind.SUCCESS, device)
    return outcome

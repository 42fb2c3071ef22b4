"""The Online Security Code Card (KB2636): offered to a client signed in with a temporary
code, printed, then activated with two index numbers; it becomes the active credential.

Activation prompts are Challenge rows verified by services.judge, the same step as
the sign-in's; wrong values count on the temporary code's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Unpack

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from . import feedback, services
from .conf import app_settings
from .models import AuditEvent, Challenge, SecurityDevice
from .services import Answer, Attempt, Outcome, audit
from .temporary_access import has_temporary_access

if TYPE_CHECKING:
    from securelogin.feedback import Problem

Kind = SecurityDevice.Kind
Reason = AuditEvent.Reason


@dataclass
class CardState:
    """The card the client may see or activate, or the problem why not."""

    card: SecurityDevice | None = None
    problem: feedback.Problem | None = None


def revoked_card_notice(user: User) -> Problem | None:
    """The CARD_REVOKED problem when the client's latest credential is a card that
    staff revoked and nothing replaced it; else None."""
    latest = SecurityDevice.objects.filter(user=user).order_by("-created_at", "-pk").first()
    if latest is not None and latest.kind == Kind.CARD and latest.revoked_at is not None:
        return feedback.problem(feedback.CARD_REVOKED)
    return None


def pending_card(user: User) -> SecurityDevice | None:
    return services.waiting_devices(user, Kind.CARD).order_by("-created_at").first()


def card_to_print(
    user: User, request: HttpRequest | None = None, create: bool = False
) -> CardState:
    """The card whose values may be shown: only a card waiting for activation,
    only while the client is signed in with a temporary code. With `create`, a
    new card is made when none is waiting."""
    active = services.active_device(user)
    if active is not None and active.kind == Kind.CARD:
        problem = (
            services.expired_problem(active)
            if active.is_expired
            else feedback.problem(feedback.CARD_ALREADY_ACTIVE)
        )
        return CardState(problem=problem)
    if not has_temporary_access(user):
        return CardState(problem=feedback.problem(feedback.CARD_NOT_AVAILABLE))
    card = pending_card(user)
    if card is None and create:
        with transaction.atomic():
            assert active is not None  # has_temporary_access: the code is active
            SecurityDevice.objects.select_for_update().filter(
                pk=active.pk
            ).first()  # one card at a time
            card = pending_card(user)
            if card is None:
                card = SecurityDevice.build(user, Kind.CARD)
                card.confirmed = False
                card.save()
                audit(AuditEvent.Kind.CARD_ISSUED, user=user, device=card, request=request)
    if card is None:
        return CardState(problem=feedback.problem(feedback.CARD_NOT_AVAILABLE))
    return CardState(card=card)


def issue_activation_prompt(
    user: User, card: SecurityDevice, nonce: str, request: HttpRequest | None = None
) -> Challenge:
    return services.issue_challenge(user, card, Challenge.Purpose.CARD_ACTIVATION, nonce, request)


def current_activation_prompt(user: User, card: SecurityDevice, nonce: str) -> Challenge | None:
    return services.open_challenge(nonce, user, card)


def activate_card(**answer: Unpack[Answer]) -> Outcome:
    """Check the two card values of the activation prompt; on success the card
    becomes the client's active credential for CARD_DAYS and the temporary code
    is revoked. Wrong values (and swapped ones) count toward the account's lockout
    on the temporary code's row; malformed input is explained and not counted."""
    user, request = answer["user"], answer.get("request")
    attempt = Attempt(user, Challenge.Purpose.CARD_ACTIVATION, request)
    values, form_problem = feedback.check_card_values_form(answer["raw"])
    if form_problem:
        return Outcome(ok=False, problem=form_problem)
    state = card_to_print(user)
    if state.problem:
        return Outcome(ok=False, problem=state.problem)
    card = state.card
    assert card is not None  # no problem: the card waits for activation
    found = services.find_prompt(answer["prompt_id"], answer["nonce"], user, attempt.purpose)
    if found is not None and found.device_id != card.pk and found.device.revoked_at is not None:
        # the prompt of a card that was replaced or revoked meanwhile (another tab, staff)
        return services.retry(feedback.CARD_REVOKED)
    prompt = services.usable_prompt(found, card, attempt)
    if isinstance(prompt, Outcome):
        return prompt

    with transaction.atomic():
        active = services.active_device(user)
        assert active is not None  # card_to_print: a temporary code is active
        access = SecurityDevice.objects.select_for_update().get(pk=active.pk)
        if access.kind != Kind.TEMPORARY or access.revoked_at is not None:
            # a parallel submission activated the card (or staff replaced the code) meanwhile
            return Outcome(ok=False, problem=feedback.problem(feedback.CARD_ALREADY_ACTIVE))

        def activate() -> Outcome:
            now = timezone.now()
            access.revoke()
            audit(
                AuditEvent.Kind.DEVICE_REVOKED,
                user=user,
                device=access,
                request=request,
                reason=Reason.CARD_ACTIVATED,
            )
            SecurityDevice.objects.filter(pk=card.pk).update(
                confirmed=True,
                activated_at=now,
                expires_at=now + timedelta(days=app_settings.CARD_DAYS),
                last_used_at=now,
            )
            card.refresh_from_db()
            attempt.event(AuditEvent.Kind.CARD_ACTIVATED, card)
            return Outcome(ok=True)

        wrong = feedback.problem(feedback.CARD_WRONG)
        return services.judge(
            access, card, prompt, values, attempt, wrong=wrong, on_success=activate
        )

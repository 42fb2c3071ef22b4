"""Hand-off to the phone: the rules of the link shown as a QR code on the desktop.

- The link carries a token of 32 random bytes (256 bits, `secrets`); only its SHA-256 is stored.
- It is valid for `app_settings.HANDOFF_MINUTES` (15) minutes after it was made.
- Single use: the link's page only shows a "Start" button (a link preview or mail scanner that
  fetches it uses nothing up); the first device that presses it is bound to the hand-off by a
  cookie holding a second secret (also stored only as a hash), and no other device can open
  the link again. That phone may add photos (1 to `app_settings.MAX_FILES` in all) until it says
  it is done or the 15 minutes are over. A second device, a used, expired or finished link,
  and an unknown token each get their own refusal (`LinkRefused.code`); unknown tokens are
  counted per address (`portal/counters.py`) and a burst of them is refused before any look-up.
- The link grants nothing else: no session, no sign-in, no other page or submission.
- The client finishes the submission on the desktop (signed in), also after the link expired.
- Every step is written to the append-only HandoffEvent log, without the token.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from documents import services
from documents.conf import app_settings
from documents.models import (
    DocumentRequest,
    HandoffEvent,
    HandoffPhoto,
    PageFormat,
    PhoneHandoff,
    Photo,
    Submission,
)
from portal import counters

TOKEN_BYTES = 32
COOKIE_NAME = "documents_phone"
GUESS_WINDOW_SECONDS = 600


class LinkRefused(Exception):
    """The link (or the phone's cookie) may not be used; `code` says why."""

    CODES = ("unknown", "expired", "used", "finished", "other_device", "throttled")

    def __init__(self, code: str, handoff: PhoneHandoff | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.handoff = handoff


class HandoffClosed(Exception):
    """The desktop cannot finish: nothing arrived yet, or it was finished already."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def audit(
    kind: str,
    handoff: PhoneHandoff | None = None,
    *,
    ip: str | None = None,
    detail: str = "",
    reference: str = "",
) -> HandoffEvent:
    return HandoffEvent.objects.create(
        kind=kind,
        handoff=handoff,
        ip=ip,
        detail=detail[:40],
        reference=reference,
        client_username=handoff.owner.get_username() if handoff is not None else "",
    )


def create(
    owner: User, request: DocumentRequest | None = None, ip: str | None = None
) -> tuple[PhoneHandoff, str]:
    """A new link for `owner` (answering `request`, one of their open requests, if given)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    handoff = PhoneHandoff.objects.create(
        owner=owner,
        request=request,
        token_hash=digest(token),
        created_at=now,
        expires_at=now + timedelta(minutes=app_settings.HANDOFF_MINUTES),
    )
    audit(HandoffEvent.Kind.CREATED, handoff, ip=ip)
    return handoff, token


def _guess_key(ip: str | None) -> str:
    return f"documents:handoff-guess:{ip or 'unknown'}"


def find_link(token: str, ip: str | None = None, bound_to: int | None = None) -> PhoneHandoff:
    """The hand-off of a link that may still be opened (looking changes nothing, so a link
    preview or a mail scanner cannot use it up). `bound_to`: the hand-off this device's cookie
    is bound to, which may look at its own link again.

    Raises LinkRefused (audited) for a burst of guesses, an unknown, expired, used or finished
    link, or a link another device has opened already.
    """
    if counters.count(_guess_key(ip)) >= app_settings.HANDOFF_GUESSES:
        audit(HandoffEvent.Kind.REFUSED, ip=ip, detail="throttled")
        raise LinkRefused("throttled")
    handoff = None
    if 20 <= len(token) <= 100:
        handoff = (
            PhoneHandoff.objects.select_related("owner").filter(token_hash=digest(token)).first()
        )
    if handoff is None:
        counters.hit(_guess_key(ip), GUESS_WINDOW_SECONDS)
        audit(HandoffEvent.Kind.REFUSED, ip=ip, detail="unknown")
        raise LinkRefused("unknown")
    closed = closed_reason(handoff)
    if closed is None and handoff.opened_at is not None and handoff.pk != bound_to:
        closed = "other_device"
    if closed is not None:
        audit(HandoffEvent.Kind.REFUSED, handoff, ip=ip, detail=closed)
        raise LinkRefused(closed, handoff)
    return handoff


def open_link(token: str, ip: str | None = None) -> tuple[PhoneHandoff, str]:
    """This device opens the link (the phone pressed "Start"): returns the hand-off and the
    cookie value that binds the phone to it. Refused like find_link; only one device wins."""
    handoff = find_link(token, ip)
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    won = PhoneHandoff.objects.filter(pk=handoff.pk, opened_at__isnull=True).update(
        opened_at=timezone.now(), phone_key_hash=digest(secret)
    )
    if not won:  # another device opened it a moment ago
        audit(HandoffEvent.Kind.REFUSED, handoff, ip=ip, detail="other_device")
        raise LinkRefused("other_device", handoff)
    handoff.refresh_from_db()
    audit(HandoffEvent.Kind.OPENED, handoff, ip=ip)
    return handoff, f"{handoff.pk}.{secret}"


def closed_reason(handoff: PhoneHandoff) -> str | None:
    if handoff.finished_at:
        return "finished"
    if handoff.done_at:
        return "used"
    if handoff.is_expired():
        return "expired"
    return None


def from_cookie(value: str, ip: str | None = None) -> PhoneHandoff:
    """The hand-off the phone's cookie is bound to, if the phone may still add photos."""
    pk, _, secret = (value or "").partition(".")
    handoff = None
    if pk.isdigit() and secret:
        handoff = PhoneHandoff.objects.select_related("owner", "request").filter(pk=int(pk)).first()
    if (
        handoff is None
        or not handoff.phone_key_hash
        or not hmac.compare_digest(handoff.phone_key_hash, digest(secret))
    ):
        raise LinkRefused("unknown")
    closed = closed_reason(handoff)
    if closed:
        raise LinkRefused(closed, handoff)
    return handoff


@dataclass
class Added:
    photos: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)  # as services.process_all reports them
    error: str = ""  # "too_many", "closed"

    @property
    def ok(self) -> bool:
        return bool(self.photos) and not self.file_errors and not self.error


def add_photos(handoff: PhoneHandoff, uploads: list, ip: str | None = None) -> Added:
    """Check, sandbox and store the phone's photos exactly as a desktop upload; all or none."""
    if handoff.photos.count() + len(uploads) > app_settings.MAX_FILES:
        for upload in uploads:
            upload.close()
        audit(HandoffEvent.Kind.PHOTO_REFUSED, handoff, ip=ip, detail="too_many")
        return Added(error="too_many")
    staged, errors = services.process_all(uploads, page_format=page_format_of(handoff))
    if errors:
        for error in errors:
            audit(HandoffEvent.Kind.PHOTO_REFUSED, handoff, ip=ip, detail=error["code"])
        return Added(file_errors=errors)
    stored: list[str] = []
    try:
        names = services.store_staged(staged)
        stored = [name for names_of_photo in names for name in names_of_photo if name]
        with transaction.atomic():
            locked = PhoneHandoff.objects.select_for_update().get(pk=handoff.pk)
            if not locked.phone_may_add():
                raise LinkRefused(closed_reason(locked) or "unknown", locked)
            count = locked.photos.count()
            if count + len(staged) > app_settings.MAX_FILES:
                raise LinkRefused("too_many", locked)
            added = [
                HandoffPhoto.objects.create(
                    handoff=locked,
                    position=count + number,
                    **services.stored_photo_fields(photo, photo_names),
                )
                for number, (photo, photo_names) in enumerate(zip(staged, names, strict=True), 1)
            ]
            for photo in added:
                audit(HandoffEvent.Kind.PHOTO_ADDED, locked, ip=ip, detail=f"page {photo.position}")
    except LinkRefused as refused:
        services.delete_stored(stored)
        audit(HandoffEvent.Kind.PHOTO_REFUSED, handoff, ip=ip, detail=refused.code)
        return Added(error="too_many" if refused.code == "too_many" else "closed")
    except BaseException:
        services.delete_stored(stored)
        raise
    finally:
        for staged_photo in staged:
            staged_photo.discard()
    return Added(photos=added)


def page_format_of(handoff: PhoneHandoff) -> str:
    """The document's size the phone's photos are judged for: the staff request's, else a page."""
    request = handoff.request
    return request.page_format if request is not None else PageFormat.PAGE


def mark_done(handoff: PhoneHandoff, ip: str | None = None) -> None:
    """The phone says it is done: the link and the phone's cookie stop working."""
    if PhoneHandoff.objects.filter(pk=handoff.pk, done_at__isnull=True).update(
        done_at=timezone.now()
    ):
        audit(HandoffEvent.Kind.DONE, handoff, ip=ip)


def state(handoff: PhoneHandoff, now: datetime | None = None) -> str:
    """waiting (not opened yet), connected, done, expired or finished."""
    if handoff.finished_at:
        return "finished"
    if handoff.done_at:
        return "done"
    if handoff.is_expired(now):
        return "expired"
    return "connected" if handoff.opened_at else "waiting"


def finish(
    handoff: PhoneHandoff, document_type: str, note: str, ip: str | None = None
) -> Submission:
    """The desktop turns the phone's photos into one submission (the files stay where they are)."""
    for attempt in range(5):
        try:
            with transaction.atomic(durable=True):
                locked = PhoneHandoff.objects.select_for_update().get(pk=handoff.pk)
                if locked.finished_at:
                    raise HandoffClosed("finished")
                photos = list(locked.photos.order_by("position"))
                if not photos:
                    raise HandoffClosed("empty")
                submission = Submission.objects.create(
                    owner=locked.owner,
                    document_type=document_type,
                    note=note,
                    page_format=page_format_of(locked),
                )
                for position, photo in enumerate(photos, 1):
                    Photo.objects.create(
                        submission=submission,
                        position=position,
                        **services.stored_photo_fields(
                            photo,
                            (
                                photo.image.name or "",
                                photo.thumbnail.name or "",
                                photo.document.name or "",
                            ),
                        ),
                    )
                HandoffPhoto.objects.filter(
                    handoff=locked
                ).delete()  # rows only: the files are the submission's now
                services.fulfil(locked.owner, document_type, submission, locked.request)
                locked.finished_at = timezone.now()
                locked.submission = submission
                locked.save(update_fields=["finished_at", "submission"])
                audit(HandoffEvent.Kind.FINISHED, locked, ip=ip, reference=submission.reference)
            return submission
        except IntegrityError:  # a reference collision (1 in ~10^11): again with a fresh one
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def purge_abandoned(now: datetime | None = None) -> int:
    """Delete the photos of hand-offs never finished, `app_settings.HANDOFF_KEEP_HOURS` after
    start."""
    cutoff = (now or timezone.now()) - timedelta(hours=app_settings.HANDOFF_KEEP_HOURS)
    removed = 0
    for photo in HandoffPhoto.objects.filter(
        handoff__finished_at__isnull=True, handoff__created_at__lt=cutoff
    ):
        names = [photo.image.name, photo.thumbnail.name, photo.document.name]
        photo.delete()
        # After the row: a failure leaves a file, never a row without one.
        services.delete_stored(names)
        removed += 1
    return removed

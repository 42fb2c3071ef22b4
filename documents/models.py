"""Document submissions: one client sends 1–10 photos of a requested document."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.errors import OVERRIDABLE, WARNINGS, warning_dict
from documents.storage import private_storage
from portal.append_only import AppendOnlyModel

# No 0/O, 1/I/L, U: easy to read out on the phone and to type.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PREFIX = "DOC"


def new_reference() -> str:
    """A short, unambiguous, unguessable reference such as DOC-7K3M-9QXA (about 39 random bits)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{REFERENCE_PREFIX}-{chars[:4]}-{chars[4:]}"


class DocumentType(models.TextChoices):
    IDENTITY = "identity", _("Proof of identity")
    ADDRESS = "address", _("Proof of address")
    OTHER = "other", _("Other document")


class PageFormat(models.TextChoices):
    """The physical size of the document: its effective dpi is judged for it (outline.SIZES)."""

    PAGE = "page", _("A4 or Letter page")
    ID_CARD = "id_card", _("ID card (credit card size)")
    PASSPORT = "passport", _("Passport page")


class RejectionReason(models.TextChoices):
    ILLEGIBLE = "illegible", _("The photos are not legible enough.")
    INCOMPLETE = "incomplete", _("A page or part of the document is missing.")
    WRONG_DOCUMENT = "wrong_document", _("This is not the document we asked for.")
    EXPIRED = "expired", _("The document has expired.")
    MISMATCH = "mismatch", _("The name or address does not match our records.")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def owned_by(self, user: User) -> SubmissionQuerySet:
        return self.filter(owner=user)

    def photos_past_retention(self, now: datetime, days: int) -> SubmissionQuerySet:
        """Reviewed (accepted or rejected) more than `days` ago and still holding photos."""
        return self.filter(
            status__in=[Submission.Status.ACCEPTED, Submission.Status.REJECTED],
            reviewed_at__lt=now - timedelta(days=days),
            photos_deleted_at__isnull=True,
        )


class Submission(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_reference, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="document_submissions",
        verbose_name=_("client"),
    )
    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    page_format = models.CharField(
        _("document size"), max_length=10, choices=PageFormat.choices, default=PageFormat.PAGE
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    rejection_reason = models.CharField(
        _("reason for rejection"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    staff_message = models.TextField(
        _("message to the client"),
        blank=True,
        help_text=_("Optional; shown to the client next to the status."),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("reviewed by"),
    )

    photos_deleted_at = models.DateTimeField(
        _("photos deleted"), null=True, blank=True, editable=False
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document submission")
        verbose_name_plural = _("document submissions")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("documents:submission_detail", kwargs={"reference": self.reference})

    def accept(self, staff_user: User, message: str = "") -> None:
        self.status = self.Status.ACCEPTED
        self.rejection_reason = ""
        self._reviewed(staff_user, message)

    def reject(self, staff_user: User, reason: str, message: str = "") -> None:
        if reason not in RejectionReason.values:
            raise ValueError("unknown rejection reason")
        self.status = self.Status.REJECTED
        self.rejection_reason = reason
        self._reviewed(staff_user, message)

    def _reviewed(self, staff_user: User, message: str) -> None:
        self.staff_message = message
        self.reviewed_by = staff_user
        self.reviewed_at = timezone.now()
        self.save(
            update_fields=[
                "status",
                "rejection_reason",
                "staff_message",
                "reviewed_by",
                "reviewed_at",
            ]
        )


class Photo(models.Model):
    """One page, re-encoded as JPEG without metadata; files under random names in private
    storage."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(_("page"))
    image = models.FileField(_("photo"), storage=private_storage, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), storage=private_storage, max_length=200)
    document = models.FileField(
        _("straightened document"),
        storage=private_storage,
        max_length=200,
        blank=True,
        help_text=_(
            "The document cut out of the photo and straightened; empty when no outline was found."
        ),
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    source_format = models.CharField(_("original format"), max_length=10)
    warnings = models.JSONField(_("quality warnings"), default=list, blank=True)
    scores = models.JSONField(_("quality scores"), default=dict, blank=True)
    client_note = models.CharField(
        _("client's note"),
        max_length=300,
        blank=True,
        help_text=_("Why the client sent this photo although a quality check refused it twice."),
    )

    class Meta:
        ordering = ["submission", "position"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"], name="documents_photo_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission.reference} #{self.position}"

    @property
    def sent_anyway(self) -> str:
        """The refusal the client overruled (blurred, motion_blurred, dark), or ""."""
        return next((code for code in self.warnings if code in OVERRIDABLE), "")

    @property
    def warning_messages(self) -> list[str]:
        """What the client was warned of when the photo was accepted (glare, brightness, low
        effective dpi), worded as the upload page worded it."""
        return [
            warning_dict(code, self.scores)["message"] for code in self.warnings if code in WARNINGS
        ]

    @property
    def glare_box(self) -> dict[str, float] | None:
        """The washed-out spot as SVG coordinates in a 0–1 square (x, y, width, height), or None."""
        box = self.scores.get("glare_box") if "glare" in self.warnings else None
        if not box:
            return None
        left, top, right, bottom = box
        return {
            "x": left,
            "y": top,
            "width": round(right - left, 3),
            "height": round(bottom - top, 3),
        }

    @property
    def outline_found(self) -> bool:
        return bool(self.document)

    def get_thumbnail_url(self) -> str:
        return reverse(
            "documents:thumbnail",
            kwargs={"reference": self.submission.reference, "position": self.position},
        )


REVIEWERS_GROUP = "Document reviewers"


class PhotoAccess(AppendOnlyModel):
    """Append-only: a staff member looked at a client's photos (thumbnail, full photo or PDF)."""

    class Kind(models.TextChoices):
        THUMBNAIL = "thumbnail", _("Thumbnail")
        PHOTO = "photo", _("Full photo")
        DOCUMENT = "document", _("Straightened document")
        PDF = "pdf", _("PDF of all pages")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("staff member"),
    )
    staff_username = models.CharField(_("staff member"), max_length=150, editable=False)
    client_username = models.CharField(_("client"), max_length=150, editable=False)
    reference = models.CharField(_("reference"), max_length=16, db_index=True, editable=False)
    position = models.PositiveSmallIntegerField(_("page"), null=True, editable=False)
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices, editable=False)

    append_only_message = "The photo access log is append-only."

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("photo access by staff")
        verbose_name_plural = _("photo accesses by staff")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.staff_username} {self.reference}"

    @classmethod
    def record(
        cls,
        staff_user: User,
        submission: Submission,
        kind: str,
        position: int | None = None,
    ) -> PhotoAccess:
        return cls.objects.create(
            staff=staff_user,
            staff_username=staff_user.get_username(),
            client_username=submission.owner.get_username(),
            reference=submission.reference,
            position=position,
            kind=kind,
        )


def can_review(user: User | AnonymousUser) -> bool:
    """Staff with the reviewers' permission (the "Document reviewers" group, or a superuser)."""
    return user.is_active and user.is_staff and user.has_perm("documents.view_submission")


class DocumentRequestQuerySet(models.QuerySet["DocumentRequest"]):
    def open(self) -> DocumentRequestQuerySet:
        return self.filter(fulfilled_by__isnull=True)

    def answerable(self, owner: User, raw_pk: str) -> DocumentRequest | None:
        """The owner's open request whose id a form sent (`raw_pk`, text), or None."""
        return self.open().filter(owner=owner, pk=raw_pk).first() if raw_pk.isdigit() else None

    def overdue(self, today: date | None = None) -> DocumentRequestQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())


class DocumentRequest(models.Model):
    """Staff ask a client for a document; the client's next submission of it fulfils the request."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="document_requests",
        verbose_name=_("client"),
    )
    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    page_format = models.CharField(
        _("document size"),
        max_length=10,
        choices=PageFormat.choices,
        default=PageFormat.PAGE,
        help_text=_(
            "The photos are judged for this size: an ID card needs fewer pixels than a page."
        ),
    )
    message = models.TextField(
        _("message to the client"),
        blank=True,
        help_text=_("Shown to the client with the request, e.g. which pages."),
    )
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("requested by"),
    )
    fulfilled_by = models.OneToOneField(
        Submission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfils",
        editable=False,
        verbose_name=_("fulfilled by"),
    )

    objects = DocumentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "created_at"]
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} · {self.owner}"

    @property
    def is_open(self) -> bool:
        return self.fulfilled_by_id is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    def get_send_url(self) -> str:
        return reverse("documents:upload") + f"?request={self.pk}"

    @staticmethod
    def usual_due_date(today: date | None = None) -> date:
        """The due date the admin's form proposes: two weeks from today."""
        return (today or timezone.localdate()) + timedelta(days=14)


from documents.handoff_models import HandoffEvent, HandoffPhoto, PhoneHandoff  # noqa: E402, F401

"""Records of the phone hand-off: the link, the photos it collected, and its audit log.

The rules (token, expiry, single use) live in documents/handoff.py.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.storage import private_storage
from portal.append_only import AppendOnlyModel


class PhoneHandoff(models.Model):
    """A link shown as a QR code on the desktop that lets one phone add photos for its owner.

    Only the SHA-256 of the link's token and of the phone's cookie secret are stored.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone_handoffs",
        verbose_name=_("client"),
    )
    request = models.ForeignKey(
        "documents.DocumentRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document request"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("link expires"), editable=False)
    opened_at = models.DateTimeField(
        _("opened on the phone"), null=True, blank=True, editable=False
    )
    done_at = models.DateTimeField(_("phone done"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    submission = models.OneToOneField(
        "documents.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("submission"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phone hand-off")
        verbose_name_plural = _("phone hand-offs")

    def __str__(self) -> str:
        return f"{self.owner} {self.created_at:%Y-%m-%d %H:%M}"

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def phone_may_add(self, now: datetime | None = None) -> bool:
        """The phone may still add photos: opened, not done, not finished, not expired."""
        return bool(
            self.opened_at
            and not self.done_at
            and not self.finished_at
            and not self.is_expired(now)
        )


class HandoffPhoto(models.Model):
    """A photo the phone sent, checked and stored exactly like a desktop upload, waiting for the
    desktop to finish the submission (then its files become the submission's photos)."""

    handoff = models.ForeignKey(PhoneHandoff, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(_("page"))
    image = models.FileField(_("photo"), storage=private_storage, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), storage=private_storage, max_length=200)
    document = models.FileField(
        _("straightened document"), storage=private_storage, max_length=200, blank=True
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    source_format = models.CharField(_("original format"), max_length=10)
    warnings = models.JSONField(_("quality warnings"), default=list, blank=True)
    scores = models.JSONField(_("quality scores"), default=dict, blank=True)

    class Meta:
        ordering = ["handoff", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["handoff", "position"], name="documents_handoffphoto_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.handoff_id} #{self.position}"


class HandoffEvent(AppendOnlyModel):
    """Append-only: what happened to a phone hand-off link (never the token itself)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Link created")
        OPENED = "opened", _("Link opened on a phone")
        PHOTO_ADDED = "photo-added", _("Photo added from the phone")
        PHOTO_REFUSED = "photo-refused", _("Photo from the phone refused")
        DONE = "done", _("Phone said done")
        FINISHED = "finished", _("Submission finished on the desktop")
        REFUSED = "refused", _("Link refused")

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, editable=False)
    handoff = models.ForeignKey(
        PhoneHandoff,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("hand-off"),
    )
    client_username = models.CharField(_("client"), max_length=150, blank=True, editable=False)
    reference = models.CharField(_("reference"), max_length=16, blank=True, editable=False)
    detail = models.CharField(_("detail"), max_length=40, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP address"), null=True, editable=False)

    append_only_message = "The phone hand-off log is append-only."

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("phone hand-off event")
        verbose_name_plural = _("phone hand-off events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.client_username}"

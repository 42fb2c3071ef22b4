"""Logs that may only grow (the sign-in audit log, staff views of clients' photos).

A row can be written once and never changed or deleted: not by `save()` on an
existing row, not by `delete()`, not by a queryset's `update()` or `delete()`,
and not in the admin, which shows them read-only.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _refuse(model: type[models.Model]) -> NoReturn:
    raise PermissionDenied(
        getattr(model, "append_only_message", AppendOnlyModel.append_only_message)
    )


class AppendOnlyQuerySet(models.QuerySet):
    def delete(self) -> NoReturn:
        _refuse(self.model)

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model)


class AppendOnlyModel(models.Model):
    """A log row: when it was written, newest first."""

    created_at = models.DateTimeField(
        _("when"), default=timezone.now, db_index=True, editable=False
    )

    append_only_message = "This log is append-only."
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(type(self))


class ReadOnlyAdminMixin:
    """An admin that lists and shows rows but never adds, changes or deletes them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

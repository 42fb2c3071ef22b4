"""Document uploads and practice accounts: the permission check the upload views wear,
the marking of practice submissions, and their purge after PRACTICE_SUBMISSION_HOURS.

Uploading documents is for client accounts. Practice accounts (demo clients)
may upload only where settings.PRACTICE_ACCOUNTS_MAY_UPLOAD is on (development,
`make run`; always off under DJANGO_ENV=production); what they send is marked in
the admin and deleted a day later by `manage.py documents_purge_photos`.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import account_kinds

if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

PRACTICE_SUBMISSION_HOURS = 24


def refusal_message() -> str:
    return _(
        "Practice accounts cannot send documents here: this is for client accounts only. "
        "Sign in with your "
        "own client account to send real documents."
    )


def uploads_for_client_accounts(view: Any) -> Any:
    """Refuse (403) a practice account's upload before its body is read, unless the
    setting allows it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if user.is_authenticated and not account_kinds.may_upload_documents(user):
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"ok": False, "error": refusal_message()}, status=403)
            return render(
                request,
                "securelogin/practice_upload_refused.html",
                {"message": refusal_message()},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


def practice_submissions(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The submissions (of a Submission queryset) whose owner is a practice account."""
    return queryset.filter(owner__practice_account__isnull=False)


def purge_practice_submissions(
    now: datetime | None = None, hours: int = PRACTICE_SUBMISSION_HOURS
) -> int:
    """Delete practice accounts' submissions older than `hours`, with their photos
    (each photo's files go once the deletion is committed); returns how many."""
    from documents.models import Photo, Submission

    now = now or timezone.now()
    old = practice_submissions(
        Submission.objects.filter(created_at__lt=now - timedelta(hours=hours))
    )
    deleted = 0
    for pk in old.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            submission = Submission.objects.select_for_update().filter(pk=pk).first()
            if submission is None:
                continue  # another run got there first
            for photo in Photo.objects.filter(submission=submission):
                # one by one: each delete's signal removes its files after the commit
                photo.delete()
            submission.delete()
            deleted += 1
    return deleted


class PracticeSubmissionFilter(admin.SimpleListFilter):
    """Admin filter: submissions of practice accounts (purged after a day) or of client accounts."""

    title = gettext_lazy("account kind")
    parameter_name = "account_kind"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [
            ("practice", gettext_lazy("practice accounts")),
            ("client", gettext_lazy("client accounts")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "practice":
            return practice_submissions(queryset)
        if self.value() == "client":
            return queryset.filter(owner__practice_account__isnull=True)
        return queryset

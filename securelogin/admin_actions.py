"""What the securelogin admin actions share: telling staff how many rows an action changed."""

from django.contrib import admin, messages
from django.http import HttpRequest


def report_count(
    model_admin: admin.ModelAdmin, request: HttpRequest, message: str, count: int
) -> None:
    """The success message (with %(count)d) of an action that changed `count` rows."""
    model_admin.message_user(request, message % {"count": count}, messages.SUCCESS)

"""The request type of the portal's pages behind login_required: its user is an account."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class SignedInRequest(HttpRequest):
    """What login_required lets through (for the type checker: `request.user` is a User)."""

    user: User

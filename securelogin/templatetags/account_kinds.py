"""{% load account_kinds %}: `user|is_practice_account` for the portal banner."""

from django import template
from django.contrib.auth.models import AnonymousUser, User

from securelogin import account_kinds

register = template.Library()


@register.filter
def is_practice_account(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and account_kinds.is_practice(user)  # type: ignore[arg-type]  # signed in

"""{% open_document_requests user %}: the client's open document requests (portal home, documents
pages)."""

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser, User

from documents.models import DocumentRequest

register = template.Library()


@register.inclusion_tag("documents/includes/open_requests.html")
def open_document_requests(
    user: User | AnonymousUser, current: DocumentRequest | None = None
) -> dict[str, Any]:
    requests = DocumentRequest.objects.open().filter(owner=user) if user.is_authenticated else []
    return {"open_requests": list(requests), "current": current}

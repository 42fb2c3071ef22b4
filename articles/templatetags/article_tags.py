"""Template helpers for articles: sanitised rich text and responsive figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from articles.rich_text import sanitise_html
from portal.languages import localized_field

if TYPE_CHECKING:
    from articles.models import Figure

register = template.Library()


@register.filter
def rich_text(html: str) -> SafeString | str:
    """Re-sanitise stored HTML and point KB links to the reader's language."""
    if not html:
        return ""
    kb_prefix = reverse("articles:kb_redirect", kwargs={"kb_number": "KB0"})[: -len("KB0/")]
    cleaned = sanitise_html(html).replace('href="/__kb__/', f'href="{kb_prefix}')
    return mark_safe(cleaned)


@register.inclusion_tag("articles/includes/figure.html")
def figure_picture(
    figure: Figure, sizes: str = "(min-width: 48rem) 16rem, 90vw", anchor: bool = True
) -> dict[str, Any]:
    """A figure's <picture>; `anchor` gives it the page-wide id figure-N (only once per page)."""
    language = get_language()
    rendition = figure.rendition_for(language)
    sources = rendition.get("sources", {})

    def srcset(kind: str) -> str:
        return ", ".join(f"{url} {width}w" for width, url in sources.get(kind, []))

    jpeg = sources.get("jpeg", [])
    return {
        "figure": figure,
        "webp_srcset": srcset("webp"),
        "jpeg_srcset": srcset("jpeg"),
        "fallback": jpeg[0][1] if jpeg else rendition.get("original", ""),
        "full": jpeg[-1][1] if jpeg else rendition.get("original", ""),
        "width": rendition.get("width"),
        "height": rendition.get("height"),
        "sizes": sizes,
        "anchor": anchor,
    }


@register.simple_tag
def fallback_lang(obj: Any, field: str) -> str:
    """` lang="xx"` when `obj.field` has no text in the active language and
    django-modeltranslation shows another language's text instead (screen readers then
    read it with the right voice); empty when the text is in the page's language."""
    language = get_language()
    if getattr(obj, localized_field(field, language), None):
        return ""
    for fallback in settings.MODELTRANSLATION_FALLBACK_LANGUAGES:
        if fallback != language and getattr(obj, localized_field(field, fallback), None):
            return format_html(' lang="{}"', fallback)
    return ""

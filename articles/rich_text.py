"""Staff-written rich text: Markdown rendered to HTML, then sanitised with nh3."""

import re

import markdown
import nh3
from django.utils.html import escape

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "kbd",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
    "span",
    "mark",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}}
KB_REFERENCE = re.compile(r"(?<![\w/])(KB\d{1,6})\b")


def sanitise_html(html: str) -> str:
    """Keep only harmless tags and attributes; links may only be http(s), mailto or relative."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def link_kb_references(text: str) -> str:
    """Turn "KB70" into a Markdown link to the language-neutral KB redirect.

    The link is relative ("../kb/KB70/" style is fragile), so it points to
    /kb/KB70/ under the page's own language prefix at render time: the
    template filter resolves the placeholder.
    """
    return KB_REFERENCE.sub(r"[\1](kb:\1/)", text)


def render_markdown(source: str) -> str:
    # Raw HTML typed by staff is escaped rather than interpreted.
    escaped = escape(source).replace("&gt;", ">")  # keep Markdown quotes and "PIN>" readable
    html = markdown.markdown(
        link_kb_references(escaped), extensions=["sane_lists"], output_format="html"
    )
    html = html.replace('href="kb:', 'href="/__kb__/')
    return sanitise_html(html)

"""Knowledge base: categories, articles, their sections, steps and figures.

Text fields listed in translation.py exist once per language
(title_en, title_de, …) through django-modeltranslation.
"""

import hashlib
import secrets
from typing import Any, Self

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.renditions import build_renditions, validate_figure_image
from articles.rich_text import render_markdown
from portal.languages import language_codes, localized_field, localized_fields


class Category(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


def published_q(prefix: str = "") -> Q:
    """Published and past its "publish at" moment (if any): what readers may see now."""
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True})
        | Q(**{f"{prefix}publish_at__lte": timezone.now()})
    )


class EditConflict(Exception):
    """Someone else saved the article after this edit was started (optimistic locking)."""


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> Self:
        return self.filter(published_q())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    kb_number = models.CharField(
        _("KB number"), max_length=12, unique=True, help_text=_("For example KB70.")
    )
    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=False, verbose_name=_("related articles")
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to publish at once; readers see a published article from this moment."
        ),
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    status_changed_at = models.DateTimeField(
        _("status changed"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: every save raises it by one; a save that started from an older
    # number is refused (EditConflict) instead of silently overwriting the other edit.
    edit_version = models.PositiveIntegerField(default=0, editable=False)
    # drift.py: per translated field and language, the source text it was last translated from.
    translation_sources = models.JSONField(default=dict, blank=True, editable=False)
    # drift.py: languages out of date anywhere in the article, with the date the other changed.
    stale_translations = models.JSONField(default=dict, blank=True, editable=False)
    # Bookkeeping for load_help_content: the hash of the source file last
    # loaded and of the article's content right after that load, so a later
    # load can tell a staff edit from an untouched article.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    loaded_content_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "order", "kb_number"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish articles"))]

    def __str__(self) -> str:
        return f"{self.kb_number}: {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from articles.drift import record_translation_sources

        record_translation_sources(self)
        expected = getattr(self, "expected_edit_version", None)
        if self.pk and expected is not None:
            claimed = Article.objects.filter(pk=self.pk, edit_version=expected).update(
                edit_version=expected + 1
            )
            if not claimed:
                raise EditConflict(self.pk)
            self.edit_version = expected + 1
            self.expected_edit_version = None
        elif self.pk:
            self.edit_version = (self.edit_version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        """Readers see it now (published, and its "publish at" moment has come)."""
        return self.status == self.Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_published

    def content_hash(self) -> str:
        """A digest of every translated text of the article, its sections and steps."""
        digest = hashlib.sha256()

        def feed(obj: Any, fields: list[str]) -> None:
            for field in fields:
                for name in localized_fields(field):
                    digest.update(str(getattr(obj, name, "") or "").encode())
                    digest.update(b"\x00")

        feed(self, ["title", "summary"])
        digest.update(self.status.encode())
        for section in self.sections.all():
            digest.update(section.anchor.encode())
            feed(section, ["title", "intro"])
            for step in section.steps.all():
                digest.update(step.label.encode())
                feed(step, ["text"])
        for figure in self.figures.all():
            digest.update(figure.number.encode())
            feed(figure, ["caption", "alt_text"])
        return digest.hexdigest()


class Section(models.Model):
    """One part of an article, typically one device or platform ("iOS", "DSC+")."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sections", verbose_name=_("article")
    )
    anchor = models.SlugField(
        _("anchor"), max_length=60, help_text=_("Used in the page address, e.g. #ios.")
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    intro_html = models.TextField(blank=True, editable=False)
    action_url = models.CharField(
        _("action link"),
        max_length=100,
        blank=True,
        help_text=_("Optional page the section leads to, as a URL name such as connectivity:test."),
    )
    action_label = models.CharField(_("action label"), max_length=120, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    translation_sources = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "anchor"], name="unique_section_anchor")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title or self.anchor

    def save(self, *args: Any, **kwargs: Any) -> None:
        render_and_track(self, "intro")
        super().save(*args, **kwargs)

    def action_href(self) -> str:
        """The resolved action link, or "" when none is set or it does not exist."""
        if not self.action_url:
            return ""
        try:
            return reverse(self.action_url)
        except NoReverseMatch:
            return ""


class Step(models.Model):
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="steps", verbose_name=_("section")
    )
    label = models.CharField(
        _("label"),
        max_length=10,
        blank=True,
        help_text=_("Optional, e.g. 3.a. Leave empty to number automatically."),
    )
    text = models.TextField(_("text"), help_text=_("Markdown. Write KB70 to link another article."))
    text_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    translation_sources = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.section} · {self.label or self.order}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        render_and_track(self, "text")
        super().save(*args, **kwargs)


def figure_upload_to(instance: models.Model, filename: str) -> str:
    """Store figure images under a random name, keeping only a safe extension."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    if extension not in {"png", "jpg", "jpeg", "webp"}:
        extension = "png"
    return f"figures/{secrets.token_hex(12)}.{extension}"


class Figure(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="figures", verbose_name=_("article")
    )
    step = models.ForeignKey(
        Step,
        on_delete=models.SET_NULL,
        related_name="figures",
        null=True,
        blank=True,
        verbose_name=_("shown beside step"),
    )
    number = models.CharField(
        _("number"), max_length=10, help_text=_("For example 3A; shown as “Figure 3A”.")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the picture shows, for screen readers."),
    )
    image = models.ImageField(
        _("image"), upload_to=figure_upload_to, validators=[validate_figure_image]
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # {"en": {"width": 960, "height": 720,
    #         "sources": {"webp": [[480, "url"], …], "jpeg": […]}}, "de": …}
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_figure_number")
        ]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self) -> str:
        return f"{self.article.kb_number} · {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.renditions = build_renditions(self)
        super().save(*args, **kwargs)

    def rendition_for(self, language: str) -> dict[str, Any]:
        return self.renditions.get(language) or self.renditions.get(settings.LANGUAGE_CODE) or {}


class Feedback(models.Model):
    """One "Was this article helpful?" vote, at most one per visitor and article."""

    class Reason(models.TextChoices):
        UNCLEAR = "unclear", _("It is unclear")
        OUT_OF_DATE = "out-of-date", _("It is out of date")
        NOT_SOLVED = "not-solved", _("It did not solve my problem")
        SCREEN_DIFFERS = "screen-differs", _("My screen looks different")
        OTHER = "other", _("Something else")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=8)
    helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(_("reason"), max_length=20, blank=True, choices=Reason.choices)
    figure = models.ForeignKey(
        "Figure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("figure that looks different"),
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    visitor = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor"], name="one_vote_per_visitor")
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.article.kb_number} {'👍' if self.helpful else '👎'}"


class FailedSearch(models.Model):
    """A search that found nothing, counted per normalised query and language."""

    query = models.CharField(_("query"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    count = models.PositiveIntegerField(_("times"), default=1)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        ordering = ["-count", "-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["query", "language"], name="unique_failed_search")
        ]
        verbose_name = _("failed search")
        verbose_name_plural = _("failed searches")

    def __str__(self) -> str:
        return self.query


def render_translated_markdown(instance: models.Model, field: str) -> None:
    """Fill <field>_html_<lang> with sanitised HTML of <field>_<lang>."""
    for code in language_codes():
        source = getattr(instance, localized_field(field, code), None) or ""
        html = render_markdown(source) if source else ""
        setattr(instance, localized_field(f"{field}_html", code), html)


def render_and_track(instance: Section | Step, field: str) -> None:
    """Before a section or step is saved: render its Markdown `field` in every language and
    record its translation sources (articles/drift.py)."""
    from articles.drift import record_translation_sources

    render_translated_markdown(instance, field)
    record_translation_sources(instance)


class SearchEntry(models.Model):
    """Plain text of one article in one language, kept for search.

    On PostgreSQL `vector` holds the weighted tsvector (title A, summary B,
    body C) built with the language's text-search configuration.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="search_entries")
    language = models.CharField(max_length=8)
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    vector = SearchVectorField(null=True, editable=False)
    # The distinct folded words of the entry while published, counted in SearchWord.
    words = models.TextField(blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="unique_search_entry")
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"


class Synonym(models.Model):
    """Words that mean the same in the help, in one language; a search for one finds the others.

    One row is one set, e.g. "fingerprint, Touch ID". Members may be several words.
    """

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    words = models.TextField(
        _("words"), help_text=_("Words or phrases that mean the same here, separated by commas.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "words"]
        verbose_name = _("synonym set")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return self.words

    def members(self) -> list:
        return [member.strip() for member in self.words.split(",") if member.strip()]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if len(self.members()) < 2:
            raise ValidationError(
                {"words": _("Give at least two words or phrases, separated by commas.")}
            )


class SearchStat(models.Model):
    """How often a query was searched in a language and how often one of its results was opened.

    No IP address, user or time of a single search is kept: only counts per query.
    """

    query = models.CharField(_("query"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    results = models.PositiveIntegerField(_("results last time"), default=0)
    opened = models.PositiveIntegerField(_("results opened"), default=0)
    correction = models.CharField(_("corrected to"), max_length=200, blank=True)
    synonyms = models.CharField(_("synonyms used"), max_length=300, blank=True)
    other_language = models.BooleanField(_("found in the other language"), default=False)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        ordering = ["-searches", "-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["query", "language"], name="unique_search_stat")
        ]
        verbose_name = _("search")
        verbose_name_plural = _("searches")

    def __str__(self) -> str:
        return self.query


class SearchWord(models.Model):
    """A folded word of the published articles of a language and in how many of them it occurs.

    Kept up to date on every re-index, so the vocabulary for spelling correction and
    compound splitting is read in one query instead of from every article's text.
    """

    language = models.CharField(max_length=8)
    word = models.CharField(max_length=100)
    documents = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="unique_search_word")
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.word}"


class PageViewDay(models.Model):
    """Views of an article page (anchor "") or a troubleshooter situation, per language and day.

    Counted in the shared cache and added here in batches (view_counts.py). `moved_on` counts
    readers who went from this page to another help page (from the Referer of the next page),
    so views − moved_on is where readers left. No IP address, user or single visit is kept.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_days")
    anchor = models.CharField(max_length=60, blank=True)
    language = models.CharField(max_length=8)
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    moved_on = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "anchor", "language", "day"], name="unique_page_view_day"
            )
        ]
        # The dashboard's sums over a period come from these indexes alone, already in group order.
        indexes = [
            models.Index(
                fields=["anchor", "article", "language", "day", "views", "moved_on"],
                name="page_view_day_by_page",
            ),
            models.Index(fields=["anchor", "day", "views"], name="page_view_day_by_day"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.anchor} {self.language} {self.day}: {self.views}"


class SearchLeadDay(models.Model):
    """How often a search's result opened this article, per query, language and day."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="search_lead_days")
    language = models.CharField(max_length=8)
    query = models.CharField(max_length=200)
    day = models.DateField()
    opened = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "query", "day"], name="unique_search_lead_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.query} → {self.article_id} ({self.language}, {self.day})"


class PendingChange(models.Model):
    """A change to a published article by staff without the publish permission: the whole
    article as they saved it, kept as a reversion revision until a publisher publishes or
    discards it (articles/pending.py). Readers keep seeing the live article meanwhile."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="pending_change", verbose_name=_("article")
    )
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="+", verbose_name=_("version")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    # The live article's edit_version the change was made from: publishing it over a newer
    # live version would silently undo that version, so it is refused instead.
    base_edit_version = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")

    def __str__(self) -> str:
        return f"{self.article.kb_number} ({self.proposed_at:%Y-%m-%d %H:%M})"

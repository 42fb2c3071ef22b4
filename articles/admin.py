"""Staff editing of the knowledge base: both languages side by side in tabs."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from articles.figure_recapture import recapture_action as figure_recapture_action
from articles.figures import validate_figure_image
from articles.models import Article, Category, FailedSearch, Feedback, Figure, SearchStat, Section, Step, Synonym


class FigureImageField(forms.FileField):
    """Checks figure uploads with our own rules (type, size, pixel count) and messages."""

    default_validators = [validate_figure_image]

    def __init__(self, *args, **kwargs):
        kwargs.pop("form_class", None)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/png,image/jpeg,image/webp")


FIGURE_FORMFIELDS = {models.ImageField: {"form_class": FigureImageField, "widget": forms.ClearableFileInput}}


class MissingTranslationFilter(admin.SimpleListFilter):
    """Articles whose title, summary or any step text is empty in a language."""

    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("de", _("Missing German")), ("en", _("Missing English"))]

    def queryset(self, request, queryset):
        language = self.value()
        if language not in {"de", "en"}:
            return queryset
        empty = lambda field: Q(**{f"{field}_{language}__isnull": True}) | Q(**{f"{field}_{language}": ""})  # noqa: E731
        missing_step = Step.objects.filter(empty("text")).values("section__article")
        missing_section = Section.objects.filter(empty("title")).values("article")
        return queryset.filter(
            empty("title") | empty("summary") | Q(pk__in=missing_step) | Q(pk__in=missing_section)
        ).distinct()


def thumbnail(figure, language=None):
    rendition = figure.rendition_for(language or "en")
    sources = rendition.get("sources", {}).get("jpeg") or []
    if not sources:
        return "—"
    return format_html('<img src="{}" alt="" width="96" loading="lazy">', sources[0][1])


class SectionInline(TranslationStackedInline):
    model = Section
    extra = 0
    fields = ("order", "anchor", "title", "intro", "action_url", "action_label", "steps_link")
    readonly_fields = ("steps_link",)
    ordering = ("order",)
    show_change_link = True

    @admin.display(description=_("steps"))
    def steps_link(self, section):
        if not section.pk:
            return _("Save first, then edit the steps.")
        url = reverse("admin:articles_section_change", args=[section.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit the %(count)s steps") % {"count": section.steps.count()})


class FigureInline(TranslationTabularInline):
    model = Figure
    extra = 0
    formfield_overrides = FIGURE_FORMFIELDS
    fields = ("order", "number", "preview", "image", "caption", "alt_text", "step")
    readonly_fields = ("preview",)
    ordering = ("order",)

    @admin.display(description=_("thumbnail"))
    def preview(self, figure):
        return thumbnail(figure) if figure.pk else "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "step":
            article_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Step.objects.filter(section__article_id=article_id).select_related("section")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = ("kb_number", "title", "category", "status", "translation_state", "updated_at", "helpful_votes")
    list_filter = ("status", "category", MissingTranslationFilter)
    search_fields = ("kb_number", "title_en", "title_de", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    filter_horizontal = ("related",)
    readonly_fields = ("preview_link", "updated_at")
    fields = ("kb_number", "slug", "category", "status", "order", "title", "summary", "related", "preview_link", "updated_at")
    inlines = [SectionInline, FigureInline]
    actions = ["publish", "unpublish", "capture_figures"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category").annotate(
            yes_votes=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
            no_votes=Count("feedback", filter=Q(feedback__helpful=False), distinct=True),
        )

    @admin.display(description=_("helpful (yes / no)"))
    def helpful_votes(self, article):
        return f"{article.yes_votes} / {article.no_votes}"

    @admin.display(description=_("languages"))
    def translation_state(self, article):
        missing = [code.upper() for code in ("en", "de") if not getattr(article, f"title_{code}")]
        return _("missing %(langs)s") % {"langs": ", ".join(missing)} if missing else "EN · DE"

    @admin.display(description=_("preview"))
    def preview_link(self, article):
        if not article.pk:
            return "—"
        links = []
        for code, label in (("en", _("Preview in English")), ("de", _("Preview in German"))):
            with translation.override(code):
                url = reverse("articles:article_preview", kwargs={"slug": article.slug})
            links.append(format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label))
        return format_html(" · ".join(["{}"] * len(links)), *links)

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            article.save()

    @admin.action(description=_("Turn the selected articles back into drafts"))
    def unpublish(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save()

    @admin.action(description=_("Re-capture the figures from the practice portal"), permissions=["change"])
    def capture_figures(self, request, queryset):
        figure_recapture_action(self, request, queryset)


class StepInline(TranslationStackedInline):
    model = Step
    extra = 1
    fields = ("order", "label", "text")
    ordering = ("order",)


@admin.register(Section)
class SectionAdmin(TabbedTranslationAdmin):
    list_display = ("title", "article", "anchor", "order")
    list_select_related = ("article",)
    search_fields = ("title_en", "title_de", "article__kb_number")
    fields = ("article", "order", "anchor", "title", "intro", "action_url", "action_label")
    inlines = [StepInline]


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "order")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Figure)
class FigureAdmin(TabbedTranslationAdmin):
    formfield_overrides = FIGURE_FORMFIELDS
    list_display = ("article", "number", "preview", "caption")
    list_select_related = ("article",)
    search_fields = ("article__kb_number", "number", "caption_en", "caption_de")
    fields = ("article", "step", "number", "order", "image", "caption", "alt_text")
    raw_id_fields = ("step",)

    @admin.display(description=_("thumbnail"))
    def preview(self, figure):
        return thumbnail(figure)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("article", "helpful", "language", "comment", "created_at")
    list_filter = ("helpful", "language", "article")
    list_select_related = ("article",)
    search_fields = ("comment",)
    date_hierarchy = "created_at"
    exclude = ("visitor",)


@admin.register(FailedSearch)
class FailedSearchAdmin(ReadOnlyAdmin):
    list_display = ("query", "language", "count", "last_seen")
    list_filter = ("language",)
    search_fields = ("query",)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Staff keep the synonym sets here; a save is used by the very next search (signals.py)."""

    list_display = ("words", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("words",)


class UnopenedFilter(admin.SimpleListFilter):
    """Searches that showed results of which nobody opened one."""

    title = _("results opened")
    parameter_name = "opened"

    def lookups(self, request, model_admin):
        return [("none", _("Results, none opened")), ("some", _("At least one opened"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(results__gt=0, opened=0)
        if self.value() == "some":
            return queryset.filter(opened__gt=0)
        return queryset


class FiredFilter(admin.SimpleListFilter):
    title = _("help the search gave")
    parameter_name = "fired"

    def lookups(self, request, model_admin):
        return [
            ("correction", _("Spelling corrected")),
            ("synonyms", _("Synonyms used")),
            ("other", _("Found in the other language")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "correction":
            return queryset.exclude(correction="")
        if self.value() == "synonyms":
            return queryset.exclude(synonyms="")
        if self.value() == "other":
            return queryset.filter(other_language=True)
        return queryset


@admin.register(SearchStat)
class SearchStatAdmin(ReadOnlyAdmin):
    list_display = ("query", "language", "searches", "results", "opened", "correction", "synonyms", "other_language", "last_seen")
    list_filter = ("language", UnopenedFilter, FiredFilter)
    search_fields = ("query",)

"""Staff editing of the knowledge base: both languages side by side in tabs."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from articles import (
    admin_dashboard,
    admin_history,
    admin_pending,
    drift,
    history,
    pending,
    workflow,
)
from articles.figure_recapture import recapture_action as figure_recapture_action
from articles.models import (
    Article,
    Category,
    EditConflict,
    FailedSearch,
    Feedback,
    Figure,
    SearchStat,
    Section,
    Step,
    Synonym,
)
from articles.renditions import validate_figure_image
from articles.text_diff import word_diff
from portal.languages import language_codes, localized_field, localized_fields

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from django.http import HttpResponse
    from django_stubs_ext import StrOrPromise

    from articles.workflow import AnyUser


class FigureImageField(forms.FileField):
    """Checks figure uploads with our own rules (type, size, pixel count) and messages."""

    default_validators = [validate_figure_image]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("form_class", None)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/png,image/jpeg,image/webp")


FIGURE_FORMFIELDS: dict[type[models.Field], dict[str, Any]] = {
    models.ImageField: {"form_class": FigureImageField, "widget": forms.ClearableFileInput}
}


def _translations_first() -> list[tuple[str, StrOrPromise]]:
    """The configured languages, the translations first (the usual gap), the source last."""
    return sorted(settings.LANGUAGES, key=lambda item: item[0] == settings.LANGUAGE_CODE)


class QueryFilter(admin.SimpleListFilter):
    """A list filter whose every choice stands for one condition: ((value, label, Q), …)."""

    conditions: tuple[tuple[str, StrOrPromise, Q], ...] = ()

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin) -> list:
        return [(value, label) for value, label, _condition in self.conditions]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        for value, _label, condition in self.conditions:
            if self.value() == value:
                return queryset.filter(condition)
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    """A list filter with one choice per configured language, the translations first."""

    label: StrOrPromise = ""  # the choice's text, with %(language)s

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin) -> list:
        return [(code, self.label % {"language": name}) for code, name in _translations_first()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        language = self.value()
        if language not in language_codes():
            return queryset
        return self.in_language(queryset, language)

    def in_language(self, queryset: QuerySet, language: str) -> QuerySet:
        raise NotImplementedError


class MissingTranslationFilter(LanguageFilter):
    """Articles whose title, summary or any step text is empty in a language."""

    title = _("translation")
    parameter_name = "missing"
    label = _("Missing %(language)s")

    def in_language(self, queryset: QuerySet, language: str) -> QuerySet:
        def empty(field: str) -> Q:
            name = localized_field(field, language)
            return Q(**{f"{name}__isnull": True}) | Q(**{name: ""})

        missing_step = Step.objects.filter(empty("text")).values("section__article")
        missing_section = Section.objects.filter(empty("title")).values("article")
        return queryset.filter(
            empty("title") | empty("summary") | Q(pk__in=missing_step) | Q(pk__in=missing_section)
        ).distinct()


class OutOfDateFilter(LanguageFilter):
    """Articles with a text whose other language changed since it was last translated (drift.py)."""

    title = _("translation up to date")
    parameter_name = "outdated"
    label = _("%(language)s out of date")

    def in_language(self, queryset: QuerySet, language: str) -> QuerySet:
        return queryset.filter(stale_translations__has_key=language)


class RefusedSaveForm(forms.BaseForm):
    """Shows the form again with `refusal` as its error, so nothing typed is lost."""

    refusal = ""

    def clean(self) -> None:
        data = super().clean()
        if data is not None or self.refusal:
            raise forms.ValidationError(self.refusal, code="pending_change")


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


def _again_on_conflict[T](save: Callable[[], T]) -> T:
    """Run `save`; when someone else saved between the form's check and this save, run it once
    more: showing the form again runs the check again, which now tells the user (nothing is
    saved)."""
    try:
        return save()
    except EditConflict:
        return save()


class ArticleRevisionMixin(_AdminBase):
    """Every save through this admin page keeps a version of the whole article (history.py);
    a save of a published article by staff without the publish permission becomes a change
    waiting for a publisher instead (pending.py)."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # The admin's own page for this request: the form shown, or saved and answered.
        admin_page = partial(super().changeform_view, request, object_id, form_url, extra_context)
        if request.method != "POST":
            return admin_page()
        article = self.target_article(request, object_id)
        if article is not None and pending.must_propose(request.user, article):
            return self._propose(request, article, admin_page)

        def save() -> HttpResponse:
            with reversion.create_revision(manage_manually=True):
                return admin_page()

        return _again_on_conflict(save)

    def _propose(
        self, request: HttpRequest, article: Article, admin_page: Callable[[], HttpResponse]
    ) -> HttpResponse:
        """Run the save, keep what it saved as the pending change, and roll it all back."""
        uploads = [upload for name in request.FILES for upload in request.FILES.getlist(name)]
        refusal = pending.refusal(article, has_uploads=any(upload.size for upload in uploads))
        if refusal:
            request._save_refusal = refusal  # type: ignore[attr-defined]  # read by the form
            return admin_page()
        response, rows = _again_on_conflict(
            lambda: self._save_rolled_back(request, article, admin_page)
        )
        if rows is None:  # the form was shown again with its errors: nothing was saved
            return response
        for _message in messages.get_messages(request):
            pass  # drops the admin's "changed successfully": the live article did not change
        try:
            base_edit_version = Article.objects.values_list("edit_version", flat=True).get(
                pk=article.pk
            )
            pending.store(article, rows, request.user, base_edit_version)
        except pending.PendingError as error:
            messages.error(request, str(error))
            return redirect("admin:articles_article_change", article.pk)
        messages.success(
            request,
            gettext(
                "Your change waits for a publisher: readers see the published article as it was "
                "until a publisher publishes your change."
            ),
        )
        return response

    def _save_rolled_back(
        self, request: HttpRequest, article: Article, admin_page: Callable[[], HttpResponse]
    ) -> tuple:
        """The admin's response and, if the form was saved, the rows of the version it kept;
        nothing of the save stays in the database."""
        rows = None
        with transaction.atomic():
            with reversion.create_revision(manage_manually=True):
                response = admin_page()
            if getattr(request, "_article_recorded", False):
                rows = pending.capture(article)
            transaction.set_rollback(True)
        return response, rows

    def target_article(self, request: HttpRequest, object_id: str | None) -> Article | None:
        """The article a save on this page changes (for an added row: the one chosen)."""
        if object_id:
            obj = self.get_object(request, unquote(object_id))
            return self.article_of(obj) if obj is not None else None
        chosen = request.POST.get("article", "")
        return Article.objects.filter(pk=chosen).first() if chosen.isdigit() else None

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, "_save_refusal", None)
        if refusal:
            form = type(form.__name__, (RefusedSaveForm, form), {"refusal": refusal})
        return form

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and pending.must_propose(request.user, self.article_of(obj)):
            return False  # deleting from a published article needs a publisher
        return super().has_delete_permission(request, obj)

    def article_of(self, obj: Any) -> Article:
        return obj.article

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        history.record(
            self.article_of(form.instance),
            request.user,
            getattr(request, "_revision_comment", history.EDITED),
        )
        request._article_recorded = True  # type: ignore[attr-defined]  # one record per save


def thumbnail(figure: Figure, language: str | None = None) -> SafeString | str:
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
    def steps_link(self, section: Section) -> SafeString | StrOrPromise:
        if not section.pk:
            return _("Save first, then edit the steps.")
        url = reverse("admin:articles_section_change", args=[section.pk])
        count = section.steps.count()
        text = ngettext("Edit its %(count)d step", "Edit its %(count)d steps", count) % {
            "count": count
        }
        return format_html('<a href="{}">{}</a>', url, text)


class FigureInline(TranslationTabularInline):
    model = Figure
    extra = 0
    formfield_overrides = FIGURE_FORMFIELDS
    fields = ("order", "number", "preview", "image", "caption", "alt_text", "step")
    readonly_fields = ("preview",)
    ordering = ("order",)

    @admin.display(description=_("thumbnail"))
    def preview(self, figure: Figure) -> str | SafeString:
        return thumbnail(figure) if figure.pk else "—"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "step":
            match = request.resolver_match
            article_id = match.kwargs.get("object_id") if match else None
            steps = Step.objects.filter(section__article_id=article_id) if article_id else None
            kwargs["queryset"] = (Step.objects.none() if steps is None else steps).select_related(
                "section"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PendingChangeFilter(QueryFilter):
    """Published articles with a change waiting for a publisher (pending.py)."""

    title = _("change waiting for a publisher")
    parameter_name = "pending"
    conditions = (
        ("yes", _("Waiting"), Q(pending_change__isnull=False)),
        ("no", _("None waiting"), Q(pending_change__isnull=True)),
    )


class ArticleAdminForm(forms.ModelForm):
    """Refuses a save that started before someone else's (optimistic locking on edit_version)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user: AnyUser | None = None  # set by ArticleAdmin.get_form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["lock_version"].initial = self.instance.edit_version
        if "status" in self.fields:
            allowed = workflow.allowed_statuses(
                self.user or AnonymousUser(), self.instance if self.instance.pk else None
            )
            self.fields["status"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
                (value, label) for value, label in Article.Status.choices if value in allowed
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # ModelForm.clean returns cleaned_data
        if not self.instance.pk:
            return data
        submitted = data.get("lock_version")
        current = (
            Article.objects.filter(pk=self.instance.pk)
            .values_list("edit_version", flat=True)
            .first()
        )
        if submitted != current:
            latest = history.versions_of(self.instance).first()
            who = (
                latest.revision.user.get_username()
                if latest and latest.revision.user
                else gettext("someone")
            )
            when = (
                date_format(timezone.localtime(latest.revision.date_created), "DATETIME_FORMAT")
                if latest
                else ""
            )
            # A second press of Save now replaces their changes knowingly.
            data = cast(QueryDict, self.data).copy()
            data[self.add_prefix("lock_version")] = str(current)
            self.data = data
            raise forms.ValidationError(
                _(
                    "%(who)s saved this article (%(when)s) after you opened it, so your changes "
                    "are not saved yet. They are still in this form: open the history in a new "
                    "tab to see what changed, then press Save again to replace that version with "
                    "yours."
                ),
                params={"who": who, "when": when},
                code="edit_conflict",
            )
        self.instance.expected_edit_version = submitted
        return data


# What the workflow actions report after moving articles to each status.
MOVED = {
    Article.Status.REVIEW: ngettext_lazy(
        "%(count)s article sent to review.", "%(count)s articles sent to review.", "count"
    ),
    Article.Status.PUBLISHED: ngettext_lazy(
        "%(count)s article published.", "%(count)s articles published.", "count"
    ),
    Article.Status.DRAFT: ngettext_lazy(
        "%(count)s article is a draft again.", "%(count)s articles are drafts again.", "count"
    ),
}


@admin.register(Article)
class ArticleAdmin(ArticleRevisionMixin, TabbedTranslationAdmin):
    form = ArticleAdminForm
    list_display = (
        "kb_number",
        "title",
        "category",
        "status_display",
        "pending_display",
        "translation_state",
        "updated_at",
        "helpful_votes",
    )
    list_filter = (
        "status",
        PendingChangeFilter,
        "category",
        MissingTranslationFilter,
        OutOfDateFilter,
    )
    search_fields = ("kb_number", *localized_fields("title"), "slug")
    prepopulated_fields = {"slug": (localized_field("title", settings.LANGUAGE_CODE),)}
    filter_horizontal = ("related",)
    readonly_fields = ("preview_link", "updated_at", "status_changed", "translation_drift")
    fields = (
        "kb_number",
        "slug",
        "category",
        "status",
        "publish_at",
        "status_changed",
        "order",
        "title",
        "summary",
        "related",
        "translation_drift",
        "preview_link",
        "updated_at",
        "lock_version",
    )
    inlines = [SectionInline, FigureInline]
    actions = ["send_to_review", "publish", "unpublish", "translation_checked", "capture_figures"]

    class Media:
        css = {"all": ["css/staff.css"]}

    def article_of(self, obj: Any) -> Article:
        return obj

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list:
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.can_publish(request.user):
            fields.append("publish_at")
            if obj is not None and obj.status == Article.Status.PUBLISHED:
                fields.append("status")
        return fields

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return workflow.can_publish(request.user)

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        if {"status", "publish_at"} & set(form.changed_data) or not change:
            if obj.status != Article.Status.PUBLISHED:
                obj.publish_at = None
            obj.status_changed_by = request.user
            obj.status_changed_at = timezone.now()
            request._revision_comment = (  # type: ignore[attr-defined]  # for save_related
                workflow.status_comment(obj.status, obj.publish_at) if change else history.EDITED
            )
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view

        def bound(view: Callable) -> Callable:
            return wrap(lambda request, *args, **kwargs: view(self, request, *args, **kwargs))

        views = (  # (route, view, the name's last part: articles_article_<name>)
            ("dashboard/", admin_dashboard.dashboard_view, "dashboard"),
            ("<int:object_id>/pending/", admin_pending.review_view, "pending"),
            ("<int:object_id>/pending/preview/", admin_pending.preview_view, "pending_preview"),
            ("<int:object_id>/history/compare/", admin_history.compare_view, "compare"),
            (
                "<int:object_id>/history/<int:version_id>/restore/",
                admin_history.restore_view,
                "restore",
            ),
            (
                "<int:object_id>/history/<int:version_id>/preview/",
                admin_history.version_preview_view,
                "version_preview",
            ),
        )
        return [
            path(route, bound(view), name=f"articles_article_{name}") for route, view, name in views
        ] + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        article = self.get_object(request, unquote(object_id))
        waiting = pending.pending_for(article) if article is not None else None
        extra_context = {**(extra_context or {}), "pending_change": waiting}
        if article is not None and waiting is not None:
            extra_context["pending_notice"] = admin_pending.notice(waiting)
            extra_context["pending_url"] = reverse(
                "admin:articles_article_pending", args=[article.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> TemplateResponse:
        return admin_history.versions_view(self, request, object_id)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "dashboard_url": reverse("admin:articles_article_dashboard"),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, article: Article) -> str:
        if article.is_scheduled:
            return _("Scheduled for %(date)s") % {
                "date": date_format(timezone.localtime(article.publish_at), "DATETIME_FORMAT")
            }
        return article.get_status_display()

    @admin.display(description=_("waiting change"))
    def pending_display(self, article: Article) -> SafeString | str:
        waiting = getattr(article, "pending_change", None) if article.pk else None
        if waiting is None:
            return "—"
        url = reverse("admin:articles_article_pending", args=[article.pk])
        return format_html(
            '<a href="{}">{}</a>', url, _("proposed by %(who)s") % {"who": pending.who(waiting)}
        )

    @admin.display(description=_("status changed"))
    def status_changed(self, article: Article) -> str:
        if not article.status_changed_at:
            return "—"
        who = (
            article.status_changed_by.get_username()
            if article.status_changed_by
            else gettext("someone")
        )
        return _("%(when)s by %(who)s") % {
            "when": date_format(timezone.localtime(article.status_changed_at), "DATETIME_FORMAT"),
            "who": who,
        }

    @admin.display(description=_("out-of-date translations"))
    def translation_drift(self, article: Article) -> SafeString | StrOrPromise | str:
        if not article.pk:
            return "—"
        stale = drift.article_stale_texts(article)
        if not stale:
            return _("Both languages are up to date.")
        names = {"en": gettext("English"), "de": gettext("German")}
        rows = []
        for item in stale:
            label = _drift_label(item)
            when = date_format(timezone.localtime(item.since), "DATE_FORMAT") if item.since else ""
            rows.append(
                (
                    _("%(language)s out of date: %(field)s")
                    % {"language": names[item.language], "field": label},
                    _("%(source)s changed %(when)s:")
                    % {"source": names[item.source_language], "when": when},
                    word_diff(item.old_source, item.new_source),
                )
            )
        return format_html(
            '<ul class="drift-list">{}</ul>',
            format_html_join(
                "", '<li><strong>{}</strong> {} <span class="drift-diff">{}</span></li>', rows
            ),
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("category", "pending_change__proposed_by")
            .annotate(
                yes_votes=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
                no_votes=Count("feedback", filter=Q(feedback__helpful=False), distinct=True),
            )
        )

    @admin.display(description=_("helpful (yes / no)"))
    def helpful_votes(self, article: Article) -> str:
        votes = f"{article.yes_votes} / {article.no_votes}"  # type: ignore[attr-defined]
        return votes  # (both counted by get_queryset)

    @admin.display(description=_("languages"))
    def translation_state(self, article: Article) -> str:
        codes = language_codes()
        missing = [
            code.upper() for code in codes if not getattr(article, localized_field("title", code))
        ]
        if missing:
            return _("missing %(langs)s") % {"langs": ", ".join(missing)}
        return " · ".join(code.upper() for code in codes)

    @admin.display(description=_("preview"))
    def preview_link(self, article: Article) -> SafeString | str:
        if not article.pk:
            return "—"
        links = []
        for code, label in (("en", _("Preview in English")), ("de", _("Preview in German"))):
            with translation.override(code):
                url = reverse("articles:article_preview", kwargs={"slug": article.slug})
            links.append(
                format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label)
            )
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def _move(self, request: HttpRequest, queryset: QuerySet, status: Article.Status) -> None:
        """Move each article to `status` with workflow.move; MOVED says what was done."""
        moved = 0
        for article in queryset:
            try:
                workflow.move(article, status, request.user)
            except PermissionDenied as refusal:
                messages.error(request, f"{article.kb_number}: {refusal}")
                continue
            moved += 1
        if moved:
            messages.success(request, MOVED[status] % {"count": moved})

    @admin.action(description=_("Send the selected articles to review"), permissions=["change"])
    def send_to_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._move(request, queryset, Article.Status.REVIEW)

    @admin.action(description=_("Publish the selected articles now"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._move(request, queryset, Article.Status.PUBLISHED)

    @admin.action(
        description=_("Turn the selected articles back into drafts"), permissions=["publish"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._move(request, queryset, Article.Status.DRAFT)

    @admin.action(
        description=_("Translation checked: both languages match"), permissions=["change"]
    )
    def translation_checked(self, request: HttpRequest, queryset: QuerySet) -> None:
        from articles.page_cache import bump_content_version

        for article in queryset:
            drift.check_translations(article)
            history.save_version(article, request.user, history.CHECKED)
        bump_content_version()
        count = queryset.count()
        messages.success(
            request,
            ngettext(
                "%(count)s article marked as checked.",
                "%(count)s articles marked as checked.",
                count,
            )
            % {"count": count},
        )

    @admin.action(
        description=_("Re-capture the figures from the practice portal"), permissions=["change"]
    )
    def capture_figures(self, request: HttpRequest, queryset: QuerySet) -> None:
        figure_recapture_action(self, request, queryset)


def _drift_label(item: Any) -> str:
    if isinstance(item.instance, Article):
        return {"title": gettext("title"), "summary": gettext("summary")}[item.field]
    if isinstance(item.instance, Section):
        field = gettext("title") if item.field == "title" else gettext("introduction")
        return gettext("section “%(anchor)s”, %(field)s") % {
            "anchor": item.instance.anchor,
            "field": field,
        }
    return gettext("section “%(anchor)s”, step %(number)s") % {
        "anchor": item.instance.section.anchor,
        "number": item.instance.label or item.instance.order,
    }


class StepInline(TranslationStackedInline):
    model = Step
    extra = 1
    fields = ("order", "label", "text")
    ordering = ("order",)


@admin.register(Section)
class SectionAdmin(ArticleRevisionMixin, TabbedTranslationAdmin):
    list_display = ("title", "article", "anchor", "order")
    list_select_related = ("article",)
    search_fields = (*localized_fields("title"), "article__kb_number")
    fields = ("article", "order", "anchor", "title", "intro", "action_url", "action_label")
    inlines = [StepInline]


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "order")
    prepopulated_fields = {"slug": (localized_field("name", settings.LANGUAGE_CODE),)}


@admin.register(Figure)
class FigureAdmin(ArticleRevisionMixin, TabbedTranslationAdmin):
    formfield_overrides = FIGURE_FORMFIELDS
    list_display = ("article", "number", "preview", "caption")
    list_select_related = ("article",)
    search_fields = ("article__kb_number", "number", *localized_fields("caption"))
    fields = ("article", "step", "number", "order", "image", "caption", "alt_text")
    raw_id_fields = ("step",)

    @admin.display(description=_("thumbnail"))
    def preview(self, figure: Figure) -> str | SafeString:
        return thumbnail(figure)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("article", "helpful", "reason", "figure", "language", "comment", "created_at")
    list_filter = ("helpful", "reason", "language", "article")
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


class UnopenedFilter(QueryFilter):
    """Searches that showed results of which nobody opened one."""

    title = _("results opened")
    parameter_name = "opened"
    conditions = (
        ("none", _("Results, none opened"), Q(results__gt=0, opened=0)),
        ("some", _("At least one opened"), Q(opened__gt=0)),
    )


class FiredFilter(QueryFilter):
    title = _("help the search gave")
    parameter_name = "fired"
    conditions = (
        ("correction", _("Spelling corrected"), ~Q(correction="")),
        ("synonyms", _("Synonyms used"), ~Q(synonyms="")),
        ("other", _("Found in the other language"), Q(other_language=True)),
    )


@admin.register(SearchStat)
class SearchStatAdmin(ReadOnlyAdmin):
    list_display = (
        "query",
        "language",
        "searches",
        "results",
        "opened",
        "correction",
        "synonyms",
        "other_language",
        "last_seen",
    )
    list_filter = ("language", UnopenedFilter, FiredFilter)
    search_fields = ("query",)

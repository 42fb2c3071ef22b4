"""Fields translated by django-modeltranslation (one column per language)."""

from modeltranslation.translator import TranslationOptions, register

from articles.models import Article, Category, Figure, Section, Step


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title", "intro", "intro_html", "action_label")


@register(Step)
class StepTranslation(TranslationOptions):
    fields = ("text", "text_html")


@register(Figure)
class FigureTranslation(TranslationOptions):
    fields = ("caption", "alt_text", "image")

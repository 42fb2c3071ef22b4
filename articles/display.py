"""Loading articles for display with a fixed number of queries."""

from collections import defaultdict

from django.db.models import Prefetch, QuerySet

from articles.models import Article, ArticleQuerySet, Category, Section, Step


def article_queryset() -> ArticleQuerySet:
    return Article.objects.select_related("category").prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order", "id")),
        Prefetch("sections__steps", queryset=Step.objects.order_by("order", "id")),
        "figures",
        Prefetch("related", queryset=Article.objects.published()),
    )


def prepare_article(article: Article) -> Article:
    """Attach numbered steps and the figures shown beside each step.

    Five queries in all (article, sections, steps, figures, related),
    however many sections, steps and figures there are.
    """
    figures = sorted(article.figures.all(), key=lambda figure: (figure.order, figure.id))
    by_step = defaultdict(list)
    for figure in figures:
        if figure.step_id:
            by_step[figure.step_id].append(figure)
    sections = list(article.sections.all())
    for section in sections:
        steps = list(section.steps.all())
        for position, step in enumerate(steps, start=1):
            # Display-only attributes for the templates (not model fields).
            step.display_number = step.label or str(position)  # type: ignore[attr-defined]
            step.beside_figures = by_step.get(step.id, [])  # type: ignore[attr-defined]
        section.display_steps = steps  # type: ignore[attr-defined]
    article.display_sections = sections  # type: ignore[attr-defined]
    article.gallery = figures  # type: ignore[attr-defined]
    article.related_published = list(article.related.all())  # type: ignore[attr-defined]
    return article


def categories_with_articles() -> QuerySet[Category]:
    return Category.objects.prefetch_related(
        Prefetch("articles", queryset=Article.objects.published().order_by("order", "kb_number"))
    )

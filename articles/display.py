"""Loading articles for display with a fixed number of queries."""

from collections import defaultdict

from django.db.models import Prefetch

from articles.models import Article, Category, Section, Step


def article_queryset():
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
            step.display_number = step.label or str(position)
            step.beside_figures = by_step.get(step.id, [])
        section.display_steps = steps
    article.display_sections = sections
    article.gallery = figures
    article.related_published = list(article.related.all())
    return article


def categories_with_articles():
    return Category.objects.prefetch_related(
        Prefetch("articles", queryset=Article.objects.published().order_by("order", "kb_number"))
    )

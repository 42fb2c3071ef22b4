"""Load the help content from the versioned TOML files in articles/content/.

Idempotent: an article whose source file is unchanged since the last load
is skipped, so re-running changes nothing. An article a staff member edited
in the admin since the last load is not overwritten unless forced.
Figures are drawn with Pillow (drawings.py) under names derived from
what they show, so a figure is drawn only once.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import reversion
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from articles import drift, history, signals
from articles.drawings import DRAWING_VERSION, draw_figure
from articles.models import Article, Category, Figure, Section, Step, Synonym
from articles.search import rebuild_search_entries, reindex_all
from portal.languages import language_codes, localized_field

if TYPE_CHECKING:
    from typing import Any

    from django.db.models import Model

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SYNONYMS_FILE = "synonyms.toml"


@dataclass
class LoadReport:
    """KB numbers of the articles a load created, updated, left alone, or kept as staff edited."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_staff_edits: list[str] = field(default_factory=list)

    def messages(self) -> list[tuple[str, bool]]:
        """What to tell the person who ran the load: (text, is a warning)."""
        lines = [
            (
                f"Help content: {len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged.",
                False,
            )
        ]
        lines += [
            (
                f"{kb} was edited in the admin since it was loaded: kept the staff version "
                "(use --force to replace it with the file).",
                True,
            )
            for kb in self.kept_staff_edits
        ]
        return lines


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the problem."""


def translated(table: dict[str, Any], key: str, path: Path, required: bool = True) -> dict:
    languages = language_codes()
    value = table.get(key)
    if value is None and not required:
        return {code: "" for code in languages}
    if not isinstance(value, dict) or any(
        not isinstance(value.get(code), str) for code in languages
    ):
        raise ContentError(
            f"{path.name}: '{key}' needs text for every language ({', '.join(languages)})."
        )
    return {code: value[code] for code in languages}


def set_translated(obj: Model, name: str, values: dict[str, str]) -> None:
    # Only the per-language columns: assigning `name` itself would write into
    # whichever language happens to be active.
    for code, text in values.items():
        setattr(obj, localized_field(name, code), text)


def read_file(path: Path) -> tuple:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ContentError(f"{path.name}: {error}") from None
    digest = hashlib.sha256(raw + DRAWING_VERSION.encode()).hexdigest()
    return data, digest


def _category_state(category: Category) -> tuple:
    texts = tuple(
        getattr(category, localized_field(name, code), None)
        for name in ("name", "description")
        for code in language_codes()
    )
    return (category.pk, *texts, category.order)


def load_categories(content_dir: Path) -> dict:
    path = content_dir / "categories.toml"
    data, _digest = read_file(path)
    categories = {}
    for entry in data.get("categories", []):
        category = Category.objects.filter(slug=entry["slug"]).first() or Category(
            slug=entry["slug"]
        )
        before = _category_state(category)
        set_translated(category, "name", translated(entry, "name", path))
        set_translated(
            category, "description", translated(entry, "description", path, required=False)
        )
        category.order = entry.get("order", 0)
        if _category_state(category) != before:
            category.save()
        categories[category.slug] = category
    return categories


def drawn_image_name(spec: dict[str, Any]) -> str:
    digest = hashlib.sha256(
        json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:24]
    return f"figures/drawn-{digest}.png"


def ensure_drawn(figure_data: dict[str, Any], language: str, path: Path) -> str:
    lines = figure_data.get("screen", {}).get(language)
    title = figure_data.get("title", {}).get(language, "")
    if not isinstance(lines, list):
        raise ContentError(
            f"{path.name}: figure {figure_data.get('number')} needs screen lines in '{language}'."
        )
    spec = {
        "v": DRAWING_VERSION,
        "device": figure_data.get("device", "browser"),
        "title": title,
        "lines": lines,
        "arrow": figure_data.get("arrow"),
    }
    name = drawn_image_name(spec)
    if not default_storage.exists(name):
        default_storage.save(
            name, ContentFile(draw_figure(spec["device"], title, lines, spec["arrow"]))
        )
    return name


def figure_files_present(article: Article) -> bool:
    return all(
        default_storage.exists(getattr(figure, localized_field("image", code)).name)
        for figure in article.figures.all()
        for code in language_codes()
        if getattr(figure, localized_field("image", code))
    )


def load_article(path: Path, categories: dict[str, Category], force: bool = False) -> tuple:
    """Load one article file; returns (status, article, related KB numbers)."""
    data, digest = read_file(path)
    kb = data.get("kb")
    if not kb or not data.get("slug"):
        raise ContentError(f"{path.name}: 'kb' and 'slug' are required.")
    if data.get("category") not in categories:
        raise ContentError(f"{path.name}: unknown category '{data.get('category')}'.")
    article = Article.objects.filter(kb_number=kb).first()
    if article is not None:
        if article.source_hash == digest and not force and figure_files_present(article):
            return "unchanged", article, None
        if (
            not force
            and article.loaded_content_hash
            and article.content_hash() != article.loaded_content_hash
        ):
            return "kept", article, None
    status = "created" if article is None else "updated"
    with transaction.atomic(), signals.suspended(), reversion.create_revision(manage_manually=True):
        article = article or Article(kb_number=kb)
        article.slug = data["slug"]
        article.category = categories[data["category"]]
        article.order = data.get("order", 0)
        article.status = data.get("status", Article.Status.PUBLISHED)
        set_translated(article, "title", translated(data, "title", path))
        set_translated(article, "summary", translated(data, "summary", path, required=False))
        article.save()
        article.sections.all().delete()
        article.figures.all().delete()
        step_for_figure: dict[str, Step] = {}
        for section_order, section_data in enumerate(data.get("sections", []), start=1):
            section = Section(
                article=article,
                anchor=section_data["anchor"],
                order=section_order,
                action_url=section_data.get("action", {}).get("url", ""),
            )
            set_translated(section, "title", translated(section_data, "title", path))
            set_translated(
                section, "intro", translated(section_data, "intro", path, required=False)
            )
            set_translated(
                section,
                "action_label",
                translated(section_data.get("action", {}), "label", path, required=False),
            )
            section.save()
            for step_order, step_data in enumerate(section_data.get("steps", []), start=1):
                step = Step(section=section, label=step_data.get("label", ""), order=step_order)
                set_translated(step, "text", translated(step_data, "text", path))
                step.save()
                for number in step_data.get("figures", []):
                    step_for_figure.setdefault(str(number), step)
        for figure_order, figure_data in enumerate(data.get("figures", []), start=1):
            number = str(figure_data["number"])
            figure = Figure(
                article=article, number=number, order=figure_order, step=step_for_figure.get(number)
            )
            set_translated(
                figure, "caption", translated(figure_data, "caption", path, required=False)
            )
            set_translated(figure, "alt_text", translated(figure_data, "alt", path))
            for code in language_codes():
                setattr(
                    figure, localized_field("image", code), ensure_drawn(figure_data, code, path)
                )
            figure.save()
        rebuild_search_entries(article)
        drift.refresh_article(article.pk)
        article = Article.objects.prefetch_related("sections__steps", "figures").get(pk=article.pk)
        Article.objects.filter(pk=article.pk).update(
            source_hash=digest, loaded_content_hash=article.content_hash()
        )
        history.record(article, comment=history.LOADED)
    signals.content_changed(sender=Article)
    return status, article, data.get("related", [])


def load_help_content(content_dir: Path | str = CONTENT_DIR, force: bool = False) -> LoadReport:
    content_dir = Path(content_dir)
    report = LoadReport()
    with transaction.atomic():
        categories = load_categories(content_dir)
    related = {}
    for path in sorted(content_dir.glob("*.toml")):
        if path.name in ("categories.toml", SYNONYMS_FILE):
            continue
        status, article, related_kbs = load_article(path, categories, force=force)
        {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "kept": report.kept_staff_edits,
        }[status].append(article.kb_number)
        if related_kbs is not None:
            related[article] = related_kbs
    for article, kbs in related.items():
        article.related.set(Article.objects.filter(kb_number__in=kbs))
    seed_synonyms(content_dir / SYNONYMS_FILE)
    reindex_all()
    return report


def seed_synonyms(path: Path) -> None:
    """Create the seed synonym sets of a language whose table is empty (then staff own them)."""
    if not path.exists():
        return
    data, _digest = read_file(path)
    for code in language_codes():
        sets = data.get(code, [])
        if not isinstance(sets, list) or not all(isinstance(words, str) for words in sets):
            raise ContentError(
                f"{path.name}: '{code}' must be a list of comma-separated word sets."
            )
        if sets and not Synonym.objects.filter(language=code).exists():
            Synonym.objects.bulk_create([Synonym(language=code, words=words) for words in sets])
            signals.content_changed(sender=Synonym)

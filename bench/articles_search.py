#!/usr/bin/env python
"""Search, suggestion and re-index times over generated articles, in English and in German.

Run: .venv/bin/python bench/articles_search.py [--articles 1000] [--queries 200]
Prints median and p95 of: a search (one in five queries has a typo), a suggestion
(a word being typed), re-indexing one article after an edit, and the first search
after an edit (when this process builds the new vocabulary).
Uses a throw-away SQLite database unless DATABASE_URL is set (then full-text
search on PostgreSQL is measured; the database is created and dropped by the
test-database machinery, so give a URL whose server you may create databases on).
"""

import argparse
import random
import statistics
import time

from throwaway_database import throwaway_database

WORDS = {
    "en": (
        "sign in password device phone card challenge response code temporary access client portal "
        "security print activate expire index values digits spaces upper case ports network router "
        "hotel blocked app authenticate generate passcode touch face fingerprint android iphone "
        "document photo upload blurred"
    ).split(),
    "de": (
        "anmelden passwort gerät telefon karte challenge antwort code temporär zugang kundenportal "
        "sicherheit drucken aktivieren ablaufen index werte ziffern leerzeichen großbuchstaben "
        "ports netzwerk router hotel blockiert app authentifizieren generieren passcode gesicht "
        "fingerabdruck android iphone dokument foto"
    ).split(),
}


def sentence(rng, language, length=12):
    return " ".join(rng.choice(WORDS[language]) for _ in range(length)).capitalize() + "."


def texts(rng, field, length):
    """A random sentence of `length` words for the field in each language (title_en, title_de)."""
    return {f"{field}_{language}": sentence(rng, language, length) for language in WORDS}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--profile", action="store_true", help="Print where the English searches spend their time."
    )
    options = parser.parse_args()
    with throwaway_database("search"):
        from django.db import connection

        run(options, connection.vendor)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, result


def figures(label, timings, extra=""):
    timings = sorted(timings)
    print(
        f"  {label:<28} median {statistics.median(timings):7.2f} ms   p95 "
        f"{timings[int(len(timings) * 0.95)]:7.2f} ms   "
        f"max {timings[-1]:7.2f} ms {extra}",
        flush=True,
    )


def typo(rng, word):
    if len(word) < 5:
        return word
    position = rng.randrange(1, len(word) - 1)
    return word[:position] + word[position + 1 :]


def run(options, vendor):
    from articles import signals
    from articles.models import Article, Category, Section, Step
    from articles.search import rebuild_search_entries, search

    rng = random.Random(7)
    category = Category.objects.create(slug="bench", name_en="Bench", name_de="Bench")
    print(f"Generating {options.articles} articles per language ({vendor}) …", flush=True)
    started = time.perf_counter()
    with signals.suspended():
        articles = Article.objects.bulk_create(
            [
                Article(
                    kb_number=f"KB{10000 + number}",
                    slug=f"bench-{number}",
                    category=category,
                    status="published",
                    **texts(rng, "title", 6),
                    **texts(rng, "summary", 20),
                )
                for number in range(options.articles)
            ],
            batch_size=500,
        )
        sections = Section.objects.bulk_create(
            [
                Section(
                    article=article,
                    anchor=f"s{number}",
                    order=number,
                    **texts(rng, "title", 3),
                )
                for article in articles
                for number in range(3)
            ],
            batch_size=500,
        )
        Step.objects.bulk_create(
            [
                Step(
                    section=section,
                    order=i,
                    **texts(rng, "text", 25),
                )
                for section in sections
                for i in range(5)
            ],
            batch_size=1000,
        )
        for article in Article.objects.prefetch_related("sections__steps"):
            rebuild_search_entries(article)
    print(f"  generated and indexed in {time.perf_counter() - started:.1f} s", flush=True)
    search("warm up", "en")
    search("aufwärmen", "de")
    if options.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(options.queries):
            search(" ".join(rng.sample(WORDS["en"], 2)), "en")
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    for language in ("en", "de"):
        timings, hits = [], []
        for _ in range(options.queries):
            words = rng.sample(WORDS[language], rng.choice([1, 2, 3]))
            if rng.random() < 0.2:
                words[0] = typo(rng, words[0])
            elapsed, outcome = timed(search, " ".join(words), language)
            timings.append(elapsed)
            hits.append(len(outcome.results))
        figures(
            f"{language}: search",
            timings,
            f"({options.queries} queries, median {statistics.median(hits):.0f} results)",
        )
        timings = []
        for _ in range(options.queries):
            word = rng.choice(WORDS[language])
            typed = word[: rng.randint(2, max(2, len(word)))]
            elapsed, _outcome = timed(search, typed, language, as_you_type=True, limit=5)
            timings.append(elapsed)
        figures(f"{language}: suggestion", timings)
    reindex, first = [], []
    for number in range(min(20, options.articles)):
        article = Article.objects.prefetch_related("sections__steps").get(slug=f"bench-{number}")
        article.title_en = sentence(rng, "en", 6)
        Article.objects.filter(pk=article.pk).update(title_en=article.title_en)
        elapsed, _ = timed(rebuild_search_entries, article)
        reindex.append(elapsed)
        signals.bump_content_version()
        elapsed, _ = timed(search, "code", "en")
        first.append(elapsed)
    figures("re-index one edited article", reindex)
    figures("first search after an edit", first, "(builds the new vocabulary in this process)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Median search time over 1,000 generated articles, in English and in German.

Run: .venv/bin/python bench/articles_search.py [--articles 1000] [--queries 200]
Uses a throw-away SQLite database unless DATABASE_URL is set (then full-text
search on PostgreSQL is measured; the database is created and dropped by the
test-database machinery, so give a URL whose server you may create databases on).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = {
    "en": "sign in password device phone card challenge response code temporary access client portal security "
          "print activate expire index values digits spaces upper case ports network router hotel blocked app "
          "authenticate generate passcode touch face fingerprint android iphone document photo upload blurred".split(),
    "de": "anmelden passwort gerät telefon karte challenge antwort code temporär zugang kundenportal sicherheit "
          "drucken aktivieren ablaufen index werte ziffern leerzeichen großbuchstaben ports netzwerk router hotel "
          "blockiert app authentifizieren generieren passcode gesicht fingerabdruck android iphone dokument foto".split(),
}


def sentence(rng, language, length=12):
    return " ".join(rng.choice(WORDS[language]) for _ in range(length)).capitalize() + "."


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench-search-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["MEDIA_ROOT"] = work
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/search.sqlite3")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(options, connection.vendor)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(options, vendor):
    from articles import signals
    from articles.models import Article, Category, Section, Step
    from articles.search import rebuild_search_entries, search_articles

    rng = random.Random(7)
    category = Category.objects.create(slug="bench", name_en="Bench", name_de="Bench")
    print(f"Generating {options.articles} articles ({vendor}) …", flush=True)
    started = time.perf_counter()
    with signals.suspended():
        for number in range(options.articles):
            article = Article.objects.create(
                kb_number=f"KB{10000 + number}", slug=f"bench-{number}", category=category, status="published",
                title_en=sentence(rng, "en", 6), title_de=sentence(rng, "de", 6),
                summary_en=sentence(rng, "en", 20), summary_de=sentence(rng, "de", 20),
            )
            for section_number in range(3):
                section = Section.objects.create(article=article, anchor=f"s{section_number}", order=section_number,
                                                 title_en=sentence(rng, "en", 3), title_de=sentence(rng, "de", 3))
                Step.objects.bulk_create([
                    Step(section=section, order=i, text_en=sentence(rng, "en", 25), text_de=sentence(rng, "de", 25))
                    for i in range(5)
                ])
            rebuild_search_entries(article)
    print(f"  generated and indexed in {time.perf_counter() - started:.1f} s")
    for language in ("en", "de"):
        timings, hits = [], []
        for _ in range(options.queries):
            query = " ".join(rng.sample(WORDS[language], rng.choice([1, 2, 3])))
            start = time.perf_counter()
            results = search_articles(query, language)
            timings.append((time.perf_counter() - start) * 1000)
            hits.append(len(results))
        timings.sort()
        print(f"  {language}: median {statistics.median(timings):6.1f} ms   p95 {timings[int(len(timings) * 0.95)]:6.1f} ms   "
              f"max {timings[-1]:6.1f} ms   ({options.queries} queries, median {statistics.median(hits):.0f} results)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""The staff dashboard for 1,000 articles × 90 days: time to build its numbers and render the page.

Run: .venv/bin/python bench/articles_dashboard.py [--articles 1000] [--days 90] [--runs 15]
Generates view counts per article, language and day, "was this helpful" answers with
reasons and comments, search leads and troubleshooter situations, then renders the admin
page (90-day period, both languages) through the test client as a signed-in superuser and
prints the median and p95 (target: median <= 300 ms). Throw-away SQLite database unless
DATABASE_URL is set.
"""

import os
import random
import statistics
import time
from datetime import timedelta

from command_line import sizes
from throwaway_database import throwaway_database


def generate(articles, days):
    from django.utils import timezone

    from articles.models import Article, Category, Feedback, PageViewDay, SearchLeadDay

    rng = random.Random(15)
    category = Category.objects.create(slug="bench", name_en="Bench", name_de="Bench")
    Article.objects.bulk_create(
        [
            Article(
                kb_number=f"KB{9000 + n}",
                slug=f"bench-{n}",
                category=category,
                status="published",
                title_en=f"Bench article {n}",
                title_de=f"Testartikel {n}",
            )
            for n in range(articles)
        ]
    )
    ids = list(Article.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    PageViewDay.objects.bulk_create(
        (
            PageViewDay(
                article_id=pk,
                language=language,
                day=today - timedelta(days=offset),
                views=rng.randrange(1, 500),
            )
            for pk in ids
            for language in ("en", "de")
            for offset in range(days)
        ),
        batch_size=5000,
    )
    PageViewDay.objects.bulk_create(
        [
            PageViewDay(
                article_id=ids[0],
                anchor=f"situation-{n}",
                language="en",
                day=today - timedelta(days=offset),
                views=50,
                moved_on=rng.randrange(0, 50),
            )
            for n in range(8)
            for offset in range(days)
        ]
    )
    reasons = ["unclear", "out-of-date", "not-solved", "screen-differs", "other"]
    Feedback.objects.bulk_create(
        (
            Feedback(
                article_id=rng.choice(ids),
                language=rng.choice(["en", "de"]),
                helpful=rng.random() < 0.6,
                reason=rng.choice(reasons),
                comment="It could say more." if rng.random() < 0.2 else "",
                visitor=f"v{n}",
            )
            for n in range(articles * 20)
        ),
        batch_size=5000,
    )
    SearchLeadDay.objects.bulk_create(
        (
            SearchLeadDay(
                article_id=rng.choice(ids),
                language="en",
                query=f"query {n % 400}",
                day=today - timedelta(days=n % days),
                opened=rng.randrange(1, 20),
            )
            for n in range(articles * 5)
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )
    return PageViewDay.objects.count()


def main():
    options = sizes(__doc__, articles=1000, days=90, runs=15)
    os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")  # no collectstatic needed
    os.environ["STAFF_OTP_REQUIRED"] = "0"  # the bench measures the page, not the staff sign-in
    with throwaway_database("dashboard"):
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        settings.ALLOWED_HOSTS = ["testserver"]
        call_command("createcachetable", verbosity=0)
        rows = generate(options.articles, options.days)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum does soon after a bulk load
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(User.objects.create_superuser("bench", "bench@example.com", "pw"))
        days = options.days if options.days in (7, 30, 90, 365) else 90
        url = f"/en/admin/articles/article/dashboard/?days={days}"
        assert client.get(url).status_code == 200
        from articles import dashboard

        timings, cpu, numbers = [], [], []
        for _ in range(options.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
            started = time.perf_counter()
            dashboard.build_dashboard(dashboard.Filters(days=90))
            numbers.append((time.perf_counter() - started) * 1000)
        load = os.getloadavg()[0]
        print(
            f"dashboard: {options.articles} articles × {options.days} days ({rows} view rows) on "
            f"{connection.vendor}"
            f" (load average {load:.1f} on {os.cpu_count()} CPUs)"
        )
        for label, values in (
            ("page (wall)", timings),
            ("page (CPU)", cpu),
            ("numbers only", numbers),
        ):
            values.sort()
            print(
                f"  {label:<13} median {statistics.median(values):7.1f} ms   p95 "
                f"{values[int(len(values) * 0.95)]:7.1f} ms"
            )
        print(f"  page size {len(response.content) // 1024} KB; target: median <= 300 ms")
        started = time.perf_counter()
        csv = client.get(url + "&format=csv")
        lines = csv.content.count(b"\n")
        print(f"  CSV export    {(time.perf_counter() - started) * 1000:7.1f} ms   ({lines} lines)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Cached article page with view counting on vs. off, side by side in one run.

Run: .venv/bin/python bench/articles_view_counting.py [--rounds 6] [--requests 3000]
Calls the site's WSGI application in this process (no network, so the cost of counting is
as visible as it can be), alternating rounds with VIEW_COUNTING on and off, and prints the
requests per second of each and their ratio (target: counting on >= 90% of off). Uses a
throw-away SQLite database and the database cache unless DATABASE_URL / REDIS_URL are set.
"""

import argparse
import io
import os
import statistics
import sys
import time

from throwaway_database import throwaway_database

PATH = "/de/articles/online-security-code-card/"


def environ(path):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "http://127.0.0.1/de/help/cannot-sign-in/lost-device/",
    }


def rate(application, requests):
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(requests):
        b"".join(application(environ(PATH), start_response))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert all(status.startswith("200") for status in statuses), statuses[:3]
    return requests / elapsed, requests / cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rounds", type=int, default=16, help="pairs of rounds (on, off), order alternating"
    )
    parser.add_argument("--requests", type=int, default=4000, help="requests per round")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")  # no collectstatic needed
    with throwaway_database("views"):
        from django.conf import settings
        from django.core.cache import cache
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application
        from django.db import connection
        from django.test import override_settings

        settings.ALLOWED_HOSTS = ["127.0.0.1"]
        call_command("createcachetable", verbosity=0)
        cache.clear()
        call_command("load_help_content", verbosity=0)
        from articles import view_counts
        from articles.models import PageViewDay

        application = get_wsgi_application()
        rate(application, 200)  # warm: rendered once, then served from the page cache
        results = {True: [], False: []}
        per_cpu_second = {True: [], False: []}  # what a core serves, whatever else the machine does
        for round_number in range(options.rounds):
            for counting in (True, False) if round_number % 2 == 0 else (False, True):
                with override_settings(VIEW_COUNTING=counting):
                    wall_rate, cpu_rate = rate(application, options.requests)
                results[counting].append(wall_rate)
                per_cpu_second[counting].append(cpu_rate)
        view_counts.flush_now()
        cpu_on = statistics.median(per_cpu_second[True])
        cpu_off = statistics.median(per_cpu_second[False])
        on, off = statistics.median(results[True]), statistics.median(results[False])
        # Each pair ran back to back, so the machine's load drifts little within one: compare
        # pairwise too.
        pairs = sorted(a / b for a, b in zip(results[True], results[False], strict=True))
        print(
            f"cached page {PATH} on {connection.vendor}, cache "
            f"{settings.CACHES['default']['BACKEND']}"
        )
        print(
            f"  counting off  median {off:8.0f} req/s  (min {min(results[False]):.0f}, max "
            f"{max(results[False]):.0f})"
        )
        print(
            f"  counting on   median {on:8.0f} req/s  (min {min(results[True]):.0f}, max "
            f"{max(results[True]):.0f})"
        )
        print(
            f"  on / off      {on / off:6.1%} of the medians; median of the {len(pairs)} pairs "
            f"{statistics.median(pairs):6.1%}   (target >= 90%; load average "
            f"{os.getloadavg()[0]:.1f})"
        )
        print(
            f"  per CPU second: off {cpu_off:.0f}, on {cpu_on:.0f} requests: on / off "
            f"{cpu_on / cpu_off:6.1%} of the medians; fastest rounds "
            f"{max(per_cpu_second[True]) / max(per_cpu_second[False]):6.1%} (the bench's own CPU "
            "time: other load on the machine blurs it less)"
        )
        counted = sum(PageViewDay.objects.values_list("views", flat=True))
        expected = 200 + options.requests * options.rounds  # the warm-up counts too
        print(f"  views counted in the database: {counted} of {expected}")


if __name__ == "__main__":
    main()

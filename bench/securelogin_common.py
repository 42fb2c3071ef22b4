"""What the securelogin benches share: Django on a throw-away database, and timing.

Importing this module sets Django up first (DATABASE_URL if set, else a fresh SQLite
file), so a bench imports it before any model. Answers to challenges come from the
tests' own helper (tests/securelogin/helpers.py), so bench and tests verify alike.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")  # pages render without collectstatic
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='sl-bench-')}/bench.sqlite3"

import django  # noqa: E402

django.setup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def report(label: str, times: list[float]) -> None:
    """One line: median, p95 and max of `times` (milliseconds)."""
    print(
        f"{label:<48} median {statistics.median(times):7.3f} ms   "
        f"p95 {percentile(times, 0.95):7.3f} ms   max {max(times):7.3f} ms   (n={len(times)})"
    )


def elapsed[T](func: Callable[[], T]) -> tuple[float, T]:
    """(milliseconds, result) of one call."""
    started = time.perf_counter()
    result = func()
    return (time.perf_counter() - started) * 1000, result


def timed(label: str, func: Callable[[], object], runs: int) -> None:
    """Run `func` `runs` times and report its times."""
    report(label, [elapsed(func)[0] for _ in range(runs)])

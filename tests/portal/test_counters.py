"""Counters in the shared cache lose no count when many requests count at once."""

import pytest

from portal import counters
from tests.parallel import run_parallel


@pytest.mark.django_db(transaction=True)
def test_parallel_hits_from_many_threads_are_all_counted():
    """Each thread has its own database connection (as each worker process has)."""
    threads, per_thread = 8, 25

    def count(_n):
        for _ in range(per_thread):
            counters.hit("test:parallel", 60)

    run_parallel(threads, count)
    assert counters.count("test:parallel") == threads * per_thread


@pytest.mark.django_db
def test_a_window_starts_again_after_it_expired():
    """Real time: Redis expires keys by its own clock, which no test can move."""
    import time

    assert counters.hit("test:window", 1) == 1
    assert counters.hit("test:window", 1) == 2
    time.sleep(1.1)
    assert counters.count("test:window") == 0
    assert counters.hit("test:window", 1) == 1

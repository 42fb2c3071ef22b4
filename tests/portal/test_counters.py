"""Counters in the shared cache lose no count when many requests count at once."""
import threading

import pytest
from django.db import connections

from portal import counters


@pytest.mark.django_db(transaction=True)
def test_parallel_hits_from_many_threads_are_all_counted():
    """Each thread has its own database connection (as each worker process has)."""
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    errors = []

    def count():
        try:
            barrier.wait()
            for _ in range(per_thread):
                counters.hit("test:parallel", 60)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
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

"""Run the same work in several threads released at once, as parallel requests arrive."""

import threading

from django.db import connections


def run_parallel(count, work):
    """Call work(n) for n in 0..count-1, each in its own thread (and database connection),
    all released together; returns their results (in the order they finished)."""
    barrier = threading.Barrier(count)
    results = []

    def run(n):
        try:
            barrier.wait()
            results.append(work(n))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results

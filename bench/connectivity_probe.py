"""How fast the probe answers, and what check_ports costs per port.

Starts the probe on a free port in this process and measures, each request on a
new TCP connection (as the test page's first fetch is): sequential latency
(p50/p95/max), throughput with 16 concurrent clients, and check_port() for an
open and a closed port.
Run: .venv/bin/python bench/connectivity_probe.py
"""

import http.client
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from connectivity.ports import check_port  # noqa: E402
from connectivity.probe import ProbeGroup  # noqa: E402

ORIGIN = "http://127.0.0.1:8000"
SEQUENTIAL = 2000
CONCURRENT = 4000
CLIENTS = 16


def one_request(port, origin=ORIGIN):
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/probe", headers={"Origin": origin})
    response = conn.getresponse()
    response.read()
    conn.close()
    return (time.perf_counter() - started) * 1000, response.status


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main():
    group = ProbeGroup("127.0.0.1", [0], [ORIGIN]).start()
    port = group.ports[0]
    try:
        for _ in range(50):
            one_request(port)
        times = [one_request(port)[0] for _ in range(SEQUENTIAL)]
        print(
            f"sequential, {SEQUENTIAL} requests: p50 {statistics.median(times):.2f} ms, "
            f"p95 {percentile(times, 0.95):.2f} ms, max {max(times):.2f} ms"
        )

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda _i: one_request(port), range(CONCURRENT)))
        elapsed = time.perf_counter() - started
        ok = sum(1 for _ms, status in results if status == 200)
        print(
            f"{CLIENTS} concurrent clients, {CONCURRENT} requests: "
            f"{CONCURRENT / elapsed:.0f} req/s, {ok} answered 200, "
            f"p95 {percentile([ms for ms, _s in results], 0.95):.2f} ms"
        )

        refused = [one_request(port, "http://evil.example")[1] for _ in range(100)]
        print(f"foreign origin: {refused.count(403)}/100 refused with 403")

        open_times = [check_port("127.0.0.1", port, 3).millis for _ in range(200)]
        print(f"check_port open port: p50 {statistics.median(open_times)} ms (whole-ms resolution)")
    finally:
        group.close()
    started = time.perf_counter()
    for _ in range(200):
        result = check_port("127.0.0.1", port, 3)
    print(
        "check_port closed port: "
        f"{(time.perf_counter() - started) / 200 * 1000:.3f} ms per verdict "
        f"({result.reason})"
    )


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Article page vs. a static file of the same size, served by gunicorn (DEBUG off).

Run: .venv/bin/python bench/articles_throughput.py [--seconds 10] [--connections 32]
Uses wrk (Debian package) when installed, else a small Python load generator.
Runs two set-ups side by side: the embedded one (the database cache every
worker shares) and Redis (REDIS_URL, else db 2 of this machine's Redis). Set
DATABASE_URL to measure on PostgreSQL; by default a throw-away SQLite database.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ARTICLE_PATH = "/de/articles/challenge-response/"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args, env):
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p99, int(errors.group(1)) if errors else 0


def python_load(url, seconds, connections):
    """Fallback load generator: one thread per connection, counts completed requests."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    deadline = time.monotonic() + seconds
    counts, errors, latencies = [0] * connections, [0] * connections, []

    def worker(index):
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection = HTTPConnection(host, int(port), timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            latencies.append(time.perf_counter() - start)
            counts[index] += 1
            errors[index] += response.status != 200

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = f"{latencies[int(len(latencies) * 0.99)] * 1000:.1f}ms" if latencies else "n/a"
    return sum(counts) / seconds, p99, sum(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2",
        help="Redis for the second set-up (default: REDIS_URL, else db 2 on this machine); "
        "'' skips it",
    )
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-articles-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "MEDIA_ROOT": str(work / "media"),
        "DJANGO_STATIC_MANIFEST": "1",
        "CACHE_KEY_PREFIX": "bench",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("REDIS_URL", None)
    print("Preparing: migrate, collectstatic, load_help_content …", flush=True)
    run([PYTHON, "manage.py", "migrate", "--noinput"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
    run([PYTHON, "manage.py", "load_help_content"], env)

    setups = [("embedded (database cache)", env, 0.90)]
    if options.redis_url:
        setups.append(("Redis cache", {**env, "REDIS_URL": options.redis_url}, 0.80))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        page = static_twin(env, port, base)
        load = wrk if shutil.which("wrk") else python_load
        print(
            f"Load generator: {'wrk' if load is wrk else 'python threads'}; "
            f"{options.connections} connections, {options.seconds} s each; "
            f"gunicorn {options.workers} sync workers; page {len(page):,} bytes; "
            f"database {env['DATABASE_URL'].split(':', 1)[0]}",
            flush=True,
        )
        for name, setup_env, target in setups:
            measure_setup(name, setup_env, target, port, base, load, options)
    finally:
        shutil.rmtree(ROOT / "staticfiles" / "bench", ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def gunicorn(env, port, workers, *extra):
    """A gunicorn serving the portal on 127.0.0.1:port, quiet."""
    command = [str(Path(PYTHON).parent / "gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{port}"]
    return subprocess.Popen(
        [*command, "-w", str(workers), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def static_twin(env, port, base):
    """Write a static file of the article page's size (whitenoise indexes files when it starts)."""
    probe = gunicorn(env, port, 1)
    try:
        page = wait_and_fetch(base + ARTICLE_PATH)
    finally:
        probe.terminate()
        probe.wait()
    static_dir = ROOT / "staticfiles" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "same-size.html").write_bytes(page)
    return page


def measure_setup(name, env, target, port, base, load, options):
    """Static file and cached article alternately, twice each, on one gunicorn: median ratio."""
    server = gunicorn(
        env, port, options.workers, "--worker-class", "sync", "--log-level", "warning"
    )
    try:
        wait_and_fetch(base + "/static/bench/same-size.html")
        for _ in range(4):  # warm the page cache and the workers
            wait_and_fetch(base + ARTICLE_PATH)
        print(f"== {name}")
        rates = {"article page": [], "static file, same size": []}
        for _ in range(2):
            for label, url in [
                ("static file, same size", base + "/static/bench/same-size.html"),
                ("article page", base + ARTICLE_PATH),
            ]:
                rate, p99, errors = load(url, options.seconds, options.connections)
                rates[label].append(rate)
                print(
                    f"{label:>24}: {rate:8.0f} requests/s   p99 {p99:>8}   errors {errors}",
                    flush=True,
                )
        ratio = statistics.median(rates["article page"]) / statistics.median(
            rates["static file, same size"]
        )
        print(
            f"{'ratio':>24}: {ratio:.0%} of the static file's rate (target ≥ {target:.0%})",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait()


def wait_and_fetch(url, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


if __name__ == "__main__":
    main()

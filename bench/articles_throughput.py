#!/usr/bin/env python
"""Article page vs. a static file of the same size, served by gunicorn (DEBUG off).

Run: .venv/bin/python bench/articles_throughput.py [--seconds 10] [--connections 32]
Uses wrk (Debian package) when installed, else a small Python load generator.
Set DATABASE_URL / REDIS_URL to measure on PostgreSQL / Redis; by default a
throw-away SQLite database and local-memory cache are used.
"""

import argparse
import os
import re
import shutil
import socket
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
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
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
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-articles-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "0",
           "MEDIA_ROOT": str(work / "media"), "DJANGO_STATIC_MANIFEST": "1"}
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    print("Preparing: migrate, collectstatic, load_help_content …", flush=True)
    run([PYTHON, "manage.py", "migrate", "--noinput"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
    run([PYTHON, "manage.py", "load_help_content"], env)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        # Size the static twin after the real page, then start the server (whitenoise indexes at start).
        probe_env = {**env}
        probe = subprocess.Popen([str(Path(PYTHON).parent / "gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
                                 cwd=ROOT, env=probe_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        page = wait_and_fetch(base + ARTICLE_PATH)
        probe.terminate()
        probe.wait()
        static_dir = ROOT / "staticfiles" / "bench"
        static_dir.mkdir(parents=True, exist_ok=True)
        (static_dir / "same-size.html").write_bytes(page)

        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{port}",
             "-w", str(options.workers), "--worker-class", "sync", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_and_fetch(base + "/static/bench/same-size.html")
        load = wrk if shutil.which("wrk") else python_load
        print(f"Load generator: {'wrk' if load is wrk else 'python threads'}; {options.connections} connections, "
              f"{options.seconds} s each; gunicorn {options.workers} sync workers; page {len(page):,} bytes", flush=True)
        for _ in range(2):  # warm the page cache and the workers
            wait_and_fetch(base + ARTICLE_PATH)
        results = {}
        for name, url in [("article page", base + ARTICLE_PATH), ("static file, same size", base + "/static/bench/same-size.html")]:
            results[name] = load(url, options.seconds, options.connections)
            rate, p99, errors = results[name]
            print(f"{name:>24}: {rate:8.0f} requests/s   p99 {p99:>8}   errors {errors}", flush=True)
        ratio = results["article page"][0] / results["static file, same size"][0]
        print(f"{'ratio':>24}: {ratio:.0%} of the static file's rate (target ≥ 50%)")
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(ROOT / "staticfiles" / "bench", ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


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

#!/usr/bin/env python
"""Mixed traffic through the cluster's balancer: article pages, search and the sign-in page (wrk).

Run: .venv/bin/python bench/cluster_mix.py [--url http://127.0.0.1:8000] [--seconds 60] \
         [--connections 64]
Measures a running `make cluster` at --url. When nothing answers there and --url is the default,
it starts one itself (scripts/cluster.py; PostgreSQL and Redis must run, as for `make cluster`; the
first start takes a few minutes for the figure screenshots) and stops it afterwards.

The mix, in a fixed shuffled order that each wrk thread starts at a different point: 60 % article
pages (home page and every article, English and German), 25 % search (five queries per language,
each with results, so no failed search is recorded) and 15 % the sign-in page, all anonymous GETs
with Accept-Encoding: gzip like a browser. Prints requests/s, p50/p90/p99 latency, responses
other than 2xx/3xx, socket errors and, when the balancer's access log is on this machine, the
share of each node. Needs wrk (Debian package; `make bench` installs it).
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "http://127.0.0.1:8000"
ACCESS_LOG = (
    Path(os.environ.get("CLUSTER_DIR") or ROOT / "var" / "cluster") / "logs" / "nginx-access.log"
)

SLUGS = [
    "challenge-response",
    "sign-in-troubleshooting",
    "temporary-code",
    "online-security-code-card",
    "photograph-documents",
]
QUERIES = {
    "en": ["challenge", "temporary code", "security code card", "photograph", "password"],
    "de": ["Antwort", "temporären Code", "Sicherheitscodekarte", "fotografieren", "Passwort"],
}
# Share of each kind of request in the mix; one cycle has about 200 requests.
SHARES = {"article": 0.60, "search": 0.25, "signin": 0.15}

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

LUA = r"""
-- Written by bench/cluster_mix.py: a fixed mix of GETs, each thread starting at its own offset.
local paths = {%(paths)s}
local headers = {["Accept-Encoding"] = "gzip, deflate", ["User-Agent"] = "cluster_mix (wrk)"}
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 37)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter + offset) %% #paths + 1], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%d, "p90": %%d, "p99": %%d, "max": %%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def get(url, timeout=10):
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


def ready(url):
    return get(f"{url}/readyz", timeout=5)[0] == 200


def start_cluster(url, log_path):
    """scripts/cluster.py in its own process group; returns once the balancer's /readyz says 200."""
    print(
        f"No cluster answers at {url}: starting one (scripts/cluster.py; output in {log_path}) …",
        flush=True,
    )
    log = open(log_path, "wb")  # noqa: SIM115 — stays open for the cluster's lifetime
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "cluster.py")],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 900  # the first start captures the article figures with Chromium
    while not ready(url):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_cluster(process)
            sys.exit(
                f"The cluster did not start; last lines of {log_path}:\n"
                + "".join(Path(log_path).read_text().splitlines(True)[-15:])
            )
        time.sleep(1)
    return process


def stop_cluster(process):
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def build_mix(url):
    """The request paths, each checked once: 200, and search results for every query."""
    kinds = {
        "article": [f"/{lang}/" for lang in ("en", "de")]
        + [f"/{lang}/articles/{slug}/" for slug in SLUGS for lang in ("en", "de")],
        "search": [],
        "signin": ["/en/portal/signin/", "/de/portal/signin/"],
    }
    for lang, queries in QUERIES.items():
        for query in queries:
            status, body = get(f"{url}/{lang}/search/?q={quote_plus(query)}")
            if status == 200 and 'class="search-results"' in body:
                kinds["search"].append(f"/{lang}/search/?q={quote_plus(query)}")
            else:
                reason = "no results" if status == 200 else status
                print(f"  (left out: search {lang} {query!r}: {reason})")
    for path in kinds["article"] + kinds["signin"]:
        status, _body = get(url + path)
        if status != 200:
            sys.exit(f"{url}{path} answered {status}: is the help content loaded?")
    mix = []
    for kind, paths in kinds.items():
        repeat = max(1, round(SHARES[kind] * 200 / len(paths))) if paths else 0
        mix += [(kind, path) for path in paths for _ in range(repeat)]
    random.Random(2260).shuffle(mix)
    return kinds, mix


def node_shares(offset):
    """Which node served the requests logged after `offset` (the last one tried, when nginx
    retried)."""
    if offset is None or not ACCESS_LOG.exists():
        return None, 0
    with ACCESS_LOG.open("rb") as handle:
        handle.seek(offset)
        lines = handle.read().decode("utf-8", "replace").splitlines()
    nodes, retried = Counter(), 0
    for line in lines:
        match = re.search(r"node=(\S+(?:, \S+)*) node_status", line)
        if match:
            tried = match.group(1).split(", ")
            nodes[tried[-1]] += 1
            retried += len(tried) > 1
    return nodes, retried


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=DEFAULT_URL, help="the balancer (default %(default)s)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=min(4, os.cpu_count() or 2))
    options = parser.parse_args()
    url = options.url.rstrip("/")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian package `wrk`; `make bench` installs it).")

    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    cluster = None
    try:
        if not ready(url):
            if url != DEFAULT_URL:
                sys.exit(
                    f"Nothing ready at {url}/readyz: start the cluster (`make cluster`) first."
                )
            cluster = start_cluster(url, work / "cluster.log")
        kinds, mix = build_mix(url)
        counts = Counter(kind for kind, _path in mix)
        share = {kind: counts[kind] / len(mix) for kind in counts}
        print(f"Cluster at {url} ({'started by this script' if cluster else 'already running'})")
        print(
            f"Mix: {share['article']:.0%} article pages ({len(kinds['article'])} paths, en+de), "
            f"{share.get('search', 0):.0%} search ({len(kinds['search'])} queries, en+de), "
            f"{share['signin']:.0%} sign-in page (en, de)"
        )
        for _ in range(2):  # warm each node's page cache and workers
            for _kind, path in mix[:: max(1, len(mix) // 40)]:
                get(url + path)

        script = work / "mix.lua"
        script.write_text(LUA % {"paths": ", ".join(json.dumps(path) for _kind, path in mix)})
        local_log = url.startswith(("http://127.0.0.1", "http://localhost")) and ACCESS_LOG.exists()
        offset = ACCESS_LOG.stat().st_size if local_log else None
        print(
            f"Load generator: wrk, {options.threads} threads, "
            f"{options.connections} connections, {options.seconds} s, Accept-Encoding: gzip",
            flush=True,
        )
        out = subprocess.run(
            [
                "wrk",
                f"-t{options.threads}",
                f"-c{options.connections}",
                f"-d{options.seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                url + "/",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result = json.loads(re.search(r"^RESULT (\{.*\})$", out, re.MULTILINE).group(1))
        seconds = result["duration_us"] / 1e6
        socket_errors = sum(result[name] for name in ("connect", "read", "write", "timeout"))
        print(f"{'requests/s':>16}: {result['requests'] / seconds:8.0f}")
        for name in ("p50", "p90", "p99"):
            print(f"{'latency ' + name:>16}: {result[name] / 1000:8.1f} ms")
        print(f"{'latency max':>16}: {result['max'] / 1000:8.1f} ms")
        print(
            f"{'requests':>16}: {result['requests']:8d} in {seconds:.1f} s, "
            f"{result['bytes'] / 1e6:.0f} MB received"
        )
        print(f"{'non-2xx/3xx':>16}: {result['status']:8d}")
        print(
            f"{'socket errors':>16}: {socket_errors:8d}   (connect {result['connect']}, "
            f"read {result['read']}, write {result['write']}, timeout {result['timeout']})"
        )
        nodes, retried = node_shares(offset)
        if nodes:
            total = sum(nodes.values())
            print(
                f"{'by node':>16}: "
                + ", ".join(f"{node} {count / total:.1%}" for node, count in sorted(nodes.items()))
                + f"   (nginx tried a second node for {retried})"
            )
    finally:
        if cluster:
            print("Stopping the cluster this script started …", flush=True)
            stop_cluster(cluster)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

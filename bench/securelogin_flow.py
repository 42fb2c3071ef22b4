"""Sign-in plus verification with 32 concurrent clients on gunicorn.

Starts gunicorn (sync workers) on a free loopback port against a throw-away
SQLite database (or DATABASE_URL if set), creates one client per simulated
user, and lets 32 threads loop through the whole journey for DURATION seconds:
sign-in page, user name + password, challenge page, the emulated device
(server-side response), the response, the portal home, sign-out.
Prints requests/s, journeys/s, p50/p99 latency per request and errors, then
stops the server. Passwords use Django's default hasher (PBKDF2), as in
production, so the password step dominates the cost.
Run: .venv/bin/python bench/securelogin_flow.py [--workers 4] [--duration 20]
"""

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 32
PASSWORD = "bench-password-2260"  # noqa: S105 - throw-away bench accounts


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Browser:
    """A tiny cookie-keeping HTTP client; each request on a new connection."""

    def __init__(self, port, timings):
        self.port, self.cookies, self.timings = port, {}, timings

    def request(self, method, path, fields=None, headers=None):
        headers = dict(headers or {})
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers["Host"] = "127.0.0.1"
        headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        conn.close()
        self.timings.append((time.perf_counter() - started) * 1000)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), data

    def csrf(self):
        return self.cookies.get("csrftoken", "")


def journey(port, username, timings):
    """One full sign-in; returns None when it went as expected, else what broke."""
    b = Browser(port, timings)
    status, _, _ = b.request("GET", "/en/portal/signin/")
    if status != 200:
        return f"signin page {status}"
    status, location, _ = b.request(
        "POST",
        "/en/portal/signin/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": b.csrf()},
    )
    if status != 302 or not location.endswith("/signin/verify/"):
        return f"password step {status}"
    status, _, html = b.request("GET", "/en/portal/signin/verify/")
    code = re.search(r'id="challenge-code"[^>]*>([0-9]{6})<', html)
    public_id = re.search(r'name="challenge" value="([^"]+)"', html)
    device = re.search(r'href="(/en/portal/devices/[0-9]+/)"', html)
    if status != 200 or not (code and public_id and device):
        return f"challenge page {status}"
    status, _, body = b.request(
        "POST",
        device.group(1) + "respond/",
        {"challenge": code.group(1), "confirmed": "1"},
        {"Accept": "application/json", "X-CSRFToken": b.csrf()},
    )
    response = re.search(r'"response": "([0-9]{6})"', body)
    if status != 200 or not response:
        return f"emulator {status}"
    status, location, _ = b.request(
        "POST",
        "/en/portal/signin/verify/",
        {
            "challenge": public_id.group(1),
            "response": response.group(1),
            "csrfmiddlewaretoken": b.csrf(),
        },
    )
    if status != 302 or location != "/en/portal/":
        return f"verify {status}"
    status, _, _ = b.request("GET", "/en/portal/")
    if status != 200:
        return f"home {status}"
    status, _, _ = b.request("POST", "/en/portal/signout/", {"csrfmiddlewaretoken": b.csrf()})
    return None if status == 302 else f"signout {status}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument(
        "--fast-hasher",
        action="store_true",
        help="MD5 instead of PBKDF2 (bench only) to see the flow's cost apart from hashing",
    )
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault(
        "DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='sl-bench-')}/bench.sqlite3"
    )
    env.update(
        {
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
            "SECURELOGIN_BENCH": "1",
        }
    )
    # Every bench client signs in from 127.0.0.1 again and again: the per-source limits are
    # lifted for the bench (bench/securelogin_settings.py); securelogin_attack.py measures them.
    env["DJANGO_SETTINGS_MODULE"] = "securelogin_settings"
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "bench"), str(ROOT), env.get("PYTHONPATH")])
    )
    if args.fast_hasher:
        env["BENCH_FAST_HASHER"] = "1"
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup = (
        "import django, os; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from securelogin.services import assign_device\n"
        "from securelogin.models import SecurityDevice\n"
        "User = get_user_model()\n"
        f"for i in range({CLIENTS}):\n"
        "    u, new = User.objects.get_or_create(username=f'bench-{i}')\n"
        f"    u.set_password('{PASSWORD}'); u.save()\n"
        "    d = SecurityDevice.objects.filter(user=u, confirmed=True).first()\n"
        "    d.unlock() if d else assign_device(u, 'ios')\n"
    )
    subprocess.run([py, "-c", setup], cwd=ROOT, env=env, check=True)

    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        timings, errors, journeys = [], [], [0]
        lock = threading.Lock()
        deadline = time.perf_counter() + args.duration

        def client(index):
            mine = []
            while time.perf_counter() < deadline:
                try:
                    problem = journey(port, f"bench-{index}", mine)
                except Exception as exc:  # noqa: BLE001 - a bench counts every failure
                    problem = repr(exc)
                with lock:
                    if problem:
                        errors.append(problem)
                    else:
                        journeys[0] += 1
            with lock:
                timings.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        hasher = "MD5 (bench only)" if args.fast_hasher else "PBKDF2 (default)"
        print(
            f"database: {env['DATABASE_URL'].split(':', 1)[0]}, gunicorn sync workers: "
            f"{args.workers}, "
            f"clients: {CLIENTS}, password hasher: {hasher}, {elapsed:.1f} s"
        )
        print(
            f"requests: {len(timings)} ({len(timings) / elapsed:.1f}/s), journeys: {journeys[0]} "
            f"({journeys[0] / elapsed:.2f}/s, 7 requests each)"
        )
        if timings:
            print(
                f"latency per request: p50 {statistics.median(timings):.1f} ms, "
                f"p99 {percentile(timings, 0.99):.1f} ms, max {max(timings):.1f} ms"
            )
        print(f"errors: {len(errors)}" + (f" e.g. {sorted(set(errors))[:5]}" if errors else ""))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

"""Live gunicorn nodes for the multi-node and outage tests, and a small cookie-keeping HTTP client.

A node is a real `gunicorn portal.wsgi` process with the test's own settings and
stores: the test database (its name taken from the test's connection), the same
shared cache and the same file stores. Each node is a separate process, so
nothing can pass between nodes except through the stores: that is the point.
"""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"  # the running virtualenv's


def database_url() -> str:
    """The URL of the database the test is using right now (the test database)."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or "postgres"
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


def node_environment(**overrides) -> dict:
    """Environment of a node: the test's settings module and stores, plus overrides."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings_test",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "STAGING_ROOT": str(settings.STAGING_ROOT),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_STATIC_MANIFEST": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    env.update({name: str(value) for name, value in overrides.items()})
    return env


@dataclass
class Node:
    port: int
    process: subprocess.Popen
    name: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_node(name="node", workers=1, timeout=30, **env_overrides) -> Node:
    """Start one gunicorn node (sync workers) and wait until /healthz answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=node_environment(**env_overrides),
        start_new_session=True,
    )
    node = Node(port=port, process=process, name=name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{node.url}/healthz", timeout=1) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return node
        except OSError:
            time.sleep(0.1)
    node.stop()
    raise RuntimeError(f"{name} did not answer /healthz within {timeout} s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Visitor:
    """One person with one cookie jar, who may reach any node (as behind a round-robin balancer)."""

    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    # Extra urllib handlers, e.g. one that picks the connection (and so the worker) of each request.
    handlers: tuple = ()

    def __post_init__(self):
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect, *self.handlers
        )

    def request(
        self,
        node: Node,
        method: str,
        path: str,
        data: bytes | None = None,
        headers=None,
        timeout: float = 30,
    ) -> Response:
        request = urllib.request.Request(
            node.url + path, data=data, method=method, headers=headers or {}
        )
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return Response(
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            return Response(
                error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
            )

    def get(self, node: Node, path: str, **kwargs) -> Response:
        return self.request(node, "GET", path, **kwargs)

    def post(
        self, node: Node, path: str, fields: dict, files: dict | None = None, headers=None, **kwargs
    ) -> Response:
        """A form POST with this visitor's CSRF cookie as the token (as a browser's form carries
        it)."""
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **fields}
        if files:
            from django.core.files.uploadedfile import SimpleUploadedFile

            payload = dict(fields)
            for name, items in files.items():
                payload[name] = [
                    SimpleUploadedFile(filename, content, "image/jpeg")
                    for filename, content in items
                ]
            body = encode_multipart(BOUNDARY, payload)
            content_type = MULTIPART_CONTENT
        else:
            from urllib.parse import urlencode

            body = urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request(
            node,
            "POST",
            path,
            data=body,
            headers={"Content-Type": content_type, **(headers or {})},
            **kwargs,
        )

    def csrf_token(self) -> str:
        for cookie in self.cookies:
            if cookie.name == settings.CSRF_COOKIE_NAME:
                return cookie.value
        return ""


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    return match.group(1) if match else ""

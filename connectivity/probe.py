"""The probe service: a tiny HTTP listener per port so a browser can test TCP ports 4000/4001.

Browsers cannot open raw TCP connections, so the test page fetches
``http(s)://<host>:<port>/probe``; any answer it can read proves the port is
open end to end. Only pages from allowed origins may read the answer (CORS);
a request carrying any other Origin is refused with 403 and no CORS header.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import ssl
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

PROBE_PATH = "/probe"
MAX_CONCURRENT_REQUESTS = (
    64  # per port; further connections are closed at once rather than queued in threads
)
DEFAULT_SCHEME_PORTS = {"http": 80, "https": 443}
Connection = socket.socket | tuple[bytes, socket.socket]  # socketserver's request
Address = tuple[str, int]


def normalise_origin(origin: str) -> str:
    """Lower-case scheme and host, drop a default port and any trailing slash: how browsers send
    Origin."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in DEFAULT_SCHEME_PORTS or not host:
        return ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == DEFAULT_SCHEME_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


class PortBusyError(OSError):
    """A probe port could not be opened (already in use, or not permitted)."""

    def __init__(self, port: int, reason: str, in_use: bool = True) -> None:
        super().__init__(reason)
        self.port = port
        self.reason = reason
        self.in_use = in_use


class ProbeHandler(BaseHTTPRequestHandler):
    server: ProbeServer
    server_version = "PortalProbe/1.0"
    timeout = 5  # seconds a client may take to send its request; idle connections don't pin threads

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self.answer(with_body=True)

    def do_HEAD(self) -> None:
        self.answer(with_body=False)

    def do_OPTIONS(self) -> None:
        """CORS preflight (also Private Network Access) for allowed origins only."""
        if urlsplit(self.path).path != PROBE_PATH:
            return self.send_plain(404, "Not found")
        origin = self.headers.get("Origin")
        if origin is None or not self.server.origin_allowed(origin):
            return self.send_plain(403, "Origin not allowed")
        self.send_response(204)
        self.send_cors_headers(origin)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Max-Age", "600")
        if self.headers.get("Access-Control-Request-Private-Network"):
            self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def answer(self, with_body: bool) -> None:
        if urlsplit(self.path).path != PROBE_PATH:
            return self.send_plain(404, "Not found", with_body)
        origin = self.headers.get("Origin")
        if origin is not None and not self.server.origin_allowed(origin):
            return self.send_plain(403, "Origin not allowed", with_body)
        now = datetime.now(UTC)
        body = json.dumps(
            {
                "ok": True,
                "port": self.server.server_port,
                "time": now.isoformat(timespec="milliseconds"),
            }
        ).encode()
        self.send_response(200)
        if origin is not None:
            self.send_cors_headers(origin)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_no_cache_headers()
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def send_cors_headers(self, origin: str) -> None:
        self.send_header("Access-Control-Allow-Origin", origin)
        self.send_header("Vary", "Origin")

    def send_no_cache_headers(self) -> None:
        self.send_header("Cache-Control", "no-store, max-age=0")
        self.send_header("Pragma", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")

    def send_plain(self, status: int, text: str, with_body: bool = True) -> None:
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Origin")
        self.send_no_cache_headers()
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        logger.info("probe %s %s", self.address_string(), format % args)


class ProbeServer(ThreadingHTTPServer):
    """One listening port; each request is answered in its own short-lived daemon thread."""

    daemon_threads = True
    block_on_close = False
    # A busy port must be reported, never shared: no SO_REUSEPORT, and no SO_REUSEADDR on Windows,
    # where it would let a second listener take over a port in use.
    allow_reuse_address = os.name != "nt"
    allow_reuse_port = False
    request_queue_size = 128  # the stdlib's 5 drops connections when a few browsers test at once

    def __init__(
        self,
        host: str,
        port: int,
        allowed_origins: Iterable[str],
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.allowed = {normalise_origin(o) for o in allowed_origins} - {""}
        self.ssl_context = ssl_context
        self.slots = threading.BoundedSemaphore(MAX_CONCURRENT_REQUESTS)
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            super().__init__((host, port), ProbeHandler)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
                raise PortBusyError(
                    port, exc.strerror or str(exc), in_use=exc.errno == errno.EADDRINUSE
                ) from exc
            raise

    def origin_allowed(self, origin: str) -> bool:
        normalised = normalise_origin(origin)
        return bool(normalised) and normalised in self.allowed

    def process_request(self, request: Connection, client_address: Address) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Connection, client_address: Address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Connection, client_address: Address) -> None:
        """A client that hangs up or speaks bad TLS is not worth a traceback."""
        logger.info(
            "probe: request from %s failed",
            client_address[0],
            exc_info=logger.isEnabledFor(logging.DEBUG),
        )

    def get_request(self) -> tuple[socket.socket, Address]:
        sock, address = super().get_request()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, address


class ProbeGroup:
    """The probe servers for all ports, bound together (all or none) and served one thread per
    port."""

    def __init__(
        self,
        host: str,
        ports: Iterable[int],
        allowed_origins: Iterable[str],
        certfile: str | None = None,
        keyfile: str | None = None,
    ) -> None:
        context = None
        if certfile:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(certfile, keyfile)
        self.servers: list[ProbeServer] = []
        self.threads: dict[ProbeServer, threading.Thread] = {}
        try:
            for port in ports:
                self.servers.append(ProbeServer(host, port, allowed_origins, context))
        except BaseException:
            self.close()
            raise

    @property
    def ports(self) -> list[int]:
        return [server.server_port for server in self.servers]

    def start(self) -> ProbeGroup:
        for server in self.servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.2},
                name=f"probe-{server.server_port}",
                daemon=True,
            )
            thread.start()
            self.threads[server] = thread
        return self

    def stop_port(self, port: int) -> None:
        """Stop one port's listener (the others keep answering)."""
        for server in list(self.servers):
            if server.server_port == port:
                self._stop(server)
                self.servers.remove(server)

    def _stop(self, server: ProbeServer) -> None:
        thread = self.threads.pop(server, None)
        if thread is not None and thread.is_alive():
            server.shutdown()  # waits for serve_forever to return
        server.server_close()

    def close(self) -> None:
        for server in self.servers:
            self._stop(server)
        self.servers = []

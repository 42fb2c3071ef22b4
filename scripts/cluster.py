#!/usr/bin/env python
"""`make cluster`: the grown-up set-up on one machine, started and stopped with one command.

  clients ── nginx 127.0.0.1:8000 ──┬── node1: gunicorn 127.0.0.1:8001 ─┐
   (balancer, static files)         └── node2: gunicorn 127.0.0.1:8002 ─┼── PostgreSQL (records)
                                                                        ├── Redis (cache, sessions)
  probes 127.0.0.1:4000, 4001                                           └── S3 server (figures)

What it does, in order:
 1. checks that its ports are free and that PostgreSQL and Redis answer; creates the database if
    missing;
 2. starts the S3 server (scripts/s3-server, rclone) on a folder under var/cluster/;
 3. runs the set-up steps once with the cluster's environment (migrate, collectstatic, help
    content, demo clients, KB2260 screenshots);
 4. starts the nodes: identical gunicorn processes (sync workers) with the same stores, each with
    its own STAGING_ROOT (a request's scratch folder, the only thing a node keeps on its own disk);
 5. once every node's /readyz says 200, starts nginx (scripts/nginx.conf.template), which balances
    round-robin without sticky sessions, buffers bodies and responses, gzips and serves /static/;
 6. starts the two connectivity probes, prints a banner;
 7. polls every node's /readyz each second. Open-source nginx has no active health checks, so when
    a node stops being ready the script marks it `down` in the upstream block and reloads nginx;
    when it is ready again (two polls in a row) it goes back into rotation. If no node is ready (a
    shared store is gone), the nodes that still answer stay in rotation so visitors see the site's
    own 503 page.

Ctrl-C or SIGTERM stops nginx, the nodes, the probes and the S3 server, in that order. Every child
runs in its own process group (so the script decides the order) and gets SIGTERM should this script
die.

Environment (defaults in brackets; read with portal.env, so a mistyped number stops the script):
  DATABASE_URL [postgres://postgres@127.0.0.1:5432/portal_cluster]
  REDIS_URL [redis://127.0.0.1:6379/1]
  S3_ENDPOINT_URL: use this S3 service instead of starting one; S3_ACCESS_KEY_ID [portal],
      S3_SECRET_ACCESS_KEY [portal-secret], S3_PUBLIC_BUCKET, S3_PRIVATE_BUCKET as in
      portal/settings.py
  CLUSTER_HOST [127.0.0.1] and CLUSTER_PORT [8000]: nginx and the probes (the nodes listen on
      127.0.0.1)
  CLUSTER_NODE_PORTS [8001,8002] (one node per port)
  CLUSTER_WORKERS [2] sync workers per node      CLUSTER_S3_ADDR [127.0.0.1:9100]
  CLUSTER_PROBE_PORTS [4000,4001]  CLUSTER_DIR [var/cluster]  NGINX [/usr/sbin/nginx]
Any other setting (DJANGO_SECRET_KEY, STORE_TIMEOUT_SECONDS, …) is passed on to every node
unchanged.
"""

import argparse
import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # portal.env: the settings' own strict reading of the environment

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from portal.env import env_int, env_list, env_str, parse_int  # noqa: E402

BIN = Path(sys.executable).parent  # the venv's bin folder: gunicorn, rclone
STATIC_ROOT = ROOT / "staticfiles"  # settings.STATIC_ROOT
TEMPLATE = ROOT / "scripts" / "nginx.conf.template"

POLL_SECONDS = 1.0  # how often each node's /readyz is asked
POLL_TIMEOUT = 2.0  # a node that takes longer to answer counts as not answering
BACK_AFTER = 2  # consecutive ready answers before a node goes back into rotation
NODE_TIMEOUT = 60  # gunicorn --timeout (seconds a worker may spend on one request)
STOP_SECONDS = 15  # how long a process may take to stop before it is killed

SETUP_STEPS = [
    ["migrate", "--noinput"],
    ["collectstatic", "--noinput", "--verbosity", "0"],
    ["load_help_content"],
    ["create_demo_clients"],
    ["capture_article_figures", "--only-if-drawn"],
]

# No proxy for loopback requests, whatever http_proxy says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_print_lock = threading.Lock()


def say(name, message):
    """One line of output, prefixed with the process it comes from."""
    with _print_lock:
        for line in str(message).splitlines() or [""]:
            print(f"{name:>9} | {line}", flush=True)


def note(message):
    """A line from the readiness loop, with the time (nginx's own lines carry theirs)."""
    say("cluster", f"{time.strftime('%H:%M:%S')} {message}")


class ClusterError(Exception):
    """Something the person running the cluster has to fix; the message says what."""


class Shutdown(Exception):
    """Raised in the main thread by SIGINT/SIGTERM."""


def env_ports(name, default):
    """A comma-separated list of port numbers; anything else stops the script naming `name`."""
    return [parse_int(name, port) for port in env_list(name, default)]


def split_addr(addr, name="CLUSTER_S3_ADDR"):
    host, _, port = addr.rpartition(":")
    return host.strip("[]") or "127.0.0.1", parse_int(name, port)


def redact(url):
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def relative(path):
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


# --- child processes ------------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the child before exec: receive SIGTERM when this script ends, however it ends."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    address: str = ""

    @property
    def pid(self):
        return self.process.pid

    def running(self):
        return self.process.poll() is None

    def signal_group(self, sig):
        """Signal the child's whole process group (gunicorn's and nginx's workers too)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def group_alive(self):
        try:
            os.killpg(self.process.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True


def spawn(name, args, env, address=""):
    """Start a long-running child in its own process group; its output is printed with its name."""
    process = subprocess.Popen(  # noqa: S603 — fixed programs from this project and Debian
        args,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    threading.Thread(target=_pump, args=(name, process.stdout), daemon=True).start()
    return Child(name, process, address)


def _pump(name, stream):
    """Print a child's lines; a line repeated at once (a node logging each failed /readyz) is
    counted instead."""
    previous, repeats = None, 0
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        if line == previous:
            repeats += 1
            continue
        if repeats:
            say(name, f"(the line above {repeats} more time{'s' if repeats > 1 else ''})")
        say(name, line)
        previous, repeats = line, 0
    if repeats:
        say(name, f"(the line above {repeats} more time{'s' if repeats > 1 else ''})")
    stream.close()


def run_step(args, env, capture=False):
    """Run one set-up command to completion; stopped with everything it started (Chromium) on
    Ctrl-C."""
    process = subprocess.Popen(  # noqa: S603
        args,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else None,
        text=True,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    step = Child(" ".join(str(a) for a in args[1:3]), process)
    try:
        output, _ = process.communicate()
    except BaseException:
        step.signal_group(signal.SIGTERM)
        Cluster.reap(step, seconds=5)
        raise
    if process.returncode != 0:
        raise ClusterError(
            f"{' '.join(str(a) for a in args[1:])} failed (exit {process.returncode})"
        )
    return output or ""


def port_is_free(host, port):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(child, host, port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.running():
            raise ClusterError(
                f"{child.name} exited with {child.process.returncode} while starting"
            )
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ClusterError(f"{child.name} did not listen on {host}:{port} within {timeout} s")


def http_get(url, timeout):
    """(status, body) of a GET, or (None, reason) when nothing answers."""
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        return None, str(reason)


# --- the nodes and their readiness ----------------------------------------------------------------


@dataclass
class Node:
    name: str
    host: str
    port: int
    staging: Path
    child: Child | None = None
    state: str = "starting"  # ready | unready (a store fails) | down (no answer)
    detail: str = ""
    ready_streak: int = 0
    serving: bool = True  # listed in nginx's upstream without `down`

    @property
    def address(self):
        return f"{self.host}:{self.port}"

    @property
    def url(self):
        return f"http://{self.address}"

    def check(self):
        """(state, detail) from the node's /readyz."""
        if self.child is None or not self.child.running():
            code = self.child.process.returncode if self.child else "?"
            return "down", f"gunicorn exited ({code})"
        status, body = http_get(f"{self.url}/readyz", POLL_TIMEOUT)
        if status == 200:
            return "ready", ""
        if status is None:
            return "down", f"not answering: {body}"
        try:
            failing = json.loads(body).get("failing") or []
        except ValueError:
            failing = []
        return "unready", f"/readyz {status}" + (
            f", failing: {', '.join(failing)}" if failing else ""
        )


@dataclass
class Settings:
    """Everything configurable, read from the environment (see the module docstring)."""

    host: str = "127.0.0.1"
    port: int = 8000
    node_ports: list = field(default_factory=lambda: [8001, 8002])
    workers: int = 2
    state_dir: Path = ROOT / "var" / "cluster"
    database_url: str = "postgres://postgres@127.0.0.1:5432/portal_cluster"
    redis_url: str = "redis://127.0.0.1:6379/1"
    s3_endpoint: str = ""  # given: use it; empty: start scripts/s3-server
    s3_addr: str = "127.0.0.1:9100"
    probe_ports: list = field(default_factory=lambda: [4000, 4001])
    nginx: str = "/usr/sbin/nginx"
    embedded: bool = False  # `make run`: one node on SQLite, the cache table and local folders

    @classmethod
    def from_env(cls, embedded=False):
        state_dir = Path(
            env_str("CLUSTER_DIR", str(ROOT / "var" / ("run" if embedded else "cluster")))
        )
        return cls(
            embedded=embedded,
            host=env_str("CLUSTER_HOST", cls.host),
            port=env_int("CLUSTER_PORT", cls.port),
            node_ports=env_ports("CLUSTER_NODE_PORTS", "8001" if embedded else "8001,8002"),
            workers=env_int("CLUSTER_WORKERS", cls.workers),
            state_dir=state_dir if state_dir.is_absolute() else ROOT / state_dir,
            database_url=env_str("DATABASE_URL", cls.database_url),
            redis_url=env_str("REDIS_URL", cls.redis_url),
            s3_endpoint=env_str("S3_ENDPOINT_URL"),
            s3_addr=env_str("CLUSTER_S3_ADDR", cls.s3_addr),
            probe_ports=env_ports("CLUSTER_PROBE_PORTS", "4000,4001"),
            nginx=env_str("NGINX", cls.nginx),
        )

    @property
    def public_url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def origins(self):
        return f"http://{self.host}:{self.port},http://localhost:{self.port}"


class Cluster:
    def __init__(self, settings: Settings):
        self.s = settings
        self.dir = settings.state_dir
        self.nginx_prefix = self.dir / "nginx"
        self.log_dir = self.dir / "logs"
        self.nodes = [
            Node(f"node{i}", "127.0.0.1", port, self._staging(i))  # reached through nginx only
            for i, port in enumerate(settings.node_ports, start=1)
        ]
        self.s3 = None
        self.nginx = None
        self.probes = []
        self.demo_clients = ""
        self.fallback = False
        self.env = self._environment()

    def _staging(self, number):
        if (
            self.s.embedded
        ):  # the one node uses the set-up's own staging folder (STAGING_ROOT or staging/)
            return Path(env_str("STAGING_ROOT", str(ROOT / "staging")))
        return self.dir / f"node{number}" / "staging"

    # environment shared by every node and set-up step
    def _environment(self):
        env = {
            key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"
        }
        if self.s.embedded:  # whatever the environment says (SQLite and local folders unless set)
            env.setdefault("DJANGO_CSRF_TRUSTED_ORIGINS", self.s.origins)
            return env
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "DATABASE_URL": self.s.database_url,
                "REDIS_URL": self.s.redis_url,
                "S3_ENDPOINT_URL": self.s.s3_endpoint or f"http://{self.s.s3_addr}",
                "S3_ACCESS_KEY_ID": env_str("S3_ACCESS_KEY_ID", "portal"),
                "S3_SECRET_ACCESS_KEY": env_str("S3_SECRET_ACCESS_KEY", "portal-secret"),
                # the nodes stream figures from the public bucket
                "SERVE_MEDIA": env_str("SERVE_MEDIA", "1"),
            }
        )
        env.setdefault("DJANGO_CSRF_TRUSTED_ORIGINS", self.s.origins)
        # nginx in front adds the client's address to X-Forwarded-For: one trusted proxy (audit log,
        # limits)
        env.setdefault("TRUSTED_PROXY_COUNT", "1")
        env.setdefault(
            "STAGING_ROOT", str(self.dir / "staging")
        )  # the set-up steps'; nodes get their own
        return env

    # --- start ------------------------------------------------------------------------------------
    def start(self, setup=True):
        self.check_prerequisites()
        for folder in [
            self.log_dir,
            self.nginx_prefix / "tmp",
            *(node.staging for node in self.nodes),
        ]:
            folder.mkdir(parents=True, exist_ok=True)
        if not self.s.embedded:
            self.ensure_database()
            self.check_redis()
            self.start_s3()
        if setup:
            self.run_setup()
        self.start_nodes()
        self.start_nginx()
        self.start_probes()
        self.banner()

    def check_prerequisites(self):
        if not Path(self.s.nginx).exists():
            raise ClusterError(
                f"nginx not found at {self.s.nginx}: "
                "`make cluster` installs Debian's nginx (or set NGINX)"
            )
        wanted = [(self.s.host, self.s.port, "nginx", "CLUSTER_PORT")]
        wanted += [(node.host, node.port, node.name, "CLUSTER_NODE_PORTS") for node in self.nodes]
        wanted += [
            (self.s.host, port, "probe", "CLUSTER_PROBE_PORTS") for port in self.s.probe_ports
        ]
        if not self.s.s3_endpoint and not self.s.embedded:
            wanted.append((*split_addr(self.s.s3_addr), "S3 server", "CLUSTER_S3_ADDR"))
        busy = [
            f"{host}:{port} ({role}; set {variable})"
            for host, port, role, variable in wanted
            if not port_is_free(host, port)
        ]
        if busy:
            raise ClusterError(
                "ports already in use: "
                + ", ".join(busy)
                + ". Is another cluster or `make run` running?"
            )

    def ensure_database(self):
        import dj_database_url
        import psycopg
        from psycopg import sql

        config = dj_database_url.parse(self.s.database_url)
        if "postgresql" not in config["ENGINE"]:
            say(
                "cluster",
                f"database {redact(self.s.database_url)} is not PostgreSQL; using it as it is",
            )
            return
        where = f"{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}"
        try:
            with psycopg.connect(
                dbname="postgres",
                user=config.get("USER") or None,
                password=config.get("PASSWORD") or None,
                host=config.get("HOST") or "127.0.0.1",
                port=config.get("PORT") or 5432,
                connect_timeout=5,
                autocommit=True,
            ) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
                ).fetchone()
                if not exists:
                    connection.execute(
                        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"]))
                    )
                    say("cluster", f"created database {config['NAME']} on {where}")
        except psycopg.Error as error:
            raise ClusterError(
                f"PostgreSQL at {where} did not let us in ({str(error).strip()}). "
                "Start PostgreSQL or point DATABASE_URL at one."
            ) from None

    def check_redis(self):
        import redis

        try:
            redis.Redis.from_url(
                self.s.redis_url, socket_connect_timeout=3, socket_timeout=3
            ).ping()
        except redis.RedisError as error:
            raise ClusterError(
                f"Redis at {redact(self.s.redis_url)} does not answer ({error}). "
                "Start redis-server or point REDIS_URL at one."
            ) from None

    def start_s3(self):
        if self.s.s3_endpoint:
            say("cluster", f"using the S3 service at {self.s.s3_endpoint}")
            return
        folder = self.dir / "s3"
        self.s3 = spawn(
            "s3",
            [str(ROOT / "scripts" / "s3-server"), str(folder), self.s.s3_addr],
            {**self.env, "RCLONE": str(BIN / "rclone")},
            self.s.s3_addr,
        )
        wait_for_port(self.s3, *split_addr(self.s.s3_addr))
        say("cluster", f"S3 server on {self.s.s3_addr}, objects in {relative(folder)}/")

    def run_setup(self):
        manage = [sys.executable, "manage.py"]
        for step in SETUP_STEPS:
            say("cluster", f"set-up: manage.py {' '.join(step)}")
            output = run_step(manage + step, self.env, capture=step[0] == "create_demo_clients")
            if step[0] == "create_demo_clients":
                self.demo_clients = output.rstrip()
                say("setup", self.demo_clients)
        for node in self.nodes:  # what a worker killed mid-upload left behind, per node
            run_step(
                manage + ["documents_clean_staging", "--older-than", "60"],
                {**self.env, "STAGING_ROOT": str(node.staging)},
                capture=True,
            )

    def start_nodes(self):
        for node in self.nodes:
            env = {**self.env, "STAGING_ROOT": str(node.staging)}
            node.child = spawn(
                node.name,
                [
                    str(BIN / "gunicorn"),
                    "portal.wsgi",
                    "--bind",
                    node.address,
                    "--workers",
                    str(self.s.workers),
                    "--worker-class",
                    "sync",
                    "--timeout",
                    str(NODE_TIMEOUT),
                    "--graceful-timeout",
                    "10",
                    "--access-logfile",
                    str(self.log_dir / f"{node.name}-access.log"),
                    "--error-logfile",
                    "-",
                    "--log-level",
                    "warning",
                ],
                env,
                node.address,
            )
        deadline = time.monotonic() + 90
        waiting = list(self.nodes)
        while waiting:
            for node in list(waiting):
                state, detail = node.check()
                if state == "ready":
                    node.state, node.detail, node.ready_streak = "ready", "", 1
                    waiting.remove(node)
                    say("cluster", f"{node.name} ready on {node.address} (pid {node.child.pid})")
                elif not node.child.running() or time.monotonic() > deadline:
                    raise ClusterError(f"{node.name} did not become ready: {detail or state}")
                else:
                    node.detail = detail
            time.sleep(0.2)

    def start_nginx(self):
        values = {
            "user_directive": "user root;"
            if os.geteuid() == 0
            else "# (not root: workers run as this user)",
            "prefix": str(self.nginx_prefix),
            "log_dir": str(self.log_dir),
            "listen": f"{self.s.host}:{self.s.port}",
            "static_root": str(STATIC_ROOT),
            "read_timeout": str(NODE_TIMEOUT + 10),
        }

        def fill(match):
            if match.group(1) not in values:
                raise ClusterError(f"{relative(TEMPLATE)}: unknown placeholder {match.group(0)}")
            return values[match.group(1)]

        config = self.nginx_prefix / "nginx.conf"
        config.write_text(re.sub(r"\{\{(\w+)\}\}", fill, TEMPLATE.read_text()))
        self.write_upstream()
        if not self.nginx_config_ok():
            raise ClusterError(f"nginx refused {relative(config)} (see above)")
        self.nginx = spawn(
            "nginx",
            self.nginx_command("-g", "daemon off;"),
            self.env,
            f"{self.s.host}:{self.s.port}",
        )
        wait_for_port(self.nginx, self.s.host, self.s.port)

    def nginx_command(self, *extra):
        return [
            self.s.nginx,
            "-e",
            "stderr",
            "-p",
            str(self.nginx_prefix),
            "-c",
            str(self.nginx_prefix / "nginx.conf"),
            *extra,
        ]

    def nginx_config_ok(self):
        command = self.nginx_command("-t", "-q")
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            say("nginx", (result.stderr or result.stdout).strip())
        return result.returncode == 0

    def write_upstream(self):
        lines = [
            "# Written by scripts/cluster.py: the nodes, round-robin, no sticky sessions",
            "# (a node keeps nothing another node needs). `down`: the node's /readyz failed,",
            "# so it gets no requests until it is ready. max_fails=0: nginx's own failure",
            "# counting is off; the script's readiness checks decide, and a node that refuses",
            "# a request still passes it on to the next (proxy_next_upstream).",
            "upstream portal_nodes {",
        ]
        lines += [
            f"    server {node.address} max_fails=0{'' if node.serving else ' down'};"
            f"  # {node.name}"
            for node in self.nodes
        ]
        lines += ["    keepalive 16;", "}", ""]
        path = self.nginx_prefix / "upstream.conf"
        temporary = path.with_suffix(".tmp")
        temporary.write_text("\n".join(lines))
        temporary.replace(path)

    def start_probes(self):
        for port in self.s.probe_ports:
            self.probes.append(
                spawn(
                    f"probe{port}",
                    [
                        sys.executable,
                        "manage.py",
                        "run_probe",
                        "--host",
                        self.s.host,
                        "--ports",
                        str(port),
                        "--allowed-origins",
                        self.s.origins,
                    ],
                    self.env,
                    f"{self.s.host}:{port}",
                )
            )
        for probe in self.probes:
            wait_for_port(probe, *split_addr(probe.address))

    def banner(self):
        nginx_role = (
            "buffers request bodies and responses; serves /static/"
            if self.s.embedded
            else "balancer: round-robin, no sticky sessions; serves /static/"
        )
        rows = [("nginx", self.nginx.address, self.nginx.pid, nginx_role)]
        rows += [
            (
                n.name,
                n.address,
                n.child.pid,
                f"gunicorn, {self.s.workers} sync workers, STAGING_ROOT {relative(n.staging)}",
            )
            for n in self.nodes
        ]
        if self.s3:
            rows.append(
                (
                    "s3",
                    self.s3.address,
                    self.s3.pid,
                    f"rclone S3 server, objects in {relative(self.dir / 's3')}/",
                )
            )
        rows += [(p.name, p.address, p.pid, "connectivity probe") for p in self.probes]
        node = self.nodes[-1]
        rows_text = [
            f"  {name:<10} {address:<16} pid {pid:<8} {role}" for name, address, pid, role in rows
        ]
        if self.s.embedded:
            lines = [
                "",
                f"Serving on {self.s.public_url}/   (Ctrl-C stops everything)",
                "",
                *rows_text,
                "",
                "  nginx buffers every request body before gunicorn sees it: "
                "slow clients never hold a worker.",
                f"  Logs: {relative(self.log_dir)}/",
            ]
            say("run", "\n".join(lines) + "\n")
            return
        lines = [
            "",
            f"Cluster ready: {self.s.public_url}/   (Ctrl-C stops everything)",
            "",
            *rows_text,
            "",
            f"  PostgreSQL {redact(self.s.database_url)}   Redis {redact(self.s.redis_url)}   "
            f"S3 {self.env['S3_ENDPOINT_URL']} "
            f"(buckets {self.env.get('S3_PUBLIC_BUCKET', 'portal-public')}, "
            f"{self.env.get('S3_PRIVATE_BUCKET', 'portal-private')})",
            f"  Logs: {relative(self.log_dir)}/ "
            "(nginx-access.log names the node that served each request)",
            f"  Failover: `kill {node.child.pid}` stops {node.name}: out of rotation within ~2 s, "
            "the rest keep serving",
            "  (a stopped node is not restarted). "
            f"`kill -STOP -- -{node.child.pid}` freezes it (workers too),",
            f"  `kill -CONT -- -{node.child.pid}` brings it back into rotation.",
        ]
        if self.demo_clients:
            lines += ["", *self.demo_clients.splitlines()]
        say("cluster", "\n".join(lines) + "\n")

    # --- watch ------------------------------------------------------------------------------------
    def watch(self):
        """Poll every node's /readyz each second and keep nginx's rotation in step. Returns if
        nginx dies."""
        announced = set()
        with ThreadPoolExecutor(max_workers=len(self.nodes)) as pool:
            while True:
                time.sleep(POLL_SECONDS)
                if not self.nginx.running():
                    note(f"nginx exited ({self.nginx.process.returncode}); stopping the cluster")
                    return
                for child in [
                    c
                    for c in [self.s3, *self.probes]
                    if c and not c.running() and c.name not in announced
                ]:
                    announced.add(child.name)
                    note(
                        f"{child.name} (pid {child.pid}) exited ({child.process.returncode}); "
                        "not restarted"
                    )
                for node, (state, detail) in zip(
                    self.nodes, pool.map(Node.check, self.nodes), strict=True
                ):
                    if state != node.state or (state == "unready" and detail != node.detail):
                        note(
                            f"{node.name} {node.address} is {state}"
                            + (f" ({detail})" if detail else "")
                        )
                    node.ready_streak = node.ready_streak + 1 if state == "ready" else 0
                    node.state, node.detail = state, detail
                self.update_rotation()

    def update_rotation(self):
        wanted = {
            node.name
            for node in self.nodes
            if node.state == "ready" and (node.serving or node.ready_streak >= BACK_AFTER)
        }
        fallback = not wanted
        if (
            fallback
        ):  # no node is ready: keep those that answer (the site's 503 page) — or all of them
            wanted = {node.name for node in self.nodes if node.state == "unready"} or {
                node.name for node in self.nodes
            }
        if fallback and not self.fallback:
            note(
                "no node is ready; keeping "
                + ", ".join(sorted(wanted))
                + " in rotation so visitors get the site's own answer (503 when a store is gone)"
            )
        elif self.fallback and not fallback:
            note("ready again: " + ", ".join(sorted(wanted)))
        self.fallback = fallback
        changed = [node for node in self.nodes if (node.name in wanted) != node.serving]
        if not changed:
            return
        for node in changed:
            node.serving = node.name in wanted
        self.write_upstream()
        if not self.nginx_config_ok():
            note("nginx refused the new upstream block; rotation unchanged")
            return
        self.nginx.process.send_signal(
            signal.SIGHUP
        )  # reload: new workers take the new upstream block
        for node in changed:
            note(
                f"{node.name} {node.address} {'back in' if node.serving else 'out of'} rotation "
                f"(nginx reloaded; serving: {', '.join(n.name for n in self.nodes if n.serving)})"
            )

    # --- stop -------------------------------------------------------------------------------------
    def stop(self):
        """nginx and probes first (no new requests), then the nodes (finish what they have), then
        S3."""
        stages = [
            [(self.nginx, signal.SIGQUIT)] + [(probe, signal.SIGTERM) for probe in self.probes],
            [(node.child, signal.SIGTERM) for node in self.nodes],
            [(self.s3, signal.SIGTERM)],
        ]
        stopped = []
        for stage in stages:
            children = [(child, sig) for child, sig in stage if child is not None]
            for child, sig in children:
                child.signal_group(sig)
            for child, _sig in children:
                self.reap(child)
                stopped.append(child.name)
        if stopped:
            say("cluster", f"stopped: {', '.join(stopped)}")

    @staticmethod
    def reap(child, seconds=STOP_SECONDS):
        """Wait for a signalled child and whatever is left of its process group; kill what
        lingers."""
        deadline = time.monotonic() + seconds
        try:
            child.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            say(
                "cluster", f"{child.name} (pid {child.pid}) did not stop in {seconds} s: killing it"
            )
        while (
            child.group_alive() and time.monotonic() < deadline
        ):  # e.g. workers of a master that was killed
            time.sleep(0.1)
        child.signal_group(signal.SIGKILL)
        if child.running():
            child.process.wait()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--skip-setup", action="store_true", help="skip migrate, collectstatic, content and figures"
    )
    parser.add_argument(
        "--embedded",
        action="store_true",
        help="`make run`: one node on the environment's stores "
        "(SQLite, cache table, local folders)",
    )
    options = parser.parse_args()

    stopping = False

    def on_signal(signum, _frame):  # the first signal stops the cluster; later ones wait for that
        nonlocal stopping
        if not stopping:
            stopping = True
            raise Shutdown(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        cluster = Cluster(Settings.from_env(embedded=options.embedded))
    except ImproperlyConfigured as error:  # a variable that is not what it takes
        say("cluster", f"error: {error}")
        return 2
    code = 1
    try:
        cluster.start(setup=not options.skip_setup)
        cluster.watch()
    except Shutdown as reason:
        say("cluster", f"{reason}: stopping")
        code = 0
    except ClusterError as error:
        say("cluster", f"error: {error}")
    finally:
        stopping = True
        cluster.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())

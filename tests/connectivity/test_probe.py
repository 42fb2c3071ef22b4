"""The probe service: JSON answer, CORS only for allowed origins, busy ports, clean start and
stop."""

import http.client
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from connectivity.probe import PortBusyError, ProbeGroup, normalise_origin
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = "http://portal.test:8000"


def request(port, method="GET", path="/probe", origin=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    all_headers = dict(headers or {})
    if origin is not None:
        all_headers["Origin"] = origin
    conn.request(method, path, headers=all_headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("HTTP://LocalHost:8000", "http://localhost:8000"),
        ("https://portal.example:443", "https://portal.example"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("null", ""),
        ("ftp://portal.example", ""),
        ("http://portal.example:99999", ""),
    ],
)
def test_normalise_origin(origin, expected):
    assert normalise_origin(origin) == expected


def test_allowed_origin_gets_json_and_cors_header(probes):
    for port in probes.ports:
        response, body = request(port, origin=ALLOWED)
        assert response.status == 200
        assert response.getheader("Access-Control-Allow-Origin") == ALLOWED
        assert "no-store" in response.getheader("Cache-Control")
        assert response.getheader("Content-Type") == "application/json"
        data = json.loads(body)
        assert data["ok"] is True and data["port"] == port and data["time"]


def test_foreign_origin_is_refused_without_cors_header(probes):
    response, body = request(probes.ports[0], origin="http://evil.example")
    assert response.status == 403
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert b"ok" not in body


def test_null_origin_is_refused(probes):
    response, _body = request(probes.ports[0], origin="null")
    assert response.status == 403 and response.getheader("Access-Control-Allow-Origin") is None


def test_request_without_origin_is_answered_without_cors(probes):
    """curl and support tools send no Origin: they may see the answer, browsers on other sites may
    not."""
    response, body = request(probes.ports[1])
    assert response.status == 200 and json.loads(body)["ok"] is True
    assert response.getheader("Access-Control-Allow-Origin") is None


def test_preflight_only_for_allowed_origins(probes):
    pna = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Private-Network": "true"}
    response, _ = request(probes.ports[0], "OPTIONS", origin=ALLOWED, headers=pna)
    assert response.status == 204
    assert response.getheader("Access-Control-Allow-Origin") == ALLOWED
    assert response.getheader("Access-Control-Allow-Private-Network") == "true"
    response, _ = request(probes.ports[0], "OPTIONS", origin="http://evil.example", headers=pna)
    assert response.status == 403 and response.getheader("Access-Control-Allow-Origin") is None


def test_other_paths_are_not_found(probes):
    response, _ = request(probes.ports[0], path="/", origin=ALLOWED)
    assert response.status == 404


def test_stopping_one_port_leaves_the_other_answering(probes):
    first, second = probes.ports
    probes.stop_port(first)
    with pytest.raises(ConnectionRefusedError):
        request(first, origin=ALLOWED)
    response, _ = request(second, origin=ALLOWED)
    assert response.status == 200


def test_busy_port_raises_and_frees_the_ports_it_took(probes):
    busy = probes.ports[0]
    other = free_port()
    with pytest.raises(PortBusyError) as info:
        ProbeGroup("127.0.0.1", [other, busy], [ALLOWED])
    assert info.value.port == busy
    ProbeGroup("127.0.0.1", [other], [ALLOWED]).close()  # `other` was released again


def test_run_probe_names_the_busy_port_and_fails_cleanly(probes):
    busy = probes.ports[1]
    with pytest.raises(CommandError) as info:
        call_command("run_probe", "--ports", f"{free_port()},{busy}")
    assert info.value.returncode == 1
    assert f"port {busy}" in str(info.value) and "already in use" in str(info.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ports", "40x0"], "not a port number"),
        (["--allowed-origins", "portal.test"], "Not an origin"),
    ],
)
def test_run_probe_rejects_bad_options(args, message):
    with pytest.raises(CommandError, match=message) as info:
        call_command("run_probe", *args)
    assert info.value.returncode == 2


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_probe_serves_until_signalled_then_exits_cleanly(sig):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            "manage.py",
            "run_probe",
            "--ports",
            str(port),
            "--allowed-origins",
            ALLOWED,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/probe" in first_line
        response, body = request(port, origin=ALLOWED)
        assert response.status == 200 and json.loads(body)["port"] == port
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "Probe stopped." in out
    assert "Traceback" not in err
    with pytest.raises(ConnectionRefusedError):
        request(port)


def test_idle_connections_cannot_exhaust_the_probe(monkeypatch):
    """Beyond the per-port limit, connections are closed at once; when the idle ones go, the probe
    answers again."""
    import socket
    import time

    from connectivity import probe

    monkeypatch.setattr(probe, "MAX_CONCURRENT_REQUESTS", 1)
    group = ProbeGroup("127.0.0.1", [0], [ALLOWED]).start()
    port = group.ports[0]
    try:
        idle = socket.create_connection(
            ("127.0.0.1", port), timeout=5
        )  # connects, never sends a request
        time.sleep(0.3)  # let the server hand it to a handler thread
        with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
            request(port, origin=ALLOWED)
        idle.close()
        for _attempt in range(50):  # the handler notices the closed socket and frees its slot
            try:
                response, _body = request(port, origin=ALLOWED)
                break
            except (http.client.RemoteDisconnected, ConnectionResetError):
                time.sleep(0.05)
        assert response.status == 200
    finally:
        group.close()


def self_signed_certificate(directory):
    """A throwaway certificate for 127.0.0.1, written as PEM files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = directory / "probe.crt", directory / "probe.key"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile


def test_probe_speaks_https_with_a_certificate(tmp_path):
    """An HTTPS portal needs an HTTPS probe (browsers block http:// fetches from https:// pages)."""
    import ssl

    certfile, keyfile = self_signed_certificate(tmp_path)
    group = ProbeGroup(
        "127.0.0.1", [0], ["https://portal.test"], certfile=str(certfile), keyfile=str(keyfile)
    )
    group.start()
    try:
        context = ssl.create_default_context(cafile=str(certfile))
        conn = http.client.HTTPSConnection("127.0.0.1", group.ports[0], timeout=5, context=context)
        conn.request("GET", "/probe", headers={"Origin": "https://portal.test"})
        response = conn.getresponse()
        data = json.loads(response.read())
        conn.close()
        assert response.status == 200 and data["ok"] is True
        assert response.getheader("Access-Control-Allow-Origin") == "https://portal.test"
        with pytest.raises(
            (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine)
        ):
            request(group.ports[0], origin="https://portal.test")  # plain HTTP is not answered
    finally:
        group.close()


def test_run_probe_reports_an_unreadable_certificate(tmp_path):
    with pytest.raises(CommandError, match="Cannot start the probe") as info:
        call_command(
            "run_probe", "--ports", str(free_port()), "--certfile", str(tmp_path / "missing.crt")
        )
    assert info.value.returncode == 1

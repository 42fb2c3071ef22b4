"""check_ports: TCP verdicts per port, shared advice, translated output, bad input."""

import pytest
from django.core.management import CommandError, call_command

from connectivity.ports import PortInputError, check_port, parse_ports, resolve_host


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("check_ports", *args, stdout=out, no_color=True)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_parse_ports_accepts_spaces_and_commas_and_drops_duplicates():
    assert parse_ports(["4000", "4001,4002", "4000"]) == [4000, 4001, 4002]


@pytest.mark.parametrize("value", ["abc", "40.5", "-1", "0", "65536", "", " , "])
def test_parse_ports_rejects_bad_input(value):
    with pytest.raises(PortInputError):
        parse_ports([value])


def test_resolve_host_rejects_unknown_host():
    with pytest.raises(PortInputError, match="cannot be found"):
        resolve_host("no-such-host.invalid")


def test_check_port_reachable_and_refused(listening_port, closed_port):
    ok = check_port("127.0.0.1", listening_port, timeout=2)
    assert ok.reachable and ok.millis is not None and ok.millis >= 0
    refused = check_port("127.0.0.1", closed_port, timeout=2)
    assert not refused.reachable and refused.reason == "refused" and refused.millis is None


def test_command_reports_reachable_and_exits_zero(listening_port):
    out, error = run("127.0.0.1", str(listening_port))
    assert error is None
    assert f"Port {listening_port}: reachable (" in out and " ms)" in out
    assert "All ports are reachable." in out


def test_command_reports_blocked_port_with_advice_and_exits_non_zero(listening_port, closed_port):
    out, error = run("127.0.0.1", str(listening_port), str(closed_port))
    assert error is not None and error.returncode == 1
    assert f"Port {listening_port}: reachable" in out
    assert f"Port {closed_port}: blocked (the connection was refused)" in out
    assert "Leave the public network" in out
    assert f"open port {closed_port} on the router for inbound and outbound TCP" in out
    assert "/en/help/cannot-sign-in/ports-blocked/" in out


def test_command_speaks_german_on_request(listening_port, closed_port):
    out, error = run("127.0.0.1", f"{listening_port},{closed_port}", "--language", "de")
    assert error.returncode == 1
    assert f"Port {listening_port}: erreichbar (" in out
    assert f"Port {closed_port}: blockiert (" in out
    assert "öffentliche Netzwerk" in out
    assert "/de/help/cannot-sign-in/ports-blocked/" in out
    assert "blockiert" in str(error)


def test_command_respects_the_active_language(closed_port):
    from django.utils import translation

    with translation.override("de"):
        out, error = run("127.0.0.1", str(closed_port))
    assert "blockiert" in out and error.returncode == 1


def test_default_ports_come_from_settings(settings, listening_port):
    settings.CONNECTIVITY_PROBE_PORTS = [listening_port]
    out, error = run("127.0.0.1")
    assert error is None and f"Port {listening_port}: reachable" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-host.invalid", "4000"], "cannot be found"),
        (["127.0.0.1", "70000"], "out of range"),
        (["127.0.0.1", "abc"], "is not a port number"),
        (["127.0.0.1", "4000", "--timeout", "soon"], "timeout must be"),
        (["127.0.0.1", "4000", "--timeout", "0"], "timeout must be"),
    ],
)
def test_bad_input_gives_a_clear_message_and_exit_code_2(args, message):
    out, error = run(*args)
    assert error is not None and error.returncode == 2
    assert message in str(error)
    assert "Port" not in out  # nothing was tried


def test_bad_input_message_is_translated():
    _out, error = run("127.0.0.1", "abc", "--language", "de")
    assert error.returncode == 2 and "keine Portnummer" in str(error)


def test_silent_network_reports_a_timeout(monkeypatch, closed_port):
    """A filtering firewall drops packets: the connection attempt times out instead of being
    refused."""
    import socket

    def drop(*_args, **_kwargs):
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", drop)
    out, error = run("127.0.0.1", str(closed_port), "--timeout", "1.5")
    assert error.returncode == 1
    assert f"Port {closed_port}: blocked (no answer within 1.5 s)" in out


def test_unreachable_network_is_reported(monkeypatch, closed_port):
    import socket

    def unreachable(*_args, **_kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    out, error = run("127.0.0.1", str(closed_port))
    assert error.returncode == 1 and "the network cannot reach the host" in out


def test_bad_port_setting_is_a_clear_error(settings):
    settings.CONNECTIVITY_PROBE_PORTS = "40x0"
    _out, error = run("127.0.0.1")
    assert error.returncode == 2 and "“40x0” is not a port number" in str(error)

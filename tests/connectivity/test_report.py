"""The work behind check_ports and run_probe, called directly (the commands only parse options)."""

import pytest

from connectivity import probe_service, report
from connectivity.ports import PortInputError


def test_check_ports_writes_a_line_per_port_then_refuses_when_one_is_blocked(
    listening_port, closed_port
):
    lines = []
    with pytest.raises(report.PortsBlocked, match=f"{closed_port} blocked") as info:
        report.check_ports(
            "127.0.0.1", [f"{listening_port},{closed_port}"], "2", "en", write=lines.append
        )
    assert info.value.returncode == 1
    assert lines[0] == "Checking 127.0.0.1 (waiting up to 2 s per port)…"
    assert lines[1].startswith(f"  Port {listening_port}: reachable (")
    assert lines[2] == f"  Port {closed_port}: blocked (the connection was refused)"
    assert lines[-1].startswith("  - More help: ")


def test_check_ports_paints_the_verdicts(listening_port):
    lines = []
    report.check_ports("127.0.0.1", [str(listening_port)], write=lines.append, reachable=str.upper)
    assert "REACHABLE (" in lines[1] and lines[-1] == "All ports are reachable."


@pytest.mark.parametrize("value", ["0", "60.5", "soon"])
def test_parse_timeout_rejects_values_outside_0_to_60(value):
    with pytest.raises(PortInputError) as info:
        report.parse_timeout(value)
    assert info.value.returncode == 2


def test_parse_timeout_defaults_to_the_setting(settings):
    settings.CONNECTIVITY_PROBE_TIMEOUT = 1.5
    assert report.parse_timeout(None) == 1.5


def test_allowed_origins_come_from_the_option_or_the_setting(settings):
    settings.CONNECTIVITY_PROBE_ALLOWED_ORIGINS = ["https://portal.test"]
    assert probe_service.allowed_origins(None) == ["https://portal.test"]
    assert probe_service.allowed_origins(" http://a.test , http://b.test:8000,") == [
        "http://a.test",
        "http://b.test:8000",
    ]
    with pytest.raises(probe_service.ProbeNotStarted, match="Not an origin: a.test") as info:
        probe_service.allowed_origins("a.test")
    assert info.value.returncode == 2

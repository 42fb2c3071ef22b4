"""System checks catch mistyped connectivity settings before the page or the probe meets them."""

import pytest

from connectivity.checks import check_connectivity_settings


def ids():
    return [error.id for error in check_connectivity_settings(None)]


def test_defaults_pass(settings):
    assert ids() == []


@pytest.mark.parametrize(
    ("name", "value", "error_id"),
    [
        ("CONNECTIVITY_PROBE_PORTS", "40x0", "connectivity.E001"),
        ("CONNECTIVITY_PROBE_PORTS", [70000], "connectivity.E001"),
        ("CONNECTIVITY_PROBE_PORTS", [], "connectivity.E001"),
        ("CONNECTIVITY_PROBE_ALLOWED_ORIGINS", ["127.0.0.1:8000"], "connectivity.E002"),
        ("CONNECTIVITY_PROBE_TIMEOUT", "soon", "connectivity.E003"),
        ("CONNECTIVITY_PROBE_TIMEOUT", 0, "connectivity.E003"),
        ("CONNECTIVITY_PROBE_SCHEME", "ftp", "connectivity.E004"),
    ],
)
def test_bad_settings_are_reported(settings, name, value, error_id):
    setattr(settings, name, value)
    assert ids() == [error_id]


def test_environment_is_read_when_settings_are_silent(monkeypatch):
    from connectivity import conf

    monkeypatch.setenv("CONNECTIVITY_PROBE_PORTS", "5000, 5001")
    monkeypatch.setenv("CONNECTIVITY_PROBE_ALLOWED_ORIGINS", "https://portal.example")
    assert conf.probe_ports() == [5000, 5001]
    assert conf.allowed_origins() == ["https://portal.example"]

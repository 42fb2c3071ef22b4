"""System checks catch mistyped connectivity settings before the page or the probe meets them."""

import pytest

from connectivity.conf import app_settings
from portal.app_settings import check_every_app


def ids():
    return [error.id for error in app_settings.check()]


def test_defaults_pass(settings):
    assert ids() == []


@pytest.mark.parametrize(
    ("name", "value", "error_id"),
    [
        ("CONNECTIVITY_PROBE_PORTS", "40x0", "portal.E010"),  # not a list of numbers
        ("CONNECTIVITY_PROBE_PORTS", [70000], "connectivity.E001"),
        ("CONNECTIVITY_PROBE_PORTS", [], "connectivity.E001"),
        ("CONNECTIVITY_PROBE_ALLOWED_ORIGINS", ["127.0.0.1:8000"], "connectivity.E002"),
        ("CONNECTIVITY_PROBE_TIMEOUT", "soon", "portal.E010"),  # not a number
        ("CONNECTIVITY_PROBE_TIMEOUT", 0, "connectivity.E003"),
        ("CONNECTIVITY_PROBE_SCHEME", "ftp", "connectivity.E004"),
    ],
)
def test_bad_settings_are_reported(settings, name, value, error_id):
    setattr(settings, name, value)
    assert ids() == [error_id]
    assert error_id in [error.id for error in check_every_app()]  # what `manage.py check` runs


def test_environment_is_read_when_settings_are_silent(monkeypatch):
    monkeypatch.setenv("CONNECTIVITY_PROBE_PORTS", "5000, 5001")
    monkeypatch.setenv("CONNECTIVITY_PROBE_ALLOWED_ORIGINS", "https://portal.example")
    assert app_settings.from_environment() == {
        "CONNECTIVITY_PROBE_PORTS": (5000, 5001),
        "CONNECTIVITY_PROBE_ALLOWED_ORIGINS": ("https://portal.example",),
    }

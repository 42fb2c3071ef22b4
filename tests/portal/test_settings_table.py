"""Every variable in README.md's "Settings (environment)" tables takes effect, as documented.

The test walks the tables (the big project table and every `### … settings` table):

- an app setting (declared in an `AppSettings`, portal/app_settings.py) is set in the
  environment of one child process, every one at once, to a valid value that is not its
  default; each must read back through its AppSettings as set. Its row's default must be the
  declared default, and every declared setting must have a row;
- a project variable (read by portal/settings.py) needs an entry in PROJECT_PROBES below: a
  value and the Django setting(s) it changes. portal/settings.py is run with and without it,
  and the setting must change to the expected value. A `(settings)` row is a Django setting
  only: SETTINGS_PROBES sets it and observes the code that reads it;
- a variable in the README that none of these covers fails the test.
"""

import importlib
import json
import re
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from portal.app_settings import AppSettings, Setting, every_app_settings
from tests.processes import ROOT, environment, manage, python

README = ROOT / "README.md"
SETTINGS_FILE = ROOT / "portal" / "settings.py"
NAME = re.compile(r"[A-Z][A-Z0-9_]*")


# --- the README's tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    names: tuple[str, ...]  # every variable of the first cell, as written ("…_BIND" included)
    default: str
    settings_only: bool  # "(settings)": a Django setting, not an environment variable
    line: int


def readme_rows() -> list[Row]:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Settings (environment)\n")
    end = text.index("\n## ", start + 1)
    first_line = text.count("\n", 0, start) + 2
    rows = []
    for number, line in enumerate(text[start:end].splitlines(), start=first_line - 1):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or cells[0] in ("variable", "---"):
            continue
        names = tuple(re.findall(r"`([^`]+)`", cells[0]))
        rows.append(Row(names, cells[1], "(settings)" in cells[0], number))
    assert rows, "README.md has no settings table under ## Settings (environment)"
    return rows


def declared() -> dict[str, tuple[AppSettings, str, Setting]]:
    """Every app setting by its full name (every AppSettings portal/settings.py reads)."""
    return {
        app.prefix + name: (app, name, setting)
        for app in every_app_settings()
        for name, setting in app.definitions.items()
    }


def undeclared_prefixes() -> tuple[str, ...]:
    """Prefixes of the apps in APP_SETTINGS_MODULES that declare no AppSettings yet: their rows
    are the old summary rows, proved once the app declares its settings (issue 12 in progress)."""
    prefixes = []
    for module in settings.APP_SETTINGS_MODULES:
        if getattr(importlib.import_module(module), "app_settings", None) is None:
            prefixes.append(module.split(".")[0].upper() + "_")
    return tuple(prefixes)


def pending(row: Row) -> bool:
    prefixes = undeclared_prefixes()
    return bool(prefixes) and all(
        name.startswith(prefixes) or name.startswith("…") for name in row.names
    )


def walked_rows() -> list[Row]:
    return [row for row in readme_rows() if not pending(row)]


# --- app settings: values to set and the README's defaults --------------------------------------


# Where the value walk_value() derives from the type would break an app's own rules (its
# validators, which the walk runs too), a valid one by hand.
VALID_VALUES: dict[str, Any] = {
    "CONNECTIVITY_PROBE_SCHEME": "https",
    "CONNECTIVITY_PROBE_BIND": "127.0.0.2",
    "DOCUMENTS_HANDOFF_BASE_URL": "https://walk-test.example",  # documents.E004: an absolute URL
}


def walk_value(full_name: str, setting: Setting) -> Any:
    """A valid value of the setting's type that differs from its default (and keeps its bounds)."""
    if full_name in VALID_VALUES:
        return VALID_VALUES[full_name]
    if setting.kind in (list, tuple):
        items = setting.default or (None,)
        return setting.kind(
            walk_item(setting.item_kind, item, setting.minimum, setting.maximum, index)
            for index, item in enumerate(items, start=1)
        )
    return walk_item(setting.kind, setting.default, setting.minimum, setting.maximum)


def walk_item(kind: type, default: Any, minimum=None, maximum=None, index: int = 1) -> Any:
    if kind is bool:
        return not default
    if kind in (int, float):
        step = kind(1) if kind is int else 0.5
        base = default if default is not None else kind(1)
        value = base + step
        if maximum is not None and value > maximum:
            value = base - step
        if minimum is not None and value < minimum:
            value = minimum
        return kind(value)
    if not default:
        return f"walk-test-{index}"
    if re.match(r"https?://", default):
        return f"https://walk-test-{index}.example" + ("" if default.count("/") < 3 else "/walk")
    return f"{default}-walk"


def as_environment(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def default_texts(value: Any) -> set[str]:
    """How a README default may write the value: as Python prints it (str or repr), or a list
    as the environment gives it (comma-separated)."""
    texts = {str(value), repr(value)}
    if isinstance(value, list | tuple):
        texts.add(",".join(str(item) for item in value))
    return texts


def cell_text(cell: str) -> str:
    spans = re.fullmatch(r"`([^`]*)`", cell)
    return spans.group(1) if spans else cell.replace("`", "")


# --- project variables: how to see each one take effect -----------------------------------------


@dataclass(frozen=True)
class Probe:
    value: str
    observe: Callable[[dict], Any]  # of the settings module's names
    expected: Any
    needs: dict[str, str] = field(default_factory=dict)  # other variables it is observed with


SECRET = "walk-test-secret-" + "k" * 50
FERNET = Fernet.generate_key().decode()
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": SECRET,
    "FIELD_ENCRYPTION_KEY": FERNET,
}
S3 = {"S3_ENDPOINT_URL": "http://s3.walk.example:9000"}
POSTGRES = {"DATABASE_URL": "postgres://walker@db.walk.example:5433/walk"}


def storage_option(files: str, option: str) -> Callable[[dict], Any]:
    return lambda s: s["STORAGES"][files].get("OPTIONS", {}).get(option)


def both_stores(option: str) -> Callable[[dict], Any]:
    return lambda s: (storage_option("default", option)(s), storage_option("private", option)(s))


def setting(name: str) -> Callable[[dict], Any]:
    return lambda s: s.get(name)


PROJECT_PROBES: dict[str, Probe] = {
    "DJANGO_ENV": Probe(
        "production",
        lambda s: (
            s.get("SECURE_SSL_REDIRECT"),
            s.get("SESSION_COOKIE_SECURE"),
            s.get("SECURE_HSTS_SECONDS"),
        ),
        (True, True, 31536000),
        needs={"DJANGO_SECRET_KEY": SECRET, "FIELD_ENCRYPTION_KEY": FERNET},
    ),
    "DJANGO_SECRET_KEY": Probe(SECRET, setting("SECRET_KEY"), SECRET),
    "DJANGO_DEBUG": Probe("1", setting("DEBUG"), True),
    "DJANGO_ALLOWED_HOSTS": Probe(
        "portal.walk.example,[::1]", setting("ALLOWED_HOSTS"), ["portal.walk.example", "[::1]"]
    ),
    "DJANGO_CSRF_TRUSTED_ORIGINS": Probe(
        "https://portal.walk.example",
        setting("CSRF_TRUSTED_ORIGINS"),
        ["https://portal.walk.example"],
    ),
    "DJANGO_SECURE_SSL_REDIRECT": Probe("0", setting("SECURE_SSL_REDIRECT"), False, PRODUCTION),
    "DJANGO_HSTS_SECONDS": Probe("60", setting("SECURE_HSTS_SECONDS"), 60, PRODUCTION),
    "DJANGO_STATIC_MANIFEST": Probe(
        "0",
        lambda s: (s["STORAGES"]["staticfiles"]["BACKEND"], s["WHITENOISE_USE_FINDERS"]),
        ("django.contrib.staticfiles.storage.StaticFilesStorage", True),
    ),
    "TIME_ZONE": Probe("UTC", setting("TIME_ZONE"), "UTC"),
    "LOG_LEVEL": Probe("DEBUG", lambda s: s["LOGGING"]["root"]["level"], "DEBUG"),
    "DATABASE_URL": Probe(
        POSTGRES["DATABASE_URL"],
        lambda s: tuple(
            s["DATABASES"]["default"][key] for key in ("ENGINE", "NAME", "HOST", "PORT", "USER")
        ),
        ("django.db.backends.postgresql", "walk", "db.walk.example", 5433, "walker"),
    ),
    "REDIS_URL": Probe(
        "redis://cache.walk.example:6380/3",
        lambda s: (
            s["CACHES"]["default"]["BACKEND"],
            s["CACHES"]["default"]["LOCATION"],
            s["SESSION_ENGINE"],
        ),
        (
            "django.core.cache.backends.redis.RedisCache",
            "redis://cache.walk.example:6380/3",
            "portal.sessions.cached_db",
        ),
    ),
    "CACHE_KEY_PREFIX": Probe("walk", lambda s: s["CACHES"]["default"]["KEY_PREFIX"], "walk"),
    "S3_ENDPOINT_URL": Probe(
        S3["S3_ENDPOINT_URL"],
        lambda s: (
            s["STORAGES"]["default"]["BACKEND"],
            s["STORAGES"]["private"]["BACKEND"],
            both_stores("endpoint_url")(s),
        ),
        (
            "portal.storage.PublicS3Storage",
            "portal.storage.PrivateS3Storage",
            (S3["S3_ENDPOINT_URL"],) * 2,
        ),
    ),
    "S3_ACCESS_KEY_ID": Probe("walk-key", both_stores("access_key"), ("walk-key",) * 2, S3),
    "S3_SECRET_ACCESS_KEY": Probe(
        "walk-secret", both_stores("secret_key"), ("walk-secret",) * 2, S3
    ),
    "S3_REGION": Probe("eu-central-1", both_stores("region_name"), ("eu-central-1",) * 2, S3),
    "S3_PUBLIC_BUCKET": Probe(
        "walk-public", storage_option("default", "bucket_name"), "walk-public", S3
    ),
    "S3_PRIVATE_BUCKET": Probe(
        "walk-private", storage_option("private", "bucket_name"), "walk-private", S3
    ),
    "S3_PUBLIC_MEDIA_URL": Probe(
        "https://cdn.walk.example/media/",
        lambda s: (
            storage_option("default", "default_acl")(s),
            "https://cdn.walk.example" in s["SECURE_CSP"]["img-src"],
        ),
        ("public-read", True),
        S3,
    ),
    "STAGING_ROOT": Probe("/tmp/walk-staging", setting("STAGING_ROOT"), Path("/tmp/walk-staging")),
    "MEDIA_ROOT": Probe("/tmp/walk-media", setting("MEDIA_ROOT"), Path("/tmp/walk-media")),
    "PRIVATE_MEDIA_ROOT": Probe(
        "/tmp/walk-private", setting("PRIVATE_MEDIA_ROOT"), Path("/tmp/walk-private")
    ),
    "SANDBOX_FORK_SERVER": Probe("0", setting("SANDBOX_FORK_SERVER"), False),
    "STORE_TIMEOUT_SECONDS": Probe(
        "7",
        lambda s: (
            s["STORE_TIMEOUT_SECONDS"],
            s["DATABASES"]["default"]["OPTIONS"]["connect_timeout"],
        ),
        (7, 7),
        POSTGRES,
    ),
    "FIELD_ENCRYPTION_KEY": Probe(FERNET, setting("FIELD_ENCRYPTION_KEY"), FERNET),
    "PRACTICE_ACCOUNTS_MAY_UPLOAD": Probe("0", setting("PRACTICE_ACCOUNTS_MAY_UPLOAD"), False),
    "STAFF_OTP_REQUIRED": Probe("0", setting("STAFF_OTP_REQUIRED"), False),
    "TRUSTED_PROXY_COUNT": Probe("1", setting("TRUSTED_PROXY_COUNT"), 1),
    "SERVE_MEDIA": Probe("0", setting("SERVE_MEDIA"), False),
}


def sandbox_cpu_seconds() -> Any:
    from portal import sandbox

    return sandbox.limits()["cpu_seconds"]


# Django settings without an environment variable: (value, what reads it, expected reading).
SETTINGS_PROBES: dict[str, tuple[Any, Callable[[], Any], Any]] = {
    "SANDBOX_LIMITS": ({"cpu_seconds": 2}, sandbox_cpu_seconds, 2),
}


def every_name() -> set[str]:
    names = {name for row in readme_rows() for name in row.names}
    return (
        names
        | set(declared())
        | set(PROJECT_PROBES)
        | {name for probe in PROJECT_PROBES.values() for name in probe.needs}
    )


def load_settings(monkeypatch, variables: dict[str, str]) -> dict[str, Any]:
    """portal/settings.py's names, run with exactly these of the documented variables set."""
    with monkeypatch.context() as patch:
        for name in every_name():
            patch.delenv(name, raising=False)
        for name, value in variables.items():
            patch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))


# --- the tests ----------------------------------------------------------------------------------


def test_every_readme_variable_can_be_proved():
    app_names = declared()
    unproved = []
    for row in walked_rows():
        for name in row.names:
            if row.settings_only and name in SETTINGS_PROBES:
                continue
            if not NAME.fullmatch(name):
                unproved.append(f"README.md:{row.line}: {name!r} is not a full variable name")
            elif name not in app_names and name not in PROJECT_PROBES:
                unproved.append(
                    f"README.md:{row.line}: {name} has no probe in {Path(__file__).name}"
                )
    assert not unproved, "\n".join(unproved)


def test_every_declared_setting_has_a_readme_row_with_its_default():
    rows_by_name: dict[str, list[Row]] = {}
    for row in readme_rows():
        for name in row.names:
            rows_by_name.setdefault(name, []).append(row)
    problems = []
    for full_name, (_app, _name, setting) in declared().items():
        rows = rows_by_name.get(full_name, [])
        if not rows:
            if setting.from_environment:
                problems.append(f"{full_name}: no row in README.md's settings tables")
            continue
        for row in rows:
            if row.names != (full_name,):
                problems.append(f"README.md:{row.line}: give {full_name} a row of its own")
            elif cell_text(row.default) not in default_texts(setting.default):
                problems.append(
                    f"README.md:{row.line}: {full_name} defaults to {setting.default!r}, "
                    f"not {row.default}"
                )
    assert not problems, "\n".join(problems)


APP_WALK = """
import json
import django
django.setup()
from portal.app_settings import every_app_settings
print(json.dumps({
    "read": {
        app.prefix + name: repr(getattr(app, name))
        for app in every_app_settings() for name in app.definitions
    },
    "errors": [str(error) for app in every_app_settings() for error in app.check()],
}))
"""


def test_every_app_setting_takes_effect_from_the_environment():
    wanted = {
        full_name: walk_value(full_name, setting)
        for full_name, (_app, _name, setting) in declared().items()
        if setting.from_environment
    }
    assert wanted, "no AppSettings declares an environment setting"
    for full_name, value in wanted.items():
        assert value != declared()[full_name][2].default, full_name
    env = environment(
        drop=every_name(), **{name: as_environment(value) for name, value in wanted.items()}
    )
    result = python("-c", APP_WALK, env=env)
    assert result.returncode == 0, result.stderr
    walked = json.loads(result.stdout.strip().splitlines()[-1])
    assert {name: walked["read"].get(name) for name in wanted} == {
        name: repr(value) for name, value in wanted.items()
    }
    assert walked["errors"] == [], "give these settings a valid value in VALID_VALUES"


@pytest.mark.parametrize("name", sorted(PROJECT_PROBES))
def test_project_variable_takes_effect(name, monkeypatch):
    assert name not in declared(), f"{name} is an app setting: walked with the others"
    assert any(name in row.names for row in walked_rows()), f"{name} is not in the README"
    probe = PROJECT_PROBES[name]
    before = probe.observe(load_settings(monkeypatch, probe.needs))
    after = probe.observe(load_settings(monkeypatch, {**probe.needs, name: probe.value}))
    assert after == probe.expected
    assert before != probe.expected, f"{name}={probe.value} is no change from the default"


@pytest.mark.parametrize("name", sorted(SETTINGS_PROBES))
def test_django_setting_takes_effect(name, settings):
    value, observe, expected = SETTINGS_PROBES[name]
    before = observe()
    setattr(settings, name, value)
    assert observe() == expected != before


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VIEW_COUNTING", "ture"),
        ("SECURELOGIN_LOCK_SECONDS", "abc"),
        ("STORE_TIMEOUT_SECONDS", "3s"),
        ("CONNECTIVITY_PROBE_TIMEOUT", "soon"),
        ("CONNECTIVITY_PROBE_PORTS", "4000,4oo1"),
        ("DJANGO_ENV", "prod"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(name, value):
    assert name in declared() or name in PROJECT_PROBES
    result = manage("check", env=environment(drop=every_name(), **{name: value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr, result.stderr


def wrong_type(setting: Setting) -> Any:
    return 12345 if setting.kind is str else "not-a-" + setting.kind.__name__


@pytest.mark.django_db  # the model checks ask the database what it supports
def test_manage_py_check_reports_a_wrong_typed_app_setting(settings):
    first = {}
    for app in every_app_settings():
        name, setting = next(iter(app.definitions.items()))
        first[app.prefix + name] = wrong_type(setting)
    for full_name, value in first.items():
        setattr(settings, full_name, value)
    with pytest.raises(SystemCheckError) as refused:
        call_command("check")
    for full_name in first:
        assert f"(portal.E010) {full_name} must be of type" in str(refused.value)

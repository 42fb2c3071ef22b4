"""Project-wide promises: production settings pass `check --deploy`, translations are complete."""

import secrets
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.processes import environment, manage

ROOT = Path(settings.BASE_DIR)


def catalogues():
    return sorted(
        p for p in ROOT.glob("**/locale/de/LC_MESSAGES/django.po") if ".venv" not in p.parts
    )


def production_env(**overrides):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    return environment(**{"DJANGO_ENV": "production", "FIELD_ENCRYPTION_KEY": key, **overrides})


def test_production_settings_pass_the_deploy_check():
    env = production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(60))
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "overrides"),
    [
        ("DJANGO_SECRET_KEY", {"DJANGO_SECRET_KEY": ""}),
        (
            "FIELD_ENCRYPTION_KEY",
            {"DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "FIELD_ENCRYPTION_KEY": ""},
        ),
    ],
)
def test_production_refuses_to_start_without_a_key(missing, overrides):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0 and f"{missing} must be set" in result.stderr


def test_every_german_catalogue_is_complete_and_compiled():
    found = catalogues()
    assert ROOT / "locale/de/LC_MESSAGES/django.po" in found
    assert ROOT / "articles/locale/de/LC_MESSAGES/django.po" in found
    for path in found:
        catalogue = polib.pofile(str(path))
        assert not catalogue.untranslated_entries(), (
            f"{path}: {[e.msgid for e in catalogue.untranslated_entries()][:5]}"
        )
        assert not catalogue.fuzzy_entries(), (
            f"{path}: fuzzy {[e.msgid for e in catalogue.fuzzy_entries()][:5]}"
        )
        compiled = polib.mofile(str(path.with_suffix(".mo")))
        compiled_entries = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in compiled
        }
        for entry in catalogue.translated_entries():
            key = (entry.msgctxt, entry.msgid)
            assert key in compiled_entries, (
                f"{path.with_suffix('.mo')} is stale: run compilemessages ({entry.msgid!r})"
            )
            assert compiled_entries[key] == (
                entry.msgstr,
                tuple(sorted(entry.msgstr_plural.items())),
            ), f"{path.with_suffix('.mo')} is stale for {entry.msgid!r}"

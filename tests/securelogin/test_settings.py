"""The securelogin settings: one declaration, read from Django settings, checked together."""

from securelogin.conf import app_settings


def test_a_setting_reads_the_django_setting_of_its_full_name(settings):
    assert app_settings.LOCK_SECONDS == 15 * 60
    settings.SECURELOGIN_LOCK_SECONDS = 60
    assert app_settings.LOCK_SECONDS == 60


def test_a_cap_below_what_it_caps_is_refused(settings):
    assert app_settings.check() == []
    settings.SECURELOGIN_LOCK_SECONDS = 7200
    settings.SECURELOGIN_LOCK_MAX_SECONDS = 3600
    assert [error.id for error in app_settings.check()] == ["securelogin.E003"]


def test_out_of_bounds_values_are_refused_before_the_rules(settings):
    settings.SECURELOGIN_TEMPORARY_CODE_LENGTH = 4
    assert [error.id for error in app_settings.check()] == ["portal.E010"]

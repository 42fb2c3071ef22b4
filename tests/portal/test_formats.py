"""Dates and times end without a full stop of their own, so a sentence can close after them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

EVENING = datetime(2026, 12, 1, 23, 52, tzinfo=ZoneInfo("Europe/Zurich"))


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("name", ["TIME_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_times_do_not_end_with_a_full_stop(language, name):
    with translation.override(language):
        shown = formats.date_format(EVENING, name)
    assert not shown.endswith("."), shown


def test_english_times_say_am_or_pm():
    with translation.override("en"):
        assert formats.time_format(EVENING, "TIME_FORMAT") == "11:52 PM"
        assert formats.date_format(EVENING, "DATETIME_FORMAT") == "Dec. 1, 2026, 11:52 PM"

import pytest
from django.core.management import call_command


@pytest.fixture
def live_help_content(transactional_db):
    """The real help content, for tests that drive Chromium against live_server."""
    call_command("load_help_content", verbosity=0)


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()

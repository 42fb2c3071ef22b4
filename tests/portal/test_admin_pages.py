"""Every admin page of every registered model opens, in English and German: the list, the add
form and the change form of a demo object (a 500 on a third-party model's form went unseen)."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(db):
    call_command("load_help_content", verbosity=0)
    call_command("create_demo_clients", verbosity=0)


def admin_urls(request):
    """(url, expected status) for every page of every registered model the user may open."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append((reverse("admin:{}_{}_changelist".format(*info)), 200))
        if model_admin.has_add_permission(request):
            pages.append((reverse("admin:{}_{}_add".format(*info)), 200))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            pages.append((reverse("admin:{}_{}_change".format(*info), args=[first.pk]), 200))
    return pages


def test_every_admin_page_opens_in_both_languages(admin_client, admin_user, rf, demo_data):
    request = rf.get("/")
    request.user = admin_user
    failures, opened = [], 0
    for language in ("en", "de"):
        with translation.override(language):
            pages = admin_urls(request)
        opened += len(pages)
        failures += [
            (url, response.status_code)
            for url, expected in pages
            if (response := admin_client.get(url)).status_code != expected
        ]
    assert opened > 40 and failures == []

"""The client address behind a configured number of trusted proxies (issue 10, finding 5)."""

import pytest
from django.test import RequestFactory

from portal.client_address import client_ip


def request(xff=None, peer="10.0.0.5"):
    extra = {"REMOTE_ADDR": peer}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_no_trusted_proxy_ignores_a_forged_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("1.2.3.4")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("hops", "xff", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (
            1,
            "6.6.6.6, 198.51.100.7",
            "198.51.100.7",
        ),  # the client's own entry on the left is not believed
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", "10.0.0.5"),  # header missing: the peer
        (2, "198.51.100.7", "10.0.0.5"),  # fewer entries than proxies: the peer
        (1, "not-an-address", "10.0.0.5"),
        (1, "198.51.100.7\x00", "10.0.0.5"),
    ],
)
def test_trusted_proxies(settings, hops, xff, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    assert client_ip(request(xff)) == expected


@pytest.mark.django_db
def test_audit_rows_carry_the_forwarded_address(settings, client):
    from securelogin.models import AuditEvent

    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/en/portal/signin/",
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )
    assert AuditEvent.objects.get(username="nobody").ip == "198.51.100.7"

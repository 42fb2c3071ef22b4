"""What to tell a client whose ports are blocked: one wording for the test page and check_ports."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SITUATION_ANCHOR = "ports-blocked"


def join_ports(ports: Iterable[int]) -> str:
    texts = [str(p) for p in ports]
    if len(texts) < 2:
        return "".join(texts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(texts[:-1]), "last": texts[-1]}


def blocked_heading(ports: list[int]) -> str:
    return ngettext(
        "Port %(ports)s is blocked from this network. What to do:",
        "Ports %(ports)s are blocked from this network. What to do:",
        len(ports),
    ) % {"ports": join_ports(ports)}


def remedies(ports: list[int]) -> list[str]:
    """The steps that fix blocked ports, in the active language."""
    return [
        _(
            "Leave the public network: hotel, café, airport or guest Wi-Fi often blocks these "
            "ports. Use your mobile data or your network at home or at work, then test again."
        ),
        ngettext(
            "If a router connects your computer to the internet, open port %(ports)s on the "
            "router for inbound and outbound TCP connections (or ask whoever runs the network).",
            "If a router connects your computer to the internet, open ports %(ports)s on the "
            "router for inbound and outbound TCP connections (or ask whoever runs the network).",
            len(ports),
        )
        % {"ports": join_ports(ports)},
        _(
            "A firewall or security program on your computer may block them too: "
            "allow these ports there."
        ),
    ]


def situation_path() -> str:
    """The troubleshooting answer for blocked ports, in the active language."""
    return reverse("articles:situation", kwargs={"anchor": SITUATION_ANCHOR})

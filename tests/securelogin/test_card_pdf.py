"""The card PDF is real text inside its frame (read back with poppler's `pdftotext -bbox`)."""

import re
import shutil
import subprocess
from xml.etree import ElementTree

import pytest

from securelogin import codecard, temporary_access
from securelogin.card_pdf import PAGE_MARGIN
from securelogin.models import SecurityDevice
from tests.securelogin.helpers import make_client
from tests.securelogin.test_lostdevice import new_card, signed_in_with_code

pytestmark = pytest.mark.django_db
MM = 72 / 25.4  # PDF points per millimetre
PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}


@pytest.fixture
def temp_client(db):
    """A client whose DSC+ was lost, signing in with a temporary code from client services."""
    user, device = make_client("lena", SecurityDevice.Kind.DSC)
    temp, code = temporary_access.issue_temporary_code(user, actor="agent")
    return user, temp, code, device


def words(pdf: bytes, tmp_path) -> tuple[tuple[float, float], list[dict]]:
    """((page width, height), [{"text", "x0", "y0", "x1", "y1"}]) as pdftotext reads them."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils, `make chromium`) is required"
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([pdftotext, "-bbox", str(path), "-"], capture_output=True, check=True)  # noqa: S603
    xhtml = re.sub(rb'xmlns="[^"]+"', b"", out.stdout)
    root = ElementTree.fromstring(xhtml)  # noqa: S314 (our own PDF's text)
    pages = root.findall(".//page")
    assert len(pages) == 1
    size = (float(pages[0].get("width")), float(pages[0].get("height")))
    found = [
        {
            "text": w.text,
            **{
                k: float(w.get(a))
                for k, a in (("x0", "xMin"), ("y0", "yMin"), ("x1", "xMax"), ("y1", "yMax"))
            },
        }
        for w in pages[0].iter("word")
    ]
    return size, found


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_card_pdf_text_is_inside_the_card_and_the_page(client, temp_client, tmp_path, lang, paper):
    user, _, code, _ = temp_client
    user.first_name, user.last_name = "Maximiliane-Friederike", "von Hohenzollern-Sigmaringen"
    user.save()
    signed_in_with_code(client, user, code)
    card = new_card(client)
    url = f"/{lang}/portal/account/security/secure-login/card/pdf/"
    pdf = client.get(url + ("?size=letter" if paper == "letter" else "")).content
    (width, height), found = words(pdf, tmp_path)
    assert (width, height) == pytest.approx(PAGE_SIZES[paper], abs=0.5)
    frame = PAGE_MARGIN * MM
    for word in found:  # every word inside the frame, hence inside the page
        assert frame < word["x0"] and word["x1"] < width - frame, word
        assert frame < word["y0"] and word["y1"] < height - frame, word
    text = " ".join(word["text"] for word in found)
    validity = {
        "en": "Valid for 21 days from activation",
        "de": "Gültig für 21 Tage ab der Aktivierung",
    }
    assert validity[lang] in text and "Hohenzollern-Sigmaringen" in text
    assert ("Online-Sicherheitscodekarte" if lang == "de" else "Online Security Code Card") in text
    # The codes are this client's codes: each value right of its index number, on its line.
    labels = {w["text"]: w for w in found if re.fullmatch(r"[0-9]{2}", w["text"])}
    values = [w for w in found if re.fullmatch(r"[0-9]{3}", w["text"])]
    expected = codecard.all_values(card.secret_key())
    assert len(values) == len(expected) == 48
    for label, value in expected:
        box = labels[label]
        assert any(
            w["text"] == value
            and abs(w["y0"] - box["y0"]) < 6
            and w["x0"] > box["x1"]
            and w["x0"] - box["x1"] < 130
            for w in values
        ), (label, value)


def test_card_pdf_embeds_its_font_and_draws_no_picture(client, temp_client):
    user, _, code, _ = temp_client
    signed_in_with_code(client, user, code)
    new_card(client)
    pdf = client.get("/de/portal/account/security/secure-login/card/pdf/").content
    assert b"/FontFile2" in pdf and b"DejaVu" in pdf
    assert b"/Subtype /Image" not in pdf

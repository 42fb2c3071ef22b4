"""The KB2260 figures are regenerated from the real emulated screens."""
import io
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from PIL import Image

from articles.models import Figure
from securelogin.models import SecurityDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONTENT = Path(settings.BASE_DIR) / "articles" / "content"


def test_card_figures_come_from_the_emulator(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    source = tmp_path / "content"
    source.mkdir()
    for name in ["categories.toml", "kb2260-challenge-response.toml"]:
        shutil.copy(CONTENT / name, source / name)
    call_command("load_help_content", dir=str(source))
    before = Figure.objects.get(article__kb_number="KB2260", number="7B")
    old_image, old_alt = before.image_en.name, before.alt_text_en

    out, failures = io.StringIO(), []

    def regenerate():
        # Its own thread: pytest-playwright may already run a sync Playwright (an event loop) in this one.
        try:
            call_command("regenerate_kb2260_figures", kinds="dsc", languages="en",
                         output_dir=str(tmp_path / "png"), stdout=out)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=regenerate)
    worker.start()
    worker.join()
    assert not failures, failures

    after = Figure.objects.get(article__kb_number="KB2260", number="7B")
    assert after.image_en.name != old_image
    assert after.renditions.get("en")
    shown = out.getvalue().split("response ")[1].split()[0]
    assert shown in after.alt_text_en and shown not in old_alt
    image = Image.open(tmp_path / "png" / "kb2260-figure-7B-en.png")
    assert image.width > 300 and image.height > 300
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == sorted(
        f"kb2260-figure-{n}B-en.png" for n in range(1, 9)
    )
    # The throw-away practice clients are gone again.
    assert not get_user_model().objects.filter(username__startswith="figures-").exists()
    assert not SecurityDevice.objects.filter(user__username__startswith="figures-").exists()
    # The screenshots count as loaded content: reloading the unchanged files reports no staff edit.
    reload_output = io.StringIO()
    call_command("load_help_content", dir=str(source), stdout=reload_output)
    assert "0 created, 0 updated, 1 unchanged" in reload_output.getvalue()
    assert "edited in the admin" not in reload_output.getvalue()
    # Figures of other kinds are still drawn, so `--only-if-drawn` would still capture; once all are
    # screenshots it does nothing.
    Figure.objects.filter(article__kb_number="KB2260").exclude(number__endswith="B").update(image_en="figures/shot.png",
                                                                                              image_de="figures/shot.png")
    Figure.objects.filter(article__kb_number="KB2260", number__endswith="B").update(image_de="figures/shot.png")
    skipped = io.StringIO()
    call_command("regenerate_kb2260_figures", only_if_drawn=True, stdout=skipped)
    assert "already screenshots" in skipped.getvalue()

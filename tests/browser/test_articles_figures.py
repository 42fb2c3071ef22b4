"""Article figures are screenshots of the practice portal, its emulators and the printed card."""

import re
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from PIL import Image
from playwright.sync_api import expect

from articles import figure_recapture
from articles.models import Article, Figure
from securelogin import screenshots
from securelogin.account_kinds import mark_practice
from securelogin.models import SecurityDevice
from securelogin.screenshot_capture import CaptureError, capture_article_figures, capture_plan
from securelogin.services import assign_device
from tests.staff_otp import verify_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONTENT = Path(settings.BASE_DIR) / "articles" / "content"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def content_copy(tmp_path, *names, edit=None):
    source = tmp_path / "content"
    source.mkdir()
    for name in ("categories.toml", *names):
        text = (CONTENT / name).read_text(encoding="utf-8")
        (source / name).write_text(edit(text) if edit else text, encoding="utf-8")
    call_command("load_help_content", dir=str(source), verbosity=0)
    return source


def in_a_thread(function, *args, **kwargs):
    """pytest-playwright may already run a sync Playwright (an event loop) in the test's thread."""
    result, failures = {}, []

    def run():
        try:
            result["value"] = function(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]
    return result.get("value")


def drawn(figure, lang):
    return getattr(figure, f"image_{lang}").name.startswith("figures/drawn-")


def test_lost_device_figures_are_screenshots_in_both_languages(tmp_path):
    source = content_copy(
        tmp_path, "kb70-temporary-code.toml", "kb2636-online-security-code-card.toml"
    )
    assert all(drawn(f, "en") for f in Figure.objects.filter(article__kb_number="KB2636"))
    report = in_a_thread(
        capture_article_figures, ["KB70", "KB2636"], content_dir=source, output_dir=tmp_path / "png"
    )
    assert report.stored == {"KB70": 6, "KB2636": 22}
    plan = capture_plan(source)
    for figure in Figure.objects.filter(article__kb_number__in=["KB70", "KB2636"]):
        assert figure.number in plan[figure.article.kb_number]
        for lang in ("en", "de"):
            assert not drawn(figure, lang), (figure, lang)
            assert figure.renditions[lang]["width"] >= 480
        assert figure.image_en.read() != figure.image_de.read()  # each language its own screen
    png = tmp_path / "png"
    for scene in set(plan["KB2636"].values()):
        for lang in ("en", "de"):
            image = Image.open(png / f"{scene}-{lang}.png")
            assert image.width >= 600 and image.height >= 150, (scene, lang, image.size)
    printed = Image.open(png / "card-printed-de.png")
    assert printed.width > 700 and printed.height > 700  # the whole card, readable
    # The same screen in two articles is the same picture.
    kb70 = Figure.objects.get(article__kb_number="KB70", number="2")
    kb2636 = Figure.objects.get(article__kb_number="KB2636", number="4")
    assert kb70.image_de.read() == kb2636.image_de.read()
    # The practice clients are gone again; the screenshots count as loaded content.
    assert not get_user_model().objects.filter(username__startswith="figures-").exists()
    assert not SecurityDevice.objects.filter(user__username__startswith="figures-").exists()
    reloaded = Article.objects.get(kb_number="KB2636")
    assert reloaded.content_hash() == reloaded.loaded_content_hash
    # Nothing drawn is left, so `--only-if-drawn` does nothing.
    again = in_a_thread(capture_article_figures, None, only_if_drawn=True, content_dir=source)
    assert again.stored == {} and sorted(again.skipped) == ["KB2636", "KB70"]


def test_device_figures_follow_the_task_and_name_the_numbers_they_show(tmp_path):
    keep_dsc = re.compile(r'^capture = "[a-z-]+:(ios|android)"\n', re.M)
    source = content_copy(
        tmp_path, "kb2260-challenge-response.toml", edit=lambda text: keep_dsc.sub("", text)
    )
    report = in_a_thread(capture_article_figures, ["KB2260"], languages=["en"], content_dir=source)
    assert report.stored == {"KB2260": 8}
    shown = report.values["device:dsc", "en"]
    assert re.fullmatch(r"[0-9]{6}", shown["challenge"]) and re.fullmatch(
        r"[0-9]{6}", shown["response"]
    )
    figures_ = {f.number: f for f in Figure.objects.filter(article__kb_number="KB2260")}
    assert all(not drawn(figures_[f"{n}B"], "en") for n in range(1, 9))
    assert drawn(figures_["1"], "en") and drawn(figures_["1B"], "de")  # not asked for
    assert shown["challenge"] in figures_["2B"].alt_text_en
    assert shown["response"] in figures_["8B"].alt_text_en


def test_practice_only_controls_are_not_in_the_figures(browser, live_server):
    context = browser.new_context(bypass_csp=True)  # as the capture's context
    page = context.new_page()
    user = get_user_model().objects.create_user("face", "face@example.com", "practice 2260")
    mark_practice(user)
    assign_device(user, "ios", "")
    page.goto(f"{live_server.url}/en/portal/signin/")
    page.fill("#id_username", "face")
    page.fill("#id_password", "practice 2260")
    page.locator("#id_password").press("Enter")
    challenge = page.locator("#challenge-code").text_content()
    page.goto(f"{live_server.url}/en/portal/device/?screen=challenge")
    page.fill("#sl-challenge", challenge)
    page.locator("#sl-generate").click()
    expect(page.locator("#sl-confirm")).to_be_visible()  # the practice page offers it
    page.add_style_tag(content=screenshots.ISOLATE_CSS)
    page.locator("#sl-device").evaluate("el => el.classList.add('fig-target')")
    expect(page.locator("#sl-confirm")).to_be_hidden()  # the figure does not
    expect(page.locator("#sl-use-passcode")).to_be_visible()  # the phone's own button stays
    expect(page.locator(".sl-emulator-controls")).not_to_be_visible()
    context.close()  # an open context keeps its connections to the live server alive


def test_staff_recapture_an_article_from_the_admin(client, tmp_path):
    content_copy(
        tmp_path, "kb2477-photograph-documents.toml", "kb1131-sign-in-troubleshooting.toml"
    )
    staff = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(staff)
    verify_session(client, staff)
    changelist = "/en/admin/articles/article/"
    ids = {a.kb_number: a.pk for a in Article.objects.all()}
    # Only articles with screens to capture start a capture; the others are named.
    nothing = client.post(
        changelist, {"action": "capture_figures", "_selected_action": [ids["KB1131"]]}, follow=True
    )
    assert "nothing to capture" in nothing.content.decode()
    assert figure_recapture.running() is None
    answer = client.post(
        changelist, {"action": "capture_figures", "_selected_action": [ids["KB2477"]]}, follow=True
    )
    assert "Capturing the figures of KB2477" in answer.content.decode()
    worker = figure_recapture.running()
    assert worker is not None
    worker.join(timeout=120)
    shot = Figure.objects.get(article__kb_number="KB2477", number="4")
    assert not drawn(shot, "en") and not drawn(shot, "de")
    assert drawn(
        Figure.objects.get(article__kb_number="KB2477", number="1"), "en"
    )  # a photo: no screen
    german = client.post(
        "/de/admin/articles/article/",
        {"action": "capture_figures", "_selected_action": [ids["KB1131"]]},
        follow=True,
    )
    assert "nichts aufzunehmen" in german.content.decode()


def test_readers_cannot_recapture(client, tmp_path):
    content_copy(tmp_path, "kb2477-photograph-documents.toml")
    reader = get_user_model().objects.create_user("reader", "reader@example.com", "pw")
    client.force_login(reader)
    article = Article.objects.get(kb_number="KB2477")
    answer = client.post(
        "/en/admin/articles/article/",
        {"action": "capture_figures", "_selected_action": [article.pk]},
    )
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    assert figure_recapture.running() is None


def test_unknown_articles_and_scenes_are_refused(tmp_path):
    source = content_copy(tmp_path, "kb2477-photograph-documents.toml")
    with pytest.raises(CaptureError, match="KB9999"):
        capture_article_figures(["KB9999"], content_dir=source)
    (source / "kb2477-photograph-documents.toml").write_text(
        (CONTENT / "kb2477-photograph-documents.toml")
        .read_text()
        .replace('capture = "documents-upload"', 'capture = "no-such-screen"'),
        encoding="utf-8",
    )
    with pytest.raises(CaptureError, match="no-such-screen"):
        capture_plan(source)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="KB9999"):
        call_command("capture_article_figures", article=["kb9999"])
    assert shutil.which("pdftoppm")

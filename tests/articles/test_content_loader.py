import pytest
from django.core.management import CommandError, call_command

from articles.content_loader import load_help_content
from articles.models import Article, Figure, Step

pytestmark = pytest.mark.django_db

# The source's numbers, plus 14: the iPhone passcode step 5 describes without a figure.
CHALLENGE_FIGURES = (
    [str(n) for n in range(1, 15)]
    + [f"{n}A" for n in range(1, 10)]
    + [f"{n}B" for n in range(1, 9)]
)


def test_loads_every_article_in_both_languages(help_content):
    articles = Article.objects.published()
    assert set(articles.values_list("kb_number", flat=True)) >= {
        "KB70",
        "KB1131",
        "KB2260",
        "KB2636",
        "KB2477",
    }
    for article in articles:
        assert article.title_en and article.title_de and article.title_en != article.title_de
        for section in article.sections.all():
            assert section.title_en and section.title_de
            for step in section.steps.all():
                assert step.text_en.strip() and step.text_de.strip()
                assert step.text_html_en and step.text_html_de


def test_challenge_response_article_keeps_the_source_figure_numbers(help_content):
    figures = Figure.objects.filter(article__kb_number="KB2260")
    assert sorted(figures.values_list("number", flat=True)) == sorted(CHALLENGE_FIGURES)
    # Each language gets its own drawing wherever the screen text differs (the DSC+ LCD does not).
    assert sum(figure.image_en.name != figure.image_de.name for figure in figures) >= 20
    for figure in figures:
        assert figure.image_en.name and figure.image_de.name
        assert figure.alt_text_en and figure.alt_text_de
        assert set(figure.renditions) == {"en", "de"}
        assert figure.step_id is not None


def test_dsc_section_mentions_the_device_prompts(help_content):
    article = Article.objects.get(kb_number="KB2260")
    text = " ".join(
        Step.objects.filter(section__article=article, section__anchor="dsc").values_list(
            "text_en", flat=True
        )
    )
    assert "PIN>" in text and "CHALLNG>" in text


def test_reloading_changes_nothing(help_content):
    before = list(Article.objects.order_by("pk").values_list("pk", "updated_at", "source_hash"))
    steps_before = list(Step.objects.order_by("pk").values_list("pk", flat=True))
    report = load_help_content()
    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == len(before)
    assert (
        list(Article.objects.order_by("pk").values_list("pk", "updated_at", "source_hash"))
        == before
    )
    assert list(Step.objects.order_by("pk").values_list("pk", flat=True)) == steps_before


def test_staff_edits_are_not_overwritten(help_content, capsys):
    article = Article.objects.get(kb_number="KB70")
    step = Step.objects.filter(section__article=article).first()
    step.text_de = "Von der Redaktion geändert."
    step.save()
    Article.objects.filter(pk=article.pk).update(source_hash="stale")  # as if the file changed too
    call_command("load_help_content")
    assert "KB70 was edited in the admin" in capsys.readouterr().out
    step.refresh_from_db()
    assert step.text_de == "Von der Redaktion geändert."
    call_command("load_help_content", "--force", verbosity=0)
    assert not Step.objects.filter(text_de="Von der Redaktion geändert.").exists()


def test_malformed_content_is_reported_without_half_loading(tmp_path, db):
    (tmp_path / "categories.toml").write_text(
        '[[categories]]\nslug = "x"\nname.en = "X"\nname.de = "X"\n', encoding="utf-8"
    )
    (tmp_path / "broken.toml").write_text(
        'kb = "KB1"\nslug = "one"\ncategory = "x"\ntitle.en = "Only English"\n'
    )
    with pytest.raises(CommandError, match="broken.toml: 'title' needs text for every language"):
        call_command("load_help_content", "--dir", str(tmp_path))
    assert not Article.objects.filter(kb_number="KB1").exists()

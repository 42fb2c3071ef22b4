import pytest
from django.core.management import call_command

from articles.models import Article, Category, Section, Step


@pytest.fixture
def help_content(db):
    """The real help content from articles/content (figures drawn once per test session)."""
    call_command("load_help_content", verbosity=0)


@pytest.fixture
def category(db):
    return Category.objects.create(slug="sign-in", name_en="Signing in", name_de="Anmelden")


@pytest.fixture
def make_article(category):
    def make(
        kb="KB900",
        slug="demo-article",
        status=Article.Status.PUBLISHED,
        sections=1,
        steps=2,
        **fields,
    ):
        article = Article.objects.create(
            kb_number=kb,
            slug=slug,
            category=category,
            status=status,
            title_en=fields.pop("title_en", "Demo article"),
            title_de=fields.pop("title_de", "Beispielartikel"),
            summary_en=fields.pop("summary_en", "A short summary."),
            summary_de=fields.pop("summary_de", "Eine kurze Zusammenfassung."),
            **fields,
        )
        for section_number in range(1, sections + 1):
            section = Section.objects.create(
                article=article,
                anchor=f"part-{section_number}",
                order=section_number,
                title_en=f"Part {section_number}",
                title_de=f"Teil {section_number}",
            )
            for step_number in range(1, steps + 1):
                Step.objects.create(
                    section=section,
                    order=step_number,
                    text_en=f"Do thing {step_number} in part {section_number}.",
                    text_de=f"Schritt {step_number} in Teil {section_number} ausführen.",
                )
        return article

    return make


@pytest.fixture(autouse=True)
def fresh_search_vocabulary():
    """No test sees the vocabulary or synonyms another test's articles left in this process."""
    from articles.search_vocabulary import forget

    forget()
    yield
    forget()


def member_of(group_name, username):
    """A staff user whose only permissions come from the named group (created by a migration)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return member_of("Editor", "eddie")


@pytest.fixture
def publisher(db):
    return member_of("Publisher", "paula")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(publisher):
    from django.test import Client

    client = Client()
    client.force_login(publisher)
    return client


def post_figure(client, article, upload, **fields):
    """Staff add figure 9 to the article in the admin with one English image."""
    data = {
        "article": article.pk,
        "number": "9",
        "order": 1,
        "alt_text_en": "x",
        "alt_text_de": "x",
        "image_en": upload,
        **fields,
    }
    return client.post("/en/admin/articles/figure/add/", data)

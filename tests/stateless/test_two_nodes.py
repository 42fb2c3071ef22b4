"""Two live nodes sharing the stores: whatever one node does, the other sees at once."""
import pytest
from django.contrib.auth import get_user_model

from tests.form_data import form_data
from tests.stateless.nodes import Visitor, start_node

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_nodes():
    first, second = start_node("node-1"), start_node("node-2")
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture
def article(make_article):
    return make_article(title_en="Before the edit")


def admin_visitor(node):
    from tests.staff_otp import current_code, enrol

    device = enrol(get_user_model().objects.create_superuser("editor", "editor@example.com", "editor-pw-2260"))
    visitor = Visitor()
    visitor.get(node, "/en/admin/login/")
    response = visitor.post(node, "/en/admin/login/?next=/en/admin/", {"username": "editor", "password": "editor-pw-2260",
                                                                       "otp_token": current_code(device)})
    assert response.status == 302, response.text[:500]
    return visitor


def test_a_staff_edit_on_one_node_is_served_by_the_other_at_once(two_nodes, article):
    first, second = two_nodes
    reader = Visitor()
    for node in (first, second, first, second):  # both nodes have the page cached
        assert "Before the edit" in reader.get(node, f"/en/articles/{article.slug}/").text
    staff = admin_visitor(first)
    url = f"/en/admin/articles/article/{article.pk}/change/"
    data = form_data(staff.get(first, url).text, "article_form")
    data["title_en"] = "After the edit"
    response = staff.post(first, url, {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"})
    assert response.status == 302, response.text[:2000]
    for node in (second, first, second, first):
        html = reader.get(node, f"/en/articles/{article.slug}/").text
        assert "After the edit" in html and "Before the edit" not in html

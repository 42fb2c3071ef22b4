from tests.articles.conftest import category, help_content, make_article  # noqa: F401 (fixtures)
from tests.documents.conftest import samples  # noqa: F401 (fixture)

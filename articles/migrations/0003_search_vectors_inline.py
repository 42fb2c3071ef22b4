"""Keep search vectors in their rows on PostgreSQL (see search_index.keep_vectors_inline).

Rows written before this migration keep their old layout until the next re-index
(`load_help_content` or any article save rewrites them).
"""

from django.db import migrations

from articles.search_index import keep_vectors_inline


def inline(apps, schema_editor):
    keep_vectors_inline(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search_synonyms_stats"),
    ]

    operations = [
        migrations.RunPython(inline, migrations.RunPython.noop),
    ]

"""Create the table of the database cache (the embedded set-up's shared cache).

`createcachetable` does nothing when the cache is Redis, and nothing when the
table already exists, so `migrate` is the only set-up step on every machine.
"""
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]

"""The embedded set-up's shared cache: Django's database cache with an atomic `incr`.

Every gunicorn worker of `make run` reads and writes the same table, so the
content version, rendered pages and throttling counters are the same for all
of them. Django's `incr` is a read followed by a write; two workers counting
at once could both read 4 and both write 5. Here the read and the write happen
in one transaction that holds the row (PostgreSQL: FOR UPDATE) or the
database's write lock (SQLite: BEGIN IMMEDIATE), so no count is lost.
"""
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(self._table)
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 (table name is ours)
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version=version)

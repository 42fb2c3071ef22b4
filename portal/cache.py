"""The embedded set-up's shared cache: Django's database cache with an atomic `incr`.

Every gunicorn worker of `make run` reads and writes the same table, so the
content version, rendered pages and throttling counters are the same for all
of them. Django's own `incr` for this backend is a `get` followed by a `set`:
two workers counting at once could both read 4 and both write 5, and the
`set` replaces the key's expiry with the default timeout, so a one-minute
window would last an hour. Here the value is read and updated in one
transaction that holds the row (PostgreSQL: FOR UPDATE) or the database's
write lock (SQLite: BEGIN IMMEDIATE), and the expiry is left as it was
(as Redis's INCR does).
"""

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.timezone import now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # BaseDatabaseCache sets it
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            columns = f"{quote('value')}, {quote('expires')}"
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE {quote('cache_key')} = %s{lock}",  # noqa: S608
                [cache_key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            stored = base64.b64decode(connection.ops.process_clob(row[0]).encode(), validate=True)
            value = pickle.loads(stored)  # noqa: S301 (our own table)
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode(
                "latin1"
            )
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",  # noqa: S608
                [encoded, cache_key],
            )
        return new_value

    @staticmethod
    def _expired(connection: BaseDatabaseWrapper, expires: Any) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < now()

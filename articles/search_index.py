"""The full-text index of the search entries, on each database's own engine.

SQLite: an FTS5 table (rowid = SearchEntry id) holding the analysed tokens of
published entries, ranked with bm25 (title 10, summary 4, body 1).
PostgreSQL: SearchEntry.vector, a tsvector of the same tokens (`simple`
configuration, weights A/B/C), GIN-indexed, ranked with ts_rank.
Both receive the tokens of search_text.py, so both match the same words.

A query is a list of groups (one per typed word); a group is a list of
alternatives, each a tuple (kind, tokens) with kind "word", "and", "phrase"
or "prefix".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

if TYPE_CHECKING:
    from articles.models import SearchEntry

FTS_TABLE = "articles_search_fts"
BM25_WEIGHTS = "0.0, 10.0, 4.0, 1.0"  # lang, title, summary, body


def create_fts_table(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "lang, title, summary, body, tokenize='unicode61 remove_diacritics 0')"
        )
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS articles_searchentry_vector_gin ON articles_searchentry "
            "USING gin (vector)"
        )
        keep_vectors_inline(schema_editor)


def keep_vectors_inline(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """PostgreSQL: keep each tsvector in its row (compressed) rather than in the TOAST table.

    A search reads the vector of every candidate four or five times (match, rank, bonuses); out of
    line, each read fetches its TOAST chunks again: 15,700 buffer reads and 15 ms for 1,000
    entries, against 500 and 1.8 ms inline. Bodies and word lists leave the row first instead.
    """
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE articles_searchentry ALTER COLUMN vector SET STORAGE MAIN"
        )


def drop_fts_table(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS articles_searchentry_vector_gin")


def write_entry(
    entry: SearchEntry, title_tokens: list[str], summary_tokens: list[str], body_tokens: list[str]
) -> None:
    """Put one entry's tokens into the index (drafts are taken out)."""
    title, summary, body = (
        " ".join(tokens) for tokens in (title_tokens, summary_tokens, body_tokens)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            delete = f"DELETE FROM {FTS_TABLE} WHERE rowid = %s"  # noqa: S608 constant name
            cursor.execute(delete, [entry.pk])
            if entry.published:
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, lang, title, summary, body) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s)",
                    [entry.pk, entry.language, title, summary, body],
                )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE articles_searchentry SET vector = "
                "setweight(to_tsvector('simple', %s), 'A') "
                "|| setweight(to_tsvector('simple', %s), 'B') "
                "|| setweight(to_tsvector('simple', %s), 'C') "
                "WHERE id = %s",
                [title, summary, body, entry.pk],
            )


def clear() -> None:
    """Empty the SQLite index before a full rebuild (rows of entries a test flush removed too)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 constant name


def forget_entries(entry_ids: list[int]) -> None:
    if connection.vendor == "sqlite" and entry_ids:
        with connection.cursor() as cursor:
            delete = f"DELETE FROM {FTS_TABLE} WHERE rowid = %s"  # noqa: S608
            cursor.executemany(delete, [[pk] for pk in entry_ids])


def run(groups: list, language: str, mode: str, limit: int) -> list:
    """Entry ids with their rank (higher is better) for "all" groups or "any" group, by engine
    rank alone."""
    expression = _compile(groups, mode, connection.vendor)
    if not expression:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                # constant names only; the match expression is a parameter
                f"SELECT rowid, bm25({FTS_TABLE}, {BM25_WEIGHTS}) AS r FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH %s ORDER BY r LIMIT %s",
                [f'lang : "{language}" AND ({expression})', limit],
            )
            return [(pk, -rank) for pk, rank in cursor.fetchall()]
        cursor.execute(
            "SELECT e.id, ts_rank(e.vector, q, 1) AS r "
            "FROM articles_searchentry e, to_tsquery('simple', %s) q "
            "WHERE e.language = %s AND e.published AND e.vector @@ q "
            "ORDER BY r DESC, e.id LIMIT %s",
            [expression, language, limit],
        )
        return list(cursor.fetchall())


BONUSES = (
    ("phrase", False, 1.5),
    ("any", True, 1.5),
    ("all", False, 1.0),
)  # (mode, title only, bonus)


def ranked(groups: list, language: str, limit: int) -> list:
    """Entry ids matching any group with their score, best first, in one query.

    Score: the engine's rank scaled to 0–1 (bm25 over the best match; ts_rank as r/(r+1)), plus a
    bonus for the typed phrase, for a title match and for matching every group.
    """
    vendor = connection.vendor
    expression = _compile(groups, "any", vendor)
    if not expression:
        return []
    bonuses = []
    for mode, title_only, bonus in BONUSES:
        compiled = (
            _compile(groups, mode, vendor, title_only) if mode != "all" or len(groups) > 1 else ""
        )
        bonuses.append((compiled, bonus, title_only))
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            terms, params = [], [f'lang : "{language}" AND ({expression})']
            for compiled, bonus, title_only in bonuses:
                if compiled:
                    compiled = f"title : ({compiled})" if title_only else compiled
                    subquery = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
                    terms.append(f"{bonus} * (id IN ({subquery}))")
                    params.append(f'lang : "{language}" AND ({compiled})')
            bonus_sql = " + ".join(terms) or "0"
            cursor.execute(
                # constant names only; every match expression is a parameter
                "WITH m AS MATERIALIZED "  # noqa: S608
                f"(SELECT rowid AS id, -bm25({FTS_TABLE}, {BM25_WEIGHTS}) AS r "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
                f"SELECT id, coalesce(r / (SELECT max(r) FROM m), 0) + {bonus_sql} AS score FROM m "
                "ORDER BY score DESC, id LIMIT %s",
                [*params, limit],
            )
            return cursor.fetchall()
        terms, sources, params = [], [], [expression]
        for number, (compiled, bonus, _title_only) in enumerate(
            bonuses
        ):  # title: the :A weight labels
            if compiled:
                terms.append(f"{bonus} * (e.vector @@ b{number})::int")
                sources.append(f", to_tsquery('simple', %s) b{number}")  # parsed once, not per row
                params.append(compiled)
        bonus_sql = " + ".join(terms) or "0"
        cursor.execute(  # constant SQL pieces only; every query text is a parameter
            # normalisation 1|32: divided by 1 + log(length), then scaled into 0–1 as
            # rank / (rank + 1)
            f"SELECT e.id, ts_rank(e.vector, q, 33) + {bonus_sql} AS score "  # noqa: S608
            f"FROM articles_searchentry e, to_tsquery('simple', %s) q{''.join(sources)} "
            "WHERE e.language = %s AND e.published AND e.vector @@ q "
            "ORDER BY score DESC, e.id LIMIT %s",
            [*params, language, limit],
        )
        return [(pk, float(score or 0)) for pk, score in cursor.fetchall()]


def _compile(groups: list, mode: str, vendor: str, title_only: bool = False) -> str:
    sqlite = vendor == "sqlite"
    and_, or_ = (" AND ", " OR ") if sqlite else (" & ", " | ")
    weight = "A" if title_only else ""

    def token(text: str, prefix: bool = False) -> str:
        if sqlite:
            return f'"{text}"' + (" *" if prefix else "")
        label = ("*" if prefix else "") + weight
        return f"'{text}'" + (f":{label}" if label else "")

    def alternative(kind: str, tokens: list[str]) -> str:
        if kind == "prefix":
            return token(tokens[0], prefix=True)
        if kind == "phrase" and len(tokens) > 1:
            if sqlite:
                return '"' + " ".join(tokens) + '"'
            return "(" + " <-> ".join(token(t) for t in tokens) + ")"
        return "(" + and_.join(token(t) for t in tokens) + ")"

    if mode == "phrase":
        literal = [group[0][1][0] for group in groups if group and group[0][0] == "word"]
        if len(literal) < 2 or len(literal) != len(groups):
            return ""
        return alternative("phrase", literal)
    parts = []
    for group in groups:
        if group:
            parts.append("(" + or_.join(alternative(kind, tokens) for kind, tokens in group) + ")")
    if not parts:
        return ""
    return (and_ if mode == "all" else or_).join(parts)

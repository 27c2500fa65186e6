"""Search through an index, on both databases, over the normalized copies the models keep (core.text).

Every `search_text` column (code, names, titles) is searched for a substring: SQLite through an FTS5 table with the
trigram tokenizer, PostgreSQL through a pg_trgm GIN index serving LIKE. Every `match_text` column (what the
duplicate check compares: the title on its first line, then the content) is searched for words and phrases ranked
by relevance over its first line, the title, for any two consecutive words of another title: SQLite through a
contentless FTS5 table of the titles' words (bm25), PostgreSQL through a GIN index of a text-search vector of each
title's words and pairs of consecutive words, kept in a generated column (ts_rank). Over the whole text nearly every
word is a common one, and so are a title's trigrams: an index of those selected most rows and left the database to
rank them one by one (SQLite 260 ms at 100,000 applications, PostgreSQL 1.8 s). SQLite's tables are kept in sync by
triggers, so any insert, update or delete (ORM or bulk `insert()`) reaches them; PostgreSQL's are plain indexes (and
that column).
They are created with the tables (db.create_all(), through the metadata's events) and by migration 0011_search.
"""

import itertools
import re

from sqlalchemy import ColumnElement, Select, cast, column, event, false, func, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Connection

from core.extensions import Base, db
from core.text import like_pattern, normalize_search

# The indexed columns and, for SQLite, the FTS5 tokenizer of each: substrings of search_text, words of match_text.
TOKENIZERS = {"search_text": "trigram", "match_text": "unicode61"}
SHORTEST_INDEXED = 3  # a trigram index cannot serve a shorter term: it is searched with LIKE
# What PostgreSQL's GIN index of a column holds, and with which operator class: search_text's trigrams, the text-search
# vector of match_text's first line. That vector is a stored column of its own (WORDS), which the models do not
# declare (ranking reads each candidate's vector, which computed from the text cost 70 ms at 100,000 applications).
# It holds the title's words (runs of [a-z0-9] of the normalized text) and each two consecutive words as one lexeme,
# 'thanh_long': two words in order are one entry of the index, which answers alone, where a phrase of two words was
# rechecked row by row (10,531 rows read to keep 1,176 titles sharing two common words, 35-55 ms).
WORDS = "match_words"
PG_INDEXED = {"search_text": "{column} gin_trgm_ops", "match_text": WORDS}
_TITLE_WORDS = "trim(regexp_replace(split_part({column}, E'\\n', 1), '[^a-z0-9]+', ' ', 'g'))"
_PAIRED = "regexp_replace({words}, '([a-z0-9]+) ([a-z0-9]+)', '\\1_\\2', 'g')"  # 'a b c d' -> 'a_b c_d'
_WORD = re.compile("[a-z0-9]+")


def pg_words(column: str) -> str:
    """The expression of the stored vector of a title: its words, the pairs from the first word and the pairs from
    the second ('a b c d': a b c d a_b c_d b_c d)."""
    words = _TITLE_WORDS.format(column=column)
    from_second = f"substr({words}, strpos({words}, ' ') + 1)"
    joined = f"{words} || ' ' || {_PAIRED.format(words=words)} || ' ' || {_PAIRED.format(words=from_second)}"
    return f"array_to_tsvector(array_remove(string_to_array({joined}, ' '), ''))"


def _title_lexemes(words: list[str]) -> list[str]:
    """What a title's pairs of consecutive words are in PostgreSQL's vector ('thanh_long'); a title of one word, that
    word."""
    found = _WORD.findall(" ".join(words))
    return [f"{first}_{second}" for first, second in itertools.pairwise(found)] or found


# What SQLite's FTS table of a column holds, of the row `{row}` (new, old, or the table when filled). search_text's is
# an external-content table (the column itself); match_text's is contentless: its title alone.
SQLITE_INDEXED = {
    "search_text": "{row}.{column}",
    "match_text": "substr({row}.{column}, 1, instr({row}.{column} || char(10), char(10)) - 1)",
}


def fts_name(table_name: str, column_name: str) -> str:
    """The name of the SQLite FTS5 table indexing a column."""
    return f"fts_{table_name}_{column_name}"


def trgm_index_name(table_name: str, column_name: str) -> str:
    """The name of a PostgreSQL trigram index of a column (match_text's until 0014_title_words)."""
    return f"ix_{table_name}_{column_name}_trgm"


def pg_index_name(table_name: str, column_name: str) -> str:
    """The name of the PostgreSQL GIN index of a column: trigrams, or words for match_text."""
    return (
        f"ix_{table_name}_{column_name}_words"
        if column_name == "match_text"
        else trgm_index_name(table_name, column_name)
    )


def create_statements(dialect: str, table_name: str, column_name: str) -> list[str]:
    """The DDL that indexes a table's column: an FTS table, its triggers and its filling on SQLite; a GIN index on
    PostgreSQL, of the generated vector of the titles' words for match_text."""
    if dialect == "postgresql":
        indexed = PG_INDEXED[column_name].format(column=column_name)
        create = (
            f"CREATE INDEX IF NOT EXISTS {pg_index_name(table_name, column_name)} ON {table_name} USING gin ({indexed})"
        )
        if column_name != "match_text":
            return [create]
        words = pg_words(column_name)
        return [
            f"ALTER TABLE {table_name} ADD COLUMN IF NOT EXISTS {WORDS} tsvector GENERATED ALWAYS AS ({words}) STORED",
            create,
        ]
    # The names are the models' own tables and columns, never input.
    fts = fts_name(table_name, column_name)
    indexed = SQLITE_INDEXED[column_name].format(column=column_name, row="{row}")
    content = f"content='{table_name}', content_rowid='id'" if indexed == "{row}." + column_name else "content=''"
    forget = f"INSERT INTO {fts}({fts}, rowid, {column_name}) VALUES ('delete', old.id, {indexed.format(row='old')});"  # noqa: S608
    learn = f"INSERT INTO {fts}(rowid, {column_name}) VALUES (new.id, {indexed.format(row='new')});"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column_name}, {content}, "
        f"tokenize='{TOKENIZERS[column_name]}')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table_name} BEGIN {learn} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table_name} BEGIN {forget} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {column_name} ON {table_name} "
        f"BEGIN {forget} {learn} END",
        # Filled afresh (also when it existed, as after a table rebuilt by a migration).
        f"INSERT INTO {fts}({fts}) VALUES ('delete-all')",  # noqa: S608
        f"INSERT INTO {fts}(rowid, {column_name}) SELECT id, {indexed.format(row=table_name)} FROM {table_name}",  # noqa: S608
    ]


def drop_statements(dialect: str, table_name: str, column_name: str) -> list[str]:
    """The DDL that removes a column's index (the triggers go with the FTS table's own drop on SQLite)."""
    if dialect == "postgresql":
        names = dict.fromkeys((pg_index_name(table_name, column_name), trgm_index_name(table_name, column_name)))
        drops = [f"DROP INDEX IF EXISTS {name}" for name in names]  # match_text's trigram index too (before 0014)
        return (
            [*drops, f"ALTER TABLE {table_name} DROP COLUMN IF EXISTS {WORDS}"]
            if column_name == "match_text"
            else drops
        )
    fts = fts_name(table_name, column_name)
    triggers = [f"DROP TRIGGER IF EXISTS {fts}_{kind}" for kind in ("insert", "delete", "update")]
    return [*triggers, f"DROP TABLE IF EXISTS {fts}"]


def _indexed(tables: list) -> list[tuple[str, str]]:
    return [(t.name, name) for t in tables for name in TOKENIZERS if name in t.c]


@event.listens_for(Base.metadata, "before_create")
def _extension(metadata: object, connection: Connection, **kw: object) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")


@event.listens_for(Base.metadata, "after_create")
def _create_indexes(metadata: object, connection: Connection, tables: list, **kw: object) -> None:
    for table_name, column_name in _indexed(tables):
        for statement in create_statements(connection.dialect.name, table_name, column_name):
            connection.exec_driver_sql(statement)


@event.listens_for(Base.metadata, "before_drop")
def _drop_indexes(metadata: object, connection: Connection, tables: list, **kw: object) -> None:
    for table_name, column_name in _indexed(tables):
        for statement in drop_statements(connection.dialect.name, table_name, column_name):
            connection.exec_driver_sql(statement)


def is_index_object(name: str | None, kind: str) -> bool:
    """Whether a database object is one of these indexes or their stored vectors, which the models do not declare
    (for autogenerate)."""
    name = name or ""
    return (
        (kind == "table" and name.startswith("fts_"))
        or (kind == "index" and name.endswith(("_trgm", "_words")))
        or (kind == "column" and name == WORDS)
    )


def _phrase(words: str) -> str:
    """An FTS5 string: the words searched together, a double quote inside doubled (no operator is read in it)."""
    return '"' + words.replace('"', '""') + '"'


def _sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def _indexed_term(query: str) -> str | None:
    """The normalized term that SQLite's FTS table serves (None on PostgreSQL, or for a term too short for it)."""
    term = normalize_search(query)
    return term if _sqlite() and len(term) >= SHORTEST_INDEXED else None


def _like(searched: ColumnElement, query: str) -> ColumnElement[bool]:
    return searched.like(like_pattern(query), escape="\\")


def matching_ids(attribute: object, query: str) -> Select:
    """The ids of the rows whose search column (e.g. Proposal.search_text) holds the query, diacritics and case
    ignored, through the column's index."""
    searched = attribute.expression
    term = _indexed_term(query)
    if term is not None:
        fts = fts_name(searched.table.name, searched.name)
        return select(table(fts, column("rowid")).c.rowid).where(literal_column(fts).op("MATCH")(_phrase(term)))
    return select(searched.table.c.id).where(_like(searched, query))


def contains(attribute: object, query: str) -> ColumnElement[bool]:
    """The condition that a row's search column holds the query (see matching_ids): its ids among the FTS table's
    on SQLite, the column itself on PostgreSQL, whose index serves LIKE (an IN over the same table had the planner
    join it to itself, reading all of it)."""
    searched = attribute.expression
    if _indexed_term(query) is not None:
        return searched.table.c.id.in_(matching_ids(attribute, query))
    return _like(searched, query)


def ranked_ids(attribute: object, words: list[str], limit: int, *conditions: ColumnElement[bool]) -> Select:
    """The ids of at most `limit` rows (meeting the conditions) whose match column (e.g. Proposal.match_text) has in
    its title (the first line) any two consecutive words of these, in this order, most relevant first: SQLite's
    bm25, PostgreSQL's ts_rank (which counts the pairs a title has)."""
    searched = attribute.expression
    ids = searched.table.c.id
    if _sqlite():
        pairs = [" ".join(words[i : i + 2]) for i in range(max(len(words) - 1, 1))]
        fts = table(fts_name(searched.table.name, searched.name), column("rowid"), column("rank"))
        wanted = " OR ".join(_phrase(p) for p in pairs)
        statement = select(ids).join(fts, fts.c.rowid == ids).where(literal_column(fts.name).op("MATCH")(wanted))
        return statement.where(*conditions).order_by(fts.c.rank).limit(limit)
    vector = literal_column(f"{searched.table.name}.{WORDS}")
    lexemes = _title_lexemes(words)
    wanted = cast(literal(" | ".join(lexemes)), TSQUERY)  # [a-z0-9_] only: nothing else is read in them
    statement = select(ids).where(vector.op("@@")(wanted) if lexemes else false(), *conditions)
    return statement.order_by(func.ts_rank(vector, wanted).desc(), ids).limit(limit)

"""title_words: the duplicate check's candidates are the applications whose title has two consecutive words of the
application's title, on both databases. SQLite's word index holds the titles (the first line of match_text) in a
contentless FTS5 table: over the whole text nearly every word is a common one, so the index matched most
applications and bm25 ranked them all (260 ms at 100,000 applications; 21 ms over the titles). PostgreSQL's index of
the titles' trigrams (0013) becomes a GIN index of their text-search vectors: titles share most of their trigrams, so
the trigram index selected more than half of them and word similarity compared each one (1.8 s at 100,000).

Revision ID: 0014_title_words
Revises: 0013_title_index
Create Date: 2026-12-03 06:00:00

"""

from alembic import op

from core.search import create_statements, drop_statements, trgm_index_name

# revision identifiers, used by Alembic.
revision = "0014_title_words"
down_revision = "0013_title_index"
branch_labels = None
depends_on = None

FTS = "fts_proposals_match_text"
# 0011's table: external content over the whole column, its triggers passing the column as it is.
WHOLE_TEXT = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(match_text, content='proposals', content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON proposals BEGIN "
    f"INSERT INTO {FTS}(rowid, match_text) VALUES (new.id, new.match_text); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON proposals BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, match_text) VALUES ('delete', old.id, old.match_text); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF match_text ON proposals BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, match_text) VALUES ('delete', old.id, old.match_text); "
    f"INSERT INTO {FTS}(rowid, match_text) VALUES (new.id, new.match_text); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]


TRIGRAMS = trgm_index_name("proposals", "match_text")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAMS}")
        for statement in create_statements("postgresql", "proposals", "match_text"):
            op.execute(statement)
    if op.get_bind().dialect.name == "sqlite":
        for statement in [
            *drop_statements("sqlite", "proposals", "match_text"),
            *create_statements("sqlite", "proposals", "match_text"),
        ]:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":  # 0013's index of the titles' trigrams
        for statement in drop_statements("postgresql", "proposals", "match_text"):
            op.execute(statement)
        op.execute(f"CREATE INDEX {TRIGRAMS} ON proposals USING gin ((split_part(match_text, E'\\n', 1)) gin_trgm_ops)")
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*drop_statements("sqlite", "proposals", "match_text"), *WHOLE_TEXT]:
            op.execute(statement)

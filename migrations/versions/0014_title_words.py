"""title_words: SQLite's word index for the duplicate check holds the title (the first line of match_text) in a
contentless FTS5 table, as PostgreSQL's trigram index does since 0013: over the whole text nearly every word is a
common one, so the index matched most applications and bm25 ranked them all (260 ms at 100,000 applications; 21 ms
over the titles). PostgreSQL is unchanged.

Revision ID: 0014_title_words
Revises: 0013_title_index
Create Date: 2026-12-03 06:00:00

"""

from alembic import op

from core.search import create_statements, drop_statements

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


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in [
            *drop_statements("sqlite", "proposals", "match_text"),
            *create_statements("sqlite", "proposals", "match_text"),
        ]:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*drop_statements("sqlite", "proposals", "match_text"), *WHOLE_TEXT]:
            op.execute(statement)

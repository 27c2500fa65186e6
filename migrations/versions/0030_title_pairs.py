"""PostgreSQL's stored vector of each application's title (match_words) holds each two consecutive words as one lexeme
('thanh_long') besides the words: the duplicate check's pairs of words are then entries of the GIN index, which
answers alone, where a phrase of two words was rechecked row by row (10,531 rows read to keep the 1,176 titles sharing
two common words at 100,000 applications: 35-55 ms, now a few). A generated column cannot change its expression in
place: it is dropped with its index and made again, computed for every row. Nothing changes on SQLite.

Revision ID: 0030_title_pairs
Revises: 0029_assignment_sheet_submitted
Create Date: 2026-12-07 15:10:00

"""
from alembic import op

from core.search import WORDS, create_statements, pg_index_name


# revision identifiers, used by Alembic.
revision = '0030_title_pairs'
down_revision = '0029_assignment_sheet_submitted'
branch_labels = None
depends_on = None

INDEX = pg_index_name("proposals", "match_text")
WORDS_ONLY = "to_tsvector('simple'::regconfig, split_part(match_text, E'\\n', 1))"  # the vector of 0027


def _drop():
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.execute(f"ALTER TABLE proposals DROP COLUMN IF EXISTS {WORDS}")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _drop()
        for statement in create_statements("postgresql", "proposals", "match_text"):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _drop()
        op.execute(f"ALTER TABLE proposals ADD COLUMN {WORDS} tsvector GENERATED ALWAYS AS ({WORDS_ONLY}) STORED")
        op.execute(f"CREATE INDEX {INDEX} ON proposals USING gin ({WORDS})")

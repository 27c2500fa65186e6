"""search: search and the duplicate check through indexes. On SQLite an FTS5 table per searched column (trigram
for search_text, words for match_text) kept in sync by triggers and filled from the existing rows; on PostgreSQL
the pg_trgm extension and a GIN index per column. The statements are core.search's, the ones db.create_all() runs.

Revision ID: 0011_search
Revises: 0010_results
Create Date: 2026-12-02 18:00:00

"""
from alembic import op

from core.search import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = '0011_search'
down_revision = '0010_results'
branch_labels = None
depends_on = None

COLUMNS = [
    ("users", "search_text"),
    ("organizations", "search_text"),
    ("calls", "search_text"),
    ("proposals", "search_text"),
    ("proposals", "match_text"),
    ("projects", "search_text"),
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table_name, column_name in COLUMNS:
        for statement in create_statements(dialect, table_name, column_name):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table_name, column_name in COLUMNS:
        for statement in drop_statements(dialect, table_name, column_name):
            op.execute(statement)

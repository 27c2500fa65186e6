"""The plan the database chooses for a query, for the tests that an index serves it."""

from core.extensions import db


def query_plan(statement: object) -> str:
    """The plan of a statement (a select, or SQL with its values written in), one line per step: SQLite's EXPLAIN
    QUERY PLAN, or PostgreSQL's EXPLAIN told to avoid scanning the tests' tiny tables whole (which it would rightly
    prefer) for this transaction only."""
    if isinstance(statement, str):
        sql = statement
    else:
        sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        return "\n".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    # Rendered for the driver, which reads %% as a percent sign: sent through it as is.
    return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))

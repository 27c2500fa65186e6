"""The migrations carry a database holding data up and down, and leave the schema the models describe."""

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import text

from core import create_app
from core.extensions import db
from tests.conftest import make_test_config


def _empty_database() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_and_downgrade_a_database_with_data(database_url, tmp_path):
    app = create_app(make_test_config(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads")))
    with app.app_context():
        _empty_database()
        try:
            upgrade()
            from admin.demo import seed_demo

            seed_demo()  # calls, applications in every screening state, a council scoring
            db.session.commit()
            db.session.remove()
            # Tables that others refer to (calls, proposals) are rebuilt on SQLite: foreign keys must survive.
            downgrade(revision="0002_proposals")
            upgrade()
            check()  # the schema is the models' (exits non-zero otherwise)
            assert db.session.execute(text("SELECT count(*) FROM councils")).scalar() == 0
            assert db.session.execute(text("SELECT count(*) FROM proposals")).scalar() > 0
        finally:
            db.session.remove()
            _empty_database()
            db.engine.dispose()


def test_the_ledger_migration_reproduces_every_projects_figures(database_url, tmp_path):
    """The demo's projects, taken back to before the ledger and upgraded again: their entries add up to the totals
    they had (paid, settled, decided to recover), and the figures themselves are unchanged."""
    app = create_app(make_test_config(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads")))
    figures = text("SELECT id, approved_vnd, paid_vnd, settled_vnd, recovery_vnd FROM projects ORDER BY id")
    sums = text(
        "SELECT project_id, kind, SUM(amount_vnd) FROM ledger_entries GROUP BY project_id, kind ORDER BY project_id"
    )
    with app.app_context():
        _empty_database()
        try:
            upgrade()
            from admin.demo import seed_demo

            seed_demo()
            db.session.commit()
            before = db.session.execute(figures).all()
            db.session.remove()
            downgrade(revision="0006_notifications")
            upgrade()
            assert db.session.execute(figures).all() == before and len(before) > 5
            totals = {}
            for project_id, kind, amount in db.session.execute(sums):
                totals.setdefault(project_id, {})[kind] = amount
            for project_id, approved, paid, settled, recovery in before:
                books = totals[project_id]
                assert books["commitment"] == approved
                assert books.get("payment", 0) == paid and books.get("settlement", 0) == settled
                assert books.get("recovery_decided", 0) == recovery
        finally:
            db.session.remove()
            _empty_database()
            db.engine.dispose()

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

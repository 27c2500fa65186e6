"""A database brought to the head by the migrations (not by create_all), for the tests of what they carry over."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from core import create_app
from core.extensions import db
from tests.conftest import make_test_config


def empty_database() -> None:
    """No table left, the migrations' own included."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@contextmanager
def migrated(database_url: str, tmp_path: Path, demo: bool = True) -> Iterator[Flask]:
    """An app, inside its context, on an empty database upgraded to the head and holding the demo data (unless
    demo is False); emptied again afterwards."""
    app = create_app(make_test_config(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads")))
    with app.app_context():
        empty_database()
        try:
            upgrade()
            if demo:
                from admin.demo import seed_demo

                seed_demo()
                db.session.commit()
            yield app
        finally:
            db.session.remove()
            empty_database()
            db.engine.dispose()

"""The application factory."""

import os
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from core import search  # noqa: F401 (the metadata's events create the search indexes with the tables)
from core.config import Defaults, from_environment, normalize_database_url
from core.documents import use_document_templates
from core.extensions import babel, bootstrap, cache, csrf, db, login_manager, mail, migrate
from core.security import serve_trusted_hosts_and_proxies

ROOT = Path(__file__).resolve().parent.parent


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, connection_record: object) -> None:
    """SQLite: enforce foreign keys, write-ahead log, wait instead of failing on a busy database."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, filters, error pages, CLI."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(from_environment())
    else:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'app.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set: put it in instance/config.py or the environment")
    serve_trusted_hosts_and_proxies(app)
    use_document_templates(app)

    _init_extensions(app)
    _register_packages(app)
    return app


def _init_extensions(app: Flask) -> None:
    from core.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(ROOT / "translations"))
    bootstrap.init_app(app)
    cache.init_app(app)


def _register_packages(app: Flask) -> None:
    # Domain packages are imported here only: core itself must not depend on them.
    import accounts
    import admin
    import notifications
    import policies
    import projects
    import proposals
    import reports
    import review
    from core.cli import register_cli
    from core.errors import register_error_handlers
    from core.i18n import register_filters, register_template_globals
    from core.security import register_security_headers

    register_filters(app)
    register_template_globals(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_cli(app)
    for package in (accounts, policies, proposals, review, projects, notifications, reports, admin):
        package.init_app(app)

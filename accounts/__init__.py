"""Accounts: users, roles, organizations, login and registration."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the blueprint and the user loader."""
    from accounts.models import User
    from accounts.views import bp
    from core.extensions import db, login_manager

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "warning"
    app.register_blueprint(bp)

"""Accounts: users, roles, organizations, login and registration."""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the blueprint (its login and security pages too) and the user loader, which finds the user by the
    key of a live session (accounts.sessions), first thing in each request."""
    from flask import request
    from flask_login import current_user

    from accounts import audit, security_views, signin_views  # noqa: F401 (labels registered, routes joined)
    from accounts.sessions import load_user
    from accounts.views import bp
    from core.extensions import db, login_manager

    login_manager.user_loader(load_user)

    @app.before_request
    def load_signed_in_user() -> None:
        # The loader may update the session's last activity: committed before the view does anything. Static files
        # need no user.
        if not (request.endpoint or "").endswith("static"):
            current_user._get_current_object()
            if db.session.dirty:
                db.session.commit()

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "warning"
    app.register_blueprint(bp)

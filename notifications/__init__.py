"""Notifications: who is told of what (events.py, the table), the notices kept for each person with their bell and
page, their delivery preferences and daily digest, each role's work queues on the home page, the calendar feed of
their deadlines, and the reminders run from cron.

Lower packages only emit signals; subscribers.py connects the table to them when the app starts.
"""

from importlib import import_module

from flask import Blueprint, Flask

PAGES = ("views", "home", "calendar_views")  # the modules registering pages on the blueprint below

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    """Register the pages, the CLI and the subscribers of every domain signal."""
    from notifications.cli import digest_cli, reminders_cli
    from notifications.subscribers import subscribe

    for module in PAGES:
        import_module(f"notifications.{module}")
    app.register_blueprint(bp)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(digest_cli)
    app.add_template_global(_unread_notices, "unread_notices")
    subscribe()


def _unread_notices() -> int:
    """The bell's count for the signed-in user (the header calls it only for them)."""
    from flask_login import current_user

    from notifications.services import unread_count

    return unread_count(current_user)

"""Notifications: who is told of what (events.py, the table), the notices kept for each person with their bell and
page, their delivery preferences and daily digest, each role's work queues on the home page, the calendar feed of
their deadlines, and the reminders run from cron.

Lower packages only emit signals; subscribers.py connects the table to them when the app starts.
"""

from importlib import import_module

from flask import Blueprint, Flask

PAGES: tuple[str, ...] = ("calendar_views",)  # the modules registering pages on the blueprint below

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    """Register the pages, the CLI and the subscribers of every domain signal."""
    import notifications.models  # noqa: F401
    from notifications.cli import reminders_cli

    for module in PAGES:
        import_module(f"notifications.{module}")
    app.register_blueprint(bp)
    app.cli.add_command(reminders_cli)

"""Notifications: reminders of what is due, run from cron through `flask reminders run`."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the CLI (and the model of reminders already sent)."""
    import notifications.models  # noqa: F401
    from notifications.cli import reminders_cli

    app.cli.add_command(reminders_cli)

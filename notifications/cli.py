"""`flask reminders run`: mail hosts before and after due dates, and staff about overdue items."""

import click
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Reminders of reports and dossiers due.")


@reminders_cli.command("run")
def run_command() -> None:
    """Queue today's reminders in the outbox (each at most once)."""
    from core.extensions import db
    from notifications.reminders import run_reminders

    counts = run_reminders()
    db.session.commit()
    click.echo(f"reminders queued: {counts}")

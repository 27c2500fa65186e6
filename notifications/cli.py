"""`flask reminders run`: refresh the projects' stored health for the day, mail hosts before and after due dates,
and staff about overdue items."""

import click
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Reminders of reports and dossiers due.")


@reminders_cli.command("run")
def run_command() -> None:
    """Store today's health of the running projects (the time passing), then queue today's reminders in the outbox
    (each at most once); last, SQLite's statistics for its planner."""
    from core.extensions import db, refresh_statistics
    from notifications.reminders import run_reminders
    from projects.portfolio.stored import refresh_open_health

    changed = refresh_open_health()
    db.session.commit()
    counts = run_reminders()
    db.session.commit()
    refresh_statistics()
    db.session.commit()
    click.echo(f"projects whose health changed: {changed}; reminders queued: {counts}")


digest_cli = AppGroup("notifications", help="Notices kept for each person and their daily digest.")


@digest_cli.command("digest")
def digest_command() -> None:
    """Queue today's digest mails in the outbox (one per person and day)."""
    from core.extensions import db
    from notifications.digest import send_digests

    mails = send_digests()
    db.session.commit()
    click.echo(f"digests queued: {mails}")

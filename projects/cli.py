"""`flask projects refresh-health`: the stored health of every running project, for the time passing (also run
daily by `flask reminders run`)."""

import click
from flask.cli import AppGroup

projects_cli = AppGroup("projects", help="Funded projects.")


@projects_cli.command("refresh-health")
def refresh_health_command() -> None:
    """Store today's health of every project whose execution is not over."""
    from core.extensions import db
    from projects.portfolio.stored import refresh_open_health

    changed = refresh_open_health()
    db.session.commit()
    click.echo(f"projects whose health changed: {changed}")

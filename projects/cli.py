"""`flask projects refresh-health`: the stored health of every running project, for the time passing (also run
daily by `flask reminders run`); `flask projects refresh-sums`: the monitoring page's sums, after a bulk load."""

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


@projects_cli.command("refresh-sums")
def refresh_sums_command() -> None:
    """Sum the money of every group of projects again (the services keep the sums; a bulk load does not)."""
    from sqlalchemy import func, select

    from core.extensions import db
    from projects.portfolio.models import PortfolioSum
    from projects.portfolio.sums import refresh_sums

    refresh_sums()
    db.session.commit()
    click.echo(f"groups of projects summed: {db.session.scalar(select(func.count()).select_from(PortfolioSum))}")

"""Commands of the review package: `flask review refresh-results` and `flask review build-exports`."""

import click
from flask.cli import AppGroup

from core.extensions import db
from review.results.export import build_export, pending_exports
from review.results.store import refresh_all_results, refresh_council

review_cli = AppGroup("review", help="Review councils.")


@review_cli.command("refresh-results")
@click.option("--council", "council_id", type=int, default=None, help="Only this council (by id).")
def refresh_results(council_id: int | None) -> None:
    """Recompute the stored results of every council (or of one) from its sheets, after a bulk load or an upgrade."""
    if council_id is not None:
        refresh_council(council_id)
        count = 1
    else:
        count = refresh_all_results()
    db.session.commit()
    click.echo(f"councils refreshed: {count}")


@review_cli.command("build-exports")
def build_exports() -> None:
    """Build the councils' Excel exports asked for since their results changed (schedule it every minute, as the
    outbox: a large council's export is built here, not in the request)."""
    built = 0
    for stored in pending_exports():
        build_export(stored)
        db.session.commit()
        built += 1
    click.echo(f"exports built: {built}")

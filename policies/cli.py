"""`flask policies load`: load the reference data."""

import click
from flask.cli import AppGroup

from core.extensions import db
from policies.loader import load_reference_data

policies_cli = AppGroup("policies", help="Policy regimes, categories, sectors, score sheets and evaluation rules.")


@policies_cli.command("load")
def load() -> None:
    """Insert the reference data of policies/data that is missing (idempotent) and print what was added."""
    added = load_reference_data()
    db.session.commit()
    click.echo(", ".join(f"{name}: +{count}" for name, count in added.items()))

"""`flask open-data build`: the open data's three files built for the data as it stands (schedule it, as `review
build-exports`, so that the first visitor after a change does not wait while 20,000 grants are written)."""

import click
from flask.cli import AppGroup

open_data_cli = AppGroup("open-data", help="The funded projects as open data (360Giving).")


@open_data_cli.command("build")
def build_open_data() -> None:
    """Build the JSON, CSV and Excel files of the open data unless they are stored for the data as it is."""
    from reports.open_data import OPEN_DATA_TYPES, stored_file

    for form in OPEN_DATA_TYPES:
        click.echo(f"{form}: {stored_file(form).name}")

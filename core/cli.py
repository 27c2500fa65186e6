"""Command-line entry points of core: `flask outbox send`."""

import click
from flask import Flask
from flask.cli import AppGroup

from core.outbox import deliver_due

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
def send_outbox() -> None:
    """Deliver due mails (run from cron)."""
    report = deliver_due()
    click.echo(f"sent {report.sent}, retry later {report.retried}, dead {report.dead}")


def register_cli(app: Flask) -> None:
    """Attach core's command groups."""
    app.cli.add_command(outbox_cli)

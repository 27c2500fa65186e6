"""Policies: regimes, support categories, conditions, sectors and priority items, calls."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint and the `flask policies` commands."""
    from policies.cli import policies_cli
    from policies.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(policies_cli)

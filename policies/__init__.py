"""Policies: regimes, support categories, conditions, sectors and priority items, calls."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint, the `flask policies` commands and the names of its records in the audit log."""
    from policies import audit  # noqa: F401 (names its records and actions in the audit log)
    from policies.cli import policies_cli
    from policies.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(policies_cli)

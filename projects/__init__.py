"""Funded projects: contract, tranches, periodic reports, inspections, adjustments, acceptance, closing, health."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint with the pages of every module."""
    from projects import acceptance_views, contract_views, fixed_views, follow_views, portfolio_views  # noqa: F401
    from projects.views import bp

    app.register_blueprint(bp)

"""Proposals: the application (hồ sơ) from draft to screening."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint."""
    from proposals.views import bp

    app.register_blueprint(bp)

"""Proposals: the application (hồ sơ) from draft to screening."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint and the names of its records in the audit log."""
    from proposals import audit  # noqa: F401 (names its records and actions in the audit log)
    from proposals.views import bp

    app.register_blueprint(bp)

"""Review: councils, conflicts of interest, score sheets, aggregation, ranking, minutes and decisions."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint."""
    from review.staff_views import bp

    app.register_blueprint(bp)

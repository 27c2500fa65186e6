"""Administration: users and roles, reference data, agency settings; one blueprint guarded in one place."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the admin blueprint and the demo-data command."""
    from admin import holidays  # noqa: F401 (registers the public holidays' views on the blueprint)
    from admin.demo import seed_demo_command
    from admin.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(seed_demo_command)

"""Reports: read-only views over every other package (it writes nothing). For now the department's ledger (ledger.py)
and the staff lists as files staff can work in (exports.py: the application queue and the project monitoring, and
the ledger, in Excel and CSV, with the page's filters); dashboards, the public pages of what was funded and open
data come here too.

Its pages are on the one blueprint `reports`, registered by init_app."""

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__)


def init_app(app: Flask) -> None:
    """Register the blueprint with its pages."""
    from reports import views  # noqa: F401

    app.register_blueprint(bp)

"""Domain errors and the error pages (400/403/404/409/413/500) in the user's language."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError


class DomainError(Exception):
    """A business rule refused the action; the message is shown to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleObjectError(DomainError):
    """Somebody else saved the record after this form was loaded; `record` is that record, whose version re-arms the
    form once the user has seen what changed."""

    def __init__(self, message: str, field: str | None = None, record: object | None = None) -> None:
        super().__init__(message, field)
        self.record = record


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("The record was changed by someone else. Reload it and try again.")),
    413: (
        _l("File too large"),
        _l("The file or form you sent is larger than the allowed size. Please send a smaller file."),
    ),
    500: (
        _l("Server error"),
        _l("Something went wrong on our side. The error has been logged; please try again later."),
    ),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the error page for an HTTP status code."""
    title, message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    """Install the translated error pages."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, str(_l("The form has expired or is invalid. Go back, reload the page and submit again."))
        )

    @app.errorhandler(StaleDataError)
    def stale_data(error: StaleDataError) -> tuple[str, int]:
        # Two saves raced past the form's version check: the database's version column refused the second.
        from core.extensions import db

        db.session.rollback()
        return render_error(409)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int, dict]:
        # A Host header outside TRUSTED_HOSTS: no URL can be built for that request, so no page with links either.
        return str(ERROR_TEXTS[400][1]), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_error(code if code in ERROR_TEXTS else 400)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error: %s", error)
        from core.extensions import db

        db.session.rollback()
        return render_error(500)

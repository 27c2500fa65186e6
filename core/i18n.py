"""Language selection and the template filters for money, dates and bilingual reference data."""

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

from core import formatting


def select_locale() -> str:
    """The user's saved language, else the session's choice, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and workers: the default, unless force_locale says otherwise
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def localized(obj: object, field: str) -> str:
    """obj.<field>_en in English when it is filled, else the Vietnamese obj.<field>."""
    if str(get_locale()) == "en":
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, field) or ""


@pass_context
def format_points(context: Context, value: object) -> str:
    """Points with the decimal separator of the reader's language: the one the template is rendered in (read once
    per rendering by inject below; a macro imported without context asks flask_babel)."""
    language = context.get("current_locale") or str(get_locale() or "vi")
    return formatting.format_points(value, decimal_comma=language == "vi")


def register_filters(app: Flask) -> None:
    """Template filters: money, amount, points, date, datetime, long_date, tr, status_label."""
    app.add_template_filter(formatting.format_money, "money")
    app.add_template_filter(format_points, "points")
    app.add_template_filter(formatting.format_date, "date")
    app.add_template_filter(formatting.format_datetime, "datetime")
    app.add_template_filter(formatting.format_long_date, "long_date")
    app.add_template_filter(formatting.format_amount, "amount")
    app.add_template_filter(localized, "tr")
    app.add_template_filter(_status_label_filter, "status_label")


def register_template_globals(app: Flask) -> None:
    """Every template sees the agency settings and the current language."""
    from core.models import AgencySettings

    @app.context_processor
    def inject() -> dict:
        return {"agency": AgencySettings.current(), "current_locale": str(get_locale())}


STATUS_LABELS: dict[str, object] = {}


def register_status_labels(kind: str, labels: dict[str, object]) -> None:
    """Let a package declare the translated labels of one kind of record's states."""
    STATUS_LABELS.update({f"{kind}:{state}": label for state, label in labels.items()})


def status_label(status: str | None, kind: str) -> str:
    """The translated label of a state of a kind of record: {{ call.status|status_label('call') }}."""
    return str(STATUS_LABELS.get(f"{kind}:{status}", status or ""))


_RENDERED_LABELS: dict[tuple[str, str, str | None], str] = {}


@pass_context
def _status_label_filter(context: Context, status: str | None, kind: str) -> str:
    """status_label for templates, each label translated once per language (a record of thousands of rows repeats
    a handful of them); a macro imported without context asks flask_babel each time."""
    language = context.get("current_locale")
    if language is None:
        return status_label(status, kind)
    key = (language, kind, status)
    if key not in _RENDERED_LABELS:
        _RENDERED_LABELS[key] = status_label(status, kind)
    return _RENDERED_LABELS[key]

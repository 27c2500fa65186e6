"""Reports: read-only views over every other package (it writes nothing):

- public.py     the public list of funded projects and a page per project;
- open_data.py  the same projects as open data in the 360Giving Data Standard (JSON, CSV, Excel);
- dashboard.py  the staff and leaders' dashboard and the public statistics, drawn by charts.py;
- lists.py      the department's lists across every project: the ledger of their money, the tranches (payments
                and settlements) and the periodic reports;
- exports.py    the staff lists (application queue, project monitoring; lists.py has its own) in Excel and CSV
                with the filters of their page, written by core.spreadsheets;
- cli.py        `flask open-data build`, the open data's files built ahead of their first visitor.

Its pages are on the one blueprint `reports`, registered by init_app."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import Blueprint, Flask
from flask_babel import get_locale
from sqlalchemy import ColumnElement, Select, func, select

from core.extensions import cache, db
from core.formatting import local_today, utcnow

bp = Blueprint("reports", __name__)


def date_span(column: ColumnElement) -> Select:
    """The first and the last value of a column, as two subqueries: each reads one end of the column's index, where
    min and max side by side would have the table scanned."""
    return select(select(func.min(column)).scalar_subquery(), select(func.max(column)).scalar_subquery())


def years_of(column: ColumnElement) -> list[int]:
    """Every year from the latest to the earliest value of a column of years or of dates (a year filter's choices)."""
    first, last = db.session.execute(date_span(column)).one()
    if first is None:
        return []
    first, last = (getattr(value, "year", value) for value in (first, last))
    return list(range(last, first - 1, -1))


def in_year(statement: Select, dated: ColumnElement, year: int | None) -> Select:
    """The rows whose date falls in the year (a year filter's condition; every row when no year is chosen)."""
    if not year:
        return statement
    return statement.where(dated >= date(year, 1, 1), dated < date(year + 1, 1, 1))


@dataclass(frozen=True)
class Kept:
    """Figures as they were computed at a moment (they are kept CACHE_DEFAULT_TIMEOUT seconds)."""

    figures: object
    at: datetime


def kept(name: str, filters: object, compute: Callable[[], object]) -> Kept:
    """The figures of a page for its filters, in the reader's language and as of today: those computed in the last
    CACHE_DEFAULT_TIMEOUT seconds, else computed now and kept (a chart is a grouped scan that grows with the data;
    a page read every few seconds by the department should not repeat it)."""
    key = f"reports:{name}:{get_locale()}:{local_today().isoformat()}:{filters!r}"
    found = cache.get(key)
    if found is None:
        found = Kept(compute(), utcnow())
        cache.set(key, found)
    return found


def init_app(app: Flask) -> None:
    """Register the blueprint with its pages."""
    from reports import views  # noqa: F401
    from reports.cli import open_data_cli

    app.register_blueprint(bp)
    app.cli.add_command(open_data_cli)

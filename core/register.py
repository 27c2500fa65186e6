"""The document register (sổ đăng ký văn bản): the numbers the department gives the documents it signs.

A number reads `<n>/<series>` (123/QĐ-SKHCN) or `<n>/<year>/<series>` (12/2026/HĐ-KHCN). The numbers of a series
start again each year, so a number is unique within its series and year, across every kind of document drawing on
the series: approval, batch and recovery decisions all take theirs from QĐ-SKHCN. A number typed in another form (a
reference of another authority's register, say) is unique as it is typed.

Each record keeps its number in its own column; the service that saves the number claims it here first, and gets a
refusal naming the document that already holds it. The register also suggests a kind's next number: the next in the
series its last number was drawn from (or the agency's own series for a first one), in the current year."""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from wtforms import Field

from core.errors import DomainError
from core.extensions import db
from core.formatting import local_today
from core.models import AgencySettings, RegisteredNumber

# The kinds of numbered documents, with the series a first number of each is drawn from (the agency's suffix put in)
# and whether that series writes the year into the number.
SUBJECTS = {
    "decision": (_l("an approval decision"), "QĐ-{suffix}", False),
    "batch_decision": (_l("a batch decision"), "QĐ-{suffix}", False),
    "recovery": (_l("a recovery decision"), "QĐ-{suffix}", False),
    "contract": (_l("a contract"), "HĐ-KHCN", True),
    "liquidation": (_l("a liquidation record"), "BB-{suffix}", False),
}
NUMBER = re.compile(r"(\d+)/(?:(\d{4})/)?(\D.*)")


def parse_number(number: str, dated: date) -> tuple[int, str, int | None, bool]:
    """(year, series, place in the series or None, whether the year is written in the number) of a number dated on a
    day; spaces and the letters' case do not count, nor the zeros before the place (007/QĐ-SKHCN is 7/QĐ-SKHCN)."""
    compact = re.sub(r"\s+", "", number).upper()
    match = NUMBER.fullmatch(compact)
    if match is None:
        return dated.year, compact, None, False
    place, year, series = match.groups()
    return (int(year) if year else dated.year), series, int(place), year is not None


def claim(subject: str, subject_id: int, number: str, dated: date, field: str) -> None:
    """Give the record its number in the register, in place of the one it held; refused (at the form's `field`) when
    another record holds the number in its year."""
    year, series, place, _dated = parse_number(number, dated)
    same = RegisteredNumber.sequence.is_(None) if place is None else RegisteredNumber.sequence == place
    holder = db.session.execute(
        select(RegisteredNumber).where(RegisteredNumber.year == year, RegisteredNumber.series == series, same)
    ).scalar()
    if holder is not None and (holder.subject, holder.subject_id) != (subject, subject_id):
        raise DomainError(
            _(
                "Number %(number)s of %(year)s was already given to %(document)s; the next free number is %(next)s.",
                number=holder.number,
                year=year,
                document=SUBJECTS[holder.subject][0],
                next=next_number(subject, date(year, 1, 1)),
            ),
            field,
        )
    row = _held(subject, subject_id) or RegisteredNumber(subject=subject, subject_id=subject_id)
    row.year, row.series, row.sequence, row.number = year, series, place, number.strip()
    db.session.add(row)
    db.session.flush()


def release(subject: str, subject_id: int) -> None:
    """The record's number goes back to the register (a decision that was not signed)."""
    row = _held(subject, subject_id)
    if row is not None:
        db.session.delete(row)


def next_number(subject: str, on: date | None = None) -> str:
    """The number the register suggests for a new document of the kind, dated today (or in the year of `on`)."""
    year = (on or local_today()).year
    others = aliased(RegisteredNumber)
    top = select(func.max(others.sequence)).where(others.year == year, others.series == RegisteredNumber.series)
    last = db.session.execute(
        select(RegisteredNumber.number, RegisteredNumber.year, top.scalar_subquery())
        .where(RegisteredNumber.subject == subject, RegisteredNumber.sequence.is_not(None))
        .order_by(RegisteredNumber.id.desc())
        .limit(1)
    ).first()
    width = 1
    if last is not None:
        _year, series, _place, dated = parse_number(last.number, date(last.year, 1, 1))
        place = (last[2] or 0) + 1
        digits = re.match(r"\s*(\d+)", last.number).group(1)
        width = len(digits) if digits.startswith("0") else 1  # the zeros the series writes: 004 → 005
    else:  # the kind's first number: the agency's own series, which another kind may have drawn from already
        _name, pattern, dated = SUBJECTS[subject]
        series = pattern.format(suffix=AgencySettings.current().document_suffix).upper()
        top = select(func.max(RegisteredNumber.sequence)).where(
            RegisteredNumber.year == year, RegisteredNumber.series == series
        )
        place = (db.session.execute(top).scalar() or 0) + 1
    return f"{place:0{width}d}/{year}/{series}" if dated else f"{place:0{width}d}/{series}"


def suggest(field: Field, subject: str) -> None:
    """An empty number field of a form given the kind's next number (the user may type another)."""
    if not field.data:
        field.data = next_number(subject)


def _held(subject: str, subject_id: int) -> RegisteredNumber | None:
    return db.session.execute(
        select(RegisteredNumber).where(RegisteredNumber.subject == subject, RegisteredNumber.subject_id == subject_id)
    ).scalar()

"""The council's ranking with every score, as an Excel workbook: openpyxl's write-only mode (with lxml, its
streaming writer) fed from the stored rows in batches, saved to a temporary file, so memory stays flat whatever the
size of the call.

Writing 11,000 applications and their 99,000 sheets takes 42 s, longer than a request may, so the workbook is
stored per council and language (CouncilExport) and served while the results are at the revision it was built
from. A council of up to EXPORT_INLINE_APPLICATIONS builds it within the request; a larger one's request records
that it was asked for, and `flask review build-exports` (scheduled every minute, as the outbox) builds it then. A
chair kept from some application gets a workbook of their own, built within the request and never stored."""

import os
import shutil
from collections.abc import Iterator
from functools import cache
from typing import IO

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts.models import User
from core.extensions import db
from core.formatting import utcnow
from core.i18n import localized, status_label
from core.spreadsheets import Column, Listing, workbook
from proposals.files import stored_path
from review.councils.models import Council
from review.councils.queries import load_council
from review.results.aggregation import hides_applications, result_rows, streamed_results
from review.results.models import CouncilExport, CouncilResult


def results_workbook(council: Council, viewer: User | None) -> IO[bytes]:
    """Sheet 1: the ranking (one row per application); sheet 2: every member's scores per criterion
    (core.spreadsheets: a title row, a frozen header with its filter, points and money as numbers). Returns the
    file, at its start."""
    found = streamed_results(council, viewer)
    criteria = [Column(localized(c, "name"), "number", 12) for c in found.criteria]
    points = [_("Mean"), _("Median"), _("Minimum"), _("Maximum"), _("Standard deviation")]
    ranking_columns = [
        Column(_("Rank"), "integer", 6),
        Column(_("Code"), width=18),
        Column(_("Title"), width=50),
        Column(_("Organization"), width=36),
        Column(_("Sheets received"), "integer", 10),
        Column(_("Sheets expected"), "integer", 10),
        *[Column(title, "number", 10) for title in points],
        *criteria,
        Column(_("Support requested (VND)"), "money", 18),
        Column(_("Outcome"), width=20),
        Column(_("Why not passed"), width=40),
    ]

    def ranking_rows() -> Iterator[list]:
        for row in found.rows:
            agg = row.aggregate
            yield [
                row.rank,
                row.proposal.reference_code,
                row.proposal.title,
                row.proposal.organization.name,
                agg.received,
                agg.expected,
                *[_number(v) for v in (agg.mean, agg.median, agg.minimum, agg.maximum, agg.stdev)],
                *[_number(mean) for mean in row.criterion_means],
                row.proposal.support_total_vnd,
                status_label(row.outcome, "outcome"),
                "; ".join(row.reasons),
            ]

    score_columns = [
        Column(_("Code"), width=18),
        Column(_("Member"), width=30),
        Column(_("Council role"), width=20),
        *criteria,
        Column(_("Total"), "number", 10),
        Column(_("Recommendation"), width=20),
        Column(_("Counted"), width=14),
    ]
    counted, absent = _("yes"), _("no (absent)")
    # A member's name and role, and a recommendation's label, are looked up once, not once per score row.
    seat_cells = cache(lambda seat: (seat.user.full_name, status_label(seat.role, "council_role")))
    advice = cache(lambda recommendation: status_label(recommendation, "recommendation"))

    def score_rows() -> Iterator[list]:
        for row in result_rows(council, viewer, with_sheets=True):
            for item in row.sheets:
                yield [
                    row.proposal.reference_code,
                    *seat_cells(item.member),
                    *[_number(item.points.get(c.id)) for c in found.criteria],
                    _number(item.total),
                    advice(item.recommendation),
                    counted if item.counted else absent,
                ]

    title = f"{council.name} ({council.call.code})"
    return workbook(
        Listing(title, [], ranking_columns, ranking_rows(), sheet=_("Ranking")),
        Listing(title, [], score_columns, score_rows(), sheet=_("Scores")),
    )


def _number(value: object) -> float | None:
    return None if value is None else float(value)


def export_file(council: Council, viewer: User) -> IO[bytes] | None:
    """The viewer's export of the council in their language: the stored one while current, else built now when the
    council is small enough (and stored); None when it is to be built by the scheduled job (the request is
    recorded for it)."""
    if hides_applications(council, viewer):
        return results_workbook(council, viewer)
    language = str(get_locale())
    stored = _stored(council.id, language)
    current = stored.revision is not None and stored.revision == _revision(council.id)
    if current and stored.stored_name and stored_path(stored.stored_name).exists():  # a lost file is built again
        return stored_path(stored.stored_name).open("rb")
    applications = select(func.count()).where(CouncilResult.council_id == council.id)
    if db.session.execute(applications).scalar() <= current_app.config["EXPORT_INLINE_APPLICATIONS"]:
        build_export(stored)
        return stored_path(stored.stored_name).open("rb")
    stored.requested_at = utcnow()
    return None


def pending_exports() -> list[CouncilExport]:
    """The stored exports asked for since their results last changed, for the scheduled job."""
    revision = select(Council.results_revision).where(Council.id == CouncilExport.council_id).scalar_subquery()
    stale = CouncilExport.revision.is_(None) | (CouncilExport.revision != revision)
    asked = CouncilExport.built_at.is_(None) | (CouncilExport.requested_at > CouncilExport.built_at)
    return list(db.session.execute(select(CouncilExport).where(stale, asked).order_by(CouncilExport.id)).scalars())


def build_export(stored: CouncilExport) -> None:
    """Build the export in its language from the results as they are now, store it under a new name and forget the
    one it replaces (a response still sending it keeps its open file)."""
    revision = _revision(stored.council_id)
    with force_locale(stored.language):
        workbook = results_workbook(load_council(stored.council_id), None)
    name = f"export-{stored.council_id}-{stored.language}-{revision}.xlsx"
    partial = stored_path(name + ".part")
    with workbook, partial.open("wb") as target:
        shutil.copyfileobj(workbook, target)
    os.replace(partial, stored_path(name))
    replaced = stored.stored_name
    stored.revision, stored.built_at, stored.stored_name = revision, utcnow(), name
    stored.size = stored_path(name).stat().st_size
    db.session.flush()
    if replaced and replaced != name:
        stored_path(replaced).unlink(missing_ok=True)


def _stored(council_id: int, language: str) -> CouncilExport:
    """The council's stored export in the language, recorded as asked for now when it is the first time."""
    query = select(CouncilExport).where(CouncilExport.council_id == council_id, CouncilExport.language == language)
    found = db.session.execute(query).scalar()
    if found is None:
        found = CouncilExport(council_id=council_id, language=language, requested_at=utcnow())
        db.session.add(found)
        db.session.flush()
    return found


def _revision(council_id: int) -> int:
    return db.session.execute(select(Council.results_revision).where(Council.id == council_id)).scalar_one()

"""The council's ranking with every score, as an Excel workbook: openpyxl's write-only mode (with lxml, its
streaming writer) fed from the stored rows in batches, saved to a temporary file the response then sends in
chunks, so memory stays flat whatever the size of the call."""

from functools import cache
from tempfile import SpooledTemporaryFile
from typing import IO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accounts.models import User
from core.i18n import localized, status_label
from review.councils.models import Council
from review.results.aggregation import result_rows, streamed_results

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 1 << 20  # a small workbook stays in memory, a large one goes to disk


def results_workbook(council: Council, viewer: User | None) -> IO[bytes]:
    """Sheet 1: the ranking (one row per application); sheet 2: every member's scores per criterion. Returns the
    file, at its start."""
    found = streamed_results(council, viewer)
    book = Workbook(write_only=True)  # each sheet is written to disk as it is appended
    criteria = [localized(c, "name") for c in found.criteria]
    ranking = book.create_sheet(_("Ranking")[:31])
    _header(
        ranking,
        [
            _("Rank"),
            _("Code"),
            _("Title"),
            _("Organization"),
            _("Sheets received"),
            _("Sheets expected"),
            _("Mean"),
            _("Median"),
            _("Minimum"),
            _("Maximum"),
            _("Standard deviation"),
            *criteria,
            _("Support requested (VND)"),
            _("Outcome"),
            _("Why not passed"),
        ],
    )
    for row in found.rows:
        agg = row.aggregate
        ranking.append(
            [
                row.rank,
                row.proposal.reference_code,
                _text(row.proposal.title),
                _text(row.proposal.organization.name),
                agg.received,
                agg.expected,
                *[_number(v) for v in (agg.mean, agg.median, agg.minimum, agg.maximum, agg.stdev)],
                *[_number(agg.criterion_means.get(c.id)) for c in found.criteria],
                row.proposal.support_total_vnd,
                status_label(row.outcome, "outcome"),
                "; ".join(row.reasons),
            ]
        )
    scores = book.create_sheet(_("Scores")[:31])
    _header(
        scores, [_("Code"), _("Member"), _("Council role"), *criteria, _("Total"), _("Recommendation"), _("Counted")]
    )
    counted, absent = _("yes"), _("no (absent)")
    # A member's name and role, and a recommendation's label, are looked up once, not once per score row.
    seat_cells = cache(lambda seat: (_text(seat.user.full_name), status_label(seat.role, "council_role")))
    advice = cache(lambda recommendation: status_label(recommendation, "recommendation"))
    for row in result_rows(council, viewer, with_sheets=True):
        for item in row.sheets:
            scores.append(
                [
                    row.proposal.reference_code,
                    *seat_cells(item.member),
                    *[_number(item.points.get(c.id)) for c in found.criteria],
                    _number(item.total),
                    advice(item.recommendation),
                    counted if item.counted else absent,
                ]
            )
    output = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the response that sends it)
    book.save(output)
    output.seek(0)
    return output


def _header(sheet: WriteOnlyWorksheet, titles: list[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def _text(value: str) -> str:
    """What a user typed, kept as text: a leading = + - @ would make Excel read it as a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _number(value: object) -> float | None:
    return None if value is None else float(value)

"""A council's results as the pages read them: the stored rows (results/store.py keeps them), a page at a time for the
results page, in batches for the minutes, the vote-count record and the Excel export, with the members' sheets
loaded only for the rows shown. A chair does not see the applications they are conflicted on: those are left out in
SQL and the ranks shown renumbered."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Exists, RowMapping, Select, exists, func, select

from accounts.models import Organization, User
from core.extensions import db
from core.i18n import localized, register_status_labels
from policies.evaluation import Criterion
from proposals.models import Proposal
from review.councils.models import Assignment, Council, CouncilMember
from review.councils.queries import entries_by_proposal
from review.results import scoring
from review.results.inputs import SheetRow, application_sheets, council_quorum, points_table, rule_spec
from review.results.models import AGGREGATE_COLUMNS, CouncilResult, from_cents, stored_aggregate
from review.results.queries import council_scores

register_status_labels(
    "outcome", {"funded": _l("Funded"), "passed_not_funded": _l("Passed, not funded"), "failed": _l("Not passed")}
)
REASONS = {
    "no_sheets": _l("no valid sheet"),
    "below_threshold": _l("mean below the pass threshold"),
    "zero_rule": _l("too many zero scores on a criterion"),
    "no_agreement": _l("not enough members present recommend support"),
}
BATCH = 500  # stored rows read per round trip by the records and the export
STORED_COLUMNS = tuple(getattr(CouncilResult, name) for name in AGGREGATE_COLUMNS) + (
    CouncilResult.id,
    CouncilResult.proposal_id,
    CouncilResult.rank,
    CouncilResult.outcome,
    CouncilResult.cumulative_vnd,
    CouncilResult.recused,
)
# What the ranking, records and export show of an application: its long texts are not read with the rows.
SHOWN_APPLICATION = (
    Proposal.reference_code,
    Proposal.title,
    Proposal.support_total_vnd,
    Organization.name.label("organization_name"),
)


@dataclass(frozen=True)
class ShownOrganization:
    name: str


@dataclass(frozen=True)
class ShownApplication:
    """What the ranking, the records and the export show of an application."""

    id: int
    reference_code: str | None
    title: str
    support_total_vnd: int
    organization: ShownOrganization


@dataclass
class ResultRow:
    """An application's aggregate, rank and outcome, with its sheets and reviewers when the page shows them."""

    proposal: ShownApplication
    aggregate: scoring.Aggregate
    rank: int = 0
    outcome: str = "failed"
    cumulative_vnd: int = 0
    criterion_means: list[Decimal | None] = field(default_factory=list)  # in the order of the template's criteria
    sheets: list[SheetRow] = field(default_factory=list)
    reviewers: list[CouncilMember] = field(default_factory=list)
    recused: list[CouncilMember] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it did not pass, in words


@dataclass
class CouncilResults:
    """What the results page, minutes and export show: rows is a page, a list or an iterator read in batches."""

    council: Council
    criteria: list[Criterion]
    quorum: scoring.Quorum
    rows: object
    viewer: User | None = None

    @cached_property
    def flags(self) -> tuple[scoring.Spread, list[tuple[CouncilMember, scoring.Bias]]]:
        """What a disagreement is in this council, and the members flagged by their bias: read when a page shows
        them (the records do not)."""
        hides = hides_applications(self.council, self.viewer)
        return council_flags(self.council, rule_spec(self.council.rule, self.criteria), hides)

    @property
    def outliers(self) -> list[tuple[CouncilMember, scoring.Bias]]:
        return self.flags[1]

    @property
    def spread(self) -> scoring.Spread:
        return self.flags[0]

    def disagrees(self, row: ResultRow) -> bool:
        """Whether the members disagree on this row's application, by the council's spread."""
        return scoring.disagrees(row.aggregate, self.spread)


def council_results(council: Council, viewer: User | None = None, outcome: str | None = None) -> CouncilResults:
    """Every stored row of the council (of one outcome if given), in rank order, as a list (council, its
    template's criteria and members must be loaded)."""
    found = _results(council, viewer)
    found.rows = list(result_rows(council, viewer, outcome=outcome))
    return found


def streamed_results(council: Council, viewer: User | None = None) -> CouncilResults:
    """The same, its rows an iterator reading them in batches (for a streamed record)."""
    found = _results(council, viewer)
    found.rows = result_rows(council, viewer)
    return found


def results_page(council: Council, viewer: User | None, page: int, per_page: int) -> tuple[object, CouncilResults]:
    """One page of the ranking (ORDER BY rank LIMIT/OFFSET on the council's index); each row's sheets are on its
    own page (application_result)."""
    query, hides = _rows_query(council, viewer), hides_applications(council, viewer)
    pages = dict(page=page, per_page=per_page, max_per_page=100, error_out=False)
    pager = _RowPages if hides else _RankPages  # the ranks the viewer sees renumbered: plain LIMIT/OFFSET
    paged = pager(select=query, session=db.session, council_id=council.id, **pages)
    found = _results(council, viewer)
    shown = _Shown(council, hides)
    offset = (paged.page - 1) * paged.per_page
    rows = [shown.row(stored, offset + i) for i, stored in enumerate(paged.items, start=1)]
    paged.items, found.rows = rows, rows
    return paged, found


class _RowPages(SelectPagination):
    """A page of _rows_query's rows, as mappings."""

    def _query_items(self) -> list[RowMapping]:
        page = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(page).mappings())


class _RankPages(_RowPages):
    """The ranking paged by rank itself: every change re-ranks the whole council (store._rerank), so its ranks run
    1..N without gap or repeat, page p holds the ranks after (p - 1) × per_page and N is the highest rank: two seeks
    on the (council, rank) index however deep the page, where OFFSET walks every row before it."""

    def _query_items(self) -> list[RowMapping]:
        page = self._query_args["select"].where(CouncilResult.rank > self._query_offset).limit(self.per_page)
        return list(self._query_args["session"].execute(page).mappings())

    def _query_count(self) -> int:
        highest = select(func.max(CouncilResult.rank)).where(CouncilResult.council_id == self._query_args["council_id"])
        return self._query_args["session"].execute(highest).scalar() or 0


def application_result(council: Council, viewer: User | None, proposal_id: int) -> tuple[ResultRow, CouncilResults]:
    """One application's stored row with every member's sheet; LookupError when the council has none the viewer
    may see (a chair's conflicted application is as absent as one outside the council)."""
    found = _results(council, viewer)
    query = _rows_query(council, viewer)
    stored = db.session.execute(query.where(CouncilResult.proposal_id == proposal_id)).mappings().first()
    if stored is None:
        raise LookupError(proposal_id)
    hides = hides_applications(council, viewer)
    position = stored["rank"]
    if hides:  # its rank among the applications the viewer sees, as the ranking numbers them
        ahead = (CouncilResult.rank < stored["rank"]) | (
            (CouncilResult.rank == stored["rank"]) & (CouncilResult.id < stored["id"])
        )
        before = select(func.count()).where(
            CouncilResult.council_id == council.id, ahead, ~_hidden(_chair_seat(council, viewer))
        )
        position = db.session.execute(before).scalar() + 1
    row = _Shown(council, hides).row(stored, position)
    _attach_sheets(council, [row])
    found.rows = [row]
    return row, found


def result_rows(
    council: Council, viewer: User | None = None, outcome: str | None = None, with_sheets: bool = False
) -> Iterator[ResultRow]:
    """The stored rows in rank order, read BATCH at a time (yield_per), with every member's sheet if asked."""
    query = _rows_query(council, viewer)
    if outcome is not None:
        query = query.where(CouncilResult.outcome == outcome)
    shown = _Shown(council, hides_applications(council, viewer))
    position = 0
    for batch in db.session.execute(query.execution_options(yield_per=BATCH)).mappings().partitions():
        rows = []
        for stored in batch:
            position += 1
            rows.append(shown.row(stored, position))
        if with_sheets:
            _attach_sheets(council, rows)
        yield from rows


def _results(council: Council, viewer: User | None) -> CouncilResults:
    criteria = list(council.template.criteria)
    return CouncilResults(council, criteria, council_quorum(council, council.rule), [], viewer)


def council_flags(
    council: Council, spec: scoring.RuleSpec, hides: bool = False
) -> tuple[scoring.Spread, list[tuple[CouncilMember, scoring.Bias]]]:
    """The council's spread and its outlier members, from the figures stored with its results (one query each). A
    viewer kept from some application gets the rule's own threshold and no outlier: neither may betray what a hidden
    application scored."""
    if hides:
        return scoring.spread(None, spec), []
    usual = db.session.execute(select(Council.usual_stdev_cents).where(Council.id == council.id)).scalar()
    seats = {m.id: m for m in council.members}
    figures = db.session.execute(
        select(
            CouncilMember.id, CouncilMember.offset_cents, CouncilMember.offset_spread_cents, CouncilMember.offset_count
        )
        .where(CouncilMember.council_id == council.id, CouncilMember.offset_count > 0)
        .order_by(CouncilMember.position, CouncilMember.id)
    )
    biases = [(seats[i], scoring.Bias(from_cents(m), from_cents(d), n)) for i, m, d, n in figures if i in seats]
    return scoring.spread(from_cents(usual), spec), [(seat, b) for seat, b in biases if b.flagged(spec)]


def _chair_seat(council: Council, viewer: User | None) -> CouncilMember | None:
    # A chair sees only the applications they declared no conflict with (the department sees all).
    return council.membership_of(viewer) if viewer is not None and not viewer.is_department else None


def _hidden(seat: CouncilMember) -> Exists:
    return exists().where(
        Assignment.member_id == seat.id,
        Assignment.proposal_id == CouncilResult.proposal_id,
        Assignment.conflict != "none",
    )


def hides_applications(council: Council, viewer: User | None) -> bool:
    """Whether the viewer is kept from some application: then neither a rank nor an outlier may betray what a hidden
    application scored (one indexed count, only for a chair)."""
    seat = _chair_seat(council, viewer)
    if seat is None:
        return False
    hidden = (
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.member_id == seat.id, Assignment.conflict != "none")
    )
    return bool(db.session.execute(hidden).scalar())


def _rows_query(council: Council, viewer: User | None) -> Select:
    """The council's stored rows as plain columns (no ORM objects: a record reads thousands), in rank order."""
    query = (
        select(*STORED_COLUMNS, *SHOWN_APPLICATION)
        .join(Proposal, Proposal.id == CouncilResult.proposal_id)
        .join(Organization, Organization.id == Proposal.organization_id)
        .where(CouncilResult.council_id == council.id)
        .order_by(CouncilResult.rank, CouncilResult.id)
    )
    seat = _chair_seat(council, viewer)
    return query.where(~_hidden(seat)) if seat is not None else query


class _Shown:
    """Stored rows as the pages show them: reasons in words, recused members by name, ranks renumbered when some
    application is hidden from the viewer."""

    def __init__(self, council: Council, renumber: bool) -> None:
        self.seats = {m.id: m for m in council.members}
        self.criteria = list(council.template.criteria)
        self.criterion_ids = [c.id for c in self.criteria]
        self.renumber = renumber
        self.words: dict[str, str] = {}  # each failing reason put in words once per page or record

    def row(self, stored: RowMapping, position: int) -> ResultRow:
        """One stored row (a mapping of _rows_query's columns) at this position of what the viewer sees."""
        aggregate = stored_aggregate(stored, exact=False)
        application = ShownApplication(
            id=stored["proposal_id"],
            reference_code=stored["reference_code"],
            title=stored["title"],
            support_total_vnd=stored["support_total_vnd"],
            organization=ShownOrganization(stored["organization_name"]),
        )
        return ResultRow(
            proposal=application,
            aggregate=aggregate,
            rank=position if self.renumber else stored["rank"],
            outcome=stored["outcome"],
            cumulative_vnd=stored["cumulative_vnd"],
            criterion_means=[aggregate.criterion_means.get(cid) for cid in self.criterion_ids],
            recused=[self.seats[m] for m in stored["recused"] or () if m in self.seats],
            reasons=[self.reason(code) for code in aggregate.reasons],
        )

    def reason(self, code: str) -> str:
        """A failing reason's code in words."""
        if code not in self.words:
            self.words[code] = reason_text(code, self.criteria)
        return self.words[code]


def _attach_sheets(council: Council, rows: list[ResultRow]) -> None:
    """The members' sheets of these rows only: two queries whatever the size of the call."""
    if not rows:
        return
    ids = [row.proposal.id for row in rows]
    seats = {m.id: m for m in council.members}
    entries, scores = entries_by_proposal(council.id, ids), council_scores(council.id, ids)
    points_of = points_table(list(council.template.criteria), council.template.mechanic)
    for row in rows:
        found = application_sheets(entries.get(row.proposal.id, []), seats, scores, points_of)
        row.sheets, row.reviewers, row.recused = found.sheets, found.reviewers, found.recused


def reason_text(code: str, criteria: list[Criterion]) -> str:
    """A failing reason's code in words."""
    if code.startswith("criterion_minimum:"):
        criterion_id = int(code.split(":", 1)[1])
        name = next((localized(c, "name") for c in criteria if c.id == criterion_id), "")
        return _("below the minimum on “%(name)s”", name=name)
    return str(REASONS.get(code, code))

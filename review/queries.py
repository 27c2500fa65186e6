"""Loading councils, assignments and sheets with what each page shows, in a bounded number of queries."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from core.extensions import db
from policies.evaluation import ScoreSheetTemplate
from policies.models import Call
from proposals.models import Proposal
from review.models import CONFLICTED, Assignment, Council, CouncilMember, Decision, ScoreSheet, SheetScore


def load_council(council_id: int) -> Council:
    """A council with its call, sheet, rule, secretary and members' users, or 404."""
    council = db.session.execute(
        select(Council)
        .where(Council.id == council_id)
        .options(
            joinedload(Council.call),
            joinedload(Council.rule),
            joinedload(Council.admin_secretary),
            selectinload(Council.template).selectinload(ScoreSheetTemplate.criteria),
            selectinload(Council.members).joinedload(CouncilMember.user),
        )
    ).scalar_one_or_none()
    if council is None:
        abort(404)
    return council


def council_of_call(call_id: int) -> Council | None:
    """The call's council, if formed."""
    council_id = db.session.execute(select(Council.id).where(Council.call_id == call_id)).scalar()
    return load_council(council_id) if council_id else None


def _council_proposals(council: Council, states: tuple[str, ...]) -> Select:
    return (
        select(Proposal)
        .where(Proposal.call_id == council.call_id, Proposal.status.in_(states))
        .options(joinedload(Proposal.organization), joinedload(Proposal.sector), joinedload(Proposal.category))
        .order_by(Proposal.sequence)
    )


def council_proposals(council: Council, states: tuple[str, ...]) -> list[Proposal]:
    """The call's applications in the given states, with their organization, in reference order."""
    return list(db.session.execute(_council_proposals(council, states)).scalars())


def council_proposals_page(council: Council, states: tuple[str, ...], page: int, per_page: int) -> object:
    """One page of them."""
    query = _council_proposals(council, states)
    return db.paginate(query, page=page, per_page=per_page, max_per_page=100, error_out=False)


def load_assignments(council_id: int, proposal_id: int | None = None) -> list[Assignment]:
    """The council's member × application assignments (of one application if given), each with its sheet and the
    sheet's scores, in three queries whatever their number."""
    query = (
        select(Assignment)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council_id)
        .options(joinedload(Assignment.sheet))
        .order_by(Assignment.proposal_id, CouncilMember.position)
    )
    scores = (
        select(SheetScore)
        .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council_id)
    )
    if proposal_id is not None:
        query, scores = (
            query.where(Assignment.proposal_id == proposal_id),
            scores.where(Assignment.proposal_id == proposal_id),
        )
    assignments = list(db.session.execute(query).scalars())
    by_sheet: dict[int, list[SheetScore]] = {}
    for score in db.session.execute(scores).scalars():
        by_sheet.setdefault(score.sheet_id, []).append(score)
    for assignment in assignments:
        if assignment.sheet is not None:
            set_committed_value(assignment.sheet, "scores", by_sheet.get(assignment.sheet.id, []))
    return assignments


@dataclass(frozen=True)
class Entry:
    """One member × application of a council as the overview pages need it: plain values, no ORM objects (a call
    of a thousand applications before nine members is nine thousand of them)."""

    member_id: int
    proposal_id: int
    conflict: str
    conflict_reason: str
    is_reviewer: bool
    sheet_id: int | None
    sheet_status: str | None
    recommendation: str

    @property
    def is_conflicted(self) -> bool:
        return self.conflict in CONFLICTED

    @property
    def is_submitted(self) -> bool:
        return self.sheet_status == "submitted"


def council_entries(council_id: int, proposal_ids: list[int] | None = None) -> list[Entry]:
    """Every member × application of the council (or of these applications) with its sheet's state, in one
    query."""
    query = (
        select(
            Assignment.member_id,
            Assignment.proposal_id,
            Assignment.conflict,
            Assignment.conflict_reason,
            Assignment.is_reviewer,
            ScoreSheet.id,
            ScoreSheet.status,
            ScoreSheet.recommendation,
        )
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(CouncilMember.council_id == council_id)
        .order_by(Assignment.proposal_id, CouncilMember.position)
    )
    if proposal_ids is not None:
        query = query.where(Assignment.proposal_id.in_(proposal_ids))
    return [Entry(*row[:7], row[7] or "") for row in db.session.execute(query)]


def council_scores(council_id: int) -> dict[int, dict[int, int]]:
    """Sheet id → criterion id → value, for every sheet of the council, in one query."""
    found: dict[int, dict[int, int]] = {}
    rows = db.session.execute(
        select(SheetScore.sheet_id, SheetScore.criterion_id, SheetScore.value)
        .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council_id, ScoreSheet.status == "submitted")
    )
    for sheet_id, criterion_id, value in rows:
        found.setdefault(sheet_id, {})[criterion_id] = value
    return found


def seat_assignment(council_id: int, proposal_id: int, user_id: int) -> Assignment | None:
    """A member's assignment for one application, with the sheet and its scores."""
    return db.session.execute(
        select(Assignment)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(
            CouncilMember.council_id == council_id,
            CouncilMember.user_id == user_id,
            Assignment.proposal_id == proposal_id,
        )
        .options(
            joinedload(Assignment.member),
            selectinload(Assignment.sheet).selectinload(ScoreSheet.scores),
        )
    ).scalar_one_or_none()


def _member_assignments(user_id: int, conflicted: bool) -> Select:
    """A member's assignments in councils that opened scoring, those with a conflict or those without."""
    clash = Assignment.conflict.in_(CONFLICTED)
    return (
        select(Assignment)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .join(Council, Council.id == CouncilMember.council_id)
        .where(CouncilMember.user_id == user_id, Council.status != "forming", clash if conflicted else ~clash)
    )


def load_sheet(sheet_id: int) -> ScoreSheet:
    """A sheet with its assignment, member and scores, or 404."""
    return db.one_or_404(
        select(ScoreSheet)
        .where(ScoreSheet.id == sheet_id)
        .options(joinedload(ScoreSheet.assignment).joinedload(Assignment.member), selectinload(ScoreSheet.scores))
    )


def member_assignments(user_id: int, page: int, per_page: int) -> object:
    """A member's applications to declare and score, with council and application, council by council."""
    query = (
        _member_assignments(user_id, conflicted=False)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .options(
            joinedload(Assignment.member).joinedload(CouncilMember.council).joinedload(Council.call),
            joinedload(Assignment.proposal).joinedload(Proposal.organization),
            selectinload(Assignment.sheet),
        )
        .order_by(Council.id.desc(), Proposal.sequence)
    )
    return db.paginate(query, page=page, per_page=per_page, max_per_page=100, error_out=False)


def recused_count(user_id: int) -> int:
    """How many applications the member is kept away from (a number only: never which)."""
    query = _member_assignments(user_id, conflicted=True).with_only_columns(func.count(Assignment.id))
    return db.session.execute(query).scalar_one()


def sheets_left(member_id: int) -> int:
    """How many applications a member still has to declare or score (those they are recused from excepted)."""
    return db.session.execute(
        select(func.count(Assignment.id))
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.member_id == member_id,
            Assignment.conflict.not_in(CONFLICTED),
            (ScoreSheet.id.is_(None)) | (ScoreSheet.status != "submitted"),
        )
    ).scalar_one()


def calls_page(page: int, per_page: int) -> object:
    """Published calls, newest first: each may have a council."""
    query = select(Call).where(Call.status != "draft").order_by(Call.year.desc(), Call.id.desc())
    return db.paginate(query, page=page, per_page=per_page, max_per_page=100, error_out=False)


def councils_of_calls(call_ids: list[int]) -> dict[int, Council]:
    """The councils of these calls, by call."""
    rows = db.session.execute(select(Council).where(Council.call_id.in_(call_ids))).scalars()
    return {c.call_id: c for c in rows}


def valid_counts(call_ids: list[int]) -> dict[int, int]:
    """How many valid applications wait for a council, per call."""
    rows = db.session.execute(
        select(Proposal.call_id, func.count(Proposal.id))
        .where(Proposal.call_id.in_(call_ids), Proposal.status == "valid")
        .group_by(Proposal.call_id)
    )
    return dict(rows.all())


def council_decisions(council_id: int) -> dict[int, Decision]:
    """The council's decisions by application."""
    rows = db.session.execute(select(Decision).where(Decision.council_id == council_id)).scalars()
    return {d.proposal_id: d for d in rows}

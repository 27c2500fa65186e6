"""Loading councils, their applications and their member × application assignments with what each page shows, in a
bounded number of queries."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from core.extensions import db
from policies.evaluation import ScoreSheetTemplate
from policies.models import Call
from proposals.models import Proposal
from review.councils.models import CONFLICTED, Assignment, Council, CouncilMember
from review.sheets.models import ScoreSheet, SheetScore


def load_council(council_id: int, proposal_id: int | None = None) -> Council:
    """A council with its call, sheet, rule, secretary and members' users, or 404; given an application, each
    seat's assignment of it too (who oversees its sheets: Council.can_oversee)."""
    seats = selectinload(Council.members)
    options = [
        joinedload(Council.call),
        joinedload(Council.rule),
        joinedload(Council.admin_secretary),
        selectinload(Council.template).selectinload(ScoreSheetTemplate.criteria),
        seats.joinedload(CouncilMember.user),
    ]
    if proposal_id is not None:
        options.append(seats.selectinload(CouncilMember.assignments.and_(Assignment.proposal_id == proposal_id)))
    council = db.session.execute(select(Council).where(Council.id == council_id).options(*options)).scalar_one_or_none()
    if council is None:
        abort(404)
    return council


def counting_head_id(council_id: int) -> int | None:
    """The seat heading the council's vote-counting committee, if the session elected one."""
    heads = select(CouncilMember.id).where(CouncilMember.council_id == council_id, CouncilMember.counting_head)
    return db.session.execute(heads).scalar()


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


def waiting_applications(council: Council) -> list[Proposal]:
    """Applications of the call found valid after scoring opened: not yet before the council."""
    return council_proposals(council, ("valid",)) if council.status == "scoring" else []


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
    sheet_version: int | None = None  # the application's version the sheet was written for

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
            ScoreSheet.proposal_version,
        )
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(CouncilMember.council_id == council_id)
        .order_by(Assignment.proposal_id, CouncilMember.position)
    )
    if proposal_ids is not None:
        query = query.where(Assignment.proposal_id.in_(proposal_ids))
    return [Entry(*row[:7], row[7] or "", row[8]) for row in db.session.execute(query)]


def short_of_reviewers(council_id: int, needed: int) -> int:
    """How many of the council's applications have fewer reviewers than the rule's number."""
    reviewers = func.sum(case((Assignment.is_reviewer, 1), else_=0))
    short = (
        select(Assignment.proposal_id)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council_id)
        .group_by(Assignment.proposal_id)
        .having(reviewers < needed)
        .subquery()
    )
    return db.session.execute(select(func.count()).select_from(short)).scalar_one()


def entries_by_proposal(council_id: int, proposal_ids: list[int]) -> dict[int, list[Entry]]:
    """The entries of these applications, by application (for a page of the council's applications)."""
    found: dict[int, list[Entry]] = {}
    for entry in council_entries(council_id, proposal_ids):
        found.setdefault(entry.proposal_id, []).append(entry)
    return found


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
        select(Proposal.call_id, func.count())
        .where(Proposal.call_id.in_(call_ids), Proposal.status == "valid")
        .group_by(Proposal.call_id)
    )
    return dict(rows.all())

"""Loading a member's work: their applications council by council, their assignment and sheet of one application, a
sheet with who oversees it."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from core.extensions import db
from core.paging import KeyedPagination
from proposals.models import Proposal
from review.councils.models import CONFLICTED, Assignment, Council, CouncilMember
from review.councils.queries import load_council
from review.sheets.models import ScoreSheet


def seat_assignment(council_id: int, proposal_id: int, user_id: int) -> Assignment | None:
    """A member's assignment for one application, with the member and their council's state, the sheet and its
    scores."""
    return db.session.execute(
        select(Assignment)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(
            CouncilMember.council_id == council_id,
            CouncilMember.user_id == user_id,
            Assignment.proposal_id == proposal_id,
        )
        .options(
            joinedload(Assignment.member).joinedload(CouncilMember.council),
            selectinload(Assignment.sheet).selectinload(ScoreSheet.scores),
        )
    ).scalar_one_or_none()


def load_sheet(sheet_id: int) -> ScoreSheet:
    """A sheet with its scores, its assignment and member, and the member's council as load_council loads it for the
    sheet's application (who oversees the sheet: ScoreSheet.can_view, can_reopen), or 404."""
    record = db.one_or_404(
        select(ScoreSheet)
        .where(ScoreSheet.id == sheet_id)
        .options(joinedload(ScoreSheet.assignment).joinedload(Assignment.member), selectinload(ScoreSheet.scores))
    )
    member = record.assignment.member
    set_committed_value(member, "council", load_council(member.council_id, record.assignment.proposal_id))
    return record


def sheet_application(proposal_id: int) -> Proposal:
    """The application a printed sheet names: its reference, title and organization."""
    return db.one_or_404(select(Proposal).where(Proposal.id == proposal_id).options(joinedload(Proposal.organization)))


def _member_assignments(user_id: int, conflicted: bool) -> Select:
    """A member's assignments in councils that opened scoring, those with a conflict or those without."""
    clash = Assignment.conflict.in_(CONFLICTED)
    return (
        select(Assignment)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .join(Council, Council.id == CouncilMember.council_id)
        .where(CouncilMember.user_id == user_id, Council.status != "forming", clash if conflicted else ~clash)
    )


def _listed_assignments(ids: list[int]) -> list[Assignment]:
    """Assignments by id, in that order, with what the member's list shows of each."""
    found = db.session.execute(
        select(Assignment)
        .where(Assignment.id.in_(ids))
        .options(
            joinedload(Assignment.member).joinedload(CouncilMember.council).joinedload(Council.call),
            joinedload(Assignment.proposal).joinedload(Proposal.organization),
            selectinload(Assignment.sheet),
        )
    )
    by_id = {assignment.id: assignment for assignment in found.unique().scalars()}
    return [by_id[key] for key in ids]


def member_keys(user_id: int) -> Select:
    """The ids of a member's assignments to declare and score, council by council (the newest first) in the
    applications' order: read in that order from the councils and ix_council_assignments_member_sequence."""
    keys = _member_assignments(user_id, conflicted=False).with_only_columns(Assignment.id)
    return keys.order_by(Council.id.desc(), Assignment.sequence)


def member_assignments(user_id: int, page: int, per_page: int) -> KeyedPagination:
    """A member's applications to declare and score, with council and application: the page's assignments chosen
    by id (a member of a large council has thousands), then loaded."""
    count = _member_assignments(user_id, conflicted=False).with_only_columns(func.count(), maintain_column_froms=True)
    return KeyedPagination(
        member_keys(user_id),
        _listed_assignments,
        count,
        page=page,
        per_page=per_page,
        max_per_page=100,
        error_out=False,
    )


def recused_count(user_id: int) -> int:
    """How many applications the member is kept away from (a number only: never which)."""
    query = _member_assignments(user_id, conflicted=True).with_only_columns(func.count(), maintain_column_froms=True)
    return db.session.execute(query).scalar_one()


def sheets_left(member_id: int) -> int:
    """How many applications a member still has to declare or score (those they are recused from excepted)."""
    return db.session.execute(
        select(func.count())
        .select_from(Assignment)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.member_id == member_id,
            Assignment.conflict.not_in(CONFLICTED),
            (ScoreSheet.id.is_(None)) | (ScoreSheet.status != "submitted"),
        )
    ).scalar_one()

"""Who is told, by relation to the record an event is about: the organization's people, the staff member in charge,
the leaders, finance, a council's members. Each returns active users; the event table (events.py) names them."""

from collections.abc import Callable

from sqlalchemy import select

from accounts.models import FINANCE, LEADERS, Membership, User, UserRole
from core.extensions import db
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.contracts.models import Project
from projects.fixed.models import FixedAward
from proposals.models import Proposal
from review.councils.models import CONFLICTED, Assignment, Council, CouncilMember
from review.decisions.models import Decision
from review.sheets.models import ScoreSheet

# Who runs a file when nobody is in charge of it yet: the department's staff (not the administrators, who run the
# software rather than the procedure).
STAFF_ROLE = "staff"


def _active(query: object) -> list[User]:
    return list(db.session.execute(query.where(User.active.is_(True)).order_by(User.id)).scalars().unique())


def _holding(roles: frozenset[str]) -> list[User]:
    return _active(select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role.in_(roles)))


def project_of(record: object) -> Project | None:
    """The project a record belongs to (a project itself; a tranche, report, adjustment or inspection of one)."""
    if isinstance(record, Project):
        return record
    project_id = getattr(record, "project_id", None)
    return db.session.get(Project, project_id) if project_id else None


def proposal_of(record: object) -> Proposal | None:
    """The application behind a record: itself, an award's, a decision's, a score sheet's, a project's."""
    if isinstance(record, Proposal):
        return record
    if isinstance(record, FixedAward | Decision):
        return db.session.get(Proposal, record.proposal_id)
    if isinstance(record, ScoreSheet):
        assignment = db.session.get(Assignment, record.assignment_id)
        return db.session.get(Proposal, assignment.proposal_id)
    project = project_of(record)
    return db.session.get(Proposal, project.proposal_id) if project and project.proposal_id else None


def members(record: object) -> list[User]:
    """The people acting for the applicant or host organization."""
    project = project_of(record)
    organization_id = project.organization_id if project is not None else proposal_of(record).organization_id
    return _active(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id)
    )


def in_charge(record: object) -> list[User]:
    """The staff member who checked the application (and so follows its project), while active; else every staff
    member, so that nothing waits unseen."""
    proposal = proposal_of(record)
    if proposal is not None and proposal.checked_by_id:
        checker = _active(select(User).where(User.id == proposal.checked_by_id))
        if checker:
            return checker
    return _holding(frozenset({STAFF_ROLE}))


def council_secretary(record: object) -> list[User]:
    """The administrative secretary of the review council a decision belongs to, else the staff."""
    council = db.session.get(Council, record.council_id)
    if council.admin_secretary_id:
        secretary = _active(select(User).where(User.id == council.admin_secretary_id))
        if secretary:
            return secretary
    return _holding(frozenset({STAFF_ROLE}))


def leaders(record: object) -> list[User]:
    """The department's leaders, who approve decisions."""
    return _holding(LEADERS)


def finance(record: object) -> list[User]:
    """Finance, who record payments."""
    return _holding(FINANCE)


def council_members(record: Council) -> list[User]:
    """Every member of a review council, for what concerns the council as a whole (never one application)."""
    return _active(
        select(User).join(CouncilMember, CouncilMember.user_id == User.id).where(CouncilMember.council_id == record.id)
    )


def sheet_member(record: ScoreSheet) -> list[User]:
    """The member whose score sheet it is."""
    return _active(
        select(User)
        .join(CouncilMember, CouncilMember.user_id == User.id)
        .join(Assignment, Assignment.member_id == CouncilMember.id)
        .where(Assignment.id == record.assignment_id)
    )


def acceptance_members(record: AcceptanceCouncil) -> list[User]:
    """The members of an acceptance council."""
    return _active(
        select(User)
        .join(AcceptanceMember, AcceptanceMember.user_id == User.id)
        .where(AcceptanceMember.council_id == record.id)
    )


def conflicted(record: object) -> set[int]:
    """The people who declared, or were found to have, a conflict of interest on the record's application: they are
    told nothing about it, whatever else they are (a leader who also sat on its council)."""
    proposal = proposal_of(record)
    if proposal is None:
        return set()
    query = (
        select(CouncilMember.user_id)
        .join(Assignment, Assignment.member_id == CouncilMember.id)
        .where(Assignment.proposal_id == proposal.id, Assignment.conflict.in_(CONFLICTED))
    )
    return set(db.session.execute(query).scalars())


AUDIENCES: dict[str, Callable[[object], list[User]]] = {
    "members": members,
    "in_charge": in_charge,
    "council_secretary": council_secretary,
    "leaders": leaders,
    "finance": finance,
    "council_members": council_members,
    "sheet_member": sheet_member,
    "acceptance_members": acceptance_members,
}

"""Read-side of applications: one application with what its pages show, the lists and the staff queue."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import Organization
from core.extensions import db
from core.models import AuditEvent
from core.search import contains, matching_ids
from policies.models import Call, Regime, Sector
from proposals.models import PROPOSAL_STATES, UNRELEASED_STATES, Proposal, ProposalFile, ProposalVersion

SORTS = {
    "code": Proposal.sequence,
    "submitted": Proposal.submitted_at,
    "title": Proposal.title,
    "organization": Organization.name,
    "support": Proposal.support_total_vnd,
    "status": Proposal.status,
}


# What an application holds: what it refers to (one each) joined to it, each list read by one more statement.
_CONTENTS = (
    joinedload(Proposal.organization),
    joinedload(Proposal.checked_by),
    joinedload(Proposal.category),
    joinedload(Proposal.sector),
    selectinload(Proposal.priority_items),
    selectinload(Proposal.work_packages),
    selectinload(Proposal.products),
    selectinload(Proposal.budget_lines),
    selectinload(Proposal.files).joinedload(ProposalFile.call_document),
)


def load_proposal(proposal_id: int) -> Proposal:
    """An application with its call (the call's documents, categories, sectors and regime), organization, contents,
    budget and files loaded, or 404."""
    call = joinedload(Proposal.call).options(
        selectinload(Call.documents),
        selectinload(Call.categories),
        selectinload(Call.sectors).selectinload(Sector.items),
        joinedload(Call.regime).selectinload(Regime.conditions),
    )
    return db.one_or_404(select(Proposal).where(Proposal.id == proposal_id).options(call, *_CONTENTS))


def load_contents(proposal_id: int) -> Proposal:
    """An application as a council member reads it: its organization, contents, budget and files, without its
    call's lists (five statements fewer), or 404."""
    return db.one_or_404(select(Proposal).where(Proposal.id == proposal_id).options(*_CONTENTS))


def load_file(proposal: Proposal, file_id: int) -> ProposalFile:
    """A document of this application, or 404: a file of another application is not served through this one."""
    record = db.get_or_404(ProposalFile, file_id)
    if record.proposal_id != proposal.id:
        abort(404)
    return record


def organization_proposals(organization_id: int, page: int, per_page: int) -> object:
    """An organization's applications, newest first."""
    statement = (
        select(Proposal)
        .where(Proposal.organization_id == organization_id)
        .options(selectinload(Proposal.call))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


@dataclass
class QueueFilter:
    """What the staff queue is narrowed to and how it is sorted."""

    status: str | None = None
    sector_id: int | None = None
    category_id: int | None = None
    organization_id: int | None = None
    organization_name: str = ""  # typed without choosing (no JavaScript): the organizations whose name holds it
    query: str = ""
    sort: str = "code"
    descending: bool = False

    @classmethod
    def from_args(cls, args: object) -> "QueueFilter":
        """The filter from the query string; unknown values are ignored."""
        status = args.get("status")
        return cls(
            status=status if status in PROPOSAL_STATES else None,
            sector_id=args.get("sector", type=int),
            category_id=args.get("category", type=int),
            organization_id=args.get("organization", type=int),
            organization_name=args.get("organization_name", ""),
            query=args.get("q", ""),
            sort=args.get("sort", "code"),
            descending=args.get("order") == "desc",
        )


def call_queue(call_id: int, chosen: QueueFilter, page: int, per_page: int) -> object:
    """The applications of a call that were ever submitted (drafts stay private to their organization), filtered
    and sorted, a page of them."""
    return db.paginate(queue_statement(call_id, chosen), page=page, per_page=per_page, error_out=False)


def queue_statement(call_id: int, chosen: QueueFilter) -> Select:
    """The statement of call_queue: a search reads its matches through the indexes."""
    statement = (
        select(Proposal)
        .where(Proposal.call_id == call_id, Proposal.sequence.is_not(None))
        .options(selectinload(Proposal.organization), selectinload(Proposal.category), selectinload(Proposal.sector))
    )
    if chosen.status:
        statement = statement.where(Proposal.status == chosen.status)
    if chosen.sector_id:
        statement = statement.where(Proposal.sector_id == chosen.sector_id)
    if chosen.category_id:
        statement = statement.where(Proposal.category_id == chosen.category_id)
    if chosen.organization_id:
        statement = statement.where(Proposal.organization_id == chosen.organization_id)
    elif chosen.organization_name.strip():
        statement = statement.where(
            Proposal.organization_id.in_(matching_ids(Organization.search_text, chosen.organization_name))
        )
    # One set of ids matched (by the text, or by the organization's name): checked against the call's index entries
    # alone, where an OR of two conditions read every row of the call for its organization.
    if chosen.query.strip():
        of_organizations = select(Proposal.id).where(
            Proposal.organization_id.in_(matching_ids(Organization.search_text, chosen.query))
        )
        matches = union(matching_ids(Proposal.search_text, chosen.query), of_organizations)
        statement = statement.where(Proposal.id.in_(matches))
    column = SORTS.get(chosen.sort, Proposal.sequence)
    if column is SORTS["organization"]:  # joined for that order only: the count and the other orders need no join
        statement = statement.join(Organization, Organization.id == Proposal.organization_id)
    return statement.order_by(column.desc() if chosen.descending else column.asc(), Proposal.id)


def queue_organizations(call_id: int, query: str, limit: int) -> list[tuple[int, str]]:
    """At most `limit` organizations with a submitted application in the call whose name (or tax code) holds the
    query, by name: what the queue's organization filter offers as one types."""
    applicants = select(Proposal.organization_id).where(Proposal.call_id == call_id, Proposal.sequence.is_not(None))
    return list(
        db.session.execute(
            select(Organization.id, Organization.name)
            .where(contains(Organization.search_text, query), Organization.id.in_(applicants))
            .order_by(Organization.name, Organization.id)
            .limit(limit)
        ).all()
    )


def organization_name(organization_id: int | None) -> str:
    """The name of the organization the queue is filtered by, for its text box ("" when none)."""
    if organization_id is None:
        return ""
    found = db.session.get(Organization, organization_id)
    return found.name if found else ""


def status_counts_statement(call_id: int) -> Select:
    """(state, how many) of the call's submitted applications, read from ix_proposals_call_status alone."""
    return (
        select(Proposal.status, func.count())
        .where(Proposal.call_id == call_id, Proposal.sequence.is_not(None))
        .group_by(Proposal.status)
    )


def status_counts(call_id: int) -> dict[str, int]:
    """How many of the call's submitted applications are in each state."""
    return dict(db.session.execute(status_counts_statement(call_id)).all())


def history(proposal_id: int, for_applicant: bool = False) -> list[AuditEvent]:
    """The application's state changes, oldest first; the applicant does not see the council's unreleased steps
    (the release itself is recorded as its own event)."""
    query = select(AuditEvent).where(
        AuditEvent.object_type == "proposal",
        AuditEvent.object_id == proposal_id,
        AuditEvent.to_state.is_not(None),
    )
    if for_applicant:
        query = query.where(~((AuditEvent.action == "transition") & AuditEvent.to_state.in_(UNRELEASED_STATES)))
    return list(db.session.execute(query.order_by(AuditEvent.created_at, AuditEvent.id)).scalars())


def latest_version(proposal_id: int) -> int | None:
    """The number of the application's last submitted version (None before its first submission)."""
    newest = select(func.max(ProposalVersion.number)).where(ProposalVersion.proposal_id == proposal_id)
    return db.session.execute(newest).scalar()


def versions(proposal_id: int) -> list[ProposalVersion]:
    """The submitted versions, first to last."""
    return list(
        db.session.execute(
            select(ProposalVersion)
            .where(ProposalVersion.proposal_id == proposal_id)
            .options(selectinload(ProposalVersion.submitted_by))
            .order_by(ProposalVersion.number)
        ).scalars()
    )

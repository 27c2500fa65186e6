"""What waits for whom: the records of each work queue (notifications.queues), as selects of `ref`, `title`, `on`
(the date the queue shows) and the columns its link and note read, for one viewer; and the host's to-do list of its
projects as the same items."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    cast,
    exists,
    false,
    func,
    null,
    select,
    true,
    union_all,
)

from accounts.models import Organization
from core.extensions import rarely
from core.formatting import format_money, local_today, utcnow
from core.i18n import status_label
from core.models import AuditEvent
from policies.models import Call, SupportCategory
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.contracts.models import CLOSED_STATES, FROZEN_STATES, RUNNING_STATES, Project, Tranche
from projects.fixed.models import BatchDecision, FixedAward
from projects.followup.models import Adjustment, PeriodicReport
from projects.portfolio.host import TodoItem, host_todo
from proposals.models import Proposal
from review.councils.models import Assignment, Council, CouncilMember
from review.decisions.models import Decision


@dataclass(frozen=True)
class Viewer:
    """Who the queues are computed for, and when."""

    user_id: int
    organization_id: int | None
    today: date
    now: datetime

    @classmethod
    def of(cls, user: object) -> "Viewer":
        """The signed-in user, the organization they act for (if any), today and now."""
        membership = user.membership
        return cls(user.id, membership.organization_id if membership else None, local_today(), utcnow())

    def outside(self, organization_id: ColumnElement) -> ColumnElement[bool]:
        """Records of other organizations than the viewer's: the department never acts on its own organization's
        applications and projects (Proposal.can_screen, Project.can_manage, can_decide, can_pay)."""
        return true() if self.organization_id is None else organization_id != self.organization_id


@dataclass(frozen=True)
class Item:
    """One record waiting, as the lists show it."""

    ref: str
    title: str
    on: date | datetime | None
    url: str
    note: str = ""
    late: bool = False


def _applications(viewer: Viewer, waiting: ColumnElement[bool]) -> Select:
    """Submitted applications of other organizations, with when they were last submitted."""
    return (
        select(
            Proposal.reference_code.label("ref"),
            Proposal.title.label("title"),
            Proposal.last_submitted_at.label("on"),
            Proposal.id.label("proposal_id"),
            Organization.name.label("organization"),
        )
        .select_from(Proposal)
        .join(Organization, Organization.id == Proposal.organization_id)
        .where(waiting, viewer.outside(Proposal.organization_id))
    )


def applications_to_check(viewer: Viewer) -> CompoundSelect:
    """First submissions not yet checked, and applications being checked: two parts, each read in its order from its
    index (ix_proposals_waiting, ix_proposals_waiting_since), that the queue's order merges."""
    first = (Proposal.status == "submitted") & (Proposal.submissions == 1)
    return union_all(_applications(viewer, first), _applications(viewer, Proposal.status == "under_check"))


def supplements_answered(viewer: Viewer) -> Select:
    """Applications resubmitted after a supplement request (a second version or later), not yet checked again."""
    return _applications(viewer, (Proposal.status == "submitted") & (Proposal.submissions > 1))


def _project_rows(viewer: Viewer, record: type, on: ColumnElement, *columns: ColumnElement) -> Select:
    """A project record (report, tranche, adjustment) joined to its project of another organization."""
    return (
        select(Project.code.label("ref"), Project.title.label("title"), on.label("on"), Project.id.label("project_id"))
        .add_columns(*columns)
        .select_from(record)
        .join(Project, Project.id == record.project_id)
        .where(viewer.outside(Project.organization_id))
    )


def reports_submitted(viewer: Viewer) -> Select:
    """Periodic reports submitted by running projects (staff review them only while the work runs)."""
    columns = (PeriodicReport.id.label("report_id"), PeriodicReport.sequence.label("sequence"))
    return _project_rows(viewer, PeriodicReport, PeriodicReport.submitted_at, *columns).where(
        rarely(PeriodicReport.status == "submitted"), Project.status.in_(RUNNING_STATES)
    )


def _tranches(viewer: Viewer, status: str, on: ColumnElement) -> Select:
    """Tranches in a state, with their number and amount (paid, once it is)."""
    amount = func.coalesce(Tranche.paid_vnd, Tranche.amount_vnd).label("amount")
    columns = (Tranche.id.label("tranche_id"), Tranche.position.label("position"), amount)
    return _project_rows(viewer, Tranche, on, *columns).where(Tranche.status == status)


def tranche_requests(viewer: Viewer) -> Select:
    """Requested tranches of projects not halted (check_payable refuses the others)."""
    return _tranches(viewer, "requested", Tranche.requested_at).where(Project.status.not_in(FROZEN_STATES))


def tranches_to_pay(viewer: Viewer) -> Select:
    """Approved tranches of projects not halted."""
    return _tranches(viewer, "approved", Tranche.requested_at).where(Project.status.not_in(FROZEN_STATES))


def settlements_to_record(viewer: Viewer) -> Select:
    """Paid tranches whose settlement (quyết toán) is not recorded yet, while the work runs or awaits its closing
    (a halted project is settled once it resumes; the final payment after liquidation needs none)."""
    return _tranches(viewer, "paid", Tranche.paid_on).where(Project.status.not_in(FROZEN_STATES | CLOSED_STATES))


def recoveries_to_receive(viewer: Viewer) -> Select:
    """Projects with money decided to recover and not all returned yet, the soonest due first (through
    ix_projects_to_recover)."""
    left = (Project.recovery_vnd - Project.recovered_vnd).label("amount")
    return (
        select(Project.code.label("ref"), Project.title.label("title"), Project.recovery_due_on.label("on"))
        .add_columns(Project.id.label("project_id"), left)
        .where(Project.recovered_vnd < Project.recovery_vnd, viewer.outside(Project.organization_id))
    )


def adjustment_requests(viewer: Viewer) -> Select:
    """Adjustment requests not decided yet, of every kind (staff or a leader decide any of them)."""
    columns = (Adjustment.id.label("adjustment_id"), Adjustment.kind.label("kind"))
    return _project_rows(viewer, Adjustment, Adjustment.requested_at, *columns).where(Adjustment.status == "requested")


# A missing id in a part of a union, typed: each part is read as a subquery of its own (queue_reads.ordered), where an
# untyped NULL would be text on PostgreSQL.
_NO_ID = cast(null(), Integer)


def dossiers(viewer: Viewer) -> CompoundSelect:
    """Final dossiers submitted, whose council is to be formed, and acceptance councils being formed."""
    others = viewer.outside(Project.organization_id)
    submitted = select(
        Project.code.label("ref"),
        Project.title.label("title"),
        Project.dossier_submitted_at.label("on"),
        Project.id.label("project_id"),
        _NO_ID.label("council_id"),
    ).where(Project.status == "acceptance_submitted", others)
    forming = (
        select(Project.code, Project.title, AcceptanceCouncil.created_at, Project.id, AcceptanceCouncil.id)
        .select_from(AcceptanceCouncil)
        .join(Project, Project.id == AcceptanceCouncil.project_id)
        .where(AcceptanceCouncil.status == "forming", others)
    )
    return union_all(submitted, forming)


def councils_to_prepare(viewer: Viewer) -> CompoundSelect:
    """Review councils being formed, and calls closed with checked applications for a council but no council yet
    (fixed-amount applications go in batch decisions instead)."""
    forming = (
        select(
            Call.code.label("ref"),
            Council.name.label("title"),
            Council.created_at.label("on"),
            Council.id.label("council_id"),
            Call.id.label("call_id"),
        )
        .select_from(Council)
        .join(Call, Call.id == Council.call_id)
        .where(Council.status == "forming")
    )
    checked = (
        select(Proposal.id)
        .join(SupportCategory, SupportCategory.id == Proposal.category_id)
        .where(Proposal.call_id == Call.id, Proposal.status == "valid", SupportCategory.rule_kind != "fixed")
    )
    closed = (Call.status == "closed") | ((Call.status == "open") & (Call.closes_at <= viewer.now))
    without = select(Call.code, Call.title, Call.closes_at, _NO_ID, Call.id).where(
        closed, checked.exists(), ~exists().where(Council.call_id == Call.id)
    )
    return union_all(forming, without)


def decisions_to_approve(viewer: Viewer) -> Select:
    """Draft decisions approving support."""
    return (
        select(
            Decision.number.label("ref"),
            Proposal.title.label("title"),
            Decision.created_at.label("on"),
            Decision.council_id.label("council_id"),
            Proposal.reference_code.label("application"),
            Decision.approved_vnd.label("amount"),
        )
        .select_from(Decision)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .where(Decision.status == "draft")
    )


def batches_to_approve(viewer: Viewer) -> Select:
    """Draft batch decisions of fixed amounts."""
    return (
        select(
            BatchDecision.number.label("ref"),
            Call.title.label("title"),
            BatchDecision.created_at.label("on"),
            BatchDecision.id.label("batch_id"),
            BatchDecision.total_vnd.label("amount"),
        )
        .select_from(BatchDecision)
        .join(Call, Call.id == BatchDecision.call_id)
        .where(BatchDecision.status == "draft")
    )


def suspended_projects(viewer: Viewer) -> Select:
    """Suspended projects, since their last suspension: a leader resumes or terminates them."""
    since = select(func.max(AuditEvent.created_at)).where(
        AuditEvent.object_type == "project", AuditEvent.object_id == Project.id, AuditEvent.to_state == "suspended"
    )
    return select(
        Project.code.label("ref"),
        Project.title.label("title"),
        since.scalar_subquery().label("on"),
        Project.id.label("project_id"),
    ).where(Project.status == "suspended", viewer.outside(Project.organization_id))


def awards_to_pay(viewer: Viewer) -> Select:
    """Fixed amounts approved in a batch decision and not paid yet."""
    return (
        select(
            Proposal.reference_code.label("ref"),
            Proposal.title.label("title"),
            BatchDecision.signed_on.label("on"),
            BatchDecision.id.label("batch_id"),
            BatchDecision.number.label("batch_number"),
            FixedAward.amount_vnd.label("amount"),
        )
        .select_from(FixedAward)
        .join(BatchDecision, BatchDecision.id == FixedAward.batch_id)
        .join(Proposal, Proposal.id == FixedAward.proposal_id)
        .where(FixedAward.status == "approved")
    )


def _my_seats(viewer: Viewer, *conditions: ColumnElement[bool]) -> Select:
    """The viewer's applications before councils that are scoring, never one they have a conflict with: each
    caller names the conflict states it lists."""
    return (
        select(
            Proposal.reference_code.label("ref"),
            Proposal.title.label("title"),
            Council.meeting_at.label("on"),
            Council.id.label("council_id"),
            Proposal.id.label("proposal_id"),
            Council.name.label("council"),
        )
        .select_from(Assignment)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .join(Council, Council.id == CouncilMember.council_id)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .where(CouncilMember.user_id == viewer.user_id, Council.status == "scoring", *conditions)
    )


def sheets_to_declare(viewer: Viewer) -> Select:
    """Applications whose conflict of interest the member has not declared yet."""
    return _my_seats(viewer, Assignment.conflict == "pending")


def sheets_to_score(viewer: Viewer) -> Select:
    """Applications the member declared no conflict with and whose sheet is not submitted."""
    return _my_seats(viewer, Assignment.conflict == "none", Assignment.sheet_submitted == false())


def ratings_to_give(viewer: Viewer) -> Select:
    """Acceptance councils open for rating where the member's rating is not submitted (nor they recused)."""
    return (
        select(
            Project.code.label("ref"),
            Project.title.label("title"),
            AcceptanceCouncil.meeting_at.label("on"),
            AcceptanceCouncil.id.label("council_id"),
            AcceptanceCouncil.name.label("council"),
        )
        .select_from(AcceptanceMember)
        .join(AcceptanceCouncil, AcceptanceCouncil.id == AcceptanceMember.council_id)
        .join(Project, Project.id == AcceptanceCouncil.project_id)
        .where(
            AcceptanceMember.user_id == viewer.user_id,
            AcceptanceMember.submitted_at.is_(None),
            AcceptanceMember.conflict != "declared",
            AcceptanceCouncil.status == "rating",
        )
    )


def supplements_requested(viewer: Viewer) -> Select:
    """The organization's applications the department asked to supplement, by their deadline."""
    return select(
        Proposal.reference_code.label("ref"),
        Proposal.title.label("title"),
        Proposal.supplement_due_on.label("on"),
        Proposal.id.label("proposal_id"),
    ).where(Proposal.organization_id == viewer.organization_id, Proposal.status == "needs_supplement")


TODO_ANCHORS = {"report": "reports", "tranche": "tranches", "adjustment": "adjustments"}


def _todo_note(item: TodoItem) -> str:
    """What the host is to do, in the words of its projects page."""
    if item.kind == "report":
        number, status = item.detail
        if status == "due":
            return _("Send periodic report no. %(num)d", num=number)
        return _("Periodic report no. %(num)d was returned: correct and send it again", num=number)
    if item.kind == "dossier":
        return _("Submit the final dossier (final, product and financial reports, self-assessment)")
    if item.kind == "tranche":
        position, amount = item.detail
        return _("Tranche %(num)d (%(amount)s) can be requested", num=position, amount=format_money(amount))
    kind = status_label(item.detail, "adjustment_kind")
    return _("Your request (%(kind)s) awaits the department's decision", kind=kind)


def _todo_url(item: TodoItem) -> str:
    if item.kind == "dossier":
        return url_for("projects.dossier", project_id=item.project_id)
    return url_for("projects.detail", project_id=item.project_id, _anchor=TODO_ANCHORS[item.kind])


def host_todo_items(viewer: Viewer) -> list[Item]:
    """The host's to-do list of its projects (projects.portfolio.host) as queue items."""
    todo = host_todo(viewer.organization_id, viewer.today)
    return [Item(t.project_code, t.project_title, t.on, _todo_url(t), _todo_note(t), t.late) for t in todo]

"""The application (hồ sơ đề nghị hỗ trợ): its contents, budget, documents, submitted versions and states."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import (
    APPLICANTS,
    DEPARTMENT_ROLES,
    LEADERS,
    MANAGERS,
    Organization,
    User,
    holds_role,
    is_signed_in,
)
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.text import normalize_search
from core.workflow import Transition, TransitionTable, allowed_targets
from policies.models import Call, CallDocument, PriorityItem, Sector, SupportCategory

PROPOSAL_STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "under_check": _l("Being checked"),
    "needs_supplement": _l("Supplement requested"),
    "invalid": _l("Invalid"),
    "valid": _l("Valid"),
    "withdrawn": _l("Withdrawn"),
    "in_review": _l("In review"),
    "scored": _l("Scored"),
    "recommended": _l("Recommended for support"),
    "not_selected": _l("Not selected"),
    "pending_approval": _l("Pending approval"),
    "approved": _l("Approved"),
    "not_approved": _l("Not approved"),
}
register_status_labels("proposal", PROPOSAL_STATES)
# The same states in the words an applicant understands, for its status history.
register_status_labels(
    "proposal_applicant",
    {
        "draft": _l("Being prepared by your organization"),
        "submitted": _l("Received by the department, waiting to be checked"),
        "under_check": _l("The department is checking your dossier"),
        "needs_supplement": _l("The department asks you to supplement your dossier"),
        "invalid": _l("Your dossier was found invalid"),
        "valid": _l("Your dossier is valid and goes to the review council"),
        "withdrawn": _l("Withdrawn by your organization"),
        "in_review": _l("The review council is assessing your application"),
        "not_selected": _l("Not selected for support"),
        "approved": _l("Support approved by decision"),
        "not_approved": _l("Support not approved"),
    },
)
# The council's conclusions stay inside the department until the decisions are released together.
UNRELEASED_STATES = frozenset({"scored", "recommended", "not_selected", "pending_approval"})
# States in which the applicant's organization may still edit the contents.
EDITABLE_STATES = frozenset({"draft", "needs_supplement"})

PROPOSAL_TRANSITIONS: TransitionTable = {
    ("draft", "submitted"): Transition(APPLICANTS, _l("Submit")),
    ("needs_supplement", "submitted"): Transition(APPLICANTS, _l("Resubmit")),
    ("submitted", "under_check"): Transition(MANAGERS, _l("Start checking")),
    ("under_check", "needs_supplement"): Transition(MANAGERS, _l("Request a supplement"), comment_required=True),
    ("under_check", "invalid"): Transition(MANAGERS, _l("Declare invalid"), comment_required=True),
    # An applicant who never answers a supplement request must not keep the dossier open for ever.
    ("needs_supplement", "invalid"): Transition(MANAGERS, _l("Declare invalid"), comment_required=True),
    ("under_check", "valid"): Transition(MANAGERS, _l("Declare valid")),
    **{
        (state, "withdrawn"): Transition(APPLICANTS, _l("Withdraw"))
        for state in ("draft", "submitted", "under_check", "needs_supplement", "valid")
    },
    # The council's workflow moves these (review.councils.services); the department's staff are the actors.
    ("valid", "in_review"): Transition(MANAGERS, _l("Send to the council"), by_workflow=True),
    ("in_review", "scored"): Transition(MANAGERS, _l("Close scoring"), by_workflow=True),
    ("scored", "in_review"): Transition(MANAGERS, _l("Reopen scoring"), by_workflow=True),
    ("scored", "recommended"): Transition(MANAGERS, _l("Recommend"), by_workflow=True),
    ("scored", "not_selected"): Transition(MANAGERS, _l("Not selected"), by_workflow=True),
    # Support freed before the decisions are released goes to the next application that passed (review's waiting list).
    ("not_selected", "recommended"): Transition(MANAGERS, _l("Recommend from the waiting list"), by_workflow=True),
    ("recommended", "pending_approval"): Transition(MANAGERS, _l("Submit for approval"), by_workflow=True),
    # Released by staff with the council's decisions, or by the leader deciding a late one (review's waiting list).
    ("pending_approval", "approved"): Transition(MANAGERS | LEADERS, _l("Approve"), by_workflow=True),
    ("pending_approval", "not_approved"): Transition(MANAGERS | LEADERS, _l("Do not approve"), by_workflow=True),
    # Fixed-amount support (IP, standards) skips the council: a checked application is approved in a batch decision
    # (projects.fixed), the leader being the actor.
    ("valid", "approved"): Transition(LEADERS, _l("Approve in a batch decision"), by_workflow=True),
    # The organization declines the support it was approved, before any contract; staff record its letter
    # (review's waiting list then gives the support to the next application that passed).
    ("approved", "withdrawn"): Transition(
        MANAGERS, _l("Record that the organization declines the support"), comment_required=True, by_workflow=True
    ),
}

BUDGET_KINDS = {
    "labour": _l("Labour"),
    "materials": _l("Materials"),
    "equipment": _l("Equipment"),
    "services": _l("Services"),
    "training": _l("Training"),
    "other": _l("Other"),
}
register_status_labels("budget_kind", BUDGET_KINDS)

proposal_priority_items = Table(
    "proposal_priority_items",
    db.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_item_id", ForeignKey("priority_items.id", ondelete="RESTRICT"), primary_key=True),
)


class Proposal(db.Model):
    """An organization's application to a call; its contents are edited while a draft or under supplement."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="RESTRICT"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(24), default="draft")
    sequence: Mapped[int | None]  # number within the call, given at first submission
    reference_code: Mapped[str | None] = mapped_column(String(48), unique=True)
    year: Mapped[int]

    title: Mapped[str] = mapped_column(String(500), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("support_categories.id", ondelete="RESTRICT"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="RESTRICT"))
    lead_name: Mapped[str] = mapped_column(String(255), default="")
    lead_title: Mapped[str] = mapped_column(String(255), default="")
    lead_phone: Mapped[str] = mapped_column(String(32), default="")
    lead_email: Mapped[str] = mapped_column(String(255), default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    necessity: Mapped[str] = mapped_column(Text, default="")
    technology: Mapped[str] = mapped_column(Text, default="")
    technology_origin: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(Text, default="")
    duration_months: Mapped[int | None]
    effects: Mapped[str] = mapped_column(Text, default="")
    replication_plan: Mapped[str] = mapped_column(Text, default="")
    support_total_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    counterpart_total_vnd: Mapped[int] = mapped_column(BigInteger, default=0)

    checked_document_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    supplement_request: Mapped[str] = mapped_column(Text, default="")
    supplement_due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]  # the first submission; each one is in proposal_versions
    # How many times it was submitted (its versions) and when last: the work queues read them through an index.
    submissions: Mapped[int] = mapped_column(default=0, server_default="0")
    last_submitted_at: Mapped[datetime | None]
    # When the decisions of its council were released: from then on the applicant sees the outcome.
    result_released_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(String(1200), default="")
    # Normalized title, a newline, then normalized objectives and technology: what the duplicate check compares.
    match_text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    call: Mapped[Call] = relationship(lazy="raise")
    organization: Mapped[Organization] = relationship(lazy="raise")
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id], lazy="raise")
    category: Mapped[SupportCategory | None] = relationship(lazy="raise")
    sector: Mapped[Sector | None] = relationship(lazy="raise")
    priority_items: Mapped[list[PriorityItem]] = relationship(
        secondary=proposal_priority_items, lazy="raise", order_by=PriorityItem.number
    )
    work_packages: Mapped[list["WorkPackage"]] = relationship(
        lazy="raise", order_by="WorkPackage.position", cascade="all, delete-orphan"
    )
    products: Mapped[list["ExpectedProduct"]] = relationship(
        lazy="raise", order_by="ExpectedProduct.position", cascade="all, delete-orphan"
    )
    budget_lines: Mapped[list["BudgetLine"]] = relationship(
        lazy="raise", order_by="BudgetLine.position", cascade="all, delete-orphan"
    )
    files: Mapped[list["ProposalFile"]] = relationship(
        lazy="raise", order_by="ProposalFile.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {in_list(PROPOSAL_STATES)}", name="status"),
        CheckConstraint("support_total_vnd >= 0 AND counterpart_total_vnd >= 0", name="totals"),
        CheckConstraint("duration_months IS NULL OR duration_months BETWEEN 1 AND 120", name="duration"),
        UniqueConstraint("call_id", "sequence"),
        Index("ix_proposals_call_status", "call_id", "status", "sequence"),  # the queue's tabs counted from it alone
        Index("ix_proposals_org_year", "organization_id", "year", "status"),  # + status: the dashboard's by province
        Index("ix_proposals_search_text", "search_text"),
        # The dashboard's counts (reports/dashboard.py) read these alone: by sector, and by year, state and month.
        Index("ix_proposals_sector_status", "sector_id", "status", "year"),
        Index("ix_proposals_dashboard", "year", "status", "sector_id", "submitted_at", "call_id"),
        Index("ix_proposals_category", "category_id"),
        # Those waiting to be checked (notifications.waiting), first submissions and resubmissions apart, and in one
        # state whichever it was, the longest waiting first.
        Index("ix_proposals_waiting", "status", "submissions", "last_submitted_at"),
        Index("ix_proposals_waiting_since", "status", "last_submitted_at"),
    )

    @property
    def total_cost_vnd(self) -> int:
        """Support requested plus counterpart funds."""
        return self.support_total_vnd + self.counterpart_total_vnd

    @property
    def applicant_status(self) -> str:
        """The state as the applicant may know it: the council's conclusions only once released."""
        if self.status in UNRELEASED_STATES and self.result_released_at is None:
            return "in_review"
        return self.status

    @property
    def display_code(self) -> str:
        """The reference code once submitted, else a provisional label."""
        return self.reference_code or f"#{self.id}"

    @property
    def active_files(self) -> list["ProposalFile"]:
        """The documents currently in the dossier (files must be loaded)."""
        return [f for f in self.files if f.removed_at is None]

    def files_at(self, moment: datetime) -> list["ProposalFile"]:
        """The documents that were in the dossier at a moment (e.g. when a version was submitted)."""
        return [f for f in self.files if f.uploaded_at <= moment and (f.removed_at is None or f.removed_at > moment)]

    def is_member(self, user: object) -> bool:
        """True when the user acts for the applicant organization."""
        membership = getattr(user, "membership", None) if is_signed_in(user) else None
        return membership is not None and membership.organization_id == self.organization_id

    def can_view(self, user: object) -> bool:
        """The applicant's organization, and the department once it was submitted (a draft, even a discarded one,
        stays private); nobody else learns it exists."""
        department = holds_role(user, DEPARTMENT_ROLES)
        return self.is_member(user) or (department and self.sequence is not None)

    def can_edit(self, user: object) -> bool:
        """Members of the organization edit the contents while it is a draft or under a supplement request."""
        return self.status in EDITABLE_STATES and self.is_member(user) and user.has_role(*APPLICANTS)

    def can_view_check(self, user: object) -> bool:
        """The department's people open the staff's check page of an application they may see."""
        department = holds_role(user, DEPARTMENT_ROLES)
        return department and self.can_view(user)

    def actions_for(self, user: object) -> list[tuple[str, Transition]]:
        """The moves this user may make now; the applicant's only on its own organization's application."""
        return [
            (to, rule)
            for to, rule in allowed_targets(PROPOSAL_TRANSITIONS, self.status, user)
            if to != "submitted" and self._on_its_side(rule, user)
        ]

    def is_outdated_move(self, user: object, to_state: str) -> bool:
        """True when the move is this user's to make in another state: a button left on a page that is out of date,
        not a forbidden action (the workflow's own moves are never a page's buttons)."""
        return any(
            to == to_state and not rule.by_workflow and user.has_role(*rule.roles) and self._on_its_side(rule, user)
            for (_, to), rule in PROPOSAL_TRANSITIONS.items()
        )

    def _on_its_side(self, rule: Transition, user: object) -> bool:
        """Applicants' moves belong to the applicant organization, screening moves to staff outside it."""
        return self.is_member(user) if rule.roles == APPLICANTS else self.can_screen(user)

    def can_screen(self, user: object) -> bool:
        """Department staff check the dossier, never one of their own organization."""
        screener = holds_role(user, MANAGERS)
        return screener and not self.is_member(user)


class WorkPackage(db.Model):
    """A content of work with its months and products."""

    __tablename__ = "work_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    month_from: Mapped[int | None]
    month_to: Mapped[int | None]
    products: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("month_to IS NULL OR month_from IS NULL OR month_to >= month_from", name="months"),
    )


class ExpectedProduct(db.Model):
    """An expected product with its quantity and quality target."""

    __tablename__ = "expected_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(64), default="")
    quantity: Mapped[int | None]
    quality_target: Mapped[str] = mapped_column(Text, default="")


class BudgetLine(db.Model):
    """A line of the budget: how much comes from the support and how much from counterpart funds."""

    __tablename__ = "budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    support_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    counterpart_vnd: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        CheckConstraint(f"kind IN {in_list(BUDGET_KINDS)}", name="kind"),
        CheckConstraint("support_vnd >= 0 AND counterpart_vnd >= 0", name="amounts"),
    )


class StoredFile:
    """The columns of an uploaded document stored outside static/ under a random name (proposals.files stores it):
    shared by an application's and a project's documents."""

    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposalFile(StoredFile, db.Model):
    """An uploaded document, stored outside static/ under a random name; never changed once stored."""

    __tablename__ = "proposal_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    call_document_id: Mapped[int | None] = mapped_column(ForeignKey("call_documents.id", ondelete="SET NULL"))
    # Removing a document from the dossier only marks it: the versions that listed it keep their history.
    removed_at: Mapped[datetime | None]

    call_document: Mapped[CallDocument | None] = relationship(lazy="raise")


class ProposalVersion(db.Model):
    """A frozen copy of the application as it was at one submission."""

    __tablename__ = "proposal_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    snapshot: Mapped[dict] = mapped_column(JSON)

    submitted_by: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("proposal_id", "number"),)


@event.listens_for(Proposal, "before_insert")
@event.listens_for(Proposal, "before_update")
def _proposal_search_text(mapper: object, connection: object, proposal: Proposal) -> None:
    proposal.search_text = normalize_search(proposal.reference_code, proposal.title, proposal.lead_name)[:1200]
    proposal.match_text = (
        normalize_search(proposal.title) + "\n" + normalize_search(proposal.objectives, proposal.technology)
    )

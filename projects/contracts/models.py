"""The funded project (nhiệm vụ / dự án): its contract, products and disbursement tranches, with their states (the
documents attached to its records: projects.contracts.files)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import (
    APPLICANTS,
    DEPARTMENT_ROLES,
    FINANCE,
    LEADERS,
    MANAGERS,
    Organization,
    holds_role,
    is_signed_in,
)
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.text import normalize_search
from core.workflow import Transition, TransitionTable, allowed_targets
from policies.models import Call, Regime, Sector
from projects.portfolio.health import HEALTH_LEVELS
from proposals.models import Proposal

PROJECT_STATES = {
    "contracted": _l("Contract signed"),
    "in_progress": _l("In progress"),
    "suspended": _l("Suspended"),
    "acceptance_due": _l("Final dossier due"),
    "acceptance_submitted": _l("Final dossier submitted"),
    "in_acceptance": _l("In acceptance"),
    "accepted": _l("Accepted"),
    "not_accepted": _l("Not accepted"),
    "failed": _l("Failed"),
    "terminated": _l("Terminated"),
    "recovery": _l("Funds being recovered"),
    "recovered": _l("Closed (funds recovered)"),
    "result_registered": _l("Result registered"),
    "liquidated": _l("Closed (contract liquidated)"),
}
register_status_labels("project", PROJECT_STATES)
# Where the work is still being done: reports are due and tranches may be paid.
RUNNING_STATES = frozenset({"contracted", "in_progress", "acceptance_due"})
# Where the host may still report, request adjustments and be inspected (running, or suspended for a while).
ACTIVE_STATES = RUNNING_STATES | {"suspended"}
# Where the final dossier is awaited from the host.
DOSSIER_STATES = frozenset({"in_progress", "acceptance_due"})
# Where no tranche may be requested, approved or paid: the work is halted or has failed.
FROZEN_STATES = frozenset({"suspended", "not_accepted", "failed", "terminated", "recovery", "recovered"})
# Where the file is closed: nothing is offered or accepted any more (but the final payment the liquidation record
# states, after liquidation).
CLOSED_STATES = frozenset({"liquidated", "recovered"})
PROJECT_TRANSITIONS: TransitionTable = {
    ("contracted", "in_progress"): Transition(MANAGERS, _l("Start the work")),
    ("in_progress", "suspended"): Transition(MANAGERS | LEADERS, _l("Suspend"), comment_required=True),
    ("suspended", "in_progress"): Transition(MANAGERS | LEADERS, _l("Resume")),
    ("in_progress", "acceptance_due"): Transition(MANAGERS, _l("Call for the final dossier")),
    # The host submitting the dossier, the council being formed and concluding move these (projects.acceptance.services).
    ("acceptance_due", "acceptance_submitted"): Transition(
        APPLICANTS, _l("Submit the final dossier"), by_workflow=True
    ),
    ("in_progress", "acceptance_submitted"): Transition(APPLICANTS, _l("Submit the final dossier"), by_workflow=True),
    ("acceptance_submitted", "in_acceptance"): Transition(MANAGERS, _l("Open the acceptance"), by_workflow=True),
    ("in_acceptance", "accepted"): Transition(MANAGERS, _l("Record the acceptance"), by_workflow=True),
    ("in_acceptance", "not_accepted"): Transition(MANAGERS, _l("Record the acceptance"), by_workflow=True),
    ("not_accepted", "in_acceptance"): Transition(MANAGERS, _l("Re-evaluate"), comment_required=True, by_workflow=True),
    ("not_accepted", "failed"): Transition(MANAGERS | LEADERS, _l("Declare failed"), comment_required=True),
    ("failed", "recovery"): Transition(MANAGERS | LEADERS, _l("Decide the recovery"), by_workflow=True),
    ("in_progress", "terminated"): Transition(LEADERS, _l("Terminate"), comment_required=True),
    ("suspended", "terminated"): Transition(LEADERS, _l("Terminate"), comment_required=True),
    ("terminated", "recovery"): Transition(MANAGERS | LEADERS, _l("Decide the recovery"), by_workflow=True),
    ("recovery", "recovered"): Transition(FINANCE | MANAGERS | LEADERS, _l("Funds recovered"), by_workflow=True),
    ("accepted", "result_registered"): Transition(MANAGERS, _l("Register the result"), by_workflow=True),
    ("result_registered", "liquidated"): Transition(MANAGERS | LEADERS, _l("Liquidate the contract"), by_workflow=True),
}

# Where money decided to recover is not all back yet: the condition of the partial index ix_projects_to_recover,
# which a query uses when it states the same (Project.recovered_vnd < Project.recovery_vnd).
TO_RECOVER = text("recovered_vnd < recovery_vnd")

LEGACY_AREAS = {"": _l("Not set"), "long_an": _l("Long An (former)"), "tay_ninh": _l("Tây Ninh (former)")}
GRADES = {"excellent": _l("Excellent (Xuất sắc)"), "pass": _l("Pass (Đạt)"), "fail": _l("Fail (Không đạt)")}
register_status_labels("legacy_area", LEGACY_AREAS)
register_status_labels("grade", GRADES)


class Project(db.Model):
    """A funded project and its contract (hợp đồng, model of TT 05/2014)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"), unique=True)
    # The group of the portfolio's sums (projects.portfolio.sums): a move keeps the old value, to sum both groups.
    regime_id: Mapped[int] = mapped_column(
        ForeignKey("regimes.id", ondelete="RESTRICT"), index=True, active_history=True
    )
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("calls.id", ondelete="RESTRICT"), active_history=True
    )  # ix_projects_call_money
    sector_id: Mapped[int | None] = mapped_column(
        ForeignKey("sectors.id", ondelete="RESTRICT")
    )  # ix_projects_sector_money
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(24), default="contracted")
    legacy_area: Mapped[str] = mapped_column(String(16), default="")
    title: Mapped[str] = mapped_column(String(500))
    lead_name: Mapped[str] = mapped_column(String(255), default="")
    lead_email: Mapped[str] = mapped_column(String(255), default="")
    approved_vnd: Mapped[int] = mapped_column(BigInteger)
    # The totals of the ledger (projects.money): maintained only by the conditional update that writes each entry,
    # so that they never pass their ceilings, whatever is recorded at the same moment elsewhere.
    paid_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    settled_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    recovery_vnd: Mapped[int] = mapped_column(BigInteger, default=0)  # decided to recover
    recovered_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    final_paid_vnd: Mapped[int] = mapped_column(BigInteger, default=0)  # paid after liquidation
    # The final account: the spending the final settlement accepts, and what the liquidation record leaves to pay.
    final_settled_vnd: Mapped[int | None] = mapped_column(BigInteger)
    final_due_vnd: Mapped[int | None] = mapped_column(BigInteger)

    contract_number: Mapped[str] = mapped_column(String(64), unique=True)
    signed_on: Mapped[date]
    start_on: Mapped[date]
    end_on: Mapped[date]  # moved by approved extensions
    original_end_on: Mapped[date]
    dossier_due_on: Mapped[date]  # the end plus the regime's days for the final dossier; moved with the end
    agency_signer: Mapped[str] = mapped_column(String(255), default="")
    host_signer: Mapped[str] = mapped_column(String(255), default="")
    # The approved application as it was frozen into the contract's annex (contents, products, budget).
    annex: Mapped[dict] = mapped_column(JSON, default=dict)
    amendment_count: Mapped[int] = mapped_column(default=0)

    dossier_submitted_at: Mapped[datetime | None]
    dossier_late: Mapped[bool] = mapped_column(default=False)
    final_report: Mapped[str] = mapped_column(Text, default="")
    product_report: Mapped[str] = mapped_column(Text, default="")
    financial_report: Mapped[str] = mapped_column(Text, default="")
    self_assessment: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[str | None] = mapped_column(String(16))

    certificate_number: Mapped[str] = mapped_column(String(64), default="")
    certificate_on: Mapped[date | None]
    settlement_on: Mapped[date | None]
    settlement_note: Mapped[str] = mapped_column(Text, default="")
    assets_on: Mapped[date | None]
    assets_note: Mapped[str] = mapped_column(Text, default="")
    liquidation_number: Mapped[str] = mapped_column(String(64), default="")
    liquidated_on: Mapped[date | None]
    recovery_decision: Mapped[str] = mapped_column(String(255), default="")
    recovery_decided_on: Mapped[date | None]
    recovery_due_on: Mapped[date | None]  # the funds to recover are to be returned by then

    # The health as of the last refresh (projects.portfolio.stored): refreshed in the flush that changes what it is
    # computed from, and daily for the time passing; read by the lists, filtered through ix_projects_health.
    health: Mapped[str] = mapped_column(String(16), default="on_track", server_default="on_track")
    health_reasons: Mapped[str] = mapped_column(String(120), default="", server_default="")  # codes, comma-separated

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When anything of the project last changed (every UPDATE but the stored health's, which keeps it): the open
    # data's dateModified.
    modified_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    search_text: Mapped[str] = mapped_column(String(1200), default="")
    version: Mapped[int] = mapped_column(default=1)

    proposal: Mapped[Proposal | None] = relationship(lazy="raise")
    regime: Mapped[Regime] = relationship(lazy="raise")
    call: Mapped[Call | None] = relationship(lazy="raise")
    sector: Mapped[Sector | None] = relationship(lazy="raise")
    organization: Mapped[Organization] = relationship(lazy="raise")
    products: Mapped[list["ProjectProduct"]] = relationship(
        lazy="raise", order_by="ProjectProduct.position", cascade="all, delete-orphan"
    )
    tranches: Mapped[list["Tranche"]] = relationship(
        back_populates="project", lazy="raise", order_by="Tranche.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {in_list(PROJECT_STATES)}", name="status"),
        CheckConstraint(f"legacy_area IN {in_list(LEGACY_AREAS)}", name="legacy_area"),
        CheckConstraint(f"grade IS NULL OR grade IN {in_list(GRADES)}", name="grade"),
        CheckConstraint("approved_vnd > 0", name="approved"),
        # The ceiling the conditional updates rely on, held by the database as well.
        CheckConstraint("paid_vnd >= 0 AND paid_vnd <= approved_vnd", name="paid_ceiling"),
        CheckConstraint("settled_vnd >= 0 AND settled_vnd <= paid_vnd", name="settled"),
        CheckConstraint("recovery_vnd >= 0 AND recovery_vnd <= paid_vnd", name="recovery"),
        CheckConstraint("recovered_vnd >= 0 AND recovered_vnd <= recovery_vnd", name="recovered"),
        CheckConstraint(
            "final_settled_vnd IS NULL OR (final_settled_vnd >= 0 AND final_settled_vnd <= approved_vnd)",
            name="final_settled",
        ),
        CheckConstraint("final_due_vnd IS NULL OR final_due_vnd >= 0", name="final_due"),
        CheckConstraint("final_paid_vnd >= 0 AND final_paid_vnd <= COALESCE(final_due_vnd, 0)", name="final_paid"),
        CheckConstraint("end_on >= start_on AND dossier_due_on >= end_on", name="dates"),
        CheckConstraint(f"health IN {in_list(HEALTH_LEVELS)}", name="health"),
        Index("ix_projects_status", "status"),
        Index("ix_projects_end_on", "end_on"),
        Index("ix_projects_signed_on", "signed_on", "id"),  # the public list, newest contract first; its years
        Index("ix_projects_legacy_area", "legacy_area"),
        Index("ix_projects_search_text", "search_text"),
        Index("ix_projects_health", "health", "end_on", "id"),  # the monitoring page filtered by health, in its order
        # The monitoring page's money totals per call and per sector, read from the index alone.
        Index("ix_projects_call_money", "call_id", "approved_vnd", "paid_vnd", "settled_vnd"),
        Index("ix_projects_sector_money", "sector_id", "approved_vnd", "paid_vnd", "settled_vnd"),
        Index("ix_projects_dossier_due", "dossier_submitted_at", "dossier_due_on"),  # final dossiers due, by date
        # The money still to recover, the soonest due first: finance's queue, the overdue recoveries.
        Index("ix_projects_to_recover", "recovery_due_on", "id", sqlite_where=TO_RECOVER, postgresql_where=TO_RECOVER),
    )

    def is_host(self, user: object) -> bool:
        """True when the user acts for the host organization."""
        membership = getattr(user, "membership", None) if is_signed_in(user) else None
        return membership is not None and membership.organization_id == self.organization_id

    def can_view(self, user: object) -> bool:
        """The host organization and the department; nobody else learns more than the public list shows."""
        return self.is_host(user) or holds_role(user, DEPARTMENT_ROLES)

    def can_manage(self, user: object) -> bool:
        """Department staff follow the project (never one of their own organization's)."""
        return holds_role(user, MANAGERS) and not self.is_host(user)

    def can_act_as_host(self, user: object) -> bool:
        """The host's people report, request tranches and adjustments and submit the final dossier."""
        return self.is_host(user) and user.has_role(*APPLICANTS)

    def can_pay(self, user: object) -> bool:
        """Finance records payments and settlements."""
        return holds_role(user, FINANCE) and not self.is_host(user)

    def can_decide(self, user: object) -> bool:
        """Staff or a leader approve or refuse the host's requests."""
        return holds_role(user, MANAGERS | LEADERS) and not self.is_host(user)

    def can_submit_dossier(self, user: object) -> bool:
        """The host submits the final dossier while the work is done or the dossier called for."""
        return self.can_act_as_host(user) and self.status in DOSSIER_STATES

    @staticmethod
    def can_record_contract(user: object, proposal: Proposal) -> bool:
        """Department staff record the contract of an approved application, never one of their own organization's."""
        return holds_role(user, MANAGERS) and not proposal.is_member(user)

    def actions_for(self, user: object) -> list[tuple[str, Transition]]:
        """The project moves this user may make now (department only)."""
        if self.is_host(user):
            return []
        return allowed_targets(PROJECT_TRANSITIONS, self.status, user)

    @property
    def is_running(self) -> bool:
        """Reports are due and tranches may be paid."""
        return self.status in RUNNING_STATES

    @property
    def is_closed(self) -> bool:
        """The file is closed: nothing is offered or accepted (but the final payment of a liquidated contract)."""
        return self.status in CLOSED_STATES

    @property
    def left_to_pay_vnd(self) -> int:
        """What may still be paid: per the liquidation record once liquidated, else the approved support not paid."""
        if self.final_due_vnd is not None:
            return self.final_due_vnd - self.final_paid_vnd
        return 0 if self.status in FROZEN_STATES else self.approved_vnd - self.paid_vnd

    @property
    def left_to_recover_vnd(self) -> int:
        """Decided to recover and not returned yet."""
        return self.recovery_vnd - self.recovered_vnd

    def finance_step(self, tranche: "Tranche") -> str | None:
        """What finance records next on the tranche: the payment of an approved one, the settlement of a paid one;
        once liquidated only the final payment, nothing while the work is halted; no settlement after the final one."""
        if self.status in FROZEN_STATES:
            return None
        if self.status == "liquidated":
            return "payment" if tranche.status == "approved" and self.left_to_pay_vnd > 0 else None
        step = {"approved": "payment", "paid": "settlement"}.get(tranche.status)
        return None if step == "settlement" and self.final_settled_vnd is not None else step


class ProjectProduct(db.Model):
    """A product the contract promises: rated on quantity and quality at acceptance."""

    __tablename__ = "project_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(64), default="")
    quantity: Mapped[int | None]
    quality_target: Mapped[str] = mapped_column(Text, default="")


TRANCHE_STATES = {
    "planned": _l("Planned"),
    "eligible": _l("Eligible"),
    "requested": _l("Requested"),
    "approved": _l("Approved for payment"),
    "paid": _l("Paid"),
    "settled": _l("Settled"),
    "cancelled": _l("Not paid (cancelled)"),
}
register_status_labels("tranche", TRANCHE_STATES)
TRANCHE_CONDITIONS = {
    "contract_signed": _l("Contract signed"),
    "report_accepted": _l("One more periodic report accepted"),
    "advance_settled": _l("Previous tranche settled"),
    "liquidated": _l("Acceptance passed and contract liquidated"),
}
register_status_labels("tranche_condition", TRANCHE_CONDITIONS)
TRANCHE_TRANSITIONS: TransitionTable = {
    ("planned", "eligible"): Transition(MANAGERS, _l("Condition met"), by_workflow=True),
    ("eligible", "requested"): Transition(APPLICANTS, _l("Request the payment")),
    ("requested", "approved"): Transition(MANAGERS, _l("Approve for payment")),
    ("requested", "eligible"): Transition(MANAGERS, _l("Return the request"), comment_required=True),
    ("approved", "paid"): Transition(FINANCE, _l("Record the payment"), by_workflow=True),
    ("paid", "settled"): Transition(FINANCE, _l("Record the settlement"), by_workflow=True),
    # The liquidation record approves the final payment it states, and cancels the tranches it leaves unpaid.
    **{
        (frm, "approved"): Transition(MANAGERS | LEADERS, _l("Approved by the liquidation record"), by_workflow=True)
        for frm in ("planned", "eligible")
    },
    **{
        (frm, "cancelled"): Transition(MANAGERS | LEADERS, _l("Cancel the tranche"), by_workflow=True)
        for frm in ("planned", "eligible", "requested", "approved")
    },
}


class Tranche(db.Model):
    """A disbursement tranche (đợt cấp kinh phí) with its amount, condition and payment."""

    __tablename__ = "tranches"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    percent: Mapped[int | None]  # as planned, when the plan gave a share rather than an amount
    condition: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    request_note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime | None]
    paid_on: Mapped[date | None]
    paid_vnd: Mapped[int | None] = mapped_column(BigInteger)
    payment_reference: Mapped[str] = mapped_column(String(128), default="")
    settled_on: Mapped[date | None]
    invoices_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(back_populates="tranches", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint(f"status IN {in_list(TRANCHE_STATES)}", name="status"),
        CheckConstraint(f"condition IN {in_list(TRANCHE_CONDITIONS)}", name="condition"),
        CheckConstraint("amount_vnd > 0", name="amount"),
        CheckConstraint("percent IS NULL OR percent BETWEEN 1 AND 100", name="percent"),
        CheckConstraint("paid_vnd IS NULL OR paid_vnd > 0", name="paid"),
        Index("ix_tranches_status", "status"),
    )


@event.listens_for(Project, "before_insert")
@event.listens_for(Project, "before_update")
def _project_search_text(mapper: object, connection: object, project: Project) -> None:
    project.search_text = normalize_search(project.code, project.contract_number, project.title, project.lead_name)[
        :1200
    ]

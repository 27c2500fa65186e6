"""Following a project while it runs: periodic reports, inspections with follow-up actions, adjustments."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import APPLICANTS, LEADERS, MANAGERS, User
from core.extensions import db, in_list
from core.formatting import to_local, utcnow
from core.i18n import register_status_labels
from core.workflow import Transition, TransitionTable, allowed_targets
from projects.contracts.models import Project
from projects.contracts.scope import ProjectBudgetLine, ProjectWorkPackage

REPORT_STATES = {
    "due": _l("Due"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for changes"),
    "accepted": _l("Accepted"),
    "cancelled": _l("Cancelled"),
}
register_status_labels("report", REPORT_STATES)
# Where the report is awaited from the host, who may write and submit it.
OPEN_REPORTS = ("due", "returned")
REPORT_TRANSITIONS: TransitionTable = {
    ("due", "submitted"): Transition(APPLICANTS, _l("Submit the report"), by_workflow=True),
    ("returned", "submitted"): Transition(APPLICANTS, _l("Submit the report"), by_workflow=True),
    ("submitted", "accepted"): Transition(MANAGERS, _l("Accept the report")),
    ("submitted", "returned"): Transition(MANAGERS, _l("Return with comments"), comment_required=True),
    # When the work is over before the report was given (projects.contracts.services.cancel_open_reports).
    ("due", "cancelled"): Transition(MANAGERS, _l("Cancel the report"), comment_required=True, by_workflow=True),
    ("returned", "cancelled"): Transition(MANAGERS, _l("Cancel the report"), comment_required=True, by_workflow=True),
}
# Where the host's figures count: the report was given to the department and stands.
REPORTED = ("submitted", "accepted")


class PeriodicReport(db.Model):
    """A periodic report (báo cáo định kỳ) due on a date of the contract's schedule."""

    __tablename__ = "periodic_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="due")
    # The host's general remarks on the progress and on the products (before the rows, the whole report's text).
    progress: Mapped[str] = mapped_column(Text, default="")
    products_progress: Mapped[str] = mapped_column(Text, default="")
    # The sum of the spending rows (or the host's figure when the contract has no budget lines), and the mean of
    # the work packages' percents: both computed when the report is saved.
    spent_vnd: Mapped[int | None] = mapped_column(BigInteger)
    progress_percent: Mapped[int | None]
    problems: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("project_id", "sequence"),
        CheckConstraint(f"status IN {in_list(REPORT_STATES)}", name="status"),
        CheckConstraint("spent_vnd IS NULL OR spent_vnd >= 0", name="spent"),
        CheckConstraint("progress_percent IS NULL OR progress_percent BETWEEN 0 AND 100", name="progress_percent"),
        Index("ix_periodic_reports_status_due", "status", "due_on"),
        # A page of projects' open and latest reports, read by project (projects.portfolio.queries.assess).
        Index("ix_periodic_reports_project_status", "project_id", "status"),
    )

    def is_late(self, today: date) -> bool:
        """Submitted after its due date, or still not submitted once the date has passed (never once cancelled)."""
        if self.status == "cancelled":
            return False
        if self.submitted_at is not None:
            return to_local(self.submitted_at).date() > self.due_on
        return self.status in OPEN_REPORTS and today > self.due_on

    def can_edit(self, user: object, project: Project) -> bool:
        """The host writes the report while it is awaited and the work runs (`project`: the report's)."""
        return project.can_act_as_host(user) and self.status in OPEN_REPORTS and project.is_running

    def is_hidden_from(self, user: object, project: Project) -> bool:
        """The host's draft stays its own until it is submitted, as an application's does."""
        return not project.is_host(user) and self.submitted_at is None

    def actions_for(self, user: object, project: Project) -> list[tuple[str, Transition]]:
        """The review moves this user may make now: staff following the project accept or return it."""
        return allowed_targets(REPORT_TRANSITIONS, self.status, user) if project.can_manage(user) else []


# A report's rows (read and written by projects.followup.reporting, by report id), one per row of the contract.


class ReportPackage(db.Model):
    """A report's progress on one work package of the contract: the percent done and what was done."""

    __tablename__ = "report_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("periodic_reports.id", ondelete="CASCADE"))
    work_package_id: Mapped[int] = mapped_column(ForeignKey(ProjectWorkPackage.id, ondelete="CASCADE"), index=True)
    percent: Mapped[int | None]
    done: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("report_id", "work_package_id"),
        CheckConstraint("percent IS NULL OR percent BETWEEN 0 AND 100", name="percent"),
    )


class ReportProduct(db.Model):
    """A report's progress on one product of the contract: the quantity achieved and the quality reached."""

    __tablename__ = "report_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("periodic_reports.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("project_products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int | None]
    quality: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("report_id", "product_id"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity"),
    )


class ReportSpending(db.Model):
    """A report's spending on one budget line of the contract, so far (against the line's approved support)."""

    __tablename__ = "report_spending"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("periodic_reports.id", ondelete="CASCADE"))
    budget_line_id: Mapped[int] = mapped_column(ForeignKey(ProjectBudgetLine.id, ondelete="CASCADE"), index=True)
    spent_vnd: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        UniqueConstraint("report_id", "budget_line_id"),
        CheckConstraint("spent_vnd >= 0", name="spent"),
    )


INSPECTION_KINDS = {"periodic": _l("Periodic"), "adhoc": _l("Ad hoc")}
register_status_labels("inspection_kind", INSPECTION_KINDS)


class Inspection(db.Model):
    """An inspection (kiểm tra) of the project, periodic or ad hoc, with its findings."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    planned_on: Mapped[date]
    held_on: Mapped[date | None]
    inspectors: Mapped[str] = mapped_column(String(500), default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    actions: Mapped[list["FollowUpAction"]] = relationship(
        back_populates="inspection", lazy="raise", order_by="FollowUpAction.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint(f"kind IN {in_list(INSPECTION_KINDS)}", name="kind"),)


class FollowUpAction(db.Model):
    """An action an inspection asks for, with its due date and when it was done."""

    __tablename__ = "follow_up_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    done_note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="actions", lazy="raise")

    __table_args__ = (Index("ix_follow_up_actions_open", "done_on", "due_on"),)


ADJUSTMENT_KINDS = {
    "extension": _l("Extension of the end date"),
    "budget": _l("Budget reallocation"),
    "content": _l("Change of content or products"),
    "lead": _l("Change of project lead"),
}
register_status_labels("adjustment_kind", ADJUSTMENT_KINDS)
ADJUSTMENT_STATES = {
    "requested": _l("Requested"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}
register_status_labels("adjustment", ADJUSTMENT_STATES)
ADJUSTMENT_TRANSITIONS: TransitionTable = {
    ("requested", "approved"): Transition(MANAGERS | LEADERS, _l("Approve the change"), by_workflow=True),
    ("requested", "refused"): Transition(MANAGERS | LEADERS, _l("Refuse the change"), comment_required=True),
    ("requested", "withdrawn"): Transition(APPLICANTS, _l("Withdraw the request")),
}


class Adjustment(db.Model):
    """The host's request to change the contract (điều chỉnh); once approved, a numbered amendment."""

    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")  # what changes, in the host's words
    new_end_on: Mapped[date | None]
    new_lead_name: Mapped[str] = mapped_column(String(255), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    amendment_number: Mapped[int | None]  # the contract's amendment number, given at approval
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    # What the project looked like before the change, so the amendment shows old and new values.
    previous: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id], lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("project_id", "amendment_number"),
        CheckConstraint(f"kind IN {in_list(ADJUSTMENT_KINDS)}", name="kind"),
        CheckConstraint(f"status IN {in_list(ADJUSTMENT_STATES)}", name="status"),
        CheckConstraint("kind != 'extension' OR new_end_on IS NOT NULL", name="extension_date"),
        CheckConstraint("kind != 'lead' OR new_lead_name != ''", name="lead_name"),
        Index("ix_adjustments_status", "status"),
    )

    def actions_for(self, user: object, project: Project) -> list[tuple[str, Transition]]:
        """The decisions this user may take on the request now: the host withdraws it, staff or a leader approve or
        refuse it (the approval is made by the amendment service, so the table does not offer it as a button)."""
        if self.status != "requested":
            return []
        if project.can_act_as_host(user):
            targets = ("withdrawn",)
        elif project.can_decide(user):
            targets = ("approved", "refused")
        else:
            targets = ()
        return [(to, ADJUSTMENT_TRANSITIONS[("requested", to)]) for to in targets]

"""Review councils: members and attendance, member × application assignments with conflicts of interest,
score sheets and decisions."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import LEADERS, MANAGERS, REVIEWERS, User
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.workflow import Transition, TransitionTable
from policies.evaluation import COUNCIL_ROLES, Criterion, EvaluationRule, ScoreSheetTemplate
from policies.models import Call
from proposals.models import Proposal

COUNCIL_STATES = {
    "forming": _l("Being formed"),
    "scoring": _l("Scoring open"),
    "closed": _l("Scoring closed"),
    "ranked": _l("Conclusions recorded"),
    "released": _l("Decisions released"),
}
register_status_labels("council", COUNCIL_STATES)
COUNCIL_TRANSITIONS: TransitionTable = {
    ("forming", "scoring"): Transition(MANAGERS, _l("Open scoring")),
    ("scoring", "closed"): Transition(MANAGERS, _l("Close scoring")),
    ("closed", "scoring"): Transition(MANAGERS, _l("Reopen scoring"), comment_required=True),
    ("closed", "ranked"): Transition(MANAGERS, _l("Record the conclusions")),
    ("ranked", "released"): Transition(MANAGERS, _l("Release the decisions")),
}

CONFLICTS = {
    "pending": _l("Not declared yet"),
    "none": _l("No conflict declared"),
    "declared": _l("Conflict declared (recused)"),
    "detected": _l("Conflict detected (blocked)"),
}
CONFLICTED = ("declared", "detected")  # the member sees nothing of the application
RECOMMENDATIONS = {
    "support": _l("Support"),
    "support_with_changes": _l("Support with changes"),
    "reject": _l("Do not support"),
}
SUPPORTING = frozenset({"support", "support_with_changes"})
register_status_labels("council_role", COUNCIL_ROLES)
register_status_labels("recommendation", RECOMMENDATIONS)
register_status_labels(
    "outcome", {"funded": _l("Funded"), "passed_not_funded": _l("Passed, not funded"), "failed": _l("Not passed")}
)

SHEET_STATES = {"draft": _l("Draft"), "submitted": _l("Submitted")}
register_status_labels("sheet", SHEET_STATES)
SHEET_TRANSITIONS: TransitionTable = {
    ("draft", "submitted"): Transition(REVIEWERS, _l("Submit the sheet")),
    # The chair (a member) or staff reopen a submitted sheet; who exactly is ScoreSheet.can_reopen's rule.
    ("submitted", "draft"): Transition(MANAGERS | REVIEWERS, _l("Reopen the sheet"), comment_required=True),
}

DECISION_STATES = {"draft": _l("Draft"), "approved": _l("Approved"), "refused": _l("Not approved")}
register_status_labels("decision", DECISION_STATES)
DECISION_TRANSITIONS: TransitionTable = {
    ("draft", "approved"): Transition(LEADERS, _l("Approve")),
    ("draft", "refused"): Transition(LEADERS, _l("Do not approve"), comment_required=True),
}


def _is_user(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


class Council(db.Model):
    """The review council (hội đồng tư vấn xét chọn) of a call."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    template_id: Mapped[int] = mapped_column(ForeignKey("score_sheet_templates.id", ondelete="RESTRICT"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rules.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default="forming")
    meeting_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(255), default="")
    admin_secretary_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    conclusions: Mapped[str] = mapped_column(Text, default="")  # the council's conclusions, printed in the minutes
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    call: Mapped[Call] = relationship(lazy="raise")
    template: Mapped[ScoreSheetTemplate] = relationship(lazy="raise")
    rule: Mapped[EvaluationRule] = relationship(lazy="raise")
    admin_secretary: Mapped[User | None] = relationship(lazy="raise")
    members: Mapped[list["CouncilMember"]] = relationship(
        back_populates="council", lazy="raise", order_by="CouncilMember.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint(f"status IN {in_list(COUNCIL_STATES)}", name="status"),)

    def membership_of(self, user: object) -> "CouncilMember | None":
        """The user's seat on this council (members must be loaded)."""
        if not _is_user(user):
            return None
        return next((m for m in self.members if m.user_id == user.id), None)

    def can_manage(self, user: object) -> bool:
        """Department staff form and run the council."""
        return _is_user(user) and user.has_role(*MANAGERS)

    def chair_seat(self, user: object) -> "CouncilMember | None":
        """The user's seat if they chair this council."""
        seat = self.membership_of(user)
        return seat if seat is not None and seat.role == "chair" else None

    def can_view_results(self, user: object) -> bool:
        """The department and the council's chair see the aggregation, the ranking and the minutes (the chair
        only of the applications they declared no conflict with)."""
        return (_is_user(user) and user.is_department) or self.chair_seat(user) is not None

    def can_record_attendance(self, user: object) -> bool:
        """Staff or the chair record who is present at the session."""
        return self.can_manage(user) or self.chair_seat(user) is not None


class CouncilMember(db.Model):
    """A seat on a council: who, in which council role, and whether they attended the session."""

    __tablename__ = "council_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    position: Mapped[int] = mapped_column(default=0)
    present: Mapped[bool | None]  # None until attendance is recorded

    council: Mapped[Council] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("council_id", "user_id"),
        CheckConstraint(f"role IN {in_list(COUNCIL_ROLES)}", name="role"),
    )


class Assignment(db.Model):
    """One member × one application: the conflict-of-interest declaration and whether the member is one of its
    reviewers (phản biện). The application's content opens to the member only once they declared no conflict."""

    __tablename__ = "council_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    is_reviewer: Mapped[bool] = mapped_column(default=False)
    conflict: Mapped[str] = mapped_column(String(16), default="pending")
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime | None]

    member: Mapped[CouncilMember] = relationship(lazy="raise")
    proposal: Mapped[Proposal] = relationship(lazy="raise")
    sheet: Mapped["ScoreSheet | None"] = relationship(back_populates="assignment", lazy="raise", uselist=False)

    __table_args__ = (
        UniqueConstraint("member_id", "proposal_id"),
        CheckConstraint(f"conflict IN {in_list(CONFLICTS)}", name="conflict"),
        CheckConstraint("NOT (is_reviewer AND conflict IN ('declared', 'detected'))", name="reviewer_clear"),
    )

    @property
    def is_conflicted(self) -> bool:
        return self.conflict in CONFLICTED

    @property
    def is_open(self) -> bool:
        """The member declared no conflict: the application's content, files and sheet are open to them."""
        return self.conflict == "none"


class ScoreSheet(db.Model):
    """A member's score sheet (phiếu đánh giá) for one application."""

    __tablename__ = "score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("council_assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    recommendation: Mapped[str] = mapped_column(String(24), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    review_text: Mapped[str] = mapped_column(Text, default="")  # the reviewers' (phản biện) detailed review
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    assignment: Mapped[Assignment] = relationship(back_populates="sheet", lazy="raise")
    scores: Mapped[list["SheetScore"]] = relationship(lazy="raise", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {in_list(SHEET_STATES)}", name="status"),
        CheckConstraint(f"recommendation IN {in_list(('', *RECOMMENDATIONS))}", name="recommendation"),
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"


class SheetScore(db.Model):
    """The value given to one criterion on a sheet: a level 0–4 or points, by the template's mechanic."""

    __tablename__ = "sheet_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("score_criteria.id", ondelete="RESTRICT"), index=True)
    value: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")

    criterion: Mapped[Criterion] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        CheckConstraint("value BETWEEN 0 AND 100", name="value"),
    )


class Decision(db.Model):
    """The decision approving support (quyết định phê duyệt) for one recommended application."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="RESTRICT"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    number: Mapped[str] = mapped_column(String(64), unique=True)
    signed_on: Mapped[date]
    signer: Mapped[str] = mapped_column(String(255))
    approved_vnd: Mapped[int] = mapped_column(BigInteger)
    conditions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    proposal: Mapped[Proposal] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {in_list(DECISION_STATES)}", name="status"),
        CheckConstraint("approved_vnd > 0", name="approved"),
        Index("ix_decisions_council_status", "council_id", "status"),
    )

"""Review councils: the council of a call and its state table, its seats (members and attendance), and the member ×
application assignments with their conflicts of interest and reviewers."""

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import DEPARTMENT_ROLES, MANAGERS, User, holds_role, is_signed_in
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.workflow import Transition, TransitionTable
from policies.evaluation import COUNCIL_ROLES, EvaluationRule, ScoreSheetTemplate
from policies.models import Call
from proposals.models import Proposal

if TYPE_CHECKING:
    from review.sheets.models import ScoreSheet

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
# Applications of a council in each of its states.
COUNCIL_PROPOSAL_STATES = {
    "forming": ("valid",),
    "scoring": ("in_review",),
    "closed": ("scored",),
    "ranked": ("recommended", "not_selected", "pending_approval"),
    "released": ("approved", "not_approved", "not_selected"),
}
register_status_labels("council_role", COUNCIL_ROLES)

CONFLICTS = {
    "pending": _l("Not declared yet"),
    "none": _l("No conflict declared"),
    "declared": _l("Conflict declared (recused)"),
    "detected": _l("Conflict detected (blocked)"),
}
register_status_labels("conflict", CONFLICTS)
CONFLICTED = ("declared", "detected")  # the member sees nothing of the application


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
    # Counts the changes of the stored results (review/results/store.py), which the stored exports are built from;
    # read by its own query only (deferred: migration 0010 loads councils before this column exists).
    results_revision: Mapped[int] = mapped_column(default=0, server_default="0", deferred=True, deferred_raiseload=True)
    # The median standard deviation of its applications' totals (scoring.council_spread), in hundredths of a point,
    # kept with the stored results; read by results.aggregation.council_flags only.
    usual_stdev_cents: Mapped[int | None] = mapped_column(deferred=True, deferred_raiseload=True)
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
        if not is_signed_in(user):
            return None
        return next((m for m in self.members if m.user_id == user.id), None)

    def chair_seat(self, user: object) -> "CouncilMember | None":
        """The user's seat if they chair this council."""
        seat = self.membership_of(user)
        return seat if seat is not None and seat.role == "chair" else None

    @staticmethod
    def can_form(user: object) -> bool:
        """Department staff form the council of a call (before there is a council to ask)."""
        return holds_role(user, MANAGERS)

    def can_manage(self, user: object) -> bool:
        """Department staff form and run the council."""
        return self.can_form(user)

    def can_view(self, user: object) -> bool:
        """The department and the council's chair know the council's pages (a member knows only their own
        applications)."""
        return holds_role(user, DEPARTMENT_ROLES) or self.chair_seat(user) is not None

    def can_view_results(self, user: object) -> bool:
        """Once scoring opened, the department and the council's chair see the aggregation, the ranking and the
        minutes (the chair only of the applications they declared no conflict with)."""
        return self.status != "forming" and self.can_view(user)

    def can_record_attendance(self, user: object) -> bool:
        """Staff or the chair record who is present at the session."""
        return self.can_manage(user) or self.chair_seat(user) is not None

    def can_oversee(self, user: object, proposal_id: int) -> bool:
        """Staff, or the chair on an application they declared no conflict with, oversee its sheets (reopen and
        print them). The seats' assignments of the application must be loaded (queries.load_council with it)."""
        if self.can_manage(user):
            return True
        seat = self.chair_seat(user)
        return seat is not None and any(a.proposal_id == proposal_id and a.is_open for a in seat.assignments)

    @property
    def withholds_scores(self) -> bool:
        """While scoring, a member sees the others' scores only after submitting their own sheets, unless the rule
        shows them before (rule must be loaded)."""
        return self.status == "scoring" and not self.rule.show_scores_before_submit


class CouncilMember(db.Model):
    """A seat on a council: who, in which council role, and whether they attended the session."""

    __tablename__ = "council_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    position: Mapped[int] = mapped_column(default=0)
    present: Mapped[bool | None]  # None until attendance is recorded
    # The seat heads the vote-counting committee the session elects (the vote-count record names its head). Read by
    # its own query only (queries.counting_head_id; deferred: migration 0010 loads seats before this column exists).
    counting_head: Mapped[bool] = mapped_column(
        default=False, server_default=false(), deferred=True, deferred_raiseload=True
    )
    # Where the seat's totals sit against the others', over the applications it scored with at least two others:
    # the median offset and the median absolute deviation around it in hundredths of a point, and how many (a
    # scoring.Bias, kept with the council's stored results; read by results.aggregation.council_biases only).
    offset_cents: Mapped[int | None] = mapped_column(deferred=True, deferred_raiseload=True)
    offset_spread_cents: Mapped[int | None] = mapped_column(deferred=True, deferred_raiseload=True)
    offset_count: Mapped[int] = mapped_column(default=0, server_default="0", deferred=True, deferred_raiseload=True)

    council: Mapped[Council] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")
    # Read only, and loaded for one application at a time (queries.load_council): a seat has one per application.
    assignments: Mapped[list["Assignment"]] = relationship(lazy="raise", viewonly=True)

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
    # The application's number in its call (proposals.sequence, fixed at its first submission), copied so that a
    # member's list reads its order from ix_council_assignments_member_sequence. Read in SQL only (deferred:
    # migration 0010 loads assignments before this column exists).
    sequence: Mapped[int] = mapped_column(deferred=True, deferred_raiseload=True)
    is_reviewer: Mapped[bool] = mapped_column(default=False)
    conflict: Mapped[str] = mapped_column(String(16), default="pending")
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime | None]
    # Whether the member's sheet for it is submitted (kept by the flush that moves the sheet, review.sheets.models),
    # so that what a member has still to score is read from the index, not by looking for the sheet of each of
    # thousands of assignments. Read in SQL only.
    sheet_submitted: Mapped[bool] = mapped_column(
        default=False, server_default=false(), deferred=True, deferred_raiseload=True
    )

    member: Mapped[CouncilMember] = relationship(lazy="raise")
    proposal: Mapped[Proposal] = relationship(lazy="raise")
    sheet: Mapped["ScoreSheet | None"] = relationship(back_populates="assignment", lazy="raise", uselist=False)

    __table_args__ = (
        UniqueConstraint("member_id", "proposal_id"),
        # A member's counts and what they have still to score, index only.
        Index("ix_council_assignments_member_conflict", "member_id", "conflict", "sheet_submitted"),
        Index("ix_council_assignments_member_sequence", "member_id", "sequence", "conflict"),  # a member's list
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

    def can_view(self, user: object) -> bool:
        """Its member, once the council opened scoring and unless they have a conflict with the application (a
        conflicted member must not learn more about it); member and council must be loaded."""
        return (
            is_signed_in(user)
            and self.member.user_id == user.id
            and self.member.council.status != "forming"
            and not self.is_conflicted
        )

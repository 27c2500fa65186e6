"""Score sheets: a member's sheet (phiếu đánh giá) for one application, its state table and its scores."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Connection, ForeignKey, String, Text, UniqueConstraint, event, inspect, update
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from accounts.models import MANAGERS, REVIEWERS, is_signed_in
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.workflow import Transition, TransitionTable
from policies.evaluation import Criterion
from review.councils.models import Assignment

RECOMMENDATIONS = {
    "support": _l("Support"),
    "support_with_changes": _l("Support with changes"),
    "reject": _l("Do not support"),
}
SUPPORTING = frozenset({"support", "support_with_changes"})
register_status_labels("recommendation", RECOMMENDATIONS)

SHEET_STATES = {"draft": _l("Draft"), "submitted": _l("Submitted")}
register_status_labels("sheet", SHEET_STATES)
SHEET_TRANSITIONS: TransitionTable = {
    ("draft", "submitted"): Transition(REVIEWERS, _l("Submit the sheet")),
    # The chair (a member) or staff reopen a submitted sheet; who exactly is ScoreSheet.can_reopen's rule.
    ("submitted", "draft"): Transition(MANAGERS | REVIEWERS, _l("Reopen the sheet"), comment_required=True),
}


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
    # The submitted version of the application (ProposalVersion.number) the sheet was last saved against; None when
    # the application had none.
    proposal_version: Mapped[int | None]
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

    def is_outdated(self, latest_version: int | None) -> bool:
        """Whether the application has a newer version than the one this sheet was written for."""
        return None not in (self.proposal_version, latest_version) and latest_version > self.proposal_version

    def can_view(self, user: object) -> bool:
        """Its member, the department and whoever oversees it see the sheet (as queries.load_sheet loads it)."""
        if is_signed_in(user) and (user.is_department or self.assignment.member.user_id == user.id):
            return True
        return self.can_reopen(user)

    def can_reopen(self, user: object) -> bool:
        """Staff, or the chair on an application they declared no conflict with, reopen a submitted sheet
        (as queries.load_sheet loads it)."""
        return self.assignment.member.council.can_oversee(user, self.assignment.proposal_id)


@event.listens_for(ScoreSheet, "after_insert")
@event.listens_for(ScoreSheet, "after_update")
def _tell_the_assignment(mapper: Mapper, connection: Connection, sheet: ScoreSheet) -> None:
    """The sheet's assignment says whether it is submitted (Assignment.sheet_submitted), in the flush that moves it."""
    if inspect(sheet).attrs.status.history.has_changes():
        assignments = Assignment.__table__
        statement = update(assignments).where(assignments.c.id == sheet.assignment_id)
        connection.execute(statement.values(sheet_submitted=sheet.status == "submitted"))


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

"""Decisions approving support (quyết định phê duyệt): one per recommended application, and their state table."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import DEPARTMENT_ROLES, LEADERS, holds_role
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.workflow import Transition, TransitionTable, allowed_targets
from proposals.models import Proposal
from review.councils.models import Council

DECISION_STATES = {"draft": _l("Draft"), "approved": _l("Approved"), "refused": _l("Not approved")}
register_status_labels("decision", DECISION_STATES)
DECISION_TRANSITIONS: TransitionTable = {
    ("draft", "approved"): Transition(LEADERS, _l("Approve")),
    ("draft", "refused"): Transition(LEADERS, _l("Do not approve"), comment_required=True),
}


class Decision(db.Model):
    """The decision approving support (quyết định phê duyệt) for one recommended application."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="RESTRICT"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    number: Mapped[str] = mapped_column(String(64))  # unique in its year: core.register
    signed_on: Mapped[date]
    signer: Mapped[str] = mapped_column(String(255))
    approved_vnd: Mapped[int] = mapped_column(BigInteger)
    conditions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    proposal: Mapped[Proposal] = relationship(lazy="raise")
    council: Mapped[Council] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {in_list(DECISION_STATES)}", name="status"),
        CheckConstraint("approved_vnd > 0", name="approved"),
        Index("ix_decisions_council_status", "council_id", "status"),
        Index("ix_decisions_status", "status", "created_at"),  # the drafts waiting for a leader (notifications)
    )

    def can_view(self, user: object) -> bool:
        """The department sees every decision but a refused one, drafts included (the leader signs a printed draft);
        the host organization sees its approved decision once the results are released (the proposal loaded)."""
        if self.status == "refused":
            return False
        released = self.status == "approved" and self.proposal.result_released_at is not None
        return holds_role(user, DEPARTMENT_ROLES) or (released and self.proposal.is_member(user))

    def can_decide(self, user: object) -> bool:
        """A leader approves a draft decision or does not approve it (DECISION_TRANSITIONS)."""
        return bool(allowed_targets(DECISION_TRANSITIONS, self.status, user))

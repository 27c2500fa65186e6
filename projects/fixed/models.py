"""Fixed-amount support (IP protection, standards): checked applications approved together in a batch decision and
paid, without a council or a contract (DOMAIN §6)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import DEPARTMENT_ROLES, FINANCE, LEADERS, MANAGERS, holds_role
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.workflow import Transition, TransitionTable, allowed_targets
from policies.models import Call
from proposals.models import Proposal

BATCH_STATES = {"draft": _l("Draft"), "approved": _l("Approved"), "refused": _l("Not approved")}
register_status_labels("batch", BATCH_STATES)
BATCH_TRANSITIONS: TransitionTable = {
    ("draft", "approved"): Transition(LEADERS, _l("Approve the batch")),
    ("draft", "refused"): Transition(LEADERS, _l("Do not approve"), comment_required=True),
}
AWARD_STATES = {
    "pending": _l("In a draft decision"),
    "approved": _l("Approved, to be paid"),
    "paid": _l("Paid"),
    "refused": _l("Not approved"),
}
register_status_labels("award", AWARD_STATES)
AWARD_TRANSITIONS: TransitionTable = {
    ("pending", "approved"): Transition(LEADERS, _l("Approve"), by_workflow=True),
    ("pending", "refused"): Transition(LEADERS, _l("Do not approve"), by_workflow=True),
    ("approved", "paid"): Transition(FINANCE, _l("Record the payment"), by_workflow=True),
}


class BatchDecision(db.Model):
    """One decision (quyết định) approving the fixed-amount support of several checked applications of a call."""

    __tablename__ = "batch_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="RESTRICT"), index=True)
    number: Mapped[str] = mapped_column(String(64))  # unique in its year: core.register
    signed_on: Mapped[date]
    signer: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    total_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    call: Mapped[Call] = relationship(lazy="raise")
    awards: Mapped[list["FixedAward"]] = relationship(
        back_populates="batch", lazy="raise", order_by="FixedAward.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {in_list(BATCH_STATES)}", name="status"),
        CheckConstraint("total_vnd >= 0", name="total"),
    )

    @staticmethod
    def can_draft(user: object) -> bool:
        """Department staff draft a call's batch decisions from its checked applications."""
        return holds_role(user, MANAGERS)

    def can_view(self, user: object) -> bool:
        """The department's record: applicants learn of their award by the result mail."""
        return holds_role(user, DEPARTMENT_ROLES)

    def can_decide(self, user: object) -> bool:
        """A leader approves the decision or does not approve it."""
        return holds_role(user, LEADERS)

    def actions_for(self, user: object) -> list[tuple[str, Transition]]:
        """The moves of the decision this user may make now."""
        return allowed_targets(BATCH_TRANSITIONS, self.status, user) if self.can_decide(user) else []


class FixedAward(db.Model):
    """One application's fixed amount in a batch decision, and its payment."""

    __tablename__ = "fixed_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch_decisions.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"), index=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    paid_on: Mapped[date | None]
    payment_reference: Mapped[str] = mapped_column(String(128), default="")
    version: Mapped[int] = mapped_column(default=1)

    batch: Mapped[BatchDecision] = relationship(back_populates="awards", lazy="raise")
    proposal: Mapped[Proposal] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {in_list(AWARD_STATES)}", name="status"),
        CheckConstraint("amount_vnd > 0", name="amount"),
        Index("ix_fixed_awards_status", "status"),
    )

    def can_view(self, user: object) -> bool:
        """The department's record, as its decision."""
        return holds_role(user, DEPARTMENT_ROLES)

    def can_pay(self, user: object) -> bool:
        """Finance records the payment of an award."""
        return holds_role(user, FINANCE)

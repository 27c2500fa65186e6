"""Final acceptance (nghiệm thu, TT 11/2014): the acceptance council, its members and their ratings."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import MANAGERS, User, is_signed_in
from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.workflow import Transition, TransitionTable
from policies.evaluation import COUNCIL_ROLES
from projects.contracts.models import GRADES, Project

# A member's declaration of interests in the project (states of the review councils, labelled as theirs): the dossier
# opens once they declared none; one who declares a conflict is recused: no rating, not counted in quorum or grade.
ACCEPTANCE_CONFLICTS = ("pending", "none", "declared")
ACCEPTANCE_STATES = {"forming": _l("Being formed"), "rating": _l("Rating open"), "concluded": _l("Concluded")}
register_status_labels("acceptance", ACCEPTANCE_STATES)
ACCEPTANCE_TRANSITIONS: TransitionTable = {
    ("forming", "rating"): Transition(MANAGERS, _l("Open the rating")),
    ("rating", "concluded"): Transition(MANAGERS, _l("Record the conclusion"), by_workflow=True),
}
LEVELS = {"excellent": _l("Excellent"), "pass": _l("Pass"), "fail": _l("Fail")}
register_status_labels("level", LEVELS)


class AcceptanceCouncil(db.Model):
    """The council that assesses a project's results; a re-evaluation forms a new one (round 2...)."""

    __tablename__ = "acceptance_councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="forming")
    meeting_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(255), default="")
    admin_secretary_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating_rule: Mapped[str] = mapped_column(String(16))  # the regime's rule when formed: tt11_2014 or points
    grade: Mapped[str | None] = mapped_column(String(16))
    conclusions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(lazy="raise")
    admin_secretary: Mapped[User | None] = relationship(lazy="raise")
    members: Mapped[list["AcceptanceMember"]] = relationship(
        back_populates="council", lazy="raise", order_by="AcceptanceMember.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("project_id", "round"),
        CheckConstraint(f"status IN {in_list(ACCEPTANCE_STATES)}", name="status"),
        CheckConstraint("rating_rule IN ('tt11_2014', 'points')", name="rating_rule"),
        CheckConstraint(f"grade IS NULL OR grade IN {in_list(GRADES)}", name="grade"),
        Index("ix_acceptance_councils_status", "status", "created_at"),  # those being formed (notifications)
    )

    def seat_of(self, user: object) -> "AcceptanceMember | None":
        """The user's seat on this council (members must be loaded)."""
        if not is_signed_in(user):
            return None
        return next((m for m in self.members if m.user_id == user.id), None)


class AcceptanceMember(db.Model):
    """A seat on an acceptance council: who, the council role, the declaration of interests, attendance, and when the
    member's rating was sent."""

    __tablename__ = "acceptance_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("acceptance_councils.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int]
    role: Mapped[str] = mapped_column(String(24))
    present: Mapped[bool | None]
    conflict: Mapped[str] = mapped_column(String(16), default="pending")
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime | None]
    report_level: Mapped[str | None] = mapped_column(String(16))  # the final report's rating
    points: Mapped[int | None]  # under a points rule
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    council: Mapped[AcceptanceCouncil] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")
    ratings: Mapped[list["ProductRating"]] = relationship(
        back_populates="member", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("council_id", "user_id"),
        CheckConstraint(f"role IN {in_list(COUNCIL_ROLES)}", name="role"),
        CheckConstraint(f"conflict IN {in_list(ACCEPTANCE_CONFLICTS)}", name="conflict"),
        CheckConstraint(f"report_level IS NULL OR report_level IN {in_list(LEVELS)}", name="report_level"),
        CheckConstraint("points IS NULL OR points BETWEEN 0 AND 100", name="points"),
    )

    @property
    def is_open(self) -> bool:
        """The member declared no conflict: the dossier and the rating are open to them."""
        return self.conflict == "none"

    @property
    def is_recused(self) -> bool:
        """The member declared a conflict: they take no part in this acceptance."""
        return self.conflict == "declared"


class ProductRating(db.Model):
    """One member's rating of one product, on quantity and on quality."""

    __tablename__ = "product_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("acceptance_members.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("project_products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[str | None] = mapped_column(String(16))
    quality: Mapped[str | None] = mapped_column(String(16))

    member: Mapped[AcceptanceMember] = relationship(back_populates="ratings", lazy="raise")

    __table_args__ = (
        UniqueConstraint("member_id", "product_id"),
        CheckConstraint(f"quantity IS NULL OR quantity IN {in_list(LEVELS)}", name="quantity"),
        CheckConstraint(f"quality IS NULL OR quality IN {in_list(LEVELS)}", name="quality"),
    )

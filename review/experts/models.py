"""An expert's profile: the sectors and priority items they know, keywords, the most applications they review per
council, and the organizations they worked for (which make conflicts of interest)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import MANAGERS, REVIEWERS, User, holds_role, is_signed_in
from core.extensions import db
from core.formatting import utcnow
from core.text import normalize_search
from policies.models import PriorityItem, Sector

expert_sectors = Table(
    "expert_sectors",
    db.metadata,
    Column("user_id", ForeignKey("expert_profiles.user_id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)
expert_priority_items = Table(
    "expert_priority_items",
    db.metadata,
    Column("user_id", ForeignKey("expert_profiles.user_id", ondelete="CASCADE"), primary_key=True),
    Column("priority_item_id", ForeignKey("priority_items.id", ondelete="CASCADE"), primary_key=True),
)


class ExpertProfile(db.Model):
    """What a reviewer-role user is expert in, kept by themselves or by staff."""

    __tablename__ = "expert_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    keywords: Mapped[str] = mapped_column(Text, default="")  # as typed, comma-separated
    # The most applications they are reviewer (phản biện) of in one council; None: no limit.
    max_reviews: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship(lazy="raise")
    sectors: Mapped[list[Sector]] = relationship(secondary=expert_sectors, lazy="raise", order_by=Sector.number)
    priority_items: Mapped[list[PriorityItem]] = relationship(
        secondary=expert_priority_items, lazy="raise", order_by=(PriorityItem.sector_id, PriorityItem.number)
    )
    history: Mapped[list["ExpertAffiliation"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ExpertAffiliation.position"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("max_reviews IS NULL OR max_reviews BETWEEN 0 AND 1000", name="max_reviews"),)

    @property
    def keyword_list(self) -> list[str]:
        """The keywords as typed, one per comma, semicolon or line, blanks and repeats (ignoring accents) left out."""
        seen: dict[str, str] = {}
        for part in (self.keywords or "").replace(";", ",").replace("\n", ",").split(","):
            word = " ".join(part.split())[:80]
            if word:
                seen.setdefault(normalize_search(word), word)
        return list(seen.values())

    @staticmethod
    def can_edit(user: object, expert: User) -> bool:
        """The expert keeps their own profile; staff keep anyone's who may sit on councils."""
        if not expert.has_role(*REVIEWERS):
            return False
        return holds_role(user, MANAGERS) or (is_signed_in(user) and user.id == expert.id)


class ExpertAffiliation(db.Model):
    """An organization the expert worked for or acts for, and the years: within the regime's conflict_years of its
    end (or while it lasts) the expert may not judge that organization's applications."""

    __tablename__ = "expert_affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("expert_profiles.user_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    organization_name: Mapped[str] = mapped_column(String(255))
    tax_code: Mapped[str] = mapped_column(String(16), default="")
    from_year: Mapped[int | None]
    to_year: Mapped[int | None]  # None: still there

    __table_args__ = (CheckConstraint("from_year IS NULL OR to_year IS NULL OR from_year <= to_year", name="years"),)

    def is_recent(self, this_year: int, years: int) -> bool:
        """Still there, or left within the given number of years."""
        return self.to_year is None or self.to_year >= this_year - years

    def is_with(self, name: str, tax_code: str) -> bool:
        """The affiliation is with this organization: the same tax code, or the same name ignoring case and accents
        when either tax code is missing."""
        if self.tax_code and tax_code:
            return self.tax_code.strip() == tax_code.strip()
        return normalize_search(self.organization_name) == normalize_search(name)

"""The portfolio's money summed by group (portfolio_sums): one row per regime, call, sector, state and legacy area
that projects share, with how many they are and the support approved, paid and settled. The monitoring page's
totals add these few rows up instead of every project; projects.portfolio.sums keeps them."""

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db


class PortfolioSum(db.Model):
    """The projects of one regime, call (None: without a call), sector, state and legacy area, summed."""

    __tablename__ = "portfolio_sums"

    id: Mapped[int] = mapped_column(primary_key=True)
    regime_id: Mapped[int] = mapped_column(ForeignKey("regimes.id", ondelete="CASCADE"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    legacy_area: Mapped[str] = mapped_column(String(16))
    projects: Mapped[int]
    approved_vnd: Mapped[int] = mapped_column(BigInteger)
    paid_vnd: Mapped[int] = mapped_column(BigInteger)
    settled_vnd: Mapped[int] = mapped_column(BigInteger)

    # A group (regime, call) is recomputed whole when one of its projects changes.
    __table_args__ = (Index("ix_portfolio_sums_group", "regime_id", "call_id"),)

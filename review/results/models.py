"""A council's stored results: one row per application before it, written when a sheet, a declaration, the
attendance, the council's state or the call's envelope changes (results/store.py), read a page at a time."""

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db, in_list
from proposals.models import Proposal
from review.results import scoring

OUTCOMES = ("funded", "passed_not_funded", "failed")


def from_cents(cents: int | None) -> Decimal | None:
    """Hundredths of a point as the Decimal the pages show."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def to_cents(value: Decimal | None) -> int | None:
    """A figure of at most two decimals (points are quarters at most, means rounded to cents) in hundredths."""
    return None if value is None else int(value.scaleb(2))


class CouncilResult(db.Model):
    """An application's aggregate before its council, its rank and outcome. Figures are in hundredths of a point;
    total_cents over 100 × received is the exact mean the ranking follows (70 − 0.005 stays below 70)."""

    __tablename__ = "council_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    received: Mapped[int] = mapped_column(default=0)
    expected: Mapped[int] = mapped_column(default=0)
    present: Mapped[int] = mapped_column(default=0)
    votes_for: Mapped[int] = mapped_column(default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # the sum of the valid sheets' totals
    mean_cents: Mapped[int | None]
    median_cents: Mapped[int | None]
    minimum_cents: Mapped[int | None]
    maximum_cents: Mapped[int | None]
    stdev_cents: Mapped[int | None]
    chair_cents: Mapped[int | None]  # the chair's counted total, the last tie-break
    # Criterion id (as text) → [sum of points in cents, rounded mean in cents, how many zeros].
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    passed: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # codes, put in words when shown
    recused: Mapped[list] = mapped_column(JSON, default=list)  # member ids
    # Member id (as text) → total less the others' mean (scoring.offsets) in units of 1 / deviation_scale point
    # (store.py).
    deviations: Mapped[dict] = mapped_column(JSON, default=dict)
    rank: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(24), default="failed")
    cumulative_vnd: Mapped[int] = mapped_column(BigInteger, default=0)

    proposal: Mapped[Proposal] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("council_id", "proposal_id"),
        Index("ix_council_results_council_id_rank", "council_id", "rank"),
        CheckConstraint(f"outcome IN {in_list(OUTCOMES)}", name="outcome"),
    )

    def aggregate(self, exact: bool = True) -> scoring.Aggregate:
        """The stored figures as the scoring functions' aggregate, with the exact means the ranking needs (pages
        that only show the figures leave them out)."""
        return stored_aggregate({key: getattr(self, key) for key in AGGREGATE_COLUMNS}, exact)


AGGREGATE_COLUMNS = ("received", "expected", "present", "votes_for", "total_cents", "passed", "reasons", "criteria")
AGGREGATE_COLUMNS += ("mean_cents", "median_cents", "minimum_cents", "maximum_cents", "stdev_cents")


def stored_aggregate(row: dict, exact: bool = True) -> scoring.Aggregate:
    """An aggregate from a stored row's columns (an ORM row's attributes or a core row's mapping)."""
    criteria = {int(cid): values for cid, values in (row["criteria"] or {}).items()}
    count = row["received"]
    return scoring.Aggregate(
        received=count,
        expected=row["expected"],
        mean=from_cents(row["mean_cents"]),
        median=from_cents(row["median_cents"]),
        minimum=from_cents(row["minimum_cents"]),
        maximum=from_cents(row["maximum_cents"]),
        stdev=from_cents(row["stdev_cents"]),
        criterion_means={cid: from_cents(v[1]) for cid, v in criteria.items()} if count else {},
        zeros={cid: v[2] for cid, v in criteria.items()},
        votes_for=row["votes_for"],
        present=row["present"],
        passed=row["passed"],
        reasons=tuple(row["reasons"] or ()),
        exact_mean=Fraction(row["total_cents"], 100 * count) if count and exact else None,
        exact_criterion_means={cid: Fraction(v[0], 100 * count) for cid, v in criteria.items()}
        if count and exact
        else {},
    )


class CouncilExport(db.Model):
    """The council's Excel export in one language, stored once asked for: served while the results are at the
    revision it was built from (Council.results_revision), built again by `flask review build-exports` once they
    changed and someone asked for it since (review/results/export.py)."""

    __tablename__ = "council_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    requested_at: Mapped[datetime]
    revision: Mapped[int | None]  # of the results it was built from; None until built
    built_at: Mapped[datetime | None]
    stored_name: Mapped[str | None] = mapped_column(String(64))  # in the upload folder, our own name
    size: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("council_id", "language"),)

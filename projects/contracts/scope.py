"""The contract's scope frozen as rows at signature: the work packages and the budget lines of the approved
application, the lines' support scaled to what the decision granted. The periodic reports measure progress and
spending against these rows; the annex shows them."""

from dataclasses import dataclass

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db, in_list
from projects.contracts.models import Project
from proposals.models import BUDGET_KINDS, BudgetLine, Proposal, WorkPackage


class ProjectWorkPackage(db.Model):
    """A content of work of the contract, with its months and products, as the approved application had it."""

    __tablename__ = "project_work_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    month_from: Mapped[int | None]
    month_to: Mapped[int | None]
    products: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint("month_to IS NULL OR month_from IS NULL OR month_to >= month_from", name="months"),
    )


class ProjectBudgetLine(db.Model):
    """A line of the contract's budget: the support as approved (scaled to the decision), what the application
    asked for it and the counterpart funds."""

    __tablename__ = "project_budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    support_vnd: Mapped[int] = mapped_column(BigInteger, default=0)  # as approved
    requested_vnd: Mapped[int] = mapped_column(BigInteger, default=0)  # as the application asked
    counterpart_vnd: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint(f"kind IN {in_list(BUDGET_KINDS)}", name="kind"),
        CheckConstraint("support_vnd >= 0 AND requested_vnd >= 0 AND counterpart_vnd >= 0", name="amounts"),
    )


def scale_amounts(amounts: list[int], total: int) -> list[int]:
    """The amounts scaled to add up to `total` exactly, in whole đồng: each gets the floor of its share and the đồng
    left over go one each to the largest remainders (the earlier line first on a tie). Amounts that add up to
    nothing share the total equally."""
    if not amounts:
        return []
    weights = amounts if sum(amounts) > 0 else [1] * len(amounts)
    whole = sum(weights)
    scaled = [weight * total // whole for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(weights[i] * total % whole), i))
    for index in by_remainder[: total - sum(scaled)]:
        scaled[index] += 1
    return scaled


def freeze_scope(project: Project, proposal: Proposal, approved_vnd: int) -> None:
    """Copy the approved application's work packages and budget lines into the contract (the project flushed); the
    lines' support is scaled to the approved support so that they add up to it exactly."""
    packages = db.session.execute(
        select(WorkPackage).where(WorkPackage.proposal_id == proposal.id).order_by(WorkPackage.position)
    ).scalars()
    for number, package in enumerate(packages, 1):
        db.session.add(
            ProjectWorkPackage(
                project_id=project.id,
                position=number,
                name=package.name,
                month_from=package.month_from,
                month_to=package.month_to,
                products=package.products,
            )
        )
    lines = db.session.execute(
        select(BudgetLine).where(BudgetLine.proposal_id == proposal.id).order_by(BudgetLine.position)
    ).scalars()
    lines = list(lines)
    approved = scale_amounts([line.support_vnd for line in lines], approved_vnd)
    for number, (line, support) in enumerate(zip(lines, approved, strict=True), 1):
        db.session.add(
            ProjectBudgetLine(
                project_id=project.id,
                position=number,
                kind=line.kind,
                description=line.description,
                support_vnd=support,
                requested_vnd=line.support_vnd,
                counterpart_vnd=line.counterpart_vnd,
            )
        )
    db.session.flush()


@dataclass(frozen=True)
class Scope:
    """The contract's rows: its work packages and budget lines in order, with the budget's totals."""

    packages: list[ProjectWorkPackage]
    lines: list[ProjectBudgetLine]

    @property
    def support_vnd(self) -> int:
        """The support as approved, over the lines."""
        return sum(line.support_vnd for line in self.lines)

    @property
    def requested_vnd(self) -> int:
        """The support the application asked, over the lines."""
        return sum(line.requested_vnd for line in self.lines)

    @property
    def counterpart_vnd(self) -> int:
        """The counterpart funds, over the lines."""
        return sum(line.counterpart_vnd for line in self.lines)


def contract_scope(project_id: int) -> Scope:
    """The project's work packages and budget lines (two queries)."""
    packages = db.session.execute(
        select(ProjectWorkPackage)
        .where(ProjectWorkPackage.project_id == project_id)
        .order_by(ProjectWorkPackage.position)
    ).scalars()
    lines = db.session.execute(
        select(ProjectBudgetLine).where(ProjectBudgetLine.project_id == project_id).order_by(ProjectBudgetLine.position)
    ).scalars()
    return Scope(list(packages), list(lines))

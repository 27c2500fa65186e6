"""Loading a project with what its pages show; the contracts waiting to be signed, and the contract that keeps an
approved application from giving its support back."""

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from projects.contracts.models import Project, Tranche
from projects.fixed.models import FixedAward
from proposals.models import Proposal


def load_project(project_id: int) -> Project:
    """A project with its regime, call, sector, host organization, products and tranches loaded, or 404."""
    return db.one_or_404(
        select(Project)
        .where(Project.id == project_id)
        .options(
            selectinload(Project.regime),
            selectinload(Project.call),
            selectinload(Project.sector),
            selectinload(Project.organization),
            selectinload(Project.products),
            selectinload(Project.tranches),
        )
    )


def contracts_due_page(page: int, per_page: int) -> object:
    """Approved applications that have no project yet, oldest decision first: the contracts to sign."""
    query = (
        select(Proposal)
        .where(
            Proposal.status == "approved",
            ~exists().where(Project.proposal_id == Proposal.id),
            ~exists().where(FixedAward.proposal_id == Proposal.id),  # fixed amounts are paid without a contract
        )
        .options(selectinload(Proposal.organization), selectinload(Proposal.call))
        .order_by(Proposal.result_released_at, Proposal.id)
    )
    return db.paginate(query, page=page, per_page=per_page, max_per_page=100, error_out=False)


def load_tranche(project: Project, tranche_id: int) -> Tranche:
    """One of the project's tranches (project's tranches loaded), or 404."""
    tranche = next((t for t in project.tranches if t.id == tranche_id), None)
    if tranche is None:
        abort(404)
    return tranche


def contract_blocks_withdrawal(proposal: Proposal) -> str:
    """Why the approved application cannot give its support back (a receiver of review.signals.withdrawal_blockers):
    its contract is signed."""
    if db.session.execute(select(Project.id).where(Project.proposal_id == proposal.id)).first():
        return _("A contract was signed for this application: close its project to recover the support instead.")
    return ""

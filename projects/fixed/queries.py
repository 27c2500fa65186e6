"""Loading what the fixed-amount pages show: a call's batch decisions, one decision with its awards, and whether an
application was approved for a fixed amount."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from core.documents import OfficialDocument
from core.extensions import db
from policies.models import Call, SupportCategory, call_categories
from projects.fixed.models import BatchDecision, FixedAward
from proposals.models import Proposal


def call_batches(call_id: int) -> list[tuple[BatchDecision, int]]:
    """The call's batch decisions, newest first, each with its number of awards."""
    counted = (
        select(func.count()).select_from(FixedAward).where(FixedAward.batch_id == BatchDecision.id).scalar_subquery()
    )
    query = (
        select(BatchDecision, counted)
        .where(BatchDecision.call_id == call_id)
        .order_by(BatchDecision.signed_on.desc(), BatchDecision.id.desc())
    )
    return [(batch, count) for batch, count in db.session.execute(query)]


def load_batch(batch_id: int) -> BatchDecision:
    """A batch decision with its call (and regime) and its awards' applications and organizations, or 404."""
    return db.one_or_404(
        select(BatchDecision)
        .where(BatchDecision.id == batch_id)
        .options(
            joinedload(BatchDecision.call).joinedload(Call.regime),
            selectinload(BatchDecision.awards)
            .joinedload(FixedAward.proposal)
            .options(joinedload(Proposal.organization), joinedload(Proposal.category)),
        )
    )


def is_fixed_award(proposal_id: int) -> bool:
    """True when the application was approved in a batch decision of fixed amounts (paid without a contract)."""
    return db.session.execute(select(FixedAward.id).where(FixedAward.proposal_id == proposal_id)).first() is not None


def award_batch(proposal_id: int) -> BatchDecision | None:
    """The latest batch decision awarding the application a fixed amount, unless it was not approved."""
    query = (
        select(BatchDecision)
        .join(FixedAward, FixedAward.batch_id == BatchDecision.id)
        .where(FixedAward.proposal_id == proposal_id, BatchDecision.status != "refused")
        .order_by(BatchDecision.id.desc())
        .limit(1)
    )
    return db.session.execute(query).scalar()


def fixed_amount_calls() -> list[Call]:
    """The published calls offering a fixed-amount category: their checked applications go in batch decisions."""
    fixed = (
        select(call_categories.c.call_id)
        .join(SupportCategory, SupportCategory.id == call_categories.c.category_id)
        .where(SupportCategory.rule_kind == "fixed")
    )
    query = select(Call).where(Call.status != "draft", Call.id.in_(fixed)).order_by(Call.year.desc(), Call.code)
    return list(db.session.execute(query).scalars())


def batch_documents(batch: BatchDecision) -> list[OfficialDocument]:
    """The batch decision as an official document with its beneficiaries (none once not approved)."""
    if batch.status == "refused":
        return []
    args = {"batch_id": batch.id}
    return [OfficialDocument(_("Batch decision"), batch.number, batch.signed_on, "projects.batch_document", args)]

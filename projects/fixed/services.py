"""Fixed-amount support (DOMAIN §6): checked applications of fixed-amount categories approved together in a batch
decision by a leader, without a council, the envelope committed once, then each award paid by finance."""

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_date, format_money, local_today, utcnow
from core.register import claim, release
from core.workflow import perform_transition
from policies.models import Call, SupportCategory
from projects.fixed.models import AWARD_TRANSITIONS, BATCH_TRANSITIONS, BatchDecision, FixedAward
from projects.money.ledger import check_day
from projects.signals import award_changed, batch_changed
from proposals.models import PROPOSAL_TRANSITIONS, Proposal
from proposals.signals import proposal_changed
from review.decisions.services import commit_envelope
from review.signals import result_released

MAX_AWARDS = 100  # applications offered, and accepted, in one decision: the page stays one screen of checkboxes
HOLDING = ("pending", "approved", "paid")  # an award in these states keeps its application out of another batch


def _held(proposal_id: object) -> object:
    return exists().where(FixedAward.proposal_id == proposal_id, FixedAward.status.in_(HOLDING))


def candidate_applications(call_id: int) -> list[tuple[Proposal, int]]:
    """The call's valid applications of fixed-amount categories not yet in a draft or approved decision, oldest
    first, at most MAX_AWARDS, each with the amount it would get."""
    query = (
        select(Proposal)
        .join(SupportCategory, SupportCategory.id == Proposal.category_id)
        .where(
            Proposal.call_id == call_id,
            Proposal.status == "valid",
            SupportCategory.rule_kind == "fixed",
            ~_held(Proposal.id),
        )
        .options(joinedload(Proposal.organization), joinedload(Proposal.category))
        .order_by(Proposal.sequence)
        .limit(MAX_AWARDS)
    )
    return [(proposal, award_amount(proposal)) for proposal in db.session.execute(query).scalars()]


def award_amount(proposal: Proposal) -> int:
    """The support an application gets: what it asked for, never more than its category's fixed amount."""
    return min(proposal.support_total_vnd, int(proposal.category.fixed_amount_vnd or 0))


def batch_totals(batch: BatchDecision) -> dict[str, int]:
    """The amounts approved (to pay or paid) and paid so far in the batch (awards must be loaded)."""
    approved = sum(a.amount_vnd for a in batch.awards if a.status in ("approved", "paid"))
    return {"approved": approved, "paid": sum(a.amount_vnd for a in batch.awards if a.status == "paid")}


def _chosen(call: Call, proposal_ids: list[int]) -> list[Proposal]:
    """The applications picked for a batch, each checked: of this call, valid, of a fixed-amount category and in
    no other draft or approved decision."""
    if not proposal_ids:
        raise DomainError(_("Choose at least one application."), "proposal_ids")
    if len(set(proposal_ids)) > MAX_AWARDS:
        raise DomainError(_("At most %(n)d applications go in one decision.", n=MAX_AWARDS), "proposal_ids")
    query = (
        select(Proposal, _held(Proposal.id))
        .where(Proposal.id.in_(set(proposal_ids)), Proposal.call_id == call.id)
        .options(joinedload(Proposal.category))
        .order_by(Proposal.sequence)
    )
    rows = db.session.execute(query).all()
    if len(rows) != len(set(proposal_ids)):
        raise DomainError(_("Some of the chosen applications are not applications of this call."), "proposal_ids")
    for proposal, held in rows:
        if proposal.status != "valid":
            raise DomainError(
                _("Application %(code)s is not a valid (checked) application.", code=proposal.display_code),
                "proposal_ids",
            )
        if proposal.category is None or proposal.category.rule_kind != "fixed":
            raise DomainError(
                _(
                    "Application %(code)s is not of a fixed-amount support category: it goes to the review council.",
                    code=proposal.display_code,
                ),
                "proposal_ids",
            )
        if held:
            raise DomainError(
                _("Application %(code)s is already in another decision.", code=proposal.display_code), "proposal_ids"
            )
    return [proposal for proposal, _held_now in rows]


def draft_batch(call: Call, data: dict, user: User) -> BatchDecision:
    """Draft a batch decision with one award per chosen application, for a leader to approve."""
    if data["signed_on"] > local_today():
        raise DomainError(_("A decision cannot be dated in the future."), "signed_on")
    proposals = _chosen(call, data["proposal_ids"])
    awards = [FixedAward(proposal_id=p.id, amount_vnd=award_amount(p), status="pending") for p in proposals]
    batch = BatchDecision(
        call_id=call.id,
        number=data["number"],
        signed_on=data["signed_on"],
        signer=data["signer"],
        status="draft",
        total_vnd=sum(a.amount_vnd for a in awards),
        created_by_id=user.id,
        awards=awards,
    )
    db.session.add(batch)
    try:
        db.session.flush()
        claim("batch_decision", batch.id, batch.number, batch.signed_on, "number")
    except IntegrityError:  # another document took the number between the register's check and this insert
        raise DomainError(
            _("Another decision was recorded at the same moment with this number; please save again."), "number"
        ) from None
    record_event("create", "batch_decision", batch.id, to_state="draft", actor=user)
    batch_changed.send(batch, from_state=None, to_state="draft", actor=user, comment="")
    return batch


def decision_text(batch: BatchDecision, award: FixedAward) -> str:
    """The decision as the applicant reads it in the result mail and the application's history (Vietnamese, the
    language of the record)."""
    with force_locale("vi"):
        return _(
            "Decision No. %(number)s of %(date)s, signed by %(signer)s: approved support %(amount)s.",
            number=batch.number,
            date=format_date(batch.signed_on),
            signer=batch.signer,
            amount=format_money(award.amount_vnd),
        )


def decide_batch(batch: BatchDecision, to_state: str, user: User, comment: str = "") -> None:
    """A leader approves the batch (the envelope committed once for its total, each application approved and its
    organization told) or does not approve it (with a reason; the applications stay valid for another batch)."""
    perform_transition(batch, BATCH_TRANSITIONS, to_state, user, "batch_decision", comment, batch_changed)
    batch.comment = comment.strip()
    if to_state == "approved":
        _approve(batch, user)
    else:
        release("batch_decision", batch.id)
        for award in batch.awards:
            perform_transition(award, AWARD_TRANSITIONS, "refused", user, "fixed_award", comment, award_changed)
    db.session.flush()


def _approve(batch: BatchDecision, user: User) -> None:
    """Commit the batch's total to the envelope once, approve each award and application and tell its organization."""
    gone = [a.proposal.display_code for a in batch.awards if a.proposal.status != "valid"]
    if gone:
        raise DomainError(
            _(
                "These applications are no longer valid (withdrawn or approved elsewhere): %(codes)s. "
                "Do not approve this decision; draft another one.",
                codes=", ".join(gone),
            )
        )
    commit_envelope(batch.call_id, batch.total_vnd)
    now = utcnow()
    for award in batch.awards:
        text = decision_text(batch, award)
        perform_transition(award, AWARD_TRANSITIONS, "approved", user, "fixed_award", signal=award_changed)
        perform_transition(award.proposal, PROPOSAL_TRANSITIONS, "approved", user, "proposal", text, proposal_changed)
        award.proposal.result_released_at = now
        result_released.send(award.proposal, from_state=None, to_state="approved", actor=user, comment=text)


def pay_award(award: FixedAward, paid_on: date, reference: str, user: User) -> None:
    """Finance records the payment of an approved award; a second submission finds it paid (its state and its
    version column refuse to pay twice); dated from the batch decision to today."""
    check_day(paid_on, "paid_on", db.session.get(BatchDecision, award.batch_id).signed_on, _("the decision"))
    perform_transition(award, AWARD_TRANSITIONS, "paid", user, "fixed_award", reference.strip(), award_changed)
    award.paid_on, award.payment_reference = paid_on, reference.strip()
    db.session.flush()

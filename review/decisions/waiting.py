"""The waiting list: support freed (a decision not approved, one approved below the support requested, or after the
release an organization declining the support it was approved) goes to the applications that passed but were not
funded, proposed to staff in rank order as they fit in what is left; staff recommend one, then draft its decision
for a leader. Approving it commits the envelope by the same conditional update as every decision
(services.commit_envelope), so nothing here can pass it; giving support back lowers it by its twin
(services.give_back_envelope)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts.models import Organization, User
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_money
from core.workflow import perform_transition
from policies.models import Call
from proposals.models import PROPOSAL_TRANSITIONS, Proposal
from proposals.signals import proposal_changed
from review import signals
from review.councils.models import Council
from review.decisions.models import Decision
from review.decisions.services import DECIDING_STATES, give_back_envelope
from review.results.models import CouncilResult
from review.results.store import rerank_council


@dataclass(frozen=True)
class Waiting:
    """An application that passed without being funded, in rank order, and whether it fits in the support left
    once the applications ranked before it on the list are funded."""

    rank: int
    proposal_id: int
    reference_code: str
    title: str
    organization_name: str
    requested_vnd: int
    fits: bool


SHOWN = 25  # the first applications of the list weighed and shown: support freed covers a few, not hundreds


@dataclass(frozen=True)
class WaitingList:
    """The support not yet spoken for, the first applications waiting for it, and how many wait in all."""

    free_vnd: int
    entries: list[Waiting]
    total: int = 0

    @property
    def proposed(self) -> list[Waiting]:
        return [w for w in self.entries if w.fits]


def free_support(council: Council) -> int:
    """The envelope less what is spoken for: the support approved, the amounts of draft decisions, and the support
    requested by the recommended applications that have no decision yet."""
    call = db.session.execute(select(Call.budget_vnd, Call.committed_vnd).where(Call.id == council.call_id)).one()
    drafts = select(func.coalesce(func.sum(Decision.approved_vnd), 0)).where(
        Decision.council_id == council.id, Decision.status == "draft"
    )
    undecided = select(func.coalesce(func.sum(Proposal.support_total_vnd), 0)).where(
        Proposal.call_id == council.call_id, Proposal.status == "recommended"
    )
    spoken = db.session.execute(drafts).scalar() + db.session.execute(undecided).scalar()
    return call.budget_vnd - call.committed_vnd - spoken


def waiting_list(council: Council) -> WaitingList:
    """The first SHOWN applications that passed and were not funded, in rank order, each proposed when it fits in
    what the ones before it leave (an empty list unless the council's conclusions are recorded and not yet
    released, or released and support given back since)."""
    if council.status not in DECIDING_STATES:
        return WaitingList(0, [])
    waiting = (
        CouncilResult.council_id == council.id,
        CouncilResult.outcome == "passed_not_funded",
        Proposal.status == "not_selected",
    )
    rows = db.session.execute(
        select(
            CouncilResult.rank,
            Proposal.id,
            Proposal.reference_code,
            Proposal.title,
            Organization.name,
            Proposal.support_total_vnd,
        )
        .join(Proposal, Proposal.id == CouncilResult.proposal_id)
        .join(Organization, Organization.id == Proposal.organization_id)
        .where(*waiting)
        .order_by(CouncilResult.rank)
        .limit(SHOWN)
    ).all()
    free = left = free_support(council)
    entries = []
    for rank, proposal_id, code, title, organization, requested in rows:
        fits = 0 < requested <= left
        left -= requested if fits else 0
        entries.append(Waiting(rank, proposal_id, code or "", title, organization, requested, fits))
    total = len(entries)
    if total == SHOWN:
        counted = (
            select(func.count()).select_from(CouncilResult).join(Proposal, Proposal.id == CouncilResult.proposal_id)
        )
        total = db.session.execute(counted.where(*waiting)).scalar()
    return WaitingList(free, entries, total)


def recommend_waiting(council: Council, proposal: Proposal, user: User) -> None:
    """Staff recommend an application of the waiting list that fits in the support left: it then waits for its
    decision like the council's own recommendations."""
    if council.status not in DECIDING_STATES:
        raise DomainError(_("The waiting list is used once the council's conclusions are recorded."))
    # Two staff recommending at the same moment follow each other (PostgreSQL; SQLite has one writer): the second
    # reads the list as the first left it.
    db.session.execute(select(Call.id).where(Call.id == council.call_id).with_for_update())
    found = next((w for w in waiting_list(council).entries if w.proposal_id == proposal.id), None)
    if found is None:
        raise DomainError(_("This application is not on the waiting list."))
    if not found.fits:
        raise DomainError(
            _(
                "The support left (%(left)s) does not cover the %(requested)s this application requests, after the "
                "applications ranked before it on the list.",
                left=format_money(max(free_support(council), 0)),
                requested=format_money(found.requested_vnd),
            )
        )
    comment = _("Recommended from the waiting list: support was freed within the call's budget envelope.")
    perform_transition(proposal, PROPOSAL_TRANSITIONS, "recommended", user, "proposal", comment, proposal_changed)
    db.session.flush()
    rerank_council(council.id)  # its stored outcome becomes "funded", as the council's recommendations read


def record_withdrawal(council: Council, proposal: Proposal, reason: str, user: User) -> None:
    """Staff record that an approved application's organization declines its support before any contract (its
    letter as the reason): the application is withdrawn and the support its decision approved goes back to the
    call's envelope, for the waiting list."""
    if council.status != "released":
        raise DomainError(_("Support is given back once the council's decisions are released."))
    decision = db.session.execute(
        select(Decision).where(
            Decision.council_id == council.id, Decision.proposal_id == proposal.id, Decision.status == "approved"
        )
    ).scalar()
    if proposal.status != "approved" or decision is None:
        raise DomainError(_("Only an application approved by this council's decisions can give its support back."))
    if not reason.strip():
        raise DomainError(_("Please say why, e.g. the number and date of the organization's letter."), "comment")
    blockers = [found for _receiver, found in signals.withdrawal_blockers.send(proposal) if found]
    if blockers:
        raise DomainError(blockers[0])
    perform_transition(proposal, PROPOSAL_TRANSITIONS, "withdrawn", user, "proposal", reason.strip(), proposal_changed)
    give_back_envelope(council.call_id, decision.approved_vnd)
    db.session.flush()
    rerank_council(council.id)

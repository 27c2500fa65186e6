"""Disbursement tranches: eligible when their condition is met, requested by the host, approved by staff, paid and
settled by finance; the total paid held under the approved support by one conditional update."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_money, utcnow
from core.workflow import perform_transition
from projects.models import FROZEN_STATES, PROJECT_STATES, TRANCHE_TRANSITIONS, PeriodicReport, Project, Tranche
from projects.signals import tranche_changed

PAID = ("paid", "settled")


def _tranches(project_id: int) -> list[Tranche]:
    """The project's tranches in order."""
    query = select(Tranche).where(Tranche.project_id == project_id).order_by(Tranche.position)
    return list(db.session.execute(query).scalars())


def _accepted_reports(project_id: int) -> int:
    """How many periodic reports of the project were accepted."""
    query = select(func.count(PeriodicReport.id)).where(
        PeriodicReport.project_id == project_id, PeriodicReport.status == "accepted"
    )
    return db.session.execute(query).scalar() or 0


def condition_met(
    project: Project, tranche: Tranche, previous: Tranche | None, reports_needed: int, reports_accepted: int
) -> bool:
    """Whether the tranche's condition holds now; tranches open in order, each after the previous one is paid. The
    n-th tranche that waits for a report needs n accepted reports, so one report never opens two tranches."""
    if previous is not None and previous.status not in PAID:
        return False
    if tranche.condition == "liquidated":
        return project.status == "liquidated"
    if not project.is_running:
        return False
    if tranche.condition == "report_accepted":
        return reports_accepted >= reports_needed
    if tranche.condition == "advance_settled":
        return previous is None or previous.status == "settled"
    return True  # contract_signed: the project exists because the contract was signed


def refresh_eligibility(project: Project) -> list[Tranche]:
    """Move every planned tranche whose condition is now met to ELIGIBLE (the system acts, audited); the ones moved."""
    moved, previous, reports_needed = [], None, 0
    accepted = _accepted_reports(project.id)
    for tranche in _tranches(project.id):
        reports_needed += tranche.condition == "report_accepted"
        if tranche.status == "planned" and condition_met(project, tranche, previous, reports_needed, accepted):
            _move(tranche, "eligible", None, "")
            moved.append(tranche)
        previous = tranche
    return moved


def check_payable(project: Project) -> None:
    """No tranche is requested, approved or paid while the work is halted or has failed."""
    if project.status in FROZEN_STATES:
        raise DomainError(
            _(
                "No payment can be requested, approved or made while the project is “%(state)s”.",
                state=PROJECT_STATES[project.status],
            )
        )


def _move(tranche: Tranche, to_state: str, user: User | None, comment: str) -> None:
    """A tranche move from its table, by a person or by the system."""
    perform_transition(tranche, TRANCHE_TRANSITIONS, to_state, user or _System(), "tranche", comment, tranche_changed)


class _System:
    """The system itself as the actor of automatic moves (a condition being met)."""

    id = None
    email = "system"
    is_authenticated = True

    def has_role(self, *roles: str) -> bool:
        """The system may make the moves reserved to the workflow."""
        return True


def request_tranche(tranche: Tranche, project: Project, note: str, user: User) -> None:
    """The host asks for the payment of an eligible tranche, with its documents attached by the view."""
    check_payable(project)
    if not note.strip():
        raise DomainError(_("Say what the payment is for and what was done."), "note")
    _move(tranche, "requested", user, note)
    tranche.request_note, tranche.requested_at = note.strip(), utcnow()


def review_request(tranche: Tranche, project: Project, to_state: str, user: User, comment: str = "") -> None:
    """Staff approve the request for payment, or return it to the host with a reason."""
    check_payable(project)
    if to_state not in ("approved", "eligible"):
        raise DomainError(_("This action is not possible in the current state."))
    _move(tranche, to_state, user, comment)


def pay_tranche(tranche: Tranche, project: Project, paid_on: date, amount: int, reference: str, user: User) -> None:
    """Finance records the payment of an approved tranche; refused when it would take the total paid past the
    approved support, whatever is paid at the same moment elsewhere."""
    check_payable(project)
    if amount <= 0:
        raise DomainError(_("The amount paid must be positive."), "paid_vnd")
    _move(tranche, "paid", user, reference)
    tranche.paid_on, tranche.paid_vnd, tranche.payment_reference = paid_on, amount, reference.strip()
    raised = db.session.execute(
        update(Project)
        .where(Project.id == project.id, Project.paid_vnd + amount <= Project.approved_vnd)
        .values(paid_vnd=Project.paid_vnd + amount)
        .execution_options(synchronize_session=False)
    )
    if raised.rowcount != 1:
        left = db.session.execute(
            select(Project.approved_vnd - Project.paid_vnd).where(Project.id == project.id)
        ).scalar()
        raise DomainError(
            _(
                "Paying %(amount)s would pass the approved support: %(left)s is left to pay.",
                amount=format_money(amount),
                left=format_money(left or 0),
            ),
            "paid_vnd",
        )
    db.session.refresh(project, ["paid_vnd", "version"])
    refresh_eligibility(project)


def settle_tranche(tranche: Tranche, project: Project, settled_on: date, note: str, user: User) -> None:
    """The tranche's spending is justified by invoices (quyết toán tạm ứng)."""
    _move(tranche, "settled", user, note)
    tranche.settled_on, tranche.invoices_note = settled_on, note.strip()
    db.session.execute(
        update(Project)
        .where(Project.id == project.id)
        .values(settled_vnd=Project.settled_vnd + (tranche.paid_vnd or 0))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(project, ["settled_vnd", "version"])
    refresh_eligibility(project)

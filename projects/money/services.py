"""Finance's records on a project, each written to its ledger: a tranche's payment and its settlement by invoices,
the final settlement of the funds, the recovery decided and the money returned, and the final payment the
liquidation record states. Dates are never in the future nor before the record they follow."""

from datetime import date

from flask_babel import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_money
from core.register import claim
from projects.contracts.models import Project, Tranche
from projects.contracts.services import check_payable, move_project, move_tranche, refresh_eligibility
from projects.money.ledger import check_day, check_positive, post, too_much


def record_finance(tranche: Tranche, project: Project, data: dict, user: User) -> None:
    """Finance's next step on the tranche (the project's finance_step): the payment of an approved one, then its
    settlement; after liquidation, the final payment."""
    step = project.finance_step(tranche)
    if step == "payment":
        pay_tranche(tranche, project, data["paid_on"], data["paid_vnd"], data["payment_reference"], user)
    elif step == "settlement":
        settle_tranche(tranche, project, data["settled_on"], data["settled_vnd"], data["invoices_note"], user)
    else:
        raise DomainError(_("Nothing is to be recorded on this tranche now."))


def pay_tranche(tranche: Tranche, project: Project, paid_on: date, amount: int, reference: str, user: User) -> None:
    """Finance records the payment of an approved tranche: dated from the contract's signature (the liquidation's,
    for the final payment) to today; refused when it would take the total paid past the approved support, or the
    final payment past what the liquidation record leaves to pay, whatever is paid at the same moment elsewhere."""
    final = project.status == "liquidated"
    if not final:
        check_payable(project)
    check_positive(amount, "paid_vnd")
    if final:
        check_day(paid_on, "paid_on", project.liquidated_on, _("the liquidation of the contract"))
    else:
        check_day(paid_on, "paid_on", project.signed_on, _("the signature of the contract"))
    move_tranche(tranche, "paid", user, reference)
    tranche.paid_on, tranche.paid_vnd, tranche.payment_reference = paid_on, amount, reference.strip()
    kind = "final_payment" if final else "payment"
    if not post(project, kind, amount, paid_on, user, tranche=tranche, document=reference):
        # Read again: another payment may have been recorded meanwhile.
        db.session.refresh(project, ["paid_vnd", "final_paid_vnd", "final_due_vnd", "version"])
        left = format_money(project.left_to_pay_vnd)
        if final:
            message = _(
                "Paying %(amount)s would pass what the liquidation record leaves to pay: %(left)s is left.",
                amount=format_money(amount),
                left=left,
            )
        else:
            message = _(
                "Paying %(amount)s would pass the approved support: %(left)s is left to pay.",
                amount=format_money(amount),
                left=left,
            )
        raise DomainError(message, "paid_vnd")
    if not final:
        refresh_eligibility(project)


def settle_tranche(
    tranche: Tranche, project: Project, settled_on: date, amount: int | None, note: str, user: User
) -> None:
    """The tranche's spending justified by invoices (quyết toán tạm ứng): up to what it was paid (all of it when no
    amount is given), dated from its payment to today."""
    check_payable(project)
    if project.final_settled_vnd is not None:  # the final settlement took every invoice into account
        raise DomainError(_("The final settlement is recorded: no tranche is settled after it."), "settled_vnd")
    amount = (tranche.paid_vnd or 0) if amount is None else amount  # nothing typed: all it was paid
    check_positive(amount, "settled_vnd")
    if amount > (tranche.paid_vnd or 0):
        raise too_much(amount, tranche.paid_vnd or 0, "settled_vnd")
    check_day(settled_on, "settled_on", tranche.paid_on, _("the payment of the tranche"))
    move_tranche(tranche, "settled", user, note)
    tranche.settled_on, tranche.invoices_note = settled_on, note.strip()
    if not post(project, "settlement", amount, settled_on, user, tranche=tranche, document=note):
        raise too_much(amount, project.paid_vnd - project.settled_vnd, "settled_vnd")
    refresh_eligibility(project)


def decide_recovery(project: Project, data: dict, user: User) -> None:
    """The recovery of a failed or terminated project's funds (or of an accepted one's advance the final settlement
    does not justify): an amount no larger than what was paid and not yet decided, with the decision, its date and
    the date the money is to be returned by. Nothing to recover closes a failed or terminated file at once."""
    amount, decided_on = data["recovery_vnd"], data["recovery_decided_on"]
    check_day(decided_on, "recovery_decided_on", project.signed_on, _("the signature of the contract"))
    if data["recovery_due_on"] < decided_on:
        raise DomainError(_("The money cannot be due back before the decision is taken."), "recovery_due_on")
    left = project.paid_vnd - project.recovery_vnd
    if amount < 0 or amount > left:
        raise DomainError(
            _("The amount to recover cannot exceed what was paid (%(paid)s).", paid=format_money(left)), "recovery_vnd"
        )
    claim("recovery", project.id, data["recovery_decision"], decided_on, "recovery_decision")
    if project.status in ("failed", "terminated"):
        move_project(project, "recovery", user, data["recovery_decision"])
    project.recovery_decision, project.recovery_decided_on = data["recovery_decision"], decided_on
    project.recovery_due_on = data["recovery_due_on"]
    if amount and not post(project, "recovery_decided", amount, decided_on, user, document=data["recovery_decision"]):
        raise too_much(amount, left, "recovery_vnd")
    close_if_recovered(project, user)


def receive_recovery(project: Project, data: dict, user: User) -> None:
    """Money returned to the department (part of the amount decided, or all of it): dated from the decision to
    today; a failed or terminated project's file closes once everything decided is back."""
    amount = data["received_vnd"]
    check_positive(amount, "received_vnd")
    if project.left_to_recover_vnd <= 0:
        raise DomainError(_("Nothing is left to recover on this project."))
    check_day(data["received_on"], "received_on", project.recovery_decided_on, _("the recovery decision"))
    if not post(project, "recovery_received", amount, data["received_on"], user, document=data["reference"]):
        raise too_much(amount, project.left_to_recover_vnd, "received_vnd")
    close_if_recovered(project, user)


def close_if_recovered(project: Project, user: User) -> None:
    """A project in recovery reaches its final state once everything decided has been returned."""
    if project.status == "recovery" and project.left_to_recover_vnd == 0:
        move_project(project, "recovered", user)

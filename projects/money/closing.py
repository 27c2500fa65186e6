"""The final account of a project (quyết toán, thanh lý): the final settlement states the spending it accepts; what
was paid beyond it is recovered; the liquidation record then states what is left to pay, approves that final payment
and cancels the tranches it leaves unpaid. The record is refused, saying why, while the account does not close."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_money
from projects.contracts.models import Project, Tranche
from projects.contracts.services import move_tranche
from projects.money.ledger import check_day, post
from projects.money.services import decide_recovery

UNPAID = ("planned", "eligible", "requested", "approved")


@dataclass(frozen=True)
class FinalAccount:
    """The figures the liquidation record states (đồng)."""

    approved: int
    paid: int
    settled: int
    final_settled: int | None
    to_recover: int
    recovered: int
    left_to_pay: int

    @property
    def left_to_recover(self) -> int:
        return self.to_recover - self.recovered


def final_account(project: Project) -> FinalAccount:
    """The project's account as it stands: once the final settlement is recorded, what is left to pay is the spending
    it accepts less what was kept of the payments."""
    kept = project.paid_vnd - project.recovered_vnd
    if project.final_due_vnd is not None:
        left = project.final_due_vnd - project.final_paid_vnd
    elif project.final_settled_vnd is not None:
        left = max(project.final_settled_vnd - kept, 0)
    else:
        left = project.approved_vnd - project.paid_vnd
    return FinalAccount(
        project.approved_vnd,
        project.paid_vnd,
        project.settled_vnd,
        project.final_settled_vnd,
        project.recovery_vnd,
        project.recovered_vnd,
        left,
    )


def unsettled(tranches: list[Tranche]) -> list[Tranche]:
    """Tranches paid and not yet settled by invoices."""
    return [t for t in tranches if t.status == "paid"]


def account_blockers(project: Project) -> list[str]:
    """Why the account does not close yet (project's tranches loaded)."""
    missing = [
        _(
            "Tranche %(position)d was paid (%(amount)s) and is not settled yet.",
            position=t.position,
            amount=format_money(t.paid_vnd),
        )
        for t in unsettled(project.tranches)
    ]
    if project.final_settled_vnd is None:
        missing.append(_("The final settlement is not recorded yet."))
    if project.left_to_recover_vnd > 0:
        missing.append(
            _(
                "%(amount)s paid beyond the final settlement is still to be returned.",
                amount=format_money(project.left_to_recover_vnd),
            )
        )
    return missing


def record_final_settlement(project: Project, data: dict, user: User) -> None:
    """The final settlement (quyết toán) of an accepted project: the spending it accepts, at least what the tranches'
    invoices justified and at most the approved support, recorded once every paid tranche is settled. What was paid
    beyond it is to be returned by the date given (projects.money.services.decide_recovery)."""
    if project.final_settled_vnd is not None:
        raise DomainError(_("The final settlement is already recorded."))
    waiting = unsettled(project.tranches)
    if waiting:
        raise DomainError(
            _(
                "Settle tranche %(position)d first: its invoices are part of the final settlement.",
                position=waiting[0].position,
            ),
            "final_settled_vnd",
        )
    amount, day = data["final_settled_vnd"], data["settlement_on"]
    if not project.settled_vnd <= amount <= project.approved_vnd:
        raise DomainError(
            _(
                "The final settlement lies between what the tranches' invoices justified (%(settled)s) and the "
                "approved support (%(approved)s).",
                settled=format_money(project.settled_vnd),
                approved=format_money(project.approved_vnd),
            ),
            "final_settled_vnd",
        )
    check_day(day, "settlement_on", project.signed_on, _("the signature of the contract"))
    beyond = project.paid_vnd - project.recovered_vnd - amount
    if beyond > 0 and data["recovery_due_on"] is None:
        raise DomainError(
            _(
                "%(amount)s was paid beyond this settlement: give the date it is to be returned by.",
                amount=format_money(beyond),
            ),
            "recovery_due_on",
        )
    project.final_settled_vnd, project.settlement_on, project.settlement_note = amount, day, data["settlement_note"]
    post(project, "final_settlement", amount, day, user, note=data["settlement_note"])
    if beyond > 0:
        decision = _("Final settlement of %(date)s", date=day.strftime("%d/%m/%Y"))
        decide_recovery(
            project,
            {
                "recovery_vnd": beyond,
                "recovery_decision": decision,
                "recovery_decided_on": day,
                "recovery_due_on": data["recovery_due_on"],
            },
            user,
        )


def close_account(project: Project, number: str, liquidated_on: date) -> None:
    """The liquidation record closes the account (blockers checked by the caller): it states what is left to pay,
    approves the first unpaid tranche for that final payment and cancels every other unpaid tranche."""
    check_day(liquidated_on, "liquidated_on", project.settlement_on, _("the final settlement"))
    account = final_account(project)
    project.final_due_vnd = account.left_to_pay
    remaining = [t for t in project.tranches if t.status in UNPAID]
    if account.left_to_pay > 0 and not remaining:  # every tranche was paid below its plan: one more pays the rest
        remaining = [
            Tranche(position=len(project.tranches) + 1, amount_vnd=account.left_to_pay, condition="liquidated")
        ]
        project.tranches.append(remaining[0])
        db.session.flush()
    final = remaining[0] if account.left_to_pay > 0 else None
    for tranche in remaining:  # the system moves them, as the record says (whoever liquidates: the audit names it)
        if tranche is final:
            if tranche.status != "approved":
                move_tranche(tranche, "approved", None, _("Liquidation record %(number)s", number=number))
        else:
            move_tranche(tranche, "cancelled", None, _("Not paid: liquidation record %(number)s", number=number))

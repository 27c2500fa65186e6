"""Closing an accepted project (result registration — TT 14/2014 —, settlement, assets, liquidation) and deciding
the recovery of funds of a failed or terminated one."""

from flask_babel import gettext as _

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.formatting import format_money
from projects.models import Project
from projects.services.contracts import move_project
from projects.services.tranches import refresh_eligibility

CLOSING_STATES = ("accepted", "result_registered")
RECOVERY_STATES = ("failed", "terminated")


def register_result(project: Project, data: dict, user: User) -> None:
    """The result is registered (certificate number and date); accepted → result registered."""
    move_project(project, "result_registered", user, data["certificate_number"])
    project.certificate_number, project.certificate_on = data["certificate_number"], data["certificate_on"]


def _record_step(project: Project, prefix: str, data: dict, user: User) -> None:
    """The settlement or the asset handling of an accepted project: its date and note."""
    if project.status not in CLOSING_STATES:
        raise DomainError(_("This is recorded once the project is accepted and before the contract is liquidated."))
    setattr(project, f"{prefix}_on", data[f"{prefix}_on"])
    setattr(project, f"{prefix}_note", data[f"{prefix}_note"])
    record_event(prefix, "project", project.id, actor=user, comment=data[f"{prefix}_note"])


def record_settlement(project: Project, data: dict, user: User) -> None:
    """The final settlement of the funds (quyết toán) is done."""
    _record_step(project, "settlement", data, user)


def record_assets(project: Project, data: dict, user: User) -> None:
    """The assets bought with the support are handled (xử lý tài sản)."""
    _record_step(project, "assets", data, user)


def liquidation_blockers(project: Project) -> list[str]:
    """What is still missing before the contract can be liquidated (empty when it can)."""
    missing = []
    if project.grade not in ("excellent", "pass"):
        missing.append(_("The acceptance has not graded the project Excellent or Pass."))
    if project.status != "result_registered":
        missing.append(_("The result is not registered yet."))
    if project.settlement_on is None:
        missing.append(_("The final settlement is not recorded yet."))
    if project.assets_on is None:
        missing.append(_("The handling of the assets is not recorded yet."))
    return missing


def liquidate(project: Project, data: dict, user: User) -> None:
    """Liquidate the contract once every prerequisite is met; the last tranche may then become eligible."""
    missing = liquidation_blockers(project)
    if missing:
        raise DomainError(" ".join(missing), "liquidation_number")
    move_project(project, "liquidated", user, data["liquidation_number"])
    project.liquidation_number, project.liquidated_on = data["liquidation_number"], data["liquidated_on"]
    refresh_eligibility(project)


def decide_recovery(project: Project, data: dict, user: User) -> None:
    """The recovery of a failed or terminated project's funds: an amount no larger than what was paid."""
    if project.status not in RECOVERY_STATES:
        raise DomainError(_("A recovery is decided for a failed or terminated project."))
    amount = data["recovery_vnd"]
    if amount < 0 or amount > project.paid_vnd:
        raise DomainError(
            _("The amount to recover cannot exceed what was paid (%(paid)s).", paid=format_money(project.paid_vnd)),
            "recovery_vnd",
        )
    move_project(project, "recovery", user, data["recovery_decision"])
    project.recovery_vnd, project.recovery_decision = amount, data["recovery_decision"]

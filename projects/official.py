"""The official documents of a project as its page lists them, in the order they are signed: the decision approving
its application, the contract with its annex, each acceptance council's establishment decision, the recovery
decision, the liquidation record. Each is drawn by its package's view (core.documents)."""

from flask_babel import gettext as _

from core.documents import OfficialDocument
from projects.acceptance.models import AcceptanceCouncil
from projects.contracts.models import Project
from projects.contracts.services import approved_decision


def project_documents(project: Project, councils: list[AcceptanceCouncil], user: object) -> list[OfficialDocument]:
    """The project's official documents the user may open (the project's acceptance councils given)."""
    decision = approved_decision(project.proposal_id)
    found, args = [], {"project_id": project.id}
    if decision is not None and decision.can_view(user):
        found.append(
            OfficialDocument(
                _("Approval decision"),
                decision.number,
                decision.signed_on,
                "review.decision_document",
                {"decision_id": decision.id},
            )
        )
    found.append(
        OfficialDocument(
            _("Contract and its annex"), project.contract_number, project.signed_on, "projects.contract_document", args
        )
    )
    for council in councils:
        title = _("Decision forming %(name)s", name=council.name)
        found.append(OfficialDocument(title, "", None, "projects.acceptance_decision", {"council_id": council.id}))
    if project.recovery_decided_on is not None:
        found.append(
            OfficialDocument(
                _("Recovery decision"),
                project.recovery_decision,
                project.recovery_decided_on,
                "projects.recovery_decision",
                args,
            )
        )
    if project.liquidated_on is not None:
        found.append(
            OfficialDocument(
                _("Liquidation record"),
                project.liquidation_number,
                project.liquidated_on,
                "projects.liquidation_record",
                args,
            )
        )
    return found

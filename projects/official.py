"""The official documents of a project as its page lists them, in the order they are signed: the decision approving
its application, the contract with its annex, each acceptance council's establishment decision, the recovery
decision, the liquidation record; and those of an application's page once it is funded, after its decision (which
review lists): the batch decision of its fixed-amount award, or its project's documents. Each is drawn by its
package's view (core.documents)."""

from flask_babel import gettext as _
from sqlalchemy import select

from core.documents import OfficialDocument
from core.extensions import db
from projects.acceptance.models import AcceptanceCouncil
from projects.acceptance.queries import project_councils
from projects.contracts.models import Project
from projects.contracts.services import approved_decision
from projects.fixed.queries import award_batch, batch_documents
from proposals.models import Proposal
from review.decisions.queries import decision_document


def project_documents(project: Project, councils: list[AcceptanceCouncil], user: object) -> list[OfficialDocument]:
    """The project's official documents the user may open (the project's acceptance councils given)."""
    decision = approved_decision(project.proposal_id)
    found = [decision_document(decision)] if decision is not None and decision.can_view(user) else []
    return found + _contract_documents(project, councils)


def application_documents(proposal: Proposal, *, user: object) -> list[OfficialDocument]:
    """The documents after the decision on the application's page (a receiver of proposals.signals.documents_wanted):
    its fixed-amount award's batch decision, for the department, or its project's documents, for whoever sees the
    project. Only an approved application has any."""
    if proposal.status != "approved":
        return []
    batch = award_batch(proposal.id)
    if batch is not None:
        return batch_documents(batch) if batch.can_view(user) else []
    project = db.session.execute(select(Project).where(Project.proposal_id == proposal.id)).scalar()
    if project is None or not project.can_view(user):
        return []
    return _contract_documents(project, project_councils(project.id))


def _contract_documents(project: Project, councils: list[AcceptanceCouncil]) -> list[OfficialDocument]:
    """The contract and the documents of its execution, in the order they are signed."""
    found, args = [], {"project_id": project.id}
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

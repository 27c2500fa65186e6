"""Rules of the application: drafting, documents, submission and versions, screening transitions."""

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import to_local, utcnow
from core.workflow import perform_transition
from policies.models import Call, PriorityItem
from policies.services import working_days_after
from proposals import checks, files, signals
from proposals.models import (
    EDITABLE_STATES,
    PROPOSAL_TRANSITIONS,
    BudgetLine,
    ExpectedProduct,
    Proposal,
    ProposalFile,
    ProposalVersion,
    WorkPackage,
)
from proposals.versions import Difference, content_of, differences

TEXT_FIELDS = (
    "title",
    "lead_name",
    "lead_title",
    "lead_phone",
    "lead_email",
    "objectives",
    "necessity",
    "technology",
    "technology_origin",
    "place",
    "effects",
    "replication_plan",
)


def start_proposal(call: Call, organization_id: int | None, user: User) -> Proposal:
    """Open a draft application of the user's organization to a call that accepts applications."""
    if organization_id is None:
        raise DomainError(_("Only a person acting for an organization can apply. Register your organization first."))
    if not call.is_accepting():
        raise DomainError(_("This call does not accept applications now."))
    untouched = db.session.execute(
        select(Proposal).where(
            Proposal.call_id == call.id,
            Proposal.created_by_id == user.id,
            Proposal.status == "draft",
            Proposal.version == 1,
        )
    ).scalar()
    if untouched is not None:  # a second press of "Start" (or a double click) reopens the empty draft
        return untouched
    proposal = Proposal(call_id=call.id, organization_id=organization_id, created_by_id=user.id, year=call.year)
    db.session.add(proposal)
    db.session.flush()
    record_event("create", "proposal", proposal.id, to_state="draft", actor=user)
    return proposal


def apply_draft(proposal: Proposal, data: dict) -> None:
    """Put the form's contents into the application (children replaced) and recompute the totals."""
    call = proposal.call
    if data["category_id"] and data["category_id"] not in {c.id for c in call.categories}:
        raise DomainError(_("Choose a support category of this call."), "category_id")
    if data["sector_id"] and data["sector_id"] not in {s.id for s in call.sectors}:
        raise DomainError(_("Choose a sector of this call."), "sector_id")
    items = []
    if data["priority_item_ids"]:
        items = list(
            db.session.execute(select(PriorityItem).where(PriorityItem.id.in_(data["priority_item_ids"]))).scalars()
        )
        if any(item.sector_id != data["sector_id"] for item in items):
            raise DomainError(_("Choose priority items of the chosen sector only."), "priority_item_ids")
    for name in TEXT_FIELDS:
        setattr(proposal, name, data[name])
    proposal.category = next((c for c in call.categories if c.id == data["category_id"]), None)
    proposal.sector = next((s for s in call.sectors if s.id == data["sector_id"]), None)
    proposal.duration_months = data["duration_months"]
    proposal.priority_items = sorted(items, key=lambda item: item.number)
    proposal.work_packages = [WorkPackage(position=i, **row) for i, row in enumerate(data["work_packages"], 1)]
    proposal.products = [ExpectedProduct(position=i, **row) for i, row in enumerate(data["products"], 1)]
    proposal.budget_lines = [BudgetLine(position=i, **row) for i, row in enumerate(data["budget_lines"], 1)]
    # The server's arithmetic is the truth; the browser's running totals are only a convenience.
    proposal.support_total_vnd = sum(line["support_vnd"] for line in data["budget_lines"])
    proposal.counterpart_total_vnd = sum(line["counterpart_vnd"] for line in data["budget_lines"])


def preview_draft(proposal: Proposal, data: dict) -> tuple[list[Difference], DomainError | None]:
    """What saving the contents would change: applied to the application in memory and compared (run it through
    core.edge.dry_run, which throws the change away). Contents that do not hold together yet give their refusal, and
    no change."""
    saved = content_of(proposal)
    refusal = None
    try:
        apply_draft(proposal, data)
        yours = content_of(proposal)
    except DomainError as error:
        refusal, yours = error, saved
    return differences(saved, yours), refusal


def save_draft(proposal: Proposal, data: dict, user: User) -> None:
    """Save the contents, however incomplete (the caller checked the form's version)."""
    if proposal.status not in EDITABLE_STATES:
        raise DomainError(_("This application can no longer be edited."))
    apply_draft(proposal, data)
    proposal.updated_at = utcnow()
    record_event("update", "proposal", proposal.id, actor=user)


def add_file(proposal: Proposal, call_document_id: int | None, name: str, data: bytes, user: User) -> ProposalFile:
    """Attach a document checked by content, stored under a random name."""
    if proposal.status not in EDITABLE_STATES:
        raise DomainError(_("Documents can no longer be changed for this application."))
    document = next((d for d in proposal.call.documents if d.id == call_document_id), None)
    if call_document_id is not None and document is None:
        raise DomainError(_("Choose a document of this call's checklist."), "call_document_id")
    original_name, content_type = files.check_upload(name, data)
    stored_name, digest = files.store_bytes(data)
    record = ProposalFile(
        call_document=document,
        original_name=original_name,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=digest,
        uploaded_by_id=user.id,
    )
    proposal.files.append(record)
    db.session.flush()
    record_event("upload", "proposal", proposal.id, comment=original_name, actor=user)
    return record


def remove_file(proposal: Proposal, record: ProposalFile, user: User) -> None:
    """Take a document out of the dossier; the stored file stays for the versions that list it."""
    if proposal.status not in EDITABLE_STATES:
        raise DomainError(_("Documents can no longer be changed for this application."))
    if record.removed_at is not None:
        raise DomainError(_("This document was already removed."))
    record.removed_at = utcnow()
    record_event("remove_file", "proposal", proposal.id, comment=record.original_name, actor=user)


def _next_number(call_id: int) -> int:
    """The call's next reference number, from one conditional update that serializes concurrent submissions and
    holds only while the call accepts applications."""
    now = utcnow()
    number = db.session.execute(
        update(Call)
        .where(
            Call.id == call_id,
            Call.status == "open",
            Call.opens_at <= now,
            Call.closes_at.is_(None) | (Call.closes_at > now),
        )
        .values(last_proposal_number=Call.last_proposal_number + 1)
        .returning(Call.last_proposal_number)
        .execution_options(synchronize_session=False)
    ).scalar()
    if number is None:
        raise DomainError(_("The call has closed: applications can no longer be submitted."))
    return number


def submit_proposal(proposal: Proposal, user: User) -> ProposalVersion:
    """Submit a complete draft before the deadline, or resubmit under a supplement request: a new version."""
    missing = checks.missing_items(proposal)
    if missing:
        items = "; ".join(m.rstrip(".") for m in missing)
        raise DomainError(_("The application is not complete yet: %(items)s.", items=items))
    if proposal.sequence is None:
        proposal.sequence = _next_number(proposal.call_id)
        proposal.reference_code = f"{proposal.call.code}-{proposal.sequence:04d}"
    now = utcnow()
    proposal.submitted_at = proposal.submitted_at or now
    proposal.last_submitted_at = now
    proposal.submissions += 1
    proposal.checked_document_ids = []  # ticks were made on the files of the previous version
    with force_locale("vi"):  # the frozen copy is the legal text: always in Vietnamese, whoever submits
        snapshot = content_of(proposal)
    version = ProposalVersion(
        proposal_id=proposal.id,
        number=proposal.submissions,
        submitted_at=now,
        submitted_by_id=user.id,
        snapshot=snapshot,
    )
    db.session.add(version)
    perform_transition(proposal, PROPOSAL_TRANSITIONS, "submitted", user, "proposal", signal=signals.proposal_changed)
    return version


def suggested_supplement_due_on(proposal: Proposal) -> date:
    """The deadline offered for a supplement: the regime's working days from today, public holidays skipped (call and
    regime loaded)."""
    return working_days_after(to_local(utcnow()).date(), proposal.call.regime.supplement_working_days)


def transition_proposal(
    proposal: Proposal, to_state: str, user: User, comment: str = "", due_on: date | None = None
) -> None:
    """Screening moves (start checking, supplement, invalid, valid) and withdrawal, through the table."""
    if to_state == "submitted":
        raise DomainError(_("Use the submission page to submit."))
    if to_state == "needs_supplement" and (due_on is None or due_on <= to_local(utcnow()).date()):
        raise DomainError(_("Give a deadline in the future for the supplement."), "due_on")
    if to_state == "valid":
        required = {d.id for d in proposal.call.documents if d.required}
        if not required <= set(proposal.checked_document_ids or []):
            raise DomainError(_("Tick every required document of the checklist before declaring the dossier valid."))
    perform_transition(proposal, PROPOSAL_TRANSITIONS, to_state, user, "proposal", comment, signals.proposal_changed)
    if to_state == "under_check":
        proposal.checked_by_id = user.id
    elif to_state == "needs_supplement":
        proposal.supplement_request, proposal.supplement_due_on = comment.strip(), due_on


def set_checklist(proposal: Proposal, document_ids: list[int], user: User) -> None:
    """Record which checklist documents staff found present and in order."""
    if proposal.status != "under_check":
        raise DomainError(_("Start checking the application before ticking its checklist."))
    known = {d.id for d in proposal.call.documents}
    proposal.checked_document_ids = sorted(set(document_ids) & known)
    record_event("checklist", "proposal", proposal.id, comment=str(len(proposal.checked_document_ids)), actor=user)

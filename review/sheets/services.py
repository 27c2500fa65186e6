"""A member's work on one application: the conflict-of-interest declaration, the score sheet saved, submitted and
reopened."""

from flask_babel import gettext as _

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import utcnow
from core.workflow import perform_transition
from policies.evaluation import Criterion
from proposals.queries import latest_version
from review import signals
from review.councils.models import Assignment, Council
from review.results import store
from review.sheets.models import RECOMMENDATIONS, SHEET_TRANSITIONS, ScoreSheet, SheetScore


def declare(assignment: Assignment, council: Council, conflicted: bool, reason: str, user: User) -> None:
    """The member declares no conflict (the application opens) or a conflict (they are recused from it)."""
    if council.status != "scoring":
        raise DomainError(_("Declarations are made while the council is scoring."))
    if assignment.conflict == "detected" or (assignment.sheet is not None and assignment.sheet.is_submitted):
        raise DomainError(_("This declaration can no longer change."))
    if conflicted and not reason.strip():
        raise DomainError(_("Please say what the conflict is."), "reason")
    if conflicted:
        assignment.conflict, assignment.conflict_reason, assignment.is_reviewer = "declared", reason.strip(), False
        if assignment.sheet is not None:
            db.session.delete(assignment.sheet)
    else:
        assignment.conflict, assignment.conflict_reason = "none", ""
    assignment.declared_at = utcnow()
    record_event("declare", "assignment", assignment.id, to_state=assignment.conflict, comment=reason, actor=user)
    db.session.flush()
    store.refresh_application(council.id, assignment.proposal_id)


def save_sheet(assignment: Assignment, council: Council, data: dict, submit: bool, user: User) -> ScoreSheet:
    """Save the member's values and comments; on submit every criterion, a recommendation and (for a reviewer)
    the detailed review are required, and the sheet locks."""
    if council.status != "scoring":
        raise DomainError(_("Scoring is not open for this council."))
    if not assignment.is_open:
        raise DomainError(_("Declare whether you have a conflict of interest first."))
    if assignment.sheet is not None and assignment.sheet.is_submitted:
        raise DomainError(_("This sheet was submitted; ask the chair or the department to reopen it."))
    criteria = list(council.template.criteria)
    values = _checked_values(criteria, council.template.mechanic, data["values"])
    if data["recommendation"] and data["recommendation"] not in RECOMMENDATIONS:
        raise DomainError(_("Choose a recommendation from the list."), "recommendation")
    judged = latest_version(assignment.proposal_id)  # the version the member saw as they saved
    sheet = assignment.sheet or ScoreSheet(assignment=assignment, status="draft", scores=[])
    existing = {s.criterion_id: s for s in sheet.scores}
    sheet.scores = []
    for criterion in criteria:
        if values.get(criterion.id) is None:
            continue
        score = existing.get(criterion.id) or SheetScore(criterion_id=criterion.id)
        score.value, score.comment = values[criterion.id], data["comments"].get(criterion.id, "")
        sheet.scores.append(score)
    sheet.recommendation, sheet.comment, sheet.review_text = (
        data["recommendation"],
        data["comment"],
        data["review_text"],
    )
    sheet.proposal_version = judged
    db.session.add(sheet)
    db.session.flush()
    if submit:
        _check_complete(sheet, criteria, assignment)
        perform_transition(sheet, SHEET_TRANSITIONS, "submitted", user, "sheet", "", signals.sheet_changed)
        sheet.submitted_at = utcnow()
        store.refresh_application(council.id, assignment.proposal_id)
    return sheet


def _checked_values(criteria: list[Criterion], mechanic: str, values: dict[int, int | None]) -> dict[int, int | None]:
    """Each value within its criterion's scale: a level 0–4, or points 0 to the maximum."""
    for criterion in criteria:
        value = values.get(criterion.id)
        high = 4 if mechanic == "levels" else criterion.max_points
        if value is not None and not 0 <= value <= high:
            raise DomainError(
                _("“%(name)s”: give a value from 0 to %(high)d.", name=criterion.name, high=high),
                f"criterion-{criterion.id}",
            )
    return values


def _check_complete(sheet: ScoreSheet, criteria: list[Criterion], assignment: Assignment) -> None:
    scored = {s.criterion_id for s in sheet.scores}
    if any(c.id not in scored for c in criteria):
        raise DomainError(_("Score every criterion before submitting."))
    if not sheet.recommendation:
        raise DomainError(_("Choose your recommendation before submitting."), "recommendation")
    if assignment.is_reviewer and not sheet.review_text.strip():
        raise DomainError(_("As a reviewer of this application, write your detailed review."), "review_text")


def reopen_sheet(sheet: ScoreSheet, council: Council, reason: str, user: User) -> None:
    """The chair or the department reopen a submitted sheet, with a reason that is logged."""
    if council.status != "scoring":
        raise DomainError(_("Sheets can be reopened only while scoring is open; reopen scoring first."))
    perform_transition(sheet, SHEET_TRANSITIONS, "draft", user, "sheet", reason, signals.sheet_changed)
    sheet.submitted_at = None
    store.refresh_application(council.id, db.session.get(Assignment, sheet.assignment_id).proposal_id)

"""The follow-up of a running project. Periodic reports (báo cáo định kỳ): the host drafts and submits them, staff
accept them or return them with comments; an accepted report can open the next tranche. Inspections (kiểm tra):
staff plan them, record their findings and follow-up actions and mark each action done. Adjustments (điều chỉnh):
the host asks to extend the end date, reallocate the budget, change the content or the lead; staff or a leader
approve (a numbered amendment that keeps the old value and applies the new one) or refuse. The host is told of
each review by mail."""

from collections.abc import Sequence
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_date, utcnow
from core.workflow import perform_transition
from policies.models import Regime
from projects.contracts.documents import attach_files
from projects.contracts.models import ACTIVE_STATES, Project
from projects.contracts.scope import contract_scope
from projects.contracts.services import refresh_eligibility, schedule_reports
from projects.followup.models import (
    ADJUSTMENT_KINDS,
    ADJUSTMENT_TRANSITIONS,
    OPEN_REPORTS,
    REPORT_TRANSITIONS,
    Adjustment,
    FollowUpAction,
    Inspection,
    PeriodicReport,
)
from projects.followup.reporting import check_figures, save_figures
from projects.signals import adjustment_changed, inspection_changed, report_changed

REPORT_FIELDS = ("progress", "products_progress", "problems", "proposals")  # the texts; the rows in reporting


def check_running(project: Project) -> None:
    """Reports are written and reviewed only while the work is being done."""
    if not project.is_running:
        raise DomainError(_("Periodic reports are only kept while the project runs; this project is not running now."))


def save_report(
    report: PeriodicReport,
    project: Project,
    data: dict,
    submitting: bool,
    user: User,
    uploads: Sequence[FileStorage] = (),
) -> None:
    """The host saves the report as a draft, or submits it to the department, with its documents: the general
    remarks, problems and proposals, and its rows (projects.followup.reporting; the project's products loaded). A
    submitted report gives the percent done of every work package (or, when the contract has none, its progress in
    words)."""
    check_running(project)
    if report.status == "cancelled":
        raise DomainError(_("This report was cancelled: nothing more is awaited for it."))
    if report.status not in OPEN_REPORTS:
        raise DomainError(_("This report was already submitted; it can be changed only once it is returned."))
    scope = contract_scope(project.id)
    check_figures(project, scope, data, submitting)
    for name in REPORT_FIELDS:
        setattr(report, name, data[name])
    save_figures(report, scope, data)
    if submitting:
        if not scope.packages and not report.progress.strip():
            raise DomainError(_("Describe the progress of the work before submitting the report."), "progress")
        perform_transition(report, REPORT_TRANSITIONS, "submitted", user, "periodic_report", signal=report_changed)
        report.submitted_at = utcnow()
    db.session.flush()
    attach_files(project, "report", report.id, uploads, user)


def review_report(report: PeriodicReport, project: Project, to_state: str, comment: str, user: User) -> None:
    """Staff accept the submitted report (the next tranche may open) or return it with their comments; the host
    is told by mail either way."""
    check_running(project)
    if to_state not in ("accepted", "returned"):
        raise DomainError(_("This action is not possible in the current state."))
    perform_transition(report, REPORT_TRANSITIONS, to_state, user, "periodic_report", comment, report_changed)
    report.review_comment, report.reviewed_at = comment.strip(), utcnow()
    db.session.flush()
    if to_state == "accepted":
        refresh_eligibility(project)


# Inspections are planned, and adjustments requested, while the work runs or is suspended.
INSPECTION_FIELDS = ("kind", "planned_on", "inspectors", "held_on", "findings")


def save_inspection(inspection: Inspection, project: Project, data: dict, user: User) -> Inspection:
    """Plan an inspection (a new one) or record what it found, with its follow-up actions: rows with an id change
    that action (an emptied one is removed unless done), rows without an id add one (actions must be loaded)."""
    if inspection.id is None and project.status not in ACTIVE_STATES:
        raise DomainError(_("Inspections are planned only while the project runs or is suspended."))
    rows = [row for row in data["actions"] if row["id"] or row["description"]]
    if data["held_on"] is None and (data["findings"] or rows):
        raise DomainError(_("Give the date the inspection was held before its findings and actions."), "held_on")
    if data["held_on"] is not None and data["held_on"] < project.start_on:
        raise DomainError(_("The inspection cannot be held before the project starts."), "held_on")
    if any(row["description"] and row["due_on"] is None for row in rows):
        raise DomainError(_("Every follow-up action needs a due date."), "actions")
    creating = inspection.id is None
    for name in INSPECTION_FIELDS:
        setattr(inspection, name, data[name])
    if creating:
        inspection.project_id, inspection.created_by_id = project.id, user.id
        db.session.add(inspection)
    _save_actions(inspection, rows)
    db.session.flush()
    record_event("create" if creating else "update", "inspection", inspection.id, actor=user)
    if creating:
        inspection_changed.send(inspection, from_state=None, to_state="planned", actor=user, comment="")
    return inspection


def _save_actions(inspection: Inspection, rows: list[dict]) -> None:
    by_id = {action.id: action for action in inspection.actions}
    position = max((action.position for action in inspection.actions), default=0)
    for row in rows:
        action = by_id.get(row["id"]) if row["id"] else None
        if row["id"] and action is None:
            raise DomainError(_("A follow-up action was removed meanwhile; reload the page."), "actions")
        if action is None:
            position += 1
            inspection.actions.append(
                FollowUpAction(position=position, description=row["description"], due_on=row["due_on"])
            )
        elif not row["description"]:
            if action.done_on is not None:
                raise DomainError(_("An action already done cannot be removed."), "actions")
            inspection.actions.remove(action)
        else:
            action.description, action.due_on = row["description"], row["due_on"]


def complete_action(action: FollowUpAction, inspection: Inspection, done_on: date, note: str, user: User) -> None:
    """Record that a follow-up action was done, when and how."""
    if action.done_on is not None:
        raise DomainError(_("This action was already marked done."), "done_on")
    if inspection.held_on is not None and done_on < inspection.held_on:
        raise DomainError(_("An action cannot be done before the inspection that asked for it."), "done_on")
    action.done_on, action.done_note = done_on, note.strip()
    db.session.flush()
    record_event("done", "follow_up_action", action.id, comment=action.done_note, actor=user)


def next_periodic_on(regime: Regime, today: date) -> date:
    """When the next periodic inspection falls: the regime's month (October by default), this year or the next."""
    if today.month == regime.inspection_month:
        return today
    this_year = date(today.year, regime.inspection_month, 1)
    return this_year if this_year > today else date(today.year + 1, regime.inspection_month, 1)


def _check_followed(project: Project) -> None:
    if project.status not in ACTIVE_STATES:
        raise DomainError(_("The contract can be adjusted only while the project runs or is suspended."))


def _check_change(project: Project, kind: str, new_end_on: date | None, new_lead_name: str) -> None:
    """What each kind of change needs: a date after the current end for an extension, a name for a new lead."""
    if kind not in ADJUSTMENT_KINDS:
        raise DomainError(_("Choose what the change is about."), "kind")
    if kind == "extension" and (new_end_on is None or new_end_on <= project.end_on):
        raise DomainError(
            _("The new end date must be after the current end date %(date)s.", date=format_date(project.end_on)),
            "new_end_on",
        )
    if kind == "lead" and not new_lead_name:
        raise DomainError(_("Give the name of the new project lead."), "new_lead_name")


def request_adjustment(project: Project, data: dict, user: User, uploads: Sequence[FileStorage] = ()) -> Adjustment:
    """The host asks for a change of the contract, with its documents."""
    _check_followed(project)
    if not data["reason"]:
        raise DomainError(_("Please give a reason."), "reason")
    _check_change(project, data["kind"], data["new_end_on"], data["new_lead_name"])
    adjustment = Adjustment(
        project_id=project.id,
        kind=data["kind"],
        reason=data["reason"],
        details=data["details"],
        new_end_on=data["new_end_on"] if data["kind"] == "extension" else None,
        new_lead_name=data["new_lead_name"] if data["kind"] == "lead" else "",
        requested_by_id=user.id,
    )
    db.session.add(adjustment)
    db.session.flush()
    record_event("create", "adjustment", adjustment.id, comment=adjustment.reason, actor=user)
    adjustment_changed.send(adjustment, from_state=None, to_state="requested", actor=user, comment=adjustment.reason)
    attach_files(project, "adjustment", adjustment.id, uploads, user)
    return adjustment


def withdraw_adjustment(adjustment: Adjustment, user: User) -> None:
    """The host takes back a request not yet decided."""
    perform_transition(adjustment, ADJUSTMENT_TRANSITIONS, "withdrawn", user, "adjustment", signal=adjustment_changed)


def move_adjustment(adjustment: Adjustment, project: Project, to_state: str, comment: str, user: User) -> None:
    """A move of the request from its page: the host withdraws it, staff or a leader decide it."""
    if to_state == "withdrawn":
        withdraw_adjustment(adjustment, user)
    else:
        decide_adjustment(adjustment, project, to_state, comment, user)


def decide_adjustment(adjustment: Adjustment, project: Project, to_state: str, comment: str, user: User) -> None:
    """Staff or a leader approve the request (a numbered amendment, applied to the project at once) or refuse it
    with a reason; the host is told by mail (the project's regime must be loaded)."""
    if to_state not in ("approved", "refused"):
        raise DomainError(_("This action is not possible in the current state."))
    if to_state == "approved":
        _check_followed(project)
        _check_change(project, adjustment.kind, adjustment.new_end_on, adjustment.new_lead_name)
    perform_transition(adjustment, ADJUSTMENT_TRANSITIONS, to_state, user, "adjustment", comment, adjustment_changed)
    adjustment.decided_by_id, adjustment.decided_at, adjustment.decision_comment = user.id, utcnow(), comment.strip()
    if to_state == "approved":
        _amend(adjustment, project)
    db.session.flush()


def _amend(adjustment: Adjustment, project: Project) -> None:
    """Number the amendment, keep the old value in words (in Vietnamese, the language of the contract) and apply
    the new one."""
    project.amendment_count += 1
    adjustment.amendment_number = project.amendment_count
    with force_locale("vi"):
        if adjustment.kind == "extension":
            adjustment.previous = _(
                "End date %(end)s, final dossier due %(due)s",
                end=format_date(project.end_on),
                due=format_date(project.dossier_due_on),
            )
        elif adjustment.kind == "lead":
            adjustment.previous = _("Project lead: %(name)s", name=project.lead_name)
        else:
            adjustment.previous = _("As in the contract and its earlier amendments")
    if adjustment.kind == "extension":
        project.end_on = adjustment.new_end_on
        project.dossier_due_on = adjustment.new_end_on + timedelta(days=project.regime.final_dossier_days)
        db.session.flush()
        schedule_reports(project, project.regime)
    elif adjustment.kind == "lead":
        project.lead_name = adjustment.new_lead_name

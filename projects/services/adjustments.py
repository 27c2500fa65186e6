"""Adjustments (điều chỉnh): the host asks to extend the end date, reallocate the budget, change the content or the
lead; staff or a leader approve or refuse. An approval is a numbered amendment of the contract that keeps the old
value and applies the new one."""

from datetime import date, timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_date, utcnow
from core.workflow import perform_transition
from projects.models import ACTIVE_STATES, ADJUSTMENT_KINDS, ADJUSTMENT_TRANSITIONS, Adjustment, Project
from projects.services.contracts import schedule_reports
from projects.services.reports import mail_host
from projects.signals import adjustment_changed


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


def request_adjustment(project: Project, data: dict, user: User) -> Adjustment:
    """The host asks for a change of the contract (its documents are attached by the view)."""
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
    return adjustment


def withdraw_adjustment(adjustment: Adjustment, user: User) -> None:
    """The host takes back a request not yet decided."""
    perform_transition(adjustment, ADJUSTMENT_TRANSITIONS, "withdrawn", user, "adjustment", signal=adjustment_changed)


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
    link = url_for("projects.adjustment", project_id=project.id, adjustment_id=adjustment.id, _external=True)
    subject = lambda: _("Project %(code)s: your adjustment request was decided", code=project.code)  # noqa: E731
    mail_host(project, subject, f"adjustment_{to_state}", link=link, adjustment=adjustment)


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

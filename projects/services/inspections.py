"""Inspections (kiểm tra): staff plan them, record when they were held, their findings and the follow-up actions
they ask for, and mark each action done."""

from datetime import date

from flask_babel import gettext as _

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from policies.models import Regime
from projects.models import ACTIVE_STATES, FollowUpAction, Inspection, Project

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

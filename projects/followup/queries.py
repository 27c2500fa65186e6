"""What the follow-up pages of a project show: its periodic reports, inspections with their actions, adjustments
and the files attached to them."""

from collections import Counter

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.formatting import local_today
from projects.contracts.files import ProjectFile
from projects.contracts.models import ACTIVE_STATES, Project
from projects.followup.models import Adjustment, Inspection, PeriodicReport


def follow_section(project: Project, documents: list[ProjectFile]) -> dict:
    """The context of templates/projects/_follow.html: reports, inspections with actions, adjustments and the
    number of files attached to each adjustment."""
    reports = db.session.execute(
        select(PeriodicReport).where(PeriodicReport.project_id == project.id).order_by(PeriodicReport.sequence)
    ).scalars()
    inspections = db.session.execute(
        select(Inspection)
        .where(Inspection.project_id == project.id)
        .options(selectinload(Inspection.actions))
        .order_by(Inspection.planned_on.desc(), Inspection.id.desc())
    ).scalars()
    adjustments = db.session.execute(
        select(Adjustment).where(Adjustment.project_id == project.id).order_by(Adjustment.id.desc())
    ).scalars()
    return {
        "reports": list(reports),
        "inspections": list(inspections),
        "adjustments": list(adjustments),
        "today": local_today(),
        "may_adjust": project.status in ACTIVE_STATES,
        "adjustment_files": Counter(f.record_id for f in documents if f.purpose == "adjustment"),
    }


def _owned(record: object, project: Project) -> object:
    """The record if it belongs to the project, else 404."""
    if record is None or record.project_id != project.id:
        abort(404)
    return record


def load_report(project: Project, report_id: int) -> PeriodicReport:
    """A periodic report of this project, or 404."""
    return _owned(db.session.get(PeriodicReport, report_id), project)


def load_inspection(project: Project, inspection_id: int) -> Inspection:
    """An inspection of this project with its actions, or 404."""
    query = select(Inspection).where(Inspection.id == inspection_id).options(selectinload(Inspection.actions))
    return _owned(db.session.execute(query).scalar(), project)


def load_adjustment(project: Project, adjustment_id: int) -> Adjustment:
    """An adjustment of this project with who asked for it, or 404."""
    query = select(Adjustment).where(Adjustment.id == adjustment_id).options(selectinload(Adjustment.requested_by))
    return _owned(db.session.execute(query).scalar(), project)


def record_files(project_id: int, purpose: str, record_id: int) -> list[ProjectFile]:
    """The documents attached to one record of the project, oldest first."""
    query = select(ProjectFile).where(
        ProjectFile.project_id == project_id, ProjectFile.purpose == purpose, ProjectFile.record_id == record_id
    )
    return list(db.session.execute(query.order_by(ProjectFile.id)).scalars())

"""Periodic reports (báo cáo định kỳ): the host drafts and submits them, staff accept them or return them with
comments; an accepted report can open the next tranche, and the host is told of the review by mail."""

from collections.abc import Callable

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import Membership, User
from core.errors import DomainError
from core.extensions import db
from core.formatting import utcnow
from core.outbox import queue_mail
from core.workflow import perform_transition
from projects.models import REPORT_TRANSITIONS, PeriodicReport, Project
from projects.services.tranches import refresh_eligibility
from projects.signals import report_changed

EDITABLE = ("due", "returned")
REPORT_FIELDS = ("progress", "products_progress", "spent_vnd", "problems", "proposals")


def check_running(project: Project) -> None:
    """Reports are written and reviewed only while the work is being done."""
    if not project.is_running:
        raise DomainError(_("Periodic reports are only kept while the project runs; this project is not running now."))


def save_report(report: PeriodicReport, project: Project, data: dict, submitting: bool, user: User) -> None:
    """The host saves the report as a draft, or submits it to the department."""
    check_running(project)
    if report.status not in EDITABLE:
        raise DomainError(_("This report was already submitted; it can be changed only once it is returned."))
    for name in REPORT_FIELDS:
        setattr(report, name, data[name])
    if submitting:
        if not report.progress.strip():
            raise DomainError(_("Describe the progress of the work before submitting the report."), "progress")
        perform_transition(report, REPORT_TRANSITIONS, "submitted", user, "periodic_report", signal=report_changed)
        report.submitted_at = utcnow()
    db.session.flush()


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
    link = url_for("projects.report", project_id=project.id, report_id=report.id, _external=True)

    def subject() -> str:
        return _("Project %(code)s: periodic report no. %(number)s reviewed", code=project.code, number=report.sequence)

    mail_host(project, subject, f"report_{to_state}", link=link, report=report)


def host_people(project: Project) -> list[User]:
    """The active people acting for the host organization."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == project.organization_id, User.active.is_(True))
    )
    return list(db.session.execute(query).scalars())


def mail_host(project: Project, subject: Callable[[], str], template: str, **context: object) -> None:
    """Queue templates/emails/projects/<template>.txt to each of the host's people, in their language."""
    for person in host_people(project):
        with force_locale(person.locale):
            translated = subject()
        queue_mail(
            person.email,
            translated,
            f"projects/{template}",
            locale=person.locale,
            person=person,
            project=project,
            **context,
        )

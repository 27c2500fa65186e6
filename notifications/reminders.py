"""Reminders of what funded projects owe, run daily by `flask reminders run`: the host's people are told a few days
before a periodic report or the final dossier falls due and once after it passed; staff get one list of the items
newly overdue. Each reminder has a key recorded in sent_reminders (unique), so none is ever sent twice, even when
two runs overlap (the second one fails on the key and rolls back)."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import Membership, User
from accounts.services import users_with_role
from core.extensions import db
from core.formatting import local_today
from core.outbox import queue_mail
from core.urls import external_url, internal_path
from notifications.models import Notification, SentReminder
from policies.models import Regime
from projects.contracts.models import DOSSIER_STATES, Project
from projects.followup.models import OPEN_REPORTS, FollowUpAction, Inspection, PeriodicReport
from projects.portfolio.deadlines import REPORTING_STATES, UNFINISHED_STATES

LOOKAHEAD_DAYS = 60  # the most a regime may ask to be reminded in advance (its check constraint)
STAFF_LIST_LIMIT = 50  # items written in the staff's mail; the rest are counted and on the monitoring page


@dataclass(frozen=True)
class DueItem:
    """A dated obligation of a project: a periodic report (detail: its number), the final dossier, or a follow-up
    action of an inspection (detail: what is asked)."""

    kind: str
    key: str
    on: date
    days_before: int
    project_id: int
    project_code: str
    project_title: str
    organization_id: int
    detail: object = None

    @property
    def link(self) -> str:
        """The project page, as an absolute link for a mail."""
        return external_url("projects.detail", project_id=self.project_id)


PROJECT_COLUMNS = (Project.id, Project.code, Project.title, Project.organization_id)


def _open_reports(today: date) -> list[DueItem]:
    """Reports not yet submitted (or returned) of running projects, due within the look-ahead or already past."""
    query = (
        select(
            PeriodicReport.id.label("report_id"),
            PeriodicReport.sequence,
            PeriodicReport.due_on,
            Regime.reminder_days_before,
            *PROJECT_COLUMNS,
        )
        .join(Project, PeriodicReport.project_id == Project.id)
        .join(Regime, Project.regime_id == Regime.id)
        .where(
            PeriodicReport.status.in_(OPEN_REPORTS),
            Project.status.in_(REPORTING_STATES),
            PeriodicReport.due_on <= today + timedelta(days=LOOKAHEAD_DAYS),
        )
    )
    return [
        DueItem(
            "report",
            f"report:{r.report_id}",
            r.due_on,
            r.reminder_days_before,
            r.id,
            r.code,
            r.title,
            r.organization_id,
            r.sequence,
        )
        for r in db.session.execute(query)
    ]


def _open_dossiers(today: date) -> list[DueItem]:
    """Final dossiers awaited, due within the look-ahead or already past (the key holds the due date, which an
    extension moves, so a new date is reminded again)."""
    query = (
        select(Project.dossier_due_on, Regime.reminder_days_before, *PROJECT_COLUMNS)
        .join(Regime, Project.regime_id == Regime.id)
        .where(
            Project.status.in_(DOSSIER_STATES),
            Project.dossier_submitted_at.is_(None),
            Project.dossier_due_on <= today + timedelta(days=LOOKAHEAD_DAYS),
        )
    )
    return [
        DueItem(
            "dossier",
            f"dossier:{r.id}:{r.dossier_due_on.isoformat()}",
            r.dossier_due_on,
            r.reminder_days_before,
            r.id,
            r.code,
            r.title,
            r.organization_id,
        )
        for r in db.session.execute(query)
    ]


def _overdue_actions(today: date) -> list[DueItem]:
    """Follow-up actions of inspections past their due date and not done, on projects still followed."""
    query = (
        select(
            FollowUpAction.id.label("action_id"), FollowUpAction.due_on, FollowUpAction.description, *PROJECT_COLUMNS
        )
        .join(Inspection, FollowUpAction.inspection_id == Inspection.id)
        .join(Project, Inspection.project_id == Project.id)
        .where(FollowUpAction.done_on.is_(None), FollowUpAction.due_on < today, Project.status.in_(UNFINISHED_STATES))
    )
    return [
        DueItem("action", f"action:{r.action_id}", r.due_on, 0, r.id, r.code, r.title, r.organization_id, r.description)
        for r in db.session.execute(query)
    ]


def _hosts(organization_ids: set[int]) -> dict[int, list[User]]:
    """The active people acting for each organization."""
    query = (
        select(User, Membership.organization_id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id.in_(organization_ids), User.active)
        .order_by(User.id)
    )
    people: dict[int, list[User]] = {}
    for user, organization_id in db.session.execute(query):
        people.setdefault(organization_id, []).append(user)
    return people


def _phase(item: DueItem, today: date) -> str | None:
    """'before' within the regime's days ahead of the date, 'overdue' once it passed, else nothing to say yet."""
    if today > item.on:
        return "overdue"
    return "before" if today >= item.on - timedelta(days=item.days_before) else None


def _already_sent(keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(db.session.execute(select(SentReminder.key).where(SentReminder.key.in_(keys))).scalars())


def _remind_hosts(items: list[DueItem], today: date, counts: dict[str, int]) -> list[str]:
    """Queue one mail per host person listing their items to remind; the keys used."""
    people = _hosts({item.organization_id for item in items})
    planned = [
        (f"{item.key}:{phase}:{person.id}", person, phase, item)
        for item in items
        if (phase := _phase(item, today))
        for person in people.get(item.organization_id, [])
    ]
    sent = _already_sent([key for key, *_rest in planned])
    per_person: dict[int, tuple[User, list[tuple[str, DueItem]]]] = {}
    keys = []
    for key, person, phase, item in planned:
        if key in sent:
            continue
        per_person.setdefault(person.id, (person, []))[1].append((phase, item))
        counts[f"{item.kind}_{phase}"] += 1
        keys.append(key)
    for person, reminders in per_person.values():
        with force_locale(person.locale):
            subject = _("Reminder: reports or final dossiers of your projects are due")
        queue_mail(
            person.email,
            subject,
            "notifications/host_reminder",
            locale=person.locale,
            person=person,
            before=[item for phase, item in reminders if phase == "before"],
            overdue=[item for phase, item in reminders if phase == "overdue"],
        )
        _keep_notice(person, subject, "projects.mine")
        counts["mails"] += 1
    return keys


def _keep_notice(person: User, subject: str, endpoint: str) -> None:
    """The reminder kept under the person's bell too (a deadline: always mailed, whatever their settings)."""
    link = internal_path(external_url(endpoint))
    notice = Notification(user_id=person.id, event="reminder", kind="projects", subject=subject, link=link, mail="sent")
    db.session.add(notice)


def _tell_staff(items: list[DueItem], today: date, counts: dict[str, int]) -> list[str]:
    """Queue one mail per staff member listing the items overdue not yet told to staff; the keys used."""
    overdue = [item for item in items if today > item.on]
    sent = _already_sent([f"staff:{item.key}" for item in overdue])
    new = sorted((item for item in overdue if f"staff:{item.key}" not in sent), key=lambda item: item.on)
    staff = users_with_role("staff")
    if not new or not staff:
        return []
    link = external_url("projects.monitoring")
    for person in staff:
        with force_locale(person.locale):
            subject = _("Newly overdue in funded projects: %(num)d", num=len(new))
        queue_mail(
            person.email,
            subject,
            "notifications/staff_overdue",
            locale=person.locale,
            person=person,
            items=new[:STAFF_LIST_LIMIT],
            more=max(len(new) - STAFF_LIST_LIMIT, 0),
            link=link,
        )
        _keep_notice(person, subject, "projects.monitoring")
        counts["mails"] += 1
    counts["staff_items"] = len(new)
    return [f"staff:{item.key}" for item in new]


def run_reminders(today: date | None = None) -> dict[str, int]:
    """Queue today's reminders in the outbox, each once, and record them; how many of each kind and how many mails.
    Flushes; the caller commits (a rollback sends nothing and forgets nothing)."""
    today = today or local_today()
    counts = dict.fromkeys(
        ("report_before", "report_overdue", "dossier_before", "dossier_overdue", "staff_items", "mails"), 0
    )
    host_items = _open_reports(today) + _open_dossiers(today)
    keys = _remind_hosts(host_items, today, counts)
    keys += _tell_staff(host_items + _overdue_actions(today), today, counts)
    db.session.add_all(SentReminder(key=key) for key in keys)
    db.session.flush()
    return counts

"""Telling people of an event: a notice kept for each of them, and a mail at once, in the daily digest, or none, as
each chose for that kind of event; legal notices always go by mail at once. Words are in each reader's language."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.outbox import queue_mail
from core.urls import external_url, internal_path
from notifications.audiences import AUDIENCES, conflicted, project_of, proposal_of
from notifications.events import Event
from notifications.models import Notification, NotificationPreference
from proposals.models import Proposal

MAIL_OF_DELIVERY = {"immediate": "sent", "digest": "digest", "in_app": "none"}
# The name a mail template knows each kind of record by.
RECORD_NAMES = {
    "Proposal": "proposal",
    "Project": "project",
    "Tranche": "tranche",
    "PeriodicReport": "report",
    "Adjustment": "adjustment",
    "Inspection": "inspection",
    "Council": "council",
    "AcceptanceCouncil": "council",
    "ScoreSheet": "sheet",
    "Decision": "decision",
    "BatchDecision": "batch",
    "FixedAward": "award",
}


@dataclass(frozen=True)
class Happened:
    """An event of the table fired on one record, by someone, with the words they gave."""

    event: Event
    record: object
    actor: object
    comment: str


def audience(happened: Happened) -> list[User]:
    """Everyone the row names, once each, but never anyone with a conflict of interest on the application it is
    about; the one who acted only when the row tells them too (a receipt)."""
    people: dict[int, User] = {}
    for relation in happened.event.relations:
        for person in AUDIENCES[relation](happened.record):
            people.setdefault(person.id, person)
    actor_id = getattr(happened.actor, "id", None)
    if not happened.event.tells_actor:
        people.pop(actor_id, None)
    for user_id in conflicted(happened.record):
        people.pop(user_id, None)
    return list(people.values())


def _deliveries(user_ids: list[int], kind: str) -> dict[int, str]:
    query = select(NotificationPreference.user_id, NotificationPreference.delivery).where(
        NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
    )
    return dict(db.session.execute(query).tuples().all())


def mail_template(event: Event) -> str:
    """The row's own mail, templates/emails/notifications/<key>.txt, or the generic notice where it has none."""
    own = f"notifications/{event.key.replace('.', '_')}"
    try:
        current_app.jinja_env.get_template(f"emails/{own}.txt")
    except TemplateNotFound:
        return "notifications/notice"
    return own


def mail_context(record: object) -> dict:
    """What a mail template may name: the record under its own name, its project and application, and an
    application's number of versions."""
    if isinstance(record, Proposal):
        return {"proposal": record, "project": None, "version_number": record.submissions}
    return {
        "proposal": proposal_of(record),
        "project": project_of(record),
        RECORD_NAMES[type(record).__name__]: record,
    }


def tell(happened: Happened) -> list[Notification]:
    """Keep a notice for each person told and mail those who want it now; the notices kept."""
    event, record = happened.event, happened.record
    people = audience(happened)
    if not people:
        return []
    deliveries = {} if event.legal else _deliveries([p.id for p in people], event.kind)
    endpoint, values = event.link(record)
    link = external_url(endpoint, **values)
    path = internal_path(link)
    context, template = mail_context(record), mail_template(event)
    notices = []
    for person in people:
        with force_locale(person.locale):
            headline = str(event.subject(record))
        mail = MAIL_OF_DELIVERY[deliveries.get(person.id, "immediate")]
        notices.append(
            Notification(user_id=person.id, event=event.key, kind=event.kind, subject=headline, link=path, mail=mail)
        )
        if mail == "sent":
            queue_mail(
                person.email,
                headline,
                template,
                locale=person.locale,
                person=person,
                headline=headline,
                link=link,
                comment=happened.comment,
                **context,
            )
    db.session.add_all(notices)
    return notices

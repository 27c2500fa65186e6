"""The daily digest (`flask notifications digest`, from cron): one mail per person with the notices they chose to
receive that way and that no digest carried yet. A person gets at most one digest a day, however often it runs
(the key digest:<user>:<date> in sent_reminders); what arrives after it waits for the next day's."""

from datetime import date
from urllib.parse import urljoin

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.formatting import format_date, local_today, utcnow
from core.outbox import queue_mail
from core.urls import external_url
from notifications.models import Notification, SentReminder


def send_digests(today: date | None = None) -> int:
    """Queue today's digests; how many mails. Flushes; the caller commits."""
    today = today or local_today()
    waiting = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.mail == "digest", Notification.digested_at.is_(None), User.active.is_(True))
        .order_by(Notification.user_id, Notification.id)
    ).all()
    per_person: dict[int, tuple[User, list[Notification]]] = {}
    for notice, person in waiting:
        per_person.setdefault(person.id, (person, []))[1].append(notice)
    keys = {f"digest:{user_id}:{today.isoformat()}": user_id for user_id in per_person}
    done = set(db.session.execute(select(SentReminder.key).where(SentReminder.key.in_(keys))).scalars())
    now, mails = utcnow(), 0
    for key, user_id in keys.items():
        if key in done:
            continue
        person, notices = per_person[user_id]
        for notice in notices:
            notice.digested_at = now
        with force_locale(person.locale):
            subject = _("Your notices of %(date)s", date=format_date(today))
        queue_mail(
            person.email,
            subject,
            "notifications/digest",
            locale=person.locale,
            person=person,
            notices=[{"subject": n.subject, "created_at": n.created_at, "url": _absolute(n.link)} for n in notices],
            link=external_url("notifications.index"),
            settings_link=external_url("notifications.preferences"),
        )
        db.session.add(SentReminder(key=key))
        mails += 1
    db.session.flush()
    return mails


def _absolute(path: str) -> str:
    """A notice's link (a path inside the portal) as an absolute link for the mail."""
    return urljoin(external_url("policies.home"), path)

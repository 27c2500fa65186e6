"""The table-driven runner of who is told: flows of steps, each firing an event through a real service and saying who
must be told; after each, the notices and mails that resulted are compared with it (who, in which language, by mail
through the SMTP server, each notice opening its record for its reader)."""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.extensions import db
from core.models import OutboxMessage
from core.outbox import deliver_due
from notifications.events import EVENTS
from notifications.models import Notification
from tests.conftest import login

EVENT = {event.key: event for event in EVENTS}
ORG_A = ("host", "host_en")  # the active members of the cast's organization (its inactive one is never told)
STAFF = ("staff", "staff_en")  # the active staff (the inactive staff member and the administrator are never told)
LEADERS = ("leader", "leader_en")
FINANCE = ("finance", "finance_en")


@dataclass(frozen=True)
class Told:
    """One row of what a case expects: the event `key` fired on `record`, and the cast names told of it."""

    key: str
    record: object
    names: Iterable[str]


@dataclass(frozen=True)
class Step:
    """One action of a flow through a real service: `fire` acts on the world (the people and records of the test) and
    says who must be told; the runner commits and compares."""

    key: str | None  # the row of EVENTS the step is for (None: a move that must tell nobody)
    name: str
    fire: Callable[[dict], list[Told]]
    also: tuple[str, ...] = ()  # the other rows the same action fires (a contract opens the first tranche...)

    @property
    def keys(self) -> set[str]:
        """Every row the step fires: those its expectations may name."""
        return {self.key, *self.also} - {None}


class Cast(dict):
    """The people of a test by name, and their names by user id."""

    def name_of(self, user_id: int) -> str:
        """The cast name of a user (their id if the cast has nobody with it: told by mistake)."""
        return next((name for name, user in self.items() if user.id == user_id), f"user #{user_id}")


def subject_in(key: str, record: object, locale: str) -> str:
    """The row's words for the record in a language."""
    with force_locale(locale):
        return str(EVENT[key].subject(record))


class Watch:
    """What was told after a moment: the notices kept and the mails queued since, by the cast's names."""

    def __init__(self, cast: Cast, inbox: object) -> None:
        deliver_due()  # what the starting state mailed goes out first, so the inbox holds only what follows
        inbox.messages.clear()
        self.cast, self.inbox = cast, inbox
        self.notice_id = db.session.execute(select(func.max(Notification.id))).scalar() or 0
        self.mail_id = db.session.execute(select(func.max(OutboxMessage.id))).scalar() or 0

    def notices(self) -> list[Notification]:
        """The notices kept since."""
        query = select(Notification).where(Notification.id > self.notice_id).order_by(Notification.id)
        return list(db.session.execute(query).scalars())

    def mails(self) -> list[OutboxMessage]:
        """The mails queued since."""
        query = select(OutboxMessage).where(OutboxMessage.id > self.mail_id).order_by(OutboxMessage.id)
        return list(db.session.execute(query).scalars())

    def heard(self) -> dict[tuple[str, str], set[str]]:
        """(event, name) → the subjects of the notices that person got."""
        got = defaultdict(set)
        for notice in self.notices():
            got[notice.event, self.cast.name_of(notice.user_id)].add(notice.subject)
        return dict(got)

    def of(self, name: str) -> list[Notification]:
        """The notices one person got since."""
        return [n for n in self.notices() if n.user_id == self.cast[name].id]


def expected(cast: Cast, told: list[Told]) -> dict[tuple[str, str], set[str]]:
    """(event, name) → the subjects each must get, each in their own language."""
    want = defaultdict(set)
    for row in told:
        for name in row.names:
            want[row.key, name].add(subject_in(row.key, row.record, cast[name].locale))
    return dict(want)


def check_told(app: Flask, watch: Watch, told: list[Told], clients: dict) -> None:
    """Exactly the people expected got a notice of each event, in their language, and a mail with the same subject
    that the SMTP server received; nobody else got either; each notice opens its record for its reader (`clients`:
    the readers signed in so far)."""
    cast = watch.cast
    assert watch.heard() == expected(cast, told)
    for row in told:  # the row's words are translated, so the reader's language shows
        assert subject_in(row.key, row.record, "en") != subject_in(row.key, row.record, "vi"), row.key
    notices = watch.notices()
    assert all(n.mail == "sent" for n in notices)  # nobody in the cast chose otherwise
    queued = sorted((m.recipient, m.subject) for m in watch.mails())
    emails = {user.id: user.email for user in cast.values()}
    assert queued == sorted((emails.get(n.user_id, n.user_id), n.subject) for n in notices)
    deliver_due()
    readers = {user.email: user for user in cast.values()}
    assert sorted(m["to"][0] for m in watch.inbox.messages) == [email for email, _subject in queued]
    for message in watch.inbox.messages:
        reader = readers[message["to"][0]]
        with force_locale(reader.locale):
            greeting = _("Hello %(name)s,", name=reader.full_name)
        assert greeting in message["body"], (reader.email, message["body"][:200])  # the body in their language
    for notice in notices:  # the mail links to the notice's record, absolutely
        bodies = [m["body"] for m in watch.inbox.messages if m["to"] == [emails[notice.user_id]]]
        links = [link for body in bodies for link in re.findall(r"https?://\S+", body)]
        assert any(urlsplit(link).path == notice.link for link in links), (notice.event, notice.link, links)
    check_links(app, cast, notices, clients)
    # Last, so that what is checked above shows first: the subject arrives intact (folding a long one included).
    assert sorted((m["to"][0], m["subject"]) for m in watch.inbox.messages) == queued


def check_links(app: Flask, cast: Cast, notices: list[Notification], clients: dict) -> None:
    """Each reader opens each of their notices from the notices page and lands on a page they may see (`clients`: the
    readers signed in so far, by name)."""
    for notice in notices:
        name = cast.name_of(notice.user_id)
        if name not in clients:
            clients[name] = app.test_client()
            assert login(clients[name], cast[name].email).status_code == 302
        opened = clients[name].post(f"/notifications/{notice.id}/open")
        assert opened.status_code == 302 and opened.headers["Location"].endswith(notice.link), notice.link
        page = clients[name].get(notice.link)
        assert page.status_code == 200, (notice.event, name, notice.link, page.status_code)


def run_flow(app: Flask, world: dict, steps: list[Step], inbox: object) -> None:
    """Fire each step in turn, commit, and compare what was told with what the step expects; every step is run and
    checked, and the test fails with the list of the steps that went wrong."""
    failures, clients = [], {}
    for step in steps:
        watch = Watch(world["cast"], inbox)
        try:
            told = step.fire(world)
            db.session.commit()
            assert {row.key for row in told} <= step.keys, step.keys  # the step declares every row it expects
            check_told(app, watch, told, clients)
        except Exception as error:  # noqa: BLE001 (each step's failure is collected, the test fails below)
            db.session.rollback()
            failures.append(f"{step.name}: {type(error).__name__}: {error}")
    assert not failures, "\n".join(failures)

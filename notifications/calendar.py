"""A person's calendar feed: their deadlines and meetings as iCalendar, at a secret address they can reset.

The address carries a signed token of (user id, generation), so nothing secret is stored: calendar_feeds keeps only
the generation (no row: 0), and resetting moves to the next one, after which the old token no longer matches.

What goes in is only what the person may know, one query per kind whatever the count:
- the people of an organization: closing of open calls, supplement deadlines of its applications, open periodic
  reports and the final dossier of its projects;
- council members: meetings of the review and acceptance councils they sit on, once the council has left forming
  (as their pages show it); a council-level event only, never the applications before it;
- department staff: closing of calls, meetings of councils, report and dossier due dates of running projects within
  a window around today, so the feed stays bounded however large the portfolio.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, func, or_, select, update

from accounts.models import APPLICANTS, MANAGERS, REVIEWERS, User, holds_role
from core.extensions import db
from core.formatting import local_to_utc, local_today, to_local, utcnow
from core.i18n import localized
from core.urls import external_url
from notifications.models import CalendarFeed
from policies.models import Call
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.contracts.models import DOSSIER_STATES, Project
from projects.followup.models import PeriodicReport
from projects.portfolio.deadlines import REPORTING_STATES, dossier_deadlines, report_deadlines
from proposals.models import Proposal
from review.councils.models import Council, CouncilMember

SALT = "calendar-feed"
PRODID = "-//Sở Khoa học và Công nghệ//Cổng hỗ trợ KH&CN//VI"
PAST_DAYS = 30  # staff's window: what fell due in the last month...
AHEAD_DAYS = 90  # ...and what falls due in the next three
PAGE_ITEMS = 10  # the next events listed on the calendar page


@dataclass(frozen=True)
class Entry:
    """One event of the feed: a due date (a date, shown all day) or a moment (a naive UTC datetime: a meeting, a
    call's closing), with the record's kind and id (`key`, the stable part of its UID) and its page."""

    key: str
    summary: str
    when: date | datetime
    link: str
    place: str = ""

    @property
    def is_timed(self) -> bool:
        """A moment of a day rather than the whole day."""
        return isinstance(self.when, datetime)

    @property
    def local_day(self) -> date:
        """The day it falls on in Asia/Ho_Chi_Minh."""
        return to_local(self.when).date() if self.is_timed else self.when


@dataclass(frozen=True)
class Reader:
    """Who reads the feed, as the queries need it: their organization, whether they run the procedure (and see the
    window around `today`) or may sit on councils."""

    user_id: int
    organization_id: int | None
    applicant: bool
    manager: bool
    member: bool
    today: date

    @classmethod
    def of(cls, user: User, today: date) -> "Reader":
        """The reader a signed-in (or token-identified) user is (roles and membership loaded)."""
        membership = user.membership
        return cls(
            user.id,
            membership.organization_id if membership is not None else None,
            holds_role(user, APPLICANTS),
            holds_role(user, MANAGERS),
            holds_role(user, REVIEWERS),
            today,
        )

    @property
    def since(self) -> date:
        """The first day of the staff's window."""
        return self.today - timedelta(days=PAST_DAYS)

    @property
    def until(self) -> date:
        """The last day of the staff's window."""
        return self.today + timedelta(days=AHEAD_DAYS)

    @property
    def since_moment(self) -> datetime:
        """The window's first local midnight, as stored (naive UTC)."""
        return local_to_utc(datetime.combine(self.since, time.min))

    def moments(self, column: ColumnElement) -> ColumnElement:
        """A stored UTC datetime column within the window's local days."""
        end = local_to_utc(datetime.combine(self.until + timedelta(days=1), time.min))
        return (column >= self.since_moment) & (column < end)


def _serializer() -> URLSafeSerializer:
    """Signs (user id, generation) with the application's secret, for this purpose only."""
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def feed_generation(user_id: int) -> int:
    """The generation of the person's address now (0 until it is first reset)."""
    generation = db.session.execute(select(CalendarFeed.generation).where(CalendarFeed.user_id == user_id)).scalar()
    return generation or 0


def feed_address(user: User) -> str:
    """The person's secret calendar address, absolute."""
    token = _serializer().dumps([user.id, feed_generation(user.id)])
    return external_url("notifications.calendar_feed", token=token)


def user_of_token(token: str) -> User | None:
    """The active person whose current address carries this token; None for a forged, garbled or reset one."""
    try:
        user_id, generation = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    found = db.session.execute(
        select(User, func.coalesce(CalendarFeed.generation, 0))
        .outerjoin(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(User.id == user_id)
    ).first()
    if found is None or not found[0].active or found[1] != generation:
        return None
    return found[0]


def reset_feed(user: User) -> None:
    """Move the person's address to the next generation: the old address answers 404 from now on. The increment is
    one conditional update, so two resets at once both count (the very first reset creates the row instead)."""
    moved = db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id)
        .values(generation=CalendarFeed.generation + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount == 0:
        db.session.add(CalendarFeed(user_id=user.id, generation=1))
    db.session.flush()


def _calls(reader: Reader) -> list[Entry]:
    """Closing of published calls (for staff, of drafts too) that closed in the last month or close later."""
    states = ("open", "draft") if reader.manager else ("open",) if reader.applicant else ()
    if not states:
        return []
    rows = db.session.execute(
        select(Call.id, Call.code, Call.title, Call.title_en, Call.closes_at).where(
            Call.status.in_(states), Call.closes_at >= reader.since_moment
        )
    ).all()
    return [
        Entry(
            f"call-{row.id}",
            _("Call %(code)s closes: %(title)s", code=row.code, title=localized(row, "title")),
            row.closes_at,
            external_url("policies.call_detail", call_id=row.id),
        )
        for row in rows
    ]


def _supplements(reader: Reader) -> list[Entry]:
    """Supplement deadlines of the organization's applications awaiting one."""
    if reader.organization_id is None:
        return []
    rows = db.session.execute(
        select(Proposal.id, Proposal.reference_code, Proposal.title, Proposal.supplement_due_on).where(
            Proposal.organization_id == reader.organization_id,
            Proposal.status == "needs_supplement",
            Proposal.supplement_due_on.is_not(None),
        )
    ).all()
    return [
        Entry(
            f"supplement-{row.id}",
            _("Supplement due for application %(code)s: %(title)s", code=row.reference_code, title=row.title),
            row.supplement_due_on,
            external_url("proposals.detail", proposal_id=row.id),
        )
        for row in rows
    ]


def _projects_in_scope(reader: Reader, due: ColumnElement) -> list[ColumnElement]:
    """Which projects' deadlines the reader sees: its organization's, and for staff every one due in the window."""
    scopes = []
    if reader.organization_id is not None:
        scopes.append(Project.organization_id == reader.organization_id)
    if reader.manager:
        scopes.append(due.between(reader.since, reader.until))
    return scopes


def _reports(reader: Reader) -> list[Entry]:
    """Periodic reports awaited from the host (due or returned) of running projects."""
    scopes = _projects_in_scope(reader, PeriodicReport.due_on)
    if not scopes:
        return []
    query = report_deadlines(Project.status.in_(REPORTING_STATES), or_(*scopes))
    rows = db.session.execute(query.add_columns(PeriodicReport.id.label("report_id"))).all()
    return [
        Entry(
            f"report-{row.report_id}",
            _(
                "Periodic report no. %(number)s due: %(code)s %(title)s",
                number=row.detail,
                code=row.code,
                title=row.title,
            ),
            row.due,
            external_url("projects.report", project_id=row.id, report_id=row.report_id),
        )
        for row in rows
    ]


def _dossiers(reader: Reader) -> list[Entry]:
    """Final dossiers awaited (the project in progress or called for it, nothing submitted yet)."""
    scopes = _projects_in_scope(reader, Project.dossier_due_on)
    if not scopes:
        return []
    rows = db.session.execute(dossier_deadlines(Project.status.in_(DOSSIER_STATES), or_(*scopes))).all()
    return [
        Entry(
            f"dossier-{row.id}",
            _("Final dossier due: %(code)s %(title)s", code=row.code, title=row.title),
            row.due,
            external_url("projects.dossier", project_id=row.id),
        )
        for row in rows
    ]


def _review_page(reader: Reader, council_id: int) -> str:
    """Staff open the council; a member opens their list of applications (the council's page is not theirs)."""
    if reader.manager:
        return external_url("review.council", council_id=council_id)
    return external_url("review.mine")


def _acceptance_page(reader: Reader, council_id: int) -> str:
    """Staff open the acceptance council; a member opens their rating of it."""
    endpoint = "projects.acceptance_council" if reader.manager else "projects.rating"
    return external_url(endpoint, council_id=council_id)


def _meetings(
    reader: Reader, council: type, seat: type, page: Callable[[Reader, int], str], *taking_part: ColumnElement[bool]
) -> list[Entry]:
    """Meetings of one kind of council (its model and its seats' model): those the reader sits on once it left
    forming (and takes part in, by the seat's conditions given), and for staff every one in the window. Only the
    council's own name, time and place: never an application or a member."""
    scopes = []
    if reader.member:
        seated = select(seat.council_id).where(seat.user_id == reader.user_id, *taking_part)
        scopes.append(council.id.in_(seated) & (council.status != "forming"))
    if reader.manager:
        scopes.append(reader.moments(council.meeting_at))
    if not scopes:
        return []
    rows = db.session.execute(
        select(council.id, council.name, council.meeting_at, council.place).where(
            council.meeting_at.is_not(None), or_(*scopes)
        )
    ).all()
    kind = council.__tablename__.removesuffix("s")
    return [
        Entry(
            f"{kind}-{row.id}", _("Meeting: %(name)s", name=row.name), row.meeting_at, page(reader, row.id), row.place
        )
        for row in rows
    ]


def feed_entries(user: User, today: date) -> list[Entry]:
    """Everything the person's calendar holds, soonest first, in the current language."""
    reader = Reader.of(user, today)
    entries = [
        *_calls(reader),
        *_supplements(reader),
        *_reports(reader),
        *_dossiers(reader),
        *_meetings(reader, Council, CouncilMember, _review_page),
        # A member recused from an acceptance (a conflict declared) takes no part in its meeting.
        *_meetings(
            reader, AcceptanceCouncil, AcceptanceMember, _acceptance_page, AcceptanceMember.conflict != "declared"
        ),
    ]
    return sorted(entries, key=lambda entry: (entry.local_day, entry.key))


def upcoming_entries(user: User) -> list[Entry]:
    """The next few events of the person's calendar, from today, for the calendar page."""
    today = local_today()
    return [entry for entry in feed_entries(user, today) if entry.local_day >= today][:PAGE_ITEMS]


def _uid_host() -> str:
    """The host named in the events' UIDs: the configured server name (never a request's Host header)."""
    return current_app.config["SERVER_NAME"]


def _event(entry: Entry, host: str, stamp: datetime) -> Event:
    """A VEVENT: a whole day for a due date, a moment in Asia/Ho_Chi_Minh for a meeting or a closing."""
    timed = entry.is_timed
    return Event.new(
        uid=f"{entry.key}@{host}",
        stamp=stamp,
        summary=entry.summary,
        start=to_local(entry.when) if timed else entry.when,
        end=None if timed else entry.when + timedelta(days=1),
        location=entry.place or None,
        description=entry.link,
        url=entry.link,
    )


def feed_calendar(user: User) -> bytes:
    """The person's calendar as an iCalendar document, written in their language."""
    host = _uid_host()
    stamp = utcnow().replace(tzinfo=UTC)
    with force_locale(user.locale):
        entries = feed_entries(user, local_today())
        calendar = Calendar.new(
            prodid=PRODID,
            name=_("Deadlines and meetings"),
            uid=f"calendar-{user.id}@{host}",
            subcomponents=[_event(entry, host, stamp) for entry in entries],
        )
    if entries:  # the time zone's definition, over the days the events span (entries are sorted by day)
        calendar.add_missing_timezones(entries[0].local_day, entries[-1].local_day + timedelta(days=1))
    return calendar.to_ical()

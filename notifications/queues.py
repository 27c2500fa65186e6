"""Work queues: what waits for each person, role by role, on their home page.

QUEUES is the one table: each queue's key, its label, who sees it (the roles its records' transition table lets make
the move they wait for), its records (notifications.waiting: one select, counted or read a page at a time), the page
where each is acted on and what its line says. A person's home page counts all of their queues in one statement and
reads the first rows of each non-empty queue in one more, whatever the number of records waiting.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, select

from accounts.models import APPLICANTS, FINANCE, LEADERS, MANAGERS, REVIEWERS
from core.extensions import db
from core.formatting import format_money
from core.i18n import status_label
from core.workflow import TransitionTable
from notifications import waiting
from notifications.queue_reads import Queue, count, item, ordered, reaches
from notifications.waiting import Item, Viewer
from projects.acceptance.models import ACCEPTANCE_TRANSITIONS
from projects.contracts.models import PROJECT_TRANSITIONS, TRANCHE_TRANSITIONS
from projects.fixed.models import AWARD_TRANSITIONS, BATCH_TRANSITIONS
from projects.followup.models import ADJUSTMENT_TRANSITIONS, REPORT_TRANSITIONS
from proposals.models import PROPOSAL_TRANSITIONS
from review.councils.models import COUNCIL_TRANSITIONS
from review.decisions.models import DECISION_TRANSITIONS
from review.sheets.models import SHEET_TRANSITIONS

FIRST_ROWS = 3  # items of each queue shown on the home page
# The home page counts each queue up to this many ("99+" beyond): counting stops there, so a queue of thousands
# costs what a short one does; the queue's own page counts them all.
COUNTED_UP_TO = 99
# What a queue's date says: how long its records have waited, when they are due, or when the council meets.
DATED = {"since": _l("Waiting since"), "due": _l("Due"), "meeting": _l("Meeting"), "on": _l("Date")}


def actors(table: TransitionTable, move: tuple[str, str]) -> frozenset[str]:
    """The roles that may make a move of a state table: who the records waiting for that move wait for."""
    return table[move].roles


@dataclass(frozen=True)
class Shown:
    """A queue on the home page: its count, its first items and where to see them all."""

    key: str
    label: object
    count: int
    items: list[Item]
    more_url: str
    dated: str

    @property
    def capped(self) -> bool:
        """Whether the queue holds more than the home page counts."""
        return self.count > COUNTED_UP_TO

    @property
    def count_text(self) -> str:
        """The count as the home page shows it: "99+" for a queue counted up to its limit."""
        return f"{COUNTED_UP_TO}+" if self.capped else str(self.count)


def _check_page(row: Row) -> str:
    return url_for("proposals.check", proposal_id=row.proposal_id)


def _payment_page(row: Row) -> str:
    return url_for("projects.payment", project_id=row.project_id, tranche_id=row.tranche_id)


def _sheet_page(row: Row) -> str:
    return url_for("review.sheet", council_id=row.council_id, proposal_id=row.proposal_id)


def _tranche(row: Row) -> str:
    return _("Tranche %(num)d · %(amount)s", num=row.position, amount=format_money(row.amount))


# Staff, then leaders, finance, council members and the applicant organization's people (SECTIONS below).
QUEUES: tuple[Queue, ...] = (
    Queue(
        "applications_to_check",
        _l("Applications to check"),
        actors(PROPOSAL_TRANSITIONS, ("submitted", "under_check")),
        waiting.applications_to_check,
        link=_check_page,
        note=attrgetter("organization"),
    ),
    Queue(
        "supplements_answered",
        _l("Supplements answered"),
        actors(PROPOSAL_TRANSITIONS, ("submitted", "under_check")),
        waiting.supplements_answered,
        link=_check_page,
        note=attrgetter("organization"),
    ),
    Queue(
        "reports_submitted",
        _l("Periodic reports to review"),
        actors(REPORT_TRANSITIONS, ("submitted", "accepted")),
        waiting.reports_submitted,
        link=lambda r: url_for("projects.report", project_id=r.project_id, report_id=r.report_id),
        note=lambda r: _("Periodic report no. %(num)d", num=r.sequence),
    ),
    Queue(
        "tranche_requests",
        _l("Payment requests to approve"),
        actors(TRANCHE_TRANSITIONS, ("requested", "approved")),
        waiting.tranche_requests,
        link=lambda r: url_for("projects.detail", project_id=r.project_id, _anchor="tranches"),
        note=_tranche,
    ),
    Queue(
        "adjustment_requests",
        _l("Adjustment requests to decide"),
        actors(ADJUSTMENT_TRANSITIONS, ("requested", "refused")),
        waiting.adjustment_requests,
        link=lambda r: url_for("projects.adjustment", project_id=r.project_id, adjustment_id=r.adjustment_id),
        note=lambda r: status_label(r.kind, "adjustment_kind"),
    ),
    Queue(
        "dossiers",
        _l("Final dossiers to handle"),
        actors(ACCEPTANCE_TRANSITIONS, ("forming", "rating")),
        waiting.dossiers,
        link=lambda r: (
            url_for("projects.acceptance_council", council_id=r.council_id)
            if r.council_id
            else url_for("projects.acceptance_council_form", project_id=r.project_id)
        ),
        note=lambda r: (
            _("Acceptance council being formed: open the rating")
            if r.council_id
            else _("Dossier submitted: form the acceptance council")
        ),
    ),
    Queue(
        "councils_to_prepare",
        _l("Review councils to prepare"),
        actors(COUNCIL_TRANSITIONS, ("forming", "scoring")),
        waiting.councils_to_prepare,
        link=lambda r: (
            url_for("review.council", council_id=r.council_id)
            if r.council_id
            else url_for("review.council_form", call_id=r.call_id)
        ),
        note=lambda r: (
            _("Council being formed: open scoring")
            if r.council_id
            else _("Call closed with checked applications: form its council")
        ),
    ),
    Queue(
        "decisions_to_approve",
        _l("Decisions to approve"),
        actors(DECISION_TRANSITIONS, ("draft", "approved")),
        waiting.decisions_to_approve,
        link=lambda r: url_for("review.decisions_page", council_id=r.council_id),
        note=lambda r: f"{r.application} · {format_money(r.amount)}",
    ),
    Queue(
        "batches_to_approve",
        _l("Batch decisions to approve"),
        actors(BATCH_TRANSITIONS, ("draft", "approved")),
        waiting.batches_to_approve,
        link=lambda r: url_for("projects.batch", batch_id=r.batch_id),
        note=lambda r: format_money(r.amount),
    ),
    Queue(
        "suspended_projects",
        _l("Suspended projects to resume or terminate"),
        actors(PROJECT_TRANSITIONS, ("suspended", "terminated")),
        waiting.suspended_projects,
        link=lambda r: url_for("projects.detail", project_id=r.project_id),
    ),
    Queue(
        "tranches_to_pay",
        _l("Approved tranches to pay"),
        actors(TRANCHE_TRANSITIONS, ("approved", "paid")),
        waiting.tranches_to_pay,
        link=_payment_page,
        note=_tranche,
    ),
    Queue(
        "settlements_to_record",
        _l("Settlements to record"),
        actors(TRANCHE_TRANSITIONS, ("paid", "settled")),
        waiting.settlements_to_record,
        link=_payment_page,
        note=_tranche,
    ),
    Queue(
        "recoveries_to_receive",
        _l("Money to recover"),
        FINANCE,  # finance records what comes back (projects.money.services.receive_recovery)
        waiting.recoveries_to_receive,
        link=lambda r: url_for("projects.recovery_receipt", project_id=r.project_id),
        note=lambda r: _("%(amount)s left to recover", amount=format_money(r.amount)),
        dated="due",
    ),
    Queue(
        "awards_to_pay",
        _l("Fixed amounts to pay"),
        actors(AWARD_TRANSITIONS, ("approved", "paid")),
        waiting.awards_to_pay,
        link=lambda r: url_for("projects.batch", batch_id=r.batch_id),
        note=lambda r: f"{r.batch_number} · {format_money(r.amount)}",
    ),
    Queue(
        "sheets_to_declare",
        _l("Conflicts of interest to declare"),
        actors(SHEET_TRANSITIONS, ("draft", "submitted")),
        waiting.sheets_to_declare,
        link=_sheet_page,
        note=attrgetter("council"),
        dated="meeting",
    ),
    Queue(
        "sheets_to_score",
        _l("Score sheets to submit"),
        actors(SHEET_TRANSITIONS, ("draft", "submitted")),
        waiting.sheets_to_score,
        link=_sheet_page,
        note=attrgetter("council"),
        dated="meeting",
    ),
    Queue(
        "ratings_to_give",
        _l("Acceptance ratings to give"),
        REVIEWERS,  # acceptance seats go to reviewers (projects.acceptance.services._check_members)
        waiting.ratings_to_give,
        link=lambda r: url_for("projects.rating", council_id=r.council_id),
        note=attrgetter("council"),
        dated="meeting",
    ),
    Queue(
        "supplements_requested",
        _l("Applications to supplement"),
        actors(PROPOSAL_TRANSITIONS, ("needs_supplement", "submitted")),
        waiting.supplements_requested,
        link=lambda r: url_for("proposals.edit", proposal_id=r.proposal_id),
        dated="due",
        of_organization=True,
    ),
)
QUEUE_BY_KEY = {queue.key: queue for queue in QUEUES}


@dataclass(frozen=True)
class Section:
    """A role's part of the home page: the queues of records waiting for that role, and what else it lists."""

    key: str
    label: object
    roles: frozenset[str]
    of_organization: bool = False
    also: Callable[[Viewer], Shown] | None = None  # a list that is not a queue of the table, shown first

    def is_for(self, user: object) -> bool:
        return reaches(user, self.roles, self.of_organization)


def host_todo_shown(viewer: Viewer) -> Shown:
    """The host's to-do list of its projects (projects.portfolio.host), listed in full on its projects page."""
    items = waiting.host_todo_items(viewer)
    more = url_for("projects.mine", _anchor="todo")
    return Shown("host_todo", _l("Your projects' to-do list"), len(items), items[:FIRST_ROWS], more, "on")


SECTIONS: tuple[Section, ...] = (
    Section("staff", _l("As department staff"), MANAGERS),
    Section("leader", _l("As a leader"), LEADERS),
    Section("finance", _l("As finance"), FINANCE),
    Section("reviewer", _l("As a council member"), REVIEWERS),
    Section("host", _l("For your organization"), APPLICANTS, of_organization=True, also=host_todo_shown),
)


def _first_items(queue: Queue, viewer: Viewer, held: int) -> list[Item]:
    if not held:
        return []
    rows = db.session.execute(ordered(queue, viewer, FIRST_ROWS))
    return [item(queue, row, viewer.today) for row in rows]


def waiting_for(user: object) -> list[tuple[Section, list[Shown]]]:
    """Each of the user's sections with its queues, those holding work first (a queue of several roles once, in the
    first of them): all the counts in one statement, then the first rows of each queue that holds any."""
    viewer = Viewer.of(user)
    placed: set[str] = set()
    sections: list[tuple[Section, list[Queue]]] = []
    for section in (s for s in SECTIONS if s.is_for(user)):
        queues = [q for q in QUEUES if q.roles & section.roles and q.key not in placed]
        placed.update(q.key for q in queues)
        sections.append((section, queues))
    counts = _counts(viewer, [q for _section, queues in sections for q in queues])
    result = []
    for section, queues in sections:
        shown = [
            Shown(q.key, q.label, counts[q.key], _first_items(q, viewer, counts[q.key]), _queue_url(q), q.dated)
            for q in queues
        ]
        shown = [section.also(viewer), *shown] if section.also else shown
        result.append((section, sorted(shown, key=lambda queue: queue.count == 0)))  # those holding work first
    return result


def _counts(viewer: Viewer, queues: list[Queue]) -> dict[str, int]:
    """How many records each queue holds (beyond COUNTED_UP_TO, only that it holds more), in one statement."""
    if not queues:
        return {}
    statement = select(*(count(q, viewer, COUNTED_UP_TO).scalar_subquery().label(q.key) for q in queues))
    return dict(db.session.execute(statement).one()._mapping)


def _queue_url(queue: Queue) -> str:
    return url_for("notifications.queue", key=queue.key)

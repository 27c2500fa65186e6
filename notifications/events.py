"""Who is told of what: one row per event a domain signal announces, with who is told (by relation, resolved in
audiences.py), in which words (a subject, which is also the notice's line, and a mail template), under which kind
of preference, and whether it is a legal notice (always mailed at once: it starts a deadline or decides).

Read a row as: when <signal> moves a record "<from states> > <to states>" ("*": from any state, "new": just created),
tell <told> (relations of audiences.py), under <kind>, with a link to <link>. The words are in words.py (the subject,
also the notice's line) and in templates/emails/notifications/<key>.txt (the mail; the generic notice.txt where a row
has none). A legal row always mails at once, whatever the person chose."""

from collections.abc import Callable
from dataclasses import dataclass

from blinker import Signal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from notifications.audiences import project_of
from notifications.words import SUBJECTS
from projects.signals import (
    acceptance_changed,
    adjustment_changed,
    award_changed,
    batch_changed,
    inspection_changed,
    project_changed,
    report_changed,
    tranche_changed,
)
from proposals.signals import proposal_changed
from review.councils.models import Council
from review.signals import council_changed, decision_changed, result_released, sheet_changed

# The kinds a person chooses how to hear of (on their notification settings), in the order shown.
KINDS = {
    "applications": _l("Applications and their dossier check"),
    "review": _l("Councils: scoring, score sheets and acceptance ratings"),
    "decisions": _l("Decisions to approve and the outcome of applications"),
    "projects": _l("Contracts, periodic reports, inspections and adjustments"),
    "payments": _l("Tranches, payments and settlements"),
    "acceptance": _l("Final dossier, acceptance and closing"),
}

Link = Callable[[object], tuple[str, dict]]


@dataclass(frozen=True)
class Event:
    """One row of the table."""

    key: str
    signal: Signal
    move: str  # "<from states> > <to states>", space-separated; "*" for any, "new" for a record just created
    told: str  # relations, space-separated
    kind: str
    link: Link
    legal: bool = False
    tells_actor: bool = False  # the one who acted is told too (a receipt)

    def matches(self, signal: Signal, from_state: str | None, to_state: str) -> bool:
        """Whether this row fires for this move."""
        frm, to = (side.split() for side in self.move.split(">"))
        return signal is self.signal and to_state in to and (frm == ["*"] or (from_state or "new") in frm)

    @property
    def subject(self) -> Callable[[object], str]:
        """The row's words: the mail's subject and the notice's line, given the record."""
        return SUBJECTS[self.key]

    @property
    def relations(self) -> list[str]:
        """Who is told, as relations of audiences.py."""
        return self.told.split()


def _proposal(p: object) -> tuple[str, dict]:
    return "proposals.detail", {"proposal_id": p.id}


def _project(record: object) -> tuple[str, dict]:
    return "projects.detail", {"project_id": project_of(record).id}


def _payment(t: object) -> tuple[str, dict]:
    return "projects.payment", {"project_id": t.project_id, "tranche_id": t.id}


def _report(r: object) -> tuple[str, dict]:
    return "projects.report", {"project_id": r.project_id, "report_id": r.id}


def _adjustment(a: object) -> tuple[str, dict]:
    return "projects.adjustment", {"project_id": a.project_id, "adjustment_id": a.id}


def _decisions(p: object) -> tuple[str, dict]:
    council_id = db.session.execute(select(Council.id).where(Council.call_id == p.call_id)).scalar_one()
    return "review.decisions_page", {"council_id": council_id}


def _my_review(_record: object) -> tuple[str, dict]:
    return "review.mine", {}


def _batch(b: object) -> tuple[str, dict]:
    return "projects.batch", {"batch_id": b.id}


def _rating(c: object) -> tuple[str, dict]:
    return "projects.rating", {"council_id": c.id}


def _council_decisions(d: object) -> tuple[str, dict]:
    return "review.decisions_page", {"council_id": d.council_id}


def _award(a: object) -> tuple[str, dict]:
    return "proposals.detail", {"proposal_id": a.proposal_id}


SUBMITTED_ONCE = "submitted under_check needs_supplement valid"  # withdrawn after these, the department is told

EVENTS: tuple[Event, ...] = (
    # --- applications --------------------------------------------------------------------------------------------------
    Event(
        "application.received",
        proposal_changed,
        "* > submitted",
        "members",
        "applications",
        _proposal,
        tells_actor=True,
    ),
    Event(
        "application.resubmitted",
        proposal_changed,
        "needs_supplement > submitted",
        "in_charge",
        "applications",
        _proposal,
    ),
    Event(
        "application.supplement",
        proposal_changed,
        "* > needs_supplement",
        "members",
        "applications",
        _proposal,
        legal=True,
    ),
    Event(
        "application.screened", proposal_changed, "* > valid invalid", "members", "applications", _proposal, legal=True
    ),
    Event(
        "application.withdrawn",
        proposal_changed,
        f"{SUBMITTED_ONCE} > withdrawn",
        "in_charge",
        "applications",
        _proposal,
    ),
    Event(
        "application.result",
        result_released,
        "* > approved not_approved not_selected",
        "members",
        "decisions",
        _proposal,
        legal=True,
    ),
    # --- review councils and decisions ---------------------------------------------------------------------------------
    Event("council.scoring_open", council_changed, "forming > scoring", "council_members", "review", _my_review),
    Event("sheet.reopened", sheet_changed, "submitted > draft", "sheet_member", "review", _my_review),
    Event("decision.awaiting", proposal_changed, "* > pending_approval", "leaders", "decisions", _decisions),
    Event(
        "decision.decided",
        decision_changed,
        "* > approved refused",
        "council_secretary",
        "decisions",
        _council_decisions,
    ),
    Event("batch.awaiting", batch_changed, "new > draft", "leaders", "decisions", _batch),
    Event("batch.approved", batch_changed, "* > approved", "finance", "payments", _batch),
    Event("award.paid", award_changed, "* > paid", "members", "payments", _award),
    # --- projects ------------------------------------------------------------------------------------------------------
    Event("project.contracted", project_changed, "new > contracted", "members", "projects", _project),
    Event("project.started", project_changed, "contracted > in_progress", "members", "projects", _project),
    Event("project.suspended", project_changed, "* > suspended", "members", "projects", _project, legal=True),
    Event("project.resumed", project_changed, "suspended > in_progress", "members", "projects", _project),
    Event(
        "project.terminated", project_changed, "* > terminated", "members in_charge", "projects", _project, legal=True
    ),
    Event(
        "project.dossier_called", project_changed, "* > acceptance_due", "members", "acceptance", _project, legal=True
    ),
    Event(
        "project.dossier_submitted", project_changed, "* > acceptance_submitted", "in_charge", "acceptance", _project
    ),
    Event("project.accepted", project_changed, "* > accepted", "members", "acceptance", _project, legal=True),
    Event("project.not_accepted", project_changed, "* > not_accepted", "members", "acceptance", _project, legal=True),
    Event("project.failed", project_changed, "* > failed", "members", "acceptance", _project, legal=True),
    Event("project.recovery", project_changed, "* > recovery", "members finance", "acceptance", _project, legal=True),
    Event("project.recovered", project_changed, "recovery > recovered", "members", "acceptance", _project),
    Event("project.liquidated", project_changed, "* > liquidated", "members", "acceptance", _project),
    # --- tranches ------------------------------------------------------------------------------------------------------
    Event("tranche.eligible", tranche_changed, "planned > eligible", "members", "payments", _project),
    Event("tranche.requested", tranche_changed, "* > requested", "in_charge", "payments", _project),
    Event("tranche.approved", tranche_changed, "* > approved", "finance", "payments", _payment),
    Event("tranche.returned", tranche_changed, "requested > eligible", "members", "payments", _project),
    Event("tranche.paid", tranche_changed, "* > paid", "members", "payments", _project),
    Event("tranche.settled", tranche_changed, "* > settled", "members", "payments", _project),
    # --- follow-up and acceptance --------------------------------------------------------------------------------------
    Event("report.submitted", report_changed, "* > submitted", "in_charge", "projects", _report),
    Event("report.accepted", report_changed, "* > accepted", "members", "projects", _report),
    Event("report.returned", report_changed, "* > returned", "members", "projects", _report, legal=True),
    Event("adjustment.requested", adjustment_changed, "new > requested", "in_charge", "projects", _adjustment),
    Event(
        "adjustment.decided", adjustment_changed, "* > approved refused", "members", "projects", _adjustment, legal=True
    ),
    Event("adjustment.withdrawn", adjustment_changed, "* > withdrawn", "in_charge", "projects", _adjustment),
    Event("inspection.planned", inspection_changed, "* > planned", "members", "projects", _project),
    Event("acceptance.rating_open", acceptance_changed, "* > rating", "acceptance_members", "review", _rating),
)


def events_for(signal: Signal, from_state: str | None, to_state: str) -> list[Event]:
    """The rows a move fires."""
    return [event for event in EVENTS if event.matches(signal, from_state, to_state)]


def signals() -> set[Signal]:
    """Every signal the table listens to."""
    return {event.signal for event in EVENTS}

"""Who is told of what: one row per event a domain signal announces, with who is told (by relation, resolved in
audiences.py), in which words (a subject, which is also the notice's line, and a mail template), under which kind
of preference, and whether it is a legal notice (always mailed at once: it starts a deadline or decides).

Read a row as: when <signal> moves a record to <to> (from one of <frm>, if given), tell <told>."""

from collections.abc import Callable
from dataclasses import dataclass

from blinker import Signal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.formatting import format_date
from notifications.audiences import project_of
from projects import signals as projects
from proposals.models import ProposalVersion
from proposals.signals import proposal_changed
from review import signals as review
from review.councils.models import Council

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
    to: tuple[str, ...]
    told: tuple[str, ...]
    kind: str
    subject: Callable[[object], str]
    link: Link
    template: str = "notice"  # templates/emails/notifications/<template>.txt
    frm: tuple[str | None, ...] | None = None  # None: from any state
    legal: bool = False
    tells_actor: bool = False  # the one who acted is told too (a receipt)
    context: Callable[[object], dict] | None = None  # more for the mail template

    def matches(self, signal: Signal, from_state: str | None, to_state: str) -> bool:
        """Whether this row fires for this move."""
        return signal is self.signal and to_state in self.to and (self.frm is None or from_state in self.frm)


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


def _inspection(i: object) -> tuple[str, dict]:
    return "projects.inspection", {"project_id": i.project_id, "inspection_id": i.id}


def _decisions(p: object) -> tuple[str, dict]:
    council_id = db.session.execute(select(Council.id).where(Council.call_id == p.call_id)).scalar_one()
    return "review.decisions_page", {"council_id": council_id}


def _my_review(_record: object) -> tuple[str, dict]:
    return "review.mine", {}


def _batch(b: object) -> tuple[str, dict]:
    return "projects.batch", {"batch_id": b.id}


def _rating(c: object) -> tuple[str, dict]:
    return "projects.rating", {"council_id": c.id}


def _version(p: object) -> dict:
    count = select(func.count(ProposalVersion.id)).where(ProposalVersion.proposal_id == p.id)
    return {"version_number": db.session.execute(count).scalar_one()}


def _code(record: object) -> str:
    return project_of(record).code


SUBMITTED_ONCE = ("submitted", "under_check", "needs_supplement", "valid")

EVENTS: tuple[Event, ...] = (
    # --- applications ------------------------------------------------------------------------------------------
    Event(
        "application.received",
        proposal_changed,
        to=("submitted",),
        told=("members",),
        kind="applications",
        subject=lambda p: _("Application %(code)s received", code=p.reference_code),
        link=_proposal,
        template="received",
        tells_actor=True,
        context=_version,
    ),
    Event(
        "application.resubmitted",
        proposal_changed,
        to=("submitted",),
        told=("in_charge",),
        kind="applications",
        subject=lambda p: _("Application %(code)s resubmitted with a supplement", code=p.reference_code),
        link=_proposal,
        template="resubmitted",
        frm=("needs_supplement",),
        context=_version,
    ),
    Event(
        "application.supplement_requested",
        proposal_changed,
        to=("needs_supplement",),
        told=("members",),
        kind="applications",
        subject=lambda p: _("Application %(code)s: supplement requested", code=p.reference_code),
        link=_proposal,
        template="supplement",
        legal=True,
    ),
    Event(
        "application.screened",
        proposal_changed,
        to=("valid", "invalid"),
        told=("members",),
        kind="applications",
        subject=lambda p: _("Application %(code)s: result of the dossier check", code=p.reference_code),
        link=_proposal,
        template="screened",
        legal=True,
    ),
    Event(
        "application.withdrawn",
        proposal_changed,
        to=("withdrawn",),
        told=("in_charge",),
        kind="applications",
        subject=lambda p: _("Application %(code)s withdrawn", code=p.reference_code),
        link=_proposal,
        template="withdrawn",
        frm=SUBMITTED_ONCE,
    ),
    Event(
        "application.result",
        review.result_released,
        to=("approved", "not_approved", "not_selected"),
        told=("members",),
        kind="decisions",
        subject=lambda p: _("Application %(code)s: result of the review", code=p.reference_code),
        link=_proposal,
        template="result",
        legal=True,
    ),
    # --- review councils and decisions ----------------------------------------------------------------------------
    Event(
        "council.scoring_open",
        review.council_changed,
        to=("scoring",),
        told=("council_members",),
        kind="review",
        subject=lambda c: _("Council %(name)s: scoring is open", name=c.name),
        link=_my_review,
        template="scoring_open",
        frm=("forming",),
    ),
    Event(
        "sheet.reopened",
        review.sheet_changed,
        to=("draft",),
        told=("sheet_member",),
        kind="review",
        subject=lambda s: _("Your score sheet was reopened: please review and submit it again"),
        link=_my_review,
        frm=("submitted",),
    ),
    Event(
        "decision.awaiting",
        proposal_changed,
        to=("pending_approval",),
        told=("leaders",),
        kind="decisions",
        subject=lambda p: _("Decision for application %(code)s awaits your approval", code=p.reference_code),
        link=_decisions,
    ),
    Event(
        "decision.decided",
        review.decision_changed,
        to=("approved", "refused"),
        told=("council_secretary",),
        kind="decisions",
        subject=lambda d: _("Decision No. %(number)s was decided by the leader", number=d.number),
        link=lambda d: ("review.decisions_page", {"council_id": d.council_id}),
    ),
    Event(
        "batch.awaiting",
        projects.batch_changed,
        to=("draft",),
        told=("leaders",),
        kind="decisions",
        subject=lambda b: _("Batch decision No. %(number)s awaits your approval", number=b.number),
        link=_batch,
        frm=(None,),
    ),
    Event(
        "batch.approved",
        projects.batch_changed,
        to=("approved",),
        told=("finance",),
        kind="payments",
        subject=lambda b: _("Batch decision No. %(number)s approved: its awards are to be paid", number=b.number),
        link=_batch,
    ),
    Event(
        "award.paid",
        projects.award_changed,
        to=("paid",),
        told=("members",),
        kind="payments",
        subject=lambda a: _("The fixed-amount support of your application was paid"),
        link=lambda a: _proposal(a.proposal),
    ),
    # --- projects ------------------------------------------------------------------------------------------------
    Event(
        "project.contracted",
        projects.project_changed,
        to=("contracted",),
        told=("members",),
        kind="projects",
        subject=lambda p: _("Contract %(number)s recorded: project %(code)s", number=p.contract_number, code=p.code),
        link=_project,
        frm=(None,),
    ),
    Event(
        "project.started",
        projects.project_changed,
        to=("in_progress",),
        told=("members",),
        kind="projects",
        subject=lambda p: _("Project %(code)s: the work has started", code=p.code),
        link=_project,
        frm=("contracted",),
    ),
    Event(
        "project.suspended",
        projects.project_changed,
        to=("suspended",),
        told=("members",),
        kind="projects",
        subject=lambda p: _("Project %(code)s was suspended", code=p.code),
        link=_project,
        legal=True,
    ),
    Event(
        "project.resumed",
        projects.project_changed,
        to=("in_progress",),
        told=("members",),
        kind="projects",
        subject=lambda p: _("Project %(code)s resumed", code=p.code),
        link=_project,
        frm=("suspended",),
    ),
    Event(
        "project.terminated",
        projects.project_changed,
        to=("terminated",),
        told=("members", "in_charge"),
        kind="projects",
        subject=lambda p: _("Project %(code)s was terminated", code=p.code),
        link=_project,
        legal=True,
    ),
    Event(
        "project.dossier_called",
        projects.project_changed,
        to=("acceptance_due",),
        told=("members",),
        kind="acceptance",
        subject=lambda p: _(
            "Project %(code)s: submit the final dossier by %(date)s", code=p.code, date=format_date(p.dossier_due_on)
        ),
        link=_project,
        template="dossier_called",
        legal=True,
    ),
    Event(
        "project.dossier_submitted",
        projects.project_changed,
        to=("acceptance_submitted",),
        told=("in_charge",),
        kind="acceptance",
        subject=lambda p: _("Project %(code)s: final dossier submitted", code=p.code),
        link=_project,
    ),
    Event(
        "project.accepted",
        projects.project_changed,
        to=("accepted",),
        told=("members",),
        kind="acceptance",
        subject=lambda p: _("Project %(code)s passed its acceptance", code=p.code),
        link=_project,
        legal=True,
    ),
    Event(
        "project.not_accepted",
        projects.project_changed,
        to=("not_accepted",),
        told=("members",),
        kind="acceptance",
        subject=lambda p: _("Project %(code)s did not pass its acceptance", code=p.code),
        link=_project,
        legal=True,
    ),
    Event(
        "project.failed",
        projects.project_changed,
        to=("failed",),
        told=("members",),
        kind="acceptance",
        subject=lambda p: _("Project %(code)s was declared failed", code=p.code),
        link=_project,
        legal=True,
    ),
    Event(
        "project.recovery",
        projects.project_changed,
        to=("recovery",),
        told=("members", "finance"),
        kind="acceptance",
        subject=lambda p: _("Project %(code)s: recovery of funds decided", code=p.code),
        link=_project,
        legal=True,
    ),
    Event(
        "project.liquidated",
        projects.project_changed,
        to=("liquidated",),
        told=("members",),
        kind="acceptance",
        subject=lambda p: _("Project %(code)s: the contract is liquidated and the file closed", code=p.code),
        link=_project,
    ),
    # --- tranches ------------------------------------------------------------------------------------------------
    Event(
        "tranche.eligible",
        projects.tranche_changed,
        to=("eligible",),
        told=("members",),
        kind="payments",
        subject=lambda t: _("Project %(code)s: tranche %(number)d may be requested", code=_code(t), number=t.position),
        link=_project,
        frm=("planned",),
    ),
    Event(
        "tranche.requested",
        projects.tranche_changed,
        to=("requested",),
        told=("in_charge",),
        kind="payments",
        subject=lambda t: _("Project %(code)s: tranche %(number)d requested", code=_code(t), number=t.position),
        link=_project,
    ),
    Event(
        "tranche.approved",
        projects.tranche_changed,
        to=("approved",),
        told=("finance",),
        kind="payments",
        subject=lambda t: _(
            "Project %(code)s: tranche %(number)d approved, to be paid", code=_code(t), number=t.position
        ),
        link=_payment,
    ),
    Event(
        "tranche.returned",
        projects.tranche_changed,
        to=("eligible",),
        told=("members",),
        kind="payments",
        subject=lambda t: _(
            "Project %(code)s: the request for tranche %(number)d was returned", code=_code(t), number=t.position
        ),
        link=_project,
        frm=("requested",),
    ),
    Event(
        "tranche.paid",
        projects.tranche_changed,
        to=("paid",),
        told=("members",),
        kind="payments",
        subject=lambda t: _("Project %(code)s: tranche %(number)d paid", code=_code(t), number=t.position),
        link=_project,
    ),
    Event(
        "tranche.settled",
        projects.tranche_changed,
        to=("settled",),
        told=("members",),
        kind="payments",
        subject=lambda t: _(
            "Project %(code)s: the settlement of tranche %(number)d was recorded", code=_code(t), number=t.position
        ),
        link=_project,
    ),
    # --- follow-up -----------------------------------------------------------------------------------------------
    Event(
        "report.submitted",
        projects.report_changed,
        to=("submitted",),
        told=("in_charge",),
        kind="projects",
        subject=lambda r: _(
            "Project %(code)s: periodic report no. %(number)s submitted", code=_code(r), number=r.sequence
        ),
        link=_report,
    ),
    Event(
        "report.accepted",
        projects.report_changed,
        to=("accepted",),
        told=("members",),
        kind="projects",
        subject=lambda r: _(
            "Project %(code)s: periodic report no. %(number)s accepted", code=_code(r), number=r.sequence
        ),
        link=_report,
        template="report_accepted",
    ),
    Event(
        "report.returned",
        projects.report_changed,
        to=("returned",),
        told=("members",),
        kind="projects",
        subject=lambda r: _(
            "Project %(code)s: periodic report no. %(number)s returned for changes", code=_code(r), number=r.sequence
        ),
        link=_report,
        template="report_returned",
        legal=True,
    ),
    Event(
        "adjustment.requested",
        projects.adjustment_changed,
        to=("requested",),
        told=("in_charge",),
        kind="projects",
        subject=lambda a: _("Project %(code)s: adjustment requested", code=_code(a)),
        link=_adjustment,
        frm=(None,),
    ),
    Event(
        "adjustment.decided",
        projects.adjustment_changed,
        to=("approved", "refused"),
        told=("members",),
        kind="projects",
        subject=lambda a: _("Project %(code)s: your adjustment request was decided", code=_code(a)),
        link=_adjustment,
        template="adjustment_decided",
        legal=True,
    ),
    Event(
        "adjustment.withdrawn",
        projects.adjustment_changed,
        to=("withdrawn",),
        told=("in_charge",),
        kind="projects",
        subject=lambda a: _("Project %(code)s: an adjustment request was withdrawn", code=_code(a)),
        link=_adjustment,
    ),
    Event(
        "inspection.planned",
        projects.inspection_changed,
        to=("planned",),
        told=("members",),
        kind="projects",
        subject=lambda i: _(
            "Project %(code)s: inspection planned on %(date)s", code=_code(i), date=format_date(i.planned_on)
        ),
        link=_inspection,
    ),
    Event(
        "acceptance.rating_open",
        projects.acceptance_changed,
        to=("rating",),
        told=("acceptance_members",),
        kind="review",
        subject=lambda c: _("Acceptance council %(name)s: the rating is open", name=c.name),
        link=_rating,
        template="rating_open",
    ),
)


def events_for(signal: Signal, from_state: str | None, to_state: str) -> list[Event]:
    """The rows a move fires."""
    return [event for event in EVENTS if event.matches(signal, from_state, to_state)]


def signals() -> set[Signal]:
    """Every signal the table listens to."""
    return {event.signal for event in EVENTS}

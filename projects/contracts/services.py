"""The contract and its tranches: an approved application becomes a project (the contract, its annex, the
disbursement plan and the schedule of periodic reports); the project's moves; the tranches, eligible when their
condition is met, requested by the host and approved by staff (finance pays and settles them: projects.money)."""

import calendar
from collections.abc import Sequence
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_money, local_today, utcnow
from core.register import claim
from core.workflow import perform_transition
from policies.models import Regime
from projects.contracts.documents import attach_files
from projects.contracts.models import (
    ACTIVE_STATES,
    FROZEN_STATES,
    PROJECT_STATES,
    PROJECT_TRANSITIONS,
    TRANCHE_CONDITIONS,
    TRANCHE_TRANSITIONS,
    Project,
    ProjectProduct,
    Tranche,
)
from projects.contracts.scope import freeze_scope
from projects.fixed.queries import is_fixed_award
from projects.followup.models import OPEN_REPORTS, REPORT_TRANSITIONS, PeriodicReport
from projects.money.ledger import post
from projects.signals import project_changed, tranche_changed
from proposals.models import Proposal, ProposalVersion
from review.models import Decision

CONTRACT_FIELDS = ("contract_number", "signed_on", "start_on", "end_on", "agency_signer", "host_signer", "legacy_area")


def approved_decision(proposal_id: int | None) -> Decision | None:
    """The application's approved decision, with its application (none when the project predates the system's
    decisions, or was imported without its application)."""
    query = (
        select(Decision)
        .where(Decision.proposal_id == proposal_id, Decision.status == "approved")
        .options(joinedload(Decision.proposal))
    )
    return db.session.execute(query).scalar()


def approved_amount(proposal: Proposal) -> int:
    """The support its approved decision grants (the request when the project predates the system's decisions)."""
    decision = approved_decision(proposal.id)
    return decision.approved_vnd if decision is not None else proposal.support_total_vnd


def plan_tranches(approved_vnd: int, percents: list[int]) -> list[dict]:
    """The default plan: the regime's split of the approved support, the last tranche taking the rounding; the first
    paid on signature, the middle ones after an accepted report, the last after liquidation."""
    plan, given = [], 0
    for index, percent in enumerate(percents):
        last = index == len(percents) - 1
        amount = approved_vnd - given if last else approved_vnd * percent // 100
        given += amount
        condition = "contract_signed" if index == 0 else ("liquidated" if last and index > 0 else "report_accepted")
        plan.append({"percent": percent, "amount_vnd": amount, "condition": condition})
    return plan


def check_plan(plan: list[dict], approved_vnd: int) -> None:
    """The tranches must add up to the approved support exactly, each positive, with a known condition."""
    if not plan:
        raise DomainError(_("The disbursement plan needs at least one tranche."), "tranches")
    if any(row["amount_vnd"] <= 0 or row["condition"] not in TRANCHE_CONDITIONS for row in plan):
        raise DomainError(_("Every tranche needs a positive amount and a condition."), "tranches")
    total = sum(row["amount_vnd"] for row in plan)
    if total != approved_vnd:
        raise DomainError(
            _(
                "The tranches add up to %(total)s; they must add up to the approved support %(approved)s.",
                total=format_money(total),
                approved=format_money(approved_vnd),
            ),
            "tranches",
        )


def report_due_dates(regime: Regime, start_on: date, end_on: date) -> list[date]:
    """The regime's yearly due dates that fall after the start and no later than the end (the final dossier covers
    the last stretch)."""
    dates = []
    for year in range(start_on.year, end_on.year + 1):
        for day, month in regime.report_dates:
            due = date(year, month, min(day, calendar.monthrange(year, month)[1]))  # 29/2 is 28/2 in other years
            if start_on < due <= end_on:
                dates.append(due)
    return dates


def schedule_reports(project: Project, regime: Regime) -> int:
    """Add the periodic reports due up to the project's current end that are not scheduled yet; how many."""
    existing = db.session.execute(
        select(PeriodicReport.due_on, PeriodicReport.sequence).where(PeriodicReport.project_id == project.id)
    ).all()
    known = {due for due, _ in existing}
    sequence = max((seq for _, seq in existing), default=0)
    added = 0
    for due in report_due_dates(regime, project.start_on, project.end_on):
        if due not in known:
            sequence += 1
            db.session.add(PeriodicReport(project_id=project.id, sequence=sequence, due_on=due))
            added += 1
    return added


def next_project_code(year: int) -> str:
    """DA-<year>-<n>, numbered within the year."""
    count = db.session.execute(
        select(func.count()).select_from(Project).where(Project.code.like(f"DA-{year}-%"))
    ).scalar()
    return f"DA-{year}-{count + 1:03d}"


def check_contract(data: dict, exclude_id: int | None = None) -> None:
    """Dates in order and a contract number no other project has."""
    if data["end_on"] < data["start_on"]:
        raise DomainError(_("The end date cannot be before the start date."), "end_on")
    if data["signed_on"] > local_today():
        raise DomainError(_("A contract cannot be dated in the future."), "signed_on")
    if data["start_on"] < data["signed_on"]:
        raise DomainError(_("The work cannot start before the contract is signed."), "start_on")
    taken = select(Project.id).where(
        Project.contract_number == data["contract_number"], Project.id != (exclude_id or 0)
    )
    if db.session.execute(taken).first():
        raise DomainError(_("Another project already has this contract number."), "contract_number")


def create_project(proposal: Proposal, data: dict, plan: list[dict], user: User) -> Project:
    """Sign the contract of an approved application: the project with the frozen application as annex, its products,
    tranches and report schedule (proposal's call, products and versions must be loaded)."""
    if proposal.status != "approved":
        raise DomainError(_("Only an approved application becomes a project."))
    if db.session.execute(select(Project.id).where(Project.proposal_id == proposal.id)).first():
        raise DomainError(_("This application already has its project."))
    if is_fixed_award(proposal.id):
        raise DomainError(_("This application was approved for a fixed amount: it is paid without a contract."))
    decision = approved_decision(proposal.id)
    approved = decision.approved_vnd if decision is not None else proposal.support_total_vnd
    check_contract(data)
    check_plan(plan, approved)
    regime = db.session.get(Regime, proposal.call.regime_id)
    version = db.session.execute(
        select(ProposalVersion)
        .where(ProposalVersion.proposal_id == proposal.id)
        .order_by(ProposalVersion.number.desc())
        .limit(1)
    ).scalar()
    project = Project(
        code=next_project_code(data["signed_on"].year),
        proposal_id=proposal.id,
        regime_id=regime.id,
        call_id=proposal.call_id,
        sector_id=proposal.sector_id,
        organization_id=proposal.organization_id,
        title=proposal.title,
        lead_name=proposal.lead_name,
        lead_email=proposal.lead_email,
        approved_vnd=approved,
        original_end_on=data["end_on"],
        dossier_due_on=data["end_on"] + timedelta(days=regime.final_dossier_days),
        annex=version.snapshot if version is not None else {},
        **{name: data[name] for name in CONTRACT_FIELDS},
    )
    project.products = [
        ProjectProduct(
            position=p.position, name=p.name, unit=p.unit, quantity=p.quantity, quality_target=p.quality_target
        )
        for p in proposal.products
    ]
    project.tranches = [Tranche(position=i + 1, **row) for i, row in enumerate(plan)]
    db.session.add(project)
    try:
        db.session.flush()
        claim("contract", project.id, project.contract_number, project.signed_on, "contract_number")
    except IntegrityError:  # another contract took the number or the code between the check and this insert
        raise DomainError(
            _("Another contract was recorded at the same moment with this number; please save again."),
            "contract_number",
        ) from None
    schedule_reports(project, regime)
    freeze_scope(project, proposal, approved)
    committed_on, document = (decision.signed_on, decision.number) if decision else (project.signed_on, "")
    post(project, "commitment", approved, committed_on, user, document=document or project.contract_number)
    record_event("create", "project", project.id, actor=user, comment=project.contract_number)
    project_changed.send(project, from_state=None, to_state=project.status, actor=user, comment="")
    refresh_eligibility(project)
    return project


def move_by_hand(project: Project, to_state: str, user: User, comment: str = "") -> None:
    """A move a person makes from the project page (start, suspend, resume, call for the dossier, terminate, declare
    failed); the moves that belong to a record's workflow (acceptance, registration, liquidation, recovery) are made
    only by their services, with what they need."""
    if to_state not in dict(project.actions_for(user)):
        raise DomainError(_("This action is not possible in the current state."))
    move_project(project, to_state, user, comment)


def move_project(project: Project, to_state: str, user: User, comment: str = "") -> None:
    """A project move from its table (suspend, resume, call for the dossier, terminate...), audited."""
    perform_transition(project, PROJECT_TRANSITIONS, to_state, user, "project", comment, project_changed)
    if to_state == "in_progress":
        refresh_eligibility(project)
    if to_state not in ACTIVE_STATES:
        cancel_open_reports(project)


def cancel_open_reports(project: Project) -> None:
    """The periodic reports still awaited when the work is over (the final dossier in, or the project closed or
    stopped) are cancelled by the system, the reason in the audit log: none is offered or reminded any more."""
    reason = _("The project is now “%(state)s”: this report is no longer due.", state=PROJECT_STATES[project.status])
    query = select(PeriodicReport).where(
        PeriodicReport.project_id == project.id, PeriodicReport.status.in_(OPEN_REPORTS)
    )
    with db.session.no_autoflush:  # the caller may be building a record that is not complete yet
        reports = list(db.session.execute(query).scalars())
    for report in (r for r in reports if r.status in OPEN_REPORTS):  # not those cancelled earlier in this request
        perform_transition(report, REPORT_TRANSITIONS, "cancelled", _System(), "periodic_report", reason)


PAID = ("paid", "settled")


def _tranches(project_id: int) -> list[Tranche]:
    """The project's tranches in order."""
    query = select(Tranche).where(Tranche.project_id == project_id).order_by(Tranche.position)
    return list(db.session.execute(query).scalars())


def _accepted_reports(project_id: int) -> int:
    """How many periodic reports of the project were accepted."""
    query = (
        select(func.count())
        .select_from(PeriodicReport)
        .where(PeriodicReport.project_id == project_id, PeriodicReport.status == "accepted")
    )
    return db.session.execute(query).scalar() or 0


def condition_met(
    project: Project, tranche: Tranche, previous: Tranche | None, reports_needed: int, reports_accepted: int
) -> bool:
    """Whether the tranche's condition holds now; tranches open in order, each after the previous one is paid. The
    n-th tranche that waits for a report needs n accepted reports, so one report never opens two tranches."""
    if previous is not None and previous.status not in PAID:
        return False
    if tranche.condition == "liquidated":
        return False  # the liquidation record approves the final payment it states (projects.money.closing)
    if not project.is_running:
        return False
    if tranche.condition == "report_accepted":
        return reports_accepted >= reports_needed
    if tranche.condition == "advance_settled":
        return previous is None or previous.status == "settled"
    return True  # contract_signed: the project exists because the contract was signed


def refresh_eligibility(project: Project) -> list[Tranche]:
    """Move every planned tranche whose condition is now met to ELIGIBLE (the system acts, audited); the ones moved."""
    moved, previous, reports_needed = [], None, 0
    accepted = _accepted_reports(project.id)
    for tranche in _tranches(project.id):
        reports_needed += tranche.condition == "report_accepted"
        if tranche.status == "planned" and condition_met(project, tranche, previous, reports_needed, accepted):
            move_tranche(tranche, "eligible", None, "")
            moved.append(tranche)
        previous = tranche
    return moved


def check_payable(project: Project) -> None:
    """No tranche is requested, approved or paid while the work is halted or has failed, nor once the file is closed
    (the final payment the liquidation record states is finance's alone: projects.money.services)."""
    if project.status in FROZEN_STATES or project.is_closed:
        raise DomainError(
            _(
                "No payment can be requested, approved or made while the project is “%(state)s”.",
                state=PROJECT_STATES[project.status],
            )
        )


def move_tranche(tranche: Tranche, to_state: str, user: User | None, comment: str = "") -> None:
    """A tranche move from its table, by a person or by the system."""
    perform_transition(tranche, TRANCHE_TRANSITIONS, to_state, user or _System(), "tranche", comment, tranche_changed)


class _System:
    """The system itself as the actor of automatic moves (a condition being met)."""

    id = None
    email = "system"
    is_authenticated = True

    def has_role(self, *roles: str) -> bool:
        """The system may make the moves reserved to the workflow."""
        return True


def request_tranche(
    tranche: Tranche, project: Project, note: str, user: User, uploads: Sequence[FileStorage] = ()
) -> None:
    """The host asks for the payment of an eligible tranche, with its documents."""
    check_payable(project)
    if not note.strip():
        raise DomainError(_("Say what the payment is for and what was done."), "note")
    move_tranche(tranche, "requested", user, note)
    tranche.request_note, tranche.requested_at = note.strip(), utcnow()
    attach_files(project, "tranche", tranche.id, uploads, user)


def review_request(tranche: Tranche, project: Project, to_state: str, user: User, comment: str = "") -> None:
    """Staff approve the request for payment, or return it to the host with a reason."""
    check_payable(project)
    if to_state not in ("approved", "eligible"):
        raise DomainError(_("This action is not possible in the current state."))
    move_tranche(tranche, to_state, user, comment)

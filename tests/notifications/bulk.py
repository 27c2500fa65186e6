"""Records waiting in every work queue, inserted in bulk, for the query budgets of the home and queue pages."""

from datetime import timedelta
from itertools import count as numbers

from flask import Flask
from sqlalchemy import insert, select, update

from core.extensions import db
from core.formatting import local_today, utcnow
from policies.models import Call, SupportCategory
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.contracts.models import Project, Tranche
from projects.fixed.models import BatchDecision, FixedAward
from projects.followup.models import Adjustment, PeriodicReport
from proposals.models import Proposal, ProposalVersion
from review.models import Assignment, Council, CouncilMember, Decision
from tests.factories import (
    bulk_projects,
    make_call,
    make_council,
    make_organization,
    make_project,
    make_user,
    make_valid_proposal,
)

PEOPLE = {"staff": "staff@s.vn", "leader": "leader@s.vn", "finance": "finance@s.vn", "member": "tv@vien.vn"}
HOST = "an@org.vn"
_sequence = numbers(1000)  # applications' numbers, unique within each call


def _proposals(calls: list[Call], organization_id: int, status: str, tag: str, **fields: object) -> list[int]:
    """One application in a state for each of the calls given (a call may come many times); their ids."""
    regime = SupportCategory.regime_id == calls[0].regime_id
    category = db.session.execute(
        select(SupportCategory.id).where(regime, SupportCategory.rule_kind != "fixed")
    ).scalar()
    rows = [
        {
            "call_id": call.id,
            "organization_id": organization_id,
            "year": call.year,
            "status": status,
            "sequence": next(_sequence),
            "reference_code": f"{tag}-{i:05d}",
            "title": f"Hồ sơ {tag} số {i}",
            "submitted_at": utcnow(),
            "category_id": category,
            **fields,
        }
        for i, call in enumerate(calls)
    ]
    db.session.execute(insert(Proposal), rows)
    return db.session.execute(select(Proposal.id).where(Proposal.reference_code.like(f"{tag}-%"))).scalars().all()


def _calls(like: Call, count: int, tag: str, **fields: object) -> list[Call]:
    """`count` calls like this one, closed."""
    base = {name: getattr(like, name) for name in ("regime_id", "year", "opens_at", "budget_vnd")}
    rows = [
        {**base, "code": f"{tag}-{i}", "title": f"Đợt {tag} {i}", "status": "closed", **fields} for i in range(count)
    ]
    db.session.execute(insert(Call), rows)
    return db.session.execute(select(Call).where(Call.code.like(f"{tag}-%"))).scalars().all()


def _projects(count: int) -> list[list[int]]:
    """4 × count projects of the host (bulk_projects: in progress, each with three tranches and two reports), in four
    groups: running with a request, an approval, a paid tranche, a submitted report and an adjustment each;
    suspended; with the final dossier submitted; before an acceptance council open for rating."""
    ids = db.session.execute(select(Project.id).where(Project.code.like("DA-BULK-%")).order_by(Project.id)).scalars()
    ids = list(ids)
    running, suspended, dossiers, accepting = (ids[i * count : (i + 1) * count] for i in range(4))
    now = utcnow()
    mine = Tranche.project_id.in_(running)
    db.session.execute(update(Tranche).where(mine, Tranche.position == 2).values(status="requested", requested_at=now))
    db.session.execute(update(Tranche).where(mine, Tranche.position == 3).values(status="approved", requested_at=now))
    db.session.execute(
        update(PeriodicReport)
        .where(PeriodicReport.project_id.in_(running), PeriodicReport.sequence == 2)
        .values(status="submitted", submitted_at=now)
    )
    rows = [{"project_id": p, "kind": "lead", "reason": "Nghỉ hưu", "new_lead_name": "Lê Văn B"} for p in running]
    db.session.execute(insert(Adjustment), rows)
    for group, status in ((suspended, "suspended"), (dossiers, "acceptance_submitted"), (accepting, "in_acceptance")):
        db.session.execute(update(Project).where(Project.id.in_(group)).values(status=status, dossier_submitted_at=now))
    return [running, suspended, dossiers, accepting]


def fill_queues(app: Flask, count: int) -> None:
    """`count` records (at least) in each queue of the staff, a leader, finance, a council member and a host, whose
    addresses are PEOPLE and HOST."""
    staff = make_user(PEOPLE["staff"], roles=("staff",))
    make_user(PEOPLE["leader"], roles=("leader",))
    make_user(PEOPLE["finance"], roles=("finance",))
    member = make_user(PEOPLE["member"], roles=("reviewer",))
    host = make_user(HOST, organization=make_organization())
    org_id = host.membership.organization_id
    call = make_call(code="TN-Q")
    with app.test_request_context():
        bulk_projects(make_project(host, staff=staff), 4 * count)
        scoring = make_call(code="TN-Q-HD")
        make_valid_proposal(scoring, make_user("nam@khac.vn", organization=make_organization()))
        seats = [member, *(make_user(roles=("reviewer",)) for _ in range(6))]
        council = make_council(scoring, staff, seats, open_scoring=True)
    _running, _suspended, _dossiers, accepting = _projects(count)

    many = [call] * count
    _proposals(many, org_id, "submitted", "NOP")
    _proposals(many, org_id, "under_check", "KT")
    again = _proposals(many, org_id, "submitted", "BS")
    db.session.execute(insert(ProposalVersion), [{"proposal_id": p, "number": 2, "snapshot": {}} for p in again])
    _proposals(many, org_id, "needs_supplement", "CBS", supplement_due_on=local_today() + timedelta(days=5))

    _proposals(_calls(call, count, "DONG", closes_at=call.opens_at + timedelta(days=1)), org_id, "valid", "DONG")
    template_rule = {"template_id": council.template_id, "rule_id": council.rule_id, "status": "forming"}
    rows = [{"call_id": c.id, "name": f"HĐ {c.code}", **template_rule} for c in _calls(call, count, "HD")]
    db.session.execute(insert(Council), rows)

    signed = {"signed_on": local_today(), "signer": "Giám đốc"}
    pending = _proposals(many, org_id, "pending_approval", "DX")
    rows = [
        {"council_id": council.id, "proposal_id": p, "number": f"{p}/QĐ", "approved_vnd": 9, **signed} for p in pending
    ]
    db.session.execute(insert(Decision), rows)
    db.session.execute(
        insert(BatchDecision), [{"call_id": call.id, "number": f"{i}/QĐ-L", **signed} for i in range(count)]
    )
    batch = BatchDecision(call_id=call.id, number="1/QĐ-TC", status="approved", **signed)
    db.session.add(batch)
    db.session.flush()
    awarded = _proposals(many, org_id, "approved", "TC")
    rows = [{"batch_id": batch.id, "proposal_id": p, "amount_vnd": 9, "status": "approved"} for p in awarded]
    db.session.execute(insert(FixedAward), rows)

    seat_id = db.session.execute(
        select(CouncilMember.id).where(CouncilMember.council_id == council.id, CouncilMember.user_id == member.id)
    ).scalar_one()
    reviewed = _proposals([scoring] * (2 * count), org_id, "in_review", "PB")
    conflicts = ("pending", "none")
    rows = [
        {"member_id": seat_id, "proposal_id": p, "sequence": i + 1, "conflict": conflicts[i % 2]}
        for i, p in enumerate(reviewed)
    ]
    db.session.execute(insert(Assignment), rows)
    rows = [{"project_id": p, "name": f"HĐNT {p}", "status": "rating", "rating_rule": "tt11_2014"} for p in accepting]
    db.session.execute(insert(AcceptanceCouncil), rows)
    rated = select(AcceptanceCouncil.id).where(AcceptanceCouncil.project_id.in_(accepting))
    rows = [{"council_id": c, "user_id": member.id, "position": 1, "role": "chair"} for c in db.session.scalars(rated)]
    db.session.execute(insert(AcceptanceMember), rows)
    db.session.commit()

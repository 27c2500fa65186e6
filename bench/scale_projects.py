"""The projects of the scale benchmark's data set (bench.scale_data), in bulk: tranches, payments in the ledger,
periodic reports and inspections with follow-up actions, so that health and money totals have work to do."""

import random
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import select

from bench.scale_data import insert_batches, text

HOST_PROJECTS = 12  # the host's own, whatever the scale: the host's page lists these
# Projects' states: mostly running, some past their execution (health "closed").
PROJECT_STATES = ("in_progress",) * 14 + ("contracted", "acceptance_due", "suspended", "accepted", "liquidated")


def bulk_projects(rng: random.Random, count: int, host: object, like: object, calls: list, orgs: list[int]) -> None:
    """Bulk projects like the factory's one (`like`), spread over the other calls and organizations (HOST_PROJECTS
    of them the host's), started over the last two years, with three tranches each (the first paid, some the
    second too, in the ledger), a report every six months until today (the latest sometimes late) and an inspection
    on every fifth one (its follow-up action sometimes overdue)."""
    from core.extensions import db
    from core.formatting import local_today
    from core.text import normalize_search
    from projects.contracts.models import Project, Tranche
    from projects.followup.models import FollowUpAction, Inspection, PeriodicReport
    from projects.money.models import LedgerEntry

    today = local_today()
    host_org = host.membership.organization_id

    def rows() -> Iterator[dict]:
        for i in range(count):
            start = today - timedelta(days=rng.randrange(30, 730))
            end = start + timedelta(days=rng.choice((365, 540, 730)))
            approved = rng.randrange(2, 20) * 50_000_000
            status = PROJECT_STATES[i % len(PROJECT_STATES)]
            second = i % 2 == 0 and start < today - timedelta(days=200)  # the second tranche paid too
            code, title, lead = f"DA-QM-{i:06d}", f"Dự án {text(rng, 6)} số {i}", f"Chủ nhiệm {i}"
            yield {
                "code": code,
                "contract_number": f"{i}/QM/HĐ-KHCN",
                "regime_id": like.regime_id,
                "call_id": rng.choice(calls).id,
                "sector_id": like.sector_id,
                "organization_id": host_org if i < HOST_PROJECTS else rng.choice(orgs),
                "status": status,
                "legacy_area": ("long_an", "tay_ninh", "")[i % 3],
                "title": title,
                "lead_name": lead,
                "approved_vnd": approved,
                "paid_vnd": approved * (8 if second else 5) // 10,  # as the ledger's conditional updates keep it
                "signed_on": start,
                "start_on": start,
                "end_on": end,
                "original_end_on": end,
                "dossier_due_on": end + timedelta(days=30),
                "annex": {},
                "search_text": normalize_search(code, f"{i}/QM/HĐ-KHCN", title, lead)[:1200],
            }

    insert_batches(Project, rows())
    projects = db.session.execute(
        select(Project.id, Project.approved_vnd, Project.start_on, Project.end_on, Project.paid_vnd)
        .where(Project.code.like("DA-QM-%"))
        .order_by(Project.id)
    ).all()
    splits = ((5, "contract_signed"), (3, "report_accepted"), (2, "liquidated"))

    def tranches() -> Iterator[dict]:
        for pid, approved, start, _end, paid in projects:
            for position, (share, condition) in enumerate(splits, start=1):
                done = position == 1 or (position == 2 and paid > approved // 2)
                amount = approved * share // 10
                yield {
                    "project_id": pid,
                    "position": position,
                    "amount_vnd": amount,
                    "percent": share * 10,
                    "condition": condition,
                    "status": "paid" if done else "planned",
                    "paid_vnd": amount if done else None,
                    "paid_on": start + timedelta(days=15 + 200 * (position - 1)) if done else None,
                }

    insert_batches(Tranche, tranches())
    paid_tranches = db.session.execute(
        select(Tranche.id, Tranche.project_id, Tranche.paid_vnd, Tranche.paid_on)
        .join(Project, Project.id == Tranche.project_id)
        .where(Tranche.status == "paid", Project.code.like("DA-QM-%"))
    ).all()
    committed = (
        {"project_id": pid, "kind": "commitment", "amount_vnd": a, "occurred_on": s} for pid, a, s, _e, _p in projects
    )
    payments = (
        {"project_id": pid, "kind": "payment", "amount_vnd": amount, "tranche_id": tid, "occurred_on": on}
        for tid, pid, amount, on in paid_tranches
    )
    insert_batches(LedgerEntry, committed)
    insert_batches(LedgerEntry, payments)

    def reports() -> Iterator[dict]:
        for n, (pid, approved, start, end, _paid) in enumerate(projects):
            due, sequence = start + timedelta(days=180), 1
            while due <= end:
                late = due < today and (n % 4 == 0 and due + timedelta(days=180) > today)
                given = due < today and not late
                yield {
                    "project_id": pid,
                    "sequence": sequence,
                    "due_on": due,
                    "status": "accepted" if given else "due",
                    "progress_percent": min(100, 30 * sequence + n % 20) if given else None,
                    "spent_vnd": approved * min(9, 3 * sequence) // 10 if given else None,
                }
                due, sequence = due + timedelta(days=180), sequence + 1

    insert_batches(PeriodicReport, reports())
    inspected = [(row.id, row.start_on) for row in projects[::5]]
    insert_batches(
        Inspection, ({"project_id": pid, "kind": "periodic", "planned_on": s, "held_on": s} for pid, s in inspected)
    )
    inspections = db.session.execute(
        select(Inspection.id).join(Project, Project.id == Inspection.project_id).where(Project.code.like("DA-QM-%"))
    ).scalars()
    insert_batches(
        FollowUpAction,
        (
            {
                "inspection_id": iid,
                "position": 1,
                "description": "Bổ sung hồ sơ thanh toán",
                "due_on": today + timedelta(days=(-20 if n % 3 == 0 else 40)),
                "done_on": None,
            }
            for n, iid in enumerate(inspections)
        ),
    )

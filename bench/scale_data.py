"""The scale benchmark's data set (bench.scale), built with bulk core inserts in batches.

At scale 1: 100,001 applications over 20 calls from about 4,455 organizations; two 9-member councils before
11,000 and 3,000 of them where every member submitted a sheet on every application (14,000 × 9 sheets × 8
criteria = 1,008,000 scores); 20,000 projects with tranches, payments in the ledger, periodic reports (some late)
and inspections with follow-up actions (some overdue), so that health and money totals have work to do. Every count
but the calls, the councils' seats and the host's own projects is multiplied by the scale factor. The few records
the pages are opened on (an application with its documents, a project with its contract) go through the factories.
"""

import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from flask import Flask
from sqlalchemy import func, insert, select, table, update

from bench.applications import WORDS

BATCH = 10_000
APPLICATIONS, COUNCIL_SIZES, ORGANIZATIONS, PROJECTS = 100_001, (11_000, 3_000), 4_455, 20_000
CALLS = 20
SEATS = ("chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member", "member", "member")
# The states of the applications of the calls without a council (drafts are never numbered).
OTHER_STATES = ("submitted", "under_check", "valid", "needs_supplement", "invalid", "approved", "not_selected", "draft")
ORG_TYPES = ("sme", "enterprise", "cooperative", "st_organization", "university", "household_business")


@dataclass
class Fixture:
    """What the timed pages are opened on, and the counts built."""

    staff_email: str
    totp_secret: str
    member_email: str
    host_email: str
    big_call_id: int
    small_call_id: int
    big_council_id: int
    small_council_id: int
    proposal_id: int
    project_id: int
    project_call_id: int
    counts: dict
    export_seconds: float  # building the councils' stored Excel exports, as the scheduled job does


def refresh_derived(app: Flask) -> float:
    """Recompute what the house stores instead of computing at read time, after the bulk inserts (which skip the
    services that keep it): every council's results and ranks, every project's health, the portfolio's sums and the
    councils' exports. The search indexes need nothing (SQLite's FTS tables are kept by triggers, which bulk inserts
    fire; PostgreSQL's are plain indexes), but PostgreSQL is given fresh statistics first, so that its planner sees
    the data as it now is. Returns the seconds the exports took to build."""
    from sqlalchemy import text as sql

    from core.extensions import db, refresh_statistics
    from projects.contracts.models import Project
    from projects.portfolio.stored import refresh_health
    from projects.portfolio.sums import refresh_sums
    from review.results.store import refresh_all_results

    if db.engine.dialect.name == "postgresql":  # first: without statistics the planner joins in quadratic time
        db.session.execute(sql("ANALYZE"))
    refresh_statistics()  # SQLite's, as the daily `flask reminders run` leaves them
    refresh_all_results()
    refresh_health(select(Project.id))
    refresh_sums()
    return stored_exports()


def stored_exports() -> float:
    """Each council's Excel export in Vietnamese, as the scheduled `flask review build-exports` leaves it once the
    staff asked for it (the timed export then serves it)."""
    from core.extensions import db
    from core.formatting import utcnow
    from review.councils.models import Council
    from review.results.export import build_export, pending_exports
    from review.results.models import CouncilExport

    for council_id in db.session.execute(select(Council.id)).scalars():
        db.session.add(CouncilExport(council_id=council_id, language="vi", requested_at=utcnow()))
    db.session.flush()
    start = time.perf_counter()
    for stored in pending_exports():
        build_export(stored)
    return time.perf_counter() - start


def _chunks(rows: Iterable[dict], size: int = BATCH) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_batches(model: type, rows: Iterable[dict]) -> int:
    """Bulk core insert in batches; the number of rows."""
    from core.extensions import db

    done = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)
        done += len(chunk)
    return done


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _people() -> dict:
    """The staff member (with an enrolled authenticator), 18 council members, a host and an applicant."""
    import pyotp

    from core.formatting import utcnow
    from tests.factories import make_organization, make_user

    secret = pyotp.random_base32()
    staff = make_user("staff@scale.vn", roles=("staff",), totp_secret=secret, totp_enabled_at=utcnow())
    members = [make_user(f"tv{i}@vien{i}.scale.vn", roles=("reviewer",)) for i in range(2 * len(SEATS))]
    host = make_user("host@scale.vn", organization=make_organization("Công ty Chủ trì Quy mô"))
    applicant = make_user("an@scale.vn", organization=make_organization("Hợp tác xã Thanh Long Quy mô"))
    return {"staff": staff, "secret": secret, "members": members, "host": host, "applicant": applicant}


def _calls() -> list:
    """Twenty calls, open while the factories apply to them (close_calls gives them their final dates)."""
    from tests.factories import make_call

    subjects = ("nông nghiệp công nghệ cao", "chuyển đổi số doanh nghiệp", "năng lượng tái tạo", "thủy sản", "y tế")
    return [
        make_call(
            code=f"QM-{n + 1:02d}",
            title=f"Đợt {n + 1}: hỗ trợ ứng dụng {subjects[n % len(subjects)]}",
            budget_vnd=500 * 10**9,
        )
        for n in range(CALLS)
    ]


def close_calls(calls: list) -> None:
    """Spread the calls over five years: the first two (the councils') and the last twelve closed, six open."""
    from core.formatting import utcnow
    from policies.models import Call

    now = utcnow()
    for n, call in enumerate(calls):
        still_open = 2 <= n < 8
        opened = now - timedelta(days=5) if still_open else now - timedelta(days=30 + 90 * (CALLS - n))
        values = {"status": "open" if still_open else "closed", "opens_at": opened, "closes_at": opened + timedelta(60)}
        db_update(Call, call.id, values)


def db_update(model: type, record_id: int, values: dict) -> None:
    """One row's columns set by a core update (the ORM objects in the session are not refreshed)."""
    from core.extensions import db

    db.session.execute(update(model).where(model.id == record_id).values(**values))


def _organizations(count: int) -> list[int]:
    from accounts.models import Organization
    from core.extensions import db
    from core.text import normalize_search

    def rows() -> Iterator[dict]:
        for n in range(count):
            name = f"Công ty Quy mô {n}"
            tax_code, address = f"{8_000_000_000 + n}", f"Ấp {n % 97}, xã {n % 31}, tỉnh Tây Ninh"
            yield {
                "name": name,
                "tax_code": tax_code,
                "org_type": ORG_TYPES[n % len(ORG_TYPES)],
                "address": address,
                "legacy_area": ("long_an", "tay_ninh", None)[n % 3],
                "legal_rep_name": f"Nguyễn Văn {n}",
                "search_text": normalize_search(name, tax_code, address, f"Nguyễn Văn {n}"),
            }

    insert_batches(Organization, rows())
    return list(db.session.execute(select(Organization.id).where(Organization.tax_code.like("8%"))).scalars())


def _proposals(rng: random.Random, calls: list, sizes: list[int], organizations: list[int], like: object) -> int:
    """Bulk applications: those of the councils' calls in review, the others' in every state."""
    from core.extensions import db
    from core.formatting import utcnow
    from core.text import normalize_search
    from policies.models import Call, Sector, SupportCategory
    from proposals.models import Proposal

    categories = list(
        db.session.execute(
            select(SupportCategory.id).where(SupportCategory.rule_kind == "rate_cap", SupportCategory.regime_id == like)
        ).scalars()
    )
    sectors = list(db.session.execute(select(Sector.id)).scalars())
    now = utcnow()

    def rows() -> Iterator[dict]:
        for call, size, start in zip(calls, sizes, starts, strict=True):
            for i in range(size):
                state = "in_review" if call.code in ("QM-01", "QM-02") else OTHER_STATES[i % len(OTHER_STATES)]
                number = None if state == "draft" else start + i + 1
                code = None if number is None else f"{call.code}-{number:06d}"
                title, objectives, technology = text(rng, 10), text(rng, 60), text(rng, 60)
                lead = f"Trần Thị {i % 1000}"
                submitted = now - timedelta(seconds=i)  # one after another, as the work queues see them
                yield {
                    "call_id": call.id,
                    "organization_id": rng.choice(organizations),
                    "year": call.year,
                    "status": state,
                    "sequence": number,
                    "reference_code": code,
                    "title": title,
                    "lead_name": lead,
                    "objectives": objectives,
                    "technology": technology,
                    "submitted_at": None if number is None else submitted,
                    "last_submitted_at": None if number is None else submitted,
                    "submissions": 0 if number is None else 1,
                    "category_id": rng.choice(categories),
                    "sector_id": rng.choice(sectors),
                    "support_total_vnd": rng.randrange(10**8, 10**9),
                    "counterpart_total_vnd": rng.randrange(10**8, 10**9),
                    # Bulk inserts skip the model's listener that keeps these copies.
                    "search_text": normalize_search(code, title, lead)[:1200],
                    "match_text": normalize_search(title) + "\n" + normalize_search(objectives, technology),
                }

    starts = [db.session.execute(select(Call.last_proposal_number).where(Call.id == c.id)).scalar() for c in calls]
    done = insert_batches(Proposal, rows())
    for call, size, start in zip(calls, sizes, starts, strict=True):  # what the numbering of the next one reads
        db_update(Call, call.id, {"last_proposal_number": start + size})
    return done


def _council(rng: random.Random, call: object, members: list, staff: object) -> int:
    """A council in scoring before every application of its call: every member declared no conflict and submitted
    a sheet on every one, two reviewers each (least loaded first), levels drawn at random."""
    from core.extensions import db
    from core.formatting import utcnow
    from policies.evaluation import Criterion, EvaluationRule, ScoreSheetTemplate
    from proposals.models import Proposal
    from review.models import Assignment, Council, CouncilMember, ScoreSheet, SheetScore

    template = db.session.execute(select(ScoreSheetTemplate.id).where(ScoreSheetTemplate.code == "default")).scalar()
    rule = db.session.execute(select(EvaluationRule.id).where(EvaluationRule.code == "default")).scalar()
    criteria = list(db.session.execute(select(Criterion.id).where(Criterion.template_id == template)).scalars())
    now = utcnow()
    db.session.execute(
        insert(Council),
        [
            {
                "call_id": call.id,
                "name": f"Hội đồng {call.code}",
                "template_id": template,
                "rule_id": rule,
                "status": "scoring",
                "meeting_at": now + timedelta(days=10),
                "place": "Phòng họp Sở",
                "admin_secretary_id": staff.id,
            }
        ],
    )
    council = db.session.execute(select(Council.id).where(Council.call_id == call.id)).scalar_one()
    insert_batches(
        CouncilMember,
        (
            {"council_id": council, "user_id": user.id, "role": role, "position": n, "present": True}
            for n, (user, role) in enumerate(zip(members, SEATS, strict=True), start=1)
        ),
    )
    seats = list(
        db.session.execute(
            select(CouncilMember.id, CouncilMember.role)
            .where(CouncilMember.council_id == council)
            .order_by(CouncilMember.position)
        )
    )
    proposals = db.session.execute(
        select(Proposal.id, Proposal.sequence).where(Proposal.call_id == call.id).order_by(Proposal.id)
    ).all()
    readers = [seat_id for seat_id, role in seats if role != "chair"]

    def assignments() -> Iterator[dict]:
        for n, (proposal_id, sequence) in enumerate(proposals):
            reviewers = {readers[(2 * n) % len(readers)], readers[(2 * n + 1) % len(readers)]}
            for seat_id, _role in seats:
                yield {
                    "member_id": seat_id,
                    "proposal_id": proposal_id,
                    "sequence": sequence,
                    "is_reviewer": seat_id in reviewers,
                    "conflict": "none",
                    "declared_at": now,
                    "sheet_submitted": True,  # its sheet, inserted below
                }

    insert_batches(Assignment, assignments())
    rows = db.session.execute(
        select(Assignment.id, Assignment.is_reviewer)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council)
    ).all()
    recommendations = ("support",) * 6 + ("support_with_changes", "reject")
    insert_batches(
        ScoreSheet,
        (
            {
                "assignment_id": assignment_id,
                "status": "submitted",
                "recommendation": rng.choice(recommendations),
                "comment": "Đạt yêu cầu",
                "review_text": "Nhận xét chi tiết của phản biện" if reviewer else "",
                "submitted_at": now,
                "updated_at": now,
            }
            for assignment_id, reviewer in rows
        ),
    )
    sheets = db.session.execute(
        select(ScoreSheet.id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(CouncilMember, CouncilMember.id == Assignment.member_id)
        .where(CouncilMember.council_id == council)
    ).scalars()
    levels = (1, 2, 3, 3, 4, 4, 4, 0)
    insert_batches(
        SheetScore,
        (
            {"sheet_id": s, "criterion_id": c, "value": rng.choice(levels), "comment": ""}
            for s in sheets
            for c in criteria
        ),
    )
    return council


COUNTED = ("organizations", "proposals", "council_assignments", "score_sheets", "sheet_scores", "projects", "tranches")
COUNTED += ("ledger_entries", "periodic_reports", "follow_up_actions")


def table_counts() -> dict[str, int]:
    """The rows of the tables that grow with the scale."""
    from core.extensions import db

    return {name: db.session.execute(select(func.count()).select_from(table(name))).scalar() for name in COUNTED}


def build(app: Flask, scale: float, seed: int = 1) -> Fixture:
    """Fill the (empty, reference data loaded) database of `app` at the scale factor and commit."""
    from bench.scale_projects import bulk_projects
    from core.extensions import db
    from tests.factories import make_project, make_valid_proposal

    rng = random.Random(seed)
    people = _people()
    calls = _calls()
    with app.test_request_context():
        detail = make_valid_proposal(calls[0], people["applicant"])
        detail.status = "in_review"
        project = make_project(people["host"], people["staff"], call=calls[8])
    close_calls(calls)
    organizations = _organizations(max(1, round(ORGANIZATIONS * scale)))
    sizes = [max(1, round(n * scale)) for n in COUNCIL_SIZES]
    sizes[0] -= 1  # the factory's application is one of the first council's
    rest = max(len(calls) - 2, round(APPLICATIONS * scale) - sum(sizes) - 2)  # the factories made two
    sizes += [rest // (len(calls) - 2) + (n < rest % (len(calls) - 2)) for n in range(len(calls) - 2)]
    _proposals(rng, calls, sizes, organizations, calls[0].regime_id)
    councils = [
        _council(rng, call, people["members"][n * len(SEATS) : (n + 1) * len(SEATS)], people["staff"])
        for n, call in enumerate(calls[:2])
    ]
    projects = max(1, round(PROJECTS * scale))
    bulk_projects(rng, projects - 1, people["host"], project, calls[8:], organizations)
    db.session.commit()
    export_seconds = refresh_derived(app)
    db.session.commit()
    return Fixture(
        staff_email=people["staff"].email,
        totp_secret=people["secret"],
        member_email=people["members"][1].email,
        host_email=people["host"].email,
        big_call_id=calls[0].id,
        small_call_id=calls[1].id,
        big_council_id=councils[0],
        small_council_id=councils[1],
        proposal_id=detail.id,
        project_id=project.id,
        project_call_id=calls[8].id,
        counts=table_counts(),
        export_seconds=export_seconds,
    )

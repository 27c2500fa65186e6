"""Factories for test records; they flush, tests commit."""

from datetime import date, timedelta
from itertools import count

from accounts.models import Membership, Organization, User, UserRole
from accounts.services import hash_password
from core.extensions import db
from core.formatting import local_today, utcnow
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.models import Call, CallDocument, PriorityItem, Regime, Sector, SupportCategory
from policies.services import load_call
from projects.contracts import services as contracts
from projects.contracts.models import Project
from projects.contracts.queries import load_project
from projects.fixed.models import BatchDecision, FixedAward
from proposals import services as proposal_services
from proposals.models import Proposal
from proposals.queries import load_proposal
from review.councils import services as review_services
from review.councils.queries import load_council
from review.models import Council
from review.sheets import services as review_sheets
from review.sheets.queries import seat_assignment

PASSWORD = "correct-horse-42"
_seq = count(1)
_W = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def valid_tax_code(seed: int) -> str:
    """A 10-digit tax code with a correct check digit."""
    for base_number in range(seed * 7 + 100000000, seed * 7 + 100000100):
        base = f"{base_number:09d}"
        digit = 10 - sum(int(d) * w for d, w in zip(base, _W, strict=True)) % 11
        if digit < 10:
            return base + str(digit)
    raise AssertionError("no tax code found")


def make_organization(name: str | None = None, **fields: object) -> Organization:
    n = next(_seq)
    org = Organization(
        name=name or f"Công ty Thử nghiệm {n}",
        tax_code=fields.pop("tax_code", valid_tax_code(n)),
        org_type=fields.pop("org_type", "sme"),
        address=fields.pop("address", "Phường Long An, tỉnh Tây Ninh"),
        legal_rep_name=fields.pop("legal_rep_name", "Nguyễn Văn A"),
        **fields,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(
    email: str | None = None,
    roles: tuple[str, ...] = ("applicant",),
    organization: Organization | None = None,
    verified: bool = True,
    **fields: object,
) -> User:
    n = next(_seq)
    user = User(
        email=email or f"user{n}@example.vn",
        full_name=fields.pop("full_name", f"Người dùng {n}"),
        password_hash=hash_password(fields.pop("password", PASSWORD)),
        email_verified_at=utcnow() if verified else None,
        role_rows=[UserRole(role=r) for r in roles],
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    if organization is not None:
        db.session.add(Membership(user_id=user.id, organization_id=organization.id))
        db.session.flush()
    return user


def make_call(regime_code: str = "TN-25/2025", status: str = "open", code: str | None = None, **fields: object) -> Call:
    """A call under a loaded regime (reference data must be loaded)."""
    regime = db.session.execute(db.select(Regime).where(Regime.code == regime_code)).scalar_one()
    categories = (
        db.session.execute(db.select(SupportCategory).where(SupportCategory.regime_id == regime.id)).scalars().all()
    )
    sectors = db.session.execute(db.select(Sector)).scalars().all()
    now = utcnow()
    call = Call(
        regime_id=regime.id,
        code=code or f"T-{next(_seq)}",
        title=fields.pop("title", "Đợt tiếp nhận hồ sơ thử nghiệm"),
        year=now.year,
        status=status,
        opens_at=fields.pop("opens_at", now - timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=30)),
        budget_vnd=fields.pop("budget_vnd", 5_000_000_000),
        categories=list(categories),
        sectors=list(sectors),
        documents=[CallDocument(position=1, name="Đơn đề nghị hỗ trợ", required=True)],
        **fields,
    )
    db.session.add(call)
    db.session.flush()
    return call


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def proposal_data(call: Call, **overrides: object) -> dict:
    """Complete contents for an application to the call (as a form's to_data() gives them)."""
    call = load_call(call.id)
    category = next(c for c in call.categories if c.rule_kind == "rate_cap")
    sector = call.sectors[0]
    item = db.session.execute(db.select(PriorityItem).where(PriorityItem.sector_id == sector.id)).scalars().first()
    data = {
        "title": "Ứng dụng công nghệ tưới nhỏ giọt cho thanh long",
        "category_id": category.id,
        "sector_id": sector.id,
        "priority_item_ids": [item.id],
        "lead_name": "Trần Thị Bình",
        "lead_title": "Kỹ sư nông nghiệp",
        "lead_phone": "0909000000",
        "lead_email": "binh@example.vn",
        "objectives": "Nâng cao năng suất thanh long bằng tưới nhỏ giọt tiết kiệm nước",
        "necessity": "Hạn hán kéo dài",
        "technology": "Hệ thống tưới nhỏ giọt điều khiển tự động theo độ ẩm đất",
        "technology_origin": "Kết quả nghiên cứu của Viện Cây ăn quả miền Nam",
        "place": "Xã Châu Thành, tỉnh Tây Ninh",
        "duration_months": 12,
        "effects": "Tiết kiệm 30% nước",
        "replication_plan": "Nhân rộng cho 50 hộ",
        "work_packages": [{"name": "Lắp đặt hệ thống", "month_from": 1, "month_to": 3, "products": "Hệ thống 5 ha"}],
        "products": [{"name": "Mô hình tưới", "unit": "ha", "quantity": 5, "quality_target": "Tiết kiệm 30% nước"}],
        "budget_lines": [
            {
                "kind": "equipment",
                "description": "Thiết bị tưới",
                "support_vnd": 200_000_000,
                "counterpart_vnd": 200_000_000,
            },
            {"kind": "labour", "description": "Công lắp đặt", "support_vnd": 50_000_000, "counterpart_vnd": 50_000_000},
        ],
    }
    data.update(overrides)
    return data


def make_proposal(call: Call, user: User, complete: bool = True, **overrides: object) -> Proposal:
    """A draft application of the user's organization, filled in and with every required document attached."""
    proposal = proposal_services.start_proposal(call, user.membership.organization_id, user)
    proposal = load_proposal(proposal.id)
    if complete:
        proposal_services.apply_draft(proposal, proposal_data(call, **overrides))
        for doc in call.documents:
            proposal_services.add_file(proposal, doc.id, f"{doc.position}-ho-so.pdf", PDF_BYTES, user)
    db.session.flush()
    return proposal


def make_valid_proposal(call: Call, user: User, **overrides: object) -> Proposal:
    """A submitted application declared valid: ready for the council (needs a request context for the mails)."""
    proposal = make_proposal(call, user, **overrides)
    proposal_services.submit_proposal(proposal, user)
    proposal.status = "valid"
    db.session.flush()
    return proposal


def make_award(
    proposal: Proposal, status: str = "approved", amount: int = 15_000_000, number: str = "45/QĐ-SKHCN", **batch: object
) -> FixedAward:
    """A fixed amount of a checked application, in a batch decision of its call of its own (approved unless the
    award is pending or refused), written as rows: what the public lists and the open data read."""
    decided = {"pending": "draft", "refused": "refused"}.get(status, "approved")
    values = {"signed_on": date(2026, 3, 10), "signer": "Phó Giám đốc Lê Văn C", **batch}
    decision = BatchDecision(call_id=proposal.call_id, number=number, status=decided, total_vnd=amount, **values)
    award = FixedAward(batch=decision, proposal_id=proposal.id, amount_vnd=amount, status=status)
    if status == "paid":
        award.paid_on, award.payment_reference = date(2026, 4, 2), "UNC 77"
    proposal.status = "approved" if status in ("approved", "paid") else proposal.status
    db.session.add(decision)
    db.session.flush()
    return award


COUNCIL_ROLES_7 = ("chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member")


def make_council(
    call: Call,
    staff: User,
    members: list[User] | None = None,
    roles: tuple[str, ...] = COUNCIL_ROLES_7,
    open_scoring: bool = False,
) -> Council:
    """A council of the call with the seeded sheet and rule, one reviewer-role user per seat (needs a request
    context when scoring is opened, for the mails)."""
    members = members or [make_user(roles=("reviewer",), full_name=f"Thành viên {i}") for i in range(len(roles))]
    template = db.session.execute(
        db.select(ScoreSheetTemplate).where(ScoreSheetTemplate.code == "default")
    ).scalar_one()
    rule = db.session.execute(db.select(EvaluationRule).where(EvaluationRule.code == "default")).scalar_one()
    data = {
        "name": f"Hội đồng {call.code}",
        "template_id": template.id,
        "rule_id": rule.id,
        "meeting_at": utcnow() + timedelta(days=10),
        "place": "Phòng họp Sở",
        "admin_secretary_id": staff.id,
        "members": [(u.id, role) for u, role in zip(members, roles, strict=False)],
    }
    council = review_services.save_council(Council(), call, data, staff)
    if open_scoring:
        review_services.move_council(load_council(council.id), "scoring", staff)
    db.session.flush()
    return council


def score(
    council: Council,
    proposal: Proposal,
    user: User,
    level: int = 3,
    recommendation: str = "support",
    levels: list[int] | None = None,
) -> None:
    """The member declares no conflict and submits a sheet with the same level on every criterion (or these levels,
    in the template's order)."""
    council = load_council(council.id)
    assignment = seat_assignment(council.id, proposal.id, user.id)
    review_sheets.declare(assignment, council, False, "", user)
    criteria = list(council.template.criteria)
    data = {
        "values": {c.id: level for c, level in zip(criteria, levels or [level] * len(criteria), strict=True)},
        "comments": {},
        "recommendation": recommendation,
        "comment": "Đạt yêu cầu",
        "review_text": "Nhận xét chi tiết của phản biện",
    }
    review_sheets.save_sheet(assignment, council, data, True, user)


def make_project(
    host: User,
    staff: User | None = None,
    call: Call | None = None,
    status: str = "in_progress",
    start_on: date = date(2026, 1, 1),
    end_on: date = date(2026, 12, 31),
    contract_number: str | None = None,
    **overrides: object,
) -> Project:
    """A project of the host's organization from an approved application, with the regime's default tranches and
    report schedule, moved to IN_PROGRESS unless asked otherwise (needs a request context, for the mails)."""
    staff = staff or make_user(roles=("staff",))
    proposal = make_valid_proposal(call or make_call(), host, **overrides)
    proposal.status = "approved"
    db.session.flush()
    proposal = load_proposal(proposal.id)
    data = {
        "contract_number": contract_number or f"{next(_seq)}/2026/HĐ-KHCN",
        "signed_on": min(start_on, local_today()),  # a contract is never dated in the future
        "start_on": start_on,
        "end_on": end_on,
        "agency_signer": "Giám đốc Sở",
        "host_signer": "Giám đốc",
        "legacy_area": "",
    }
    regime = db.session.get(Regime, proposal.call.regime_id)
    plan = contracts.plan_tranches(contracts.approved_amount(proposal), regime.tranche_split)
    project = contracts.create_project(proposal, data, plan, staff)
    if status == "in_progress":
        contracts.move_project(project, "in_progress", staff)
    db.session.flush()
    return load_project(project.id)


def bulk_projects(like: Project, count: int, overdue_every: int = 3) -> None:
    """`count` more projects of the same host, regime and call as `like`, each with three tranches and two periodic
    reports (every `overdue_every`-th with its first report late), inserted in bulk for budgets and benches, then
    their stored health refreshed (a bulk insert bypasses the flush that refreshes it)."""
    from sqlalchemy import insert, text

    from projects.contracts.models import Tranche
    from projects.followup.models import PeriodicReport
    from projects.portfolio.stored import refresh_health

    base = {
        name: getattr(like, name)
        for name in (
            "regime_id",
            "call_id",
            "sector_id",
            "organization_id",
            "signed_on",
            "start_on",
            "end_on",
            "original_end_on",
            "dossier_due_on",
        )
    }
    db.session.execute(
        insert(Project),
        [
            {
                **base,
                "code": f"DA-BULK-{i:05d}",
                "contract_number": f"{i}/BULK/HĐ",
                "title": f"Dự án đồng loạt số {i}",
                "lead_name": f"Chủ nhiệm {i}",
                "approved_vnd": 100_000_000 + i,
                "paid_vnd": 50_000_000,
                "status": "in_progress",
                "legacy_area": ("long_an", "tay_ninh", "")[i % 3],
                "annex": {},
                "search_text": f"da-bulk-{i:05d} du an dong loat so {i}",
            }
            for i in range(count)
        ],
    )
    ids = db.session.execute(db.select(Project.id).where(Project.code.like("DA-BULK-%"))).scalars().all()
    db.session.execute(
        insert(Tranche),
        [
            {
                "project_id": pid,
                "position": n,
                "amount_vnd": 50_000_000 if n == 1 else 25_000_000,
                "percent": None,
                "condition": ("contract_signed", "report_accepted", "liquidated")[n - 1],
                "status": "paid" if n == 1 else "planned",
                "paid_vnd": 50_000_000 if n == 1 else None,
                "paid_on": like.start_on if n == 1 else None,
            }
            for pid in ids
            for n in (1, 2, 3)
        ],
    )
    db.session.execute(
        insert(PeriodicReport),
        [
            {
                "project_id": pid,
                "sequence": n,
                "due_on": like.start_on + timedelta(days=180 * n),
                "status": "due" if (k % overdue_every == 0 and n == 1) or n == 2 else "accepted",
            }
            for k, pid in enumerate(ids)
            for n in (1, 2)
        ],
    )
    if db.engine.dialect.name == "postgresql":  # statistics of the rows just inserted: without them the
        db.session.execute(text("ANALYZE"))  # planner takes the tables for empty and joins them in quadratic time
    refresh_health(ids)


def make_profile(
    user: User,
    sectors: tuple[Sector, ...] = (),
    items: tuple[PriorityItem, ...] = (),
    keywords: str = "",
    max_reviews: int | None = None,
    history: tuple[dict, ...] = (),
) -> object:
    """The user's expertise profile, saved by themselves."""
    from review.experts.services import save_profile

    data = {
        "sector_ids": [s.id for s in sectors],
        "priority_item_ids": [i.id for i in items],
        "keywords": keywords,
        "max_reviews": max_reviews,
        "history": [{"tax_code": "", "from_year": None, "to_year": None, **row} for row in history],
    }
    profile = save_profile(user, None, data, user)
    db.session.flush()
    return profile

"""`flask seed-demo`: demonstration accounts, organizations and calls (idempotent)."""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from accounts.models import Membership, Organization, User, UserRole
from accounts.services import hash_password
from admin.demo_projects import seed_legacy_projects
from core.extensions import db
from core.formatting import utcnow
from core.models import AgencySettings
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.loader import load_reference_data
from policies.models import Call, CallDocument, PriorityItem, Regime, Sector, SupportCategory
from proposals import services as proposals
from proposals.models import Proposal
from proposals.queries import load_proposal
from review.councils import services as review
from review.councils.queries import load_council
from review.models import Council
from review.sheets import services as review_sheets
from review.sheets.queries import seat_assignment

DEMO_PASSWORD = "demo-2026-skhcn"

STAFF = [
    ("admin@skhcn.demo", "Quản trị hệ thống", ("admin", "staff")),
    ("chuyenvien@skhcn.demo", "Nguyễn Thị Hồng Nhung", ("staff",)),
    ("lanhdao@skhcn.demo", "Trần Văn Đức", ("leader",)),
    ("ketoan@skhcn.demo", "Lê Thị Thu Hà", ("finance",)),
]
REVIEWERS = [
    ("pgs.hung@hcmut.demo", "PGS.TS. Phạm Văn Hùng"),
    ("ts.lan@ctu.demo", "TS. Võ Thị Ngọc Lan"),
    ("ts.dung@iuh.demo", "TS. Đặng Quốc Dũng"),
    ("ths.tam@agri.demo", "ThS. Huỳnh Minh Tâm"),
    ("ts.phuong@hcmus.demo", "TS. Nguyễn Thị Phương"),
    ("ks.khoa@sct.demo", "KS. Lâm Đăng Khoa"),
    ("ts.binh@vaas.demo", "TS. Bùi Thanh Bình"),
    ("ths.yen@snn.demo", "ThS. Cao Thị Hải Yến"),
    ("ts.thanh@xanhlongan.demo", "TS. Đỗ Chí Thanh"),  # works for an applicant: a conflict to detect
]
ORGANIZATIONS = [
    {
        "org": dict(
            name="Công ty TNHH Nông sản Xanh Long An",
            tax_code="1101234567",
            org_type="sme",
            address="Số 12 đường Hùng Vương, phường Long An, tỉnh Tây Ninh",
            legacy_area="long_an",
            legal_rep_name="Đỗ Chí Thanh",
            legal_rep_title="Giám đốc",
            phone="0272 3826 111",
            email="lienhe@xanhlongan.demo",
            employees=45,
        ),
        "users": [("giamdoc@xanhlongan.demo", "Đỗ Minh Quân"), ("kehoach@xanhlongan.demo", "Phan Thị Mỹ Duyên")],
    },
    {
        "org": dict(
            name="Hợp tác xã Thanh long Châu Thành",
            tax_code="1101987659",
            org_type="cooperative",
            address="Ấp Phú Nhơn, xã Châu Thành, tỉnh Tây Ninh",
            legacy_area="long_an",
            legal_rep_name="Trương Văn Lực",
            legal_rep_title="Giám đốc HTX",
            phone="0272 3871 222",
            email="htxthanhlong@gmail.com",
            employees=30,
        ),
        "users": [("htx.thanhlong@gmail.com", "Trương Văn Lực")],
    },
    {
        "org": dict(
            name="Công ty Cổ phần Cơ khí Chính xác Tây Ninh",
            tax_code="3900876557",
            org_type="enterprise",
            address="Khu công nghiệp Trảng Bàng, phường Trảng Bàng, tỉnh Tây Ninh",
            legacy_area="tay_ninh",
            legal_rep_name="Lý Hoàng Nam",
            legal_rep_title="Tổng Giám đốc",
            phone="0276 3899 333",
            email="info@cokhitayninh.demo",
            employees=180,
        ),
        "users": [("nam.ly@cokhitayninh.demo", "Lý Hoàng Nam")],
    },
]
DOCUMENTS = [
    "Đơn đề nghị hỗ trợ",
    "Thuyết minh dự án",
    "Giấy chứng nhận đăng ký doanh nghiệp / hồ sơ pháp lý",
    "Báo giá thiết bị, dịch vụ (03 báo giá)",
    "Tài liệu chứng minh khả năng đối ứng kinh phí",
    "Cam kết không trùng lặp nguồn hỗ trợ ngân sách",
    "Hợp đồng chuyển giao công nghệ hoặc văn bản đồng ý của chủ sở hữu kết quả nghiên cứu",
]


def _user(email: str, name: str, roles: tuple[str, ...], password: str) -> User:
    existing = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if existing:
        return existing
    user = User(
        email=email,
        full_name=name,
        password_hash=password,
        email_verified_at=utcnow(),
        role_rows=[UserRole(role=r) for r in roles],
    )
    db.session.add(user)
    db.session.flush()
    return user


def _call(code: str, regime_code: str, **fields: object) -> None:
    if db.session.execute(select(Call.id).where(Call.code == code)).first():
        return
    regime = db.session.execute(select(Regime).where(Regime.code == regime_code)).scalar_one()
    kinds = fields.pop("kinds")
    categories = (
        db.session.execute(
            select(SupportCategory).where(SupportCategory.regime_id == regime.id, SupportCategory.rule_kind.in_(kinds))
        )
        .scalars()
        .all()
    )
    sectors = db.session.execute(select(Sector)).scalars().all()
    documents = [
        CallDocument(position=i, name=name, required=i <= 6) for i, name in enumerate(fields.pop("documents"), 1)
    ]
    db.session.add(
        Call(
            code=code,
            regime_id=regime.id,
            categories=list(categories),
            sectors=list(sectors),
            documents=documents,
            **fields,
        )
    )


def seed_demo() -> None:
    """Create what is missing of the demo data."""
    load_reference_data()
    if db.session.execute(select(AgencySettings.id)).first() is None:
        db.session.add(AgencySettings(**AgencySettings.DEFAULTS))
    password = hash_password(DEMO_PASSWORD)
    for email, name, roles in STAFF:
        _user(email, name, roles, password)
    for email, name in REVIEWERS:
        _user(email, name, ("reviewer",), password)
    for spec in ORGANIZATIONS:
        org = db.session.execute(select(Organization).where(Organization.tax_code == spec["org"]["tax_code"])).scalar()
        if org is None:
            org = Organization(**spec["org"])
            db.session.add(org)
            db.session.flush()
        for email, name in spec["users"]:
            user = _user(email, name, ("applicant",), password)
            if user.membership is None:
                db.session.add(Membership(user_id=user.id, organization_id=org.id))
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    _call(
        "TN-2026-02",
        "TN-25/2025",
        kinds=("rate_cap",),
        title="Tiếp nhận hồ sơ đề nghị hỗ trợ ứng dụng, đổi mới công nghệ năm 2026 – đợt 2",
        title_en="Applications for support of technology application and innovation, 2026 – round 2",
        year=now.year,
        status="open",
        opens_at=now - timedelta(days=20),
        closes_at=now + timedelta(days=40),
        budget_vnd=12_000_000_000,
        documents=DOCUMENTS,
        guidance="Hồ sơ nộp trực tuyến trên cổng này. Mọi thắc mắc liên hệ Phòng Quản lý khoa học.",
        guidance_en="Apply online on this portal. For questions, contact the Science Management Division.",
    )
    _call(
        "TN-2026-SHTT",
        "TN-25/2025",
        kinds=("fixed",),
        title="Hỗ trợ sở hữu trí tuệ và tiêu chuẩn chất lượng (tiếp nhận thường xuyên)",
        title_en="Support for intellectual property and quality standards (rolling)",
        year=now.year,
        status="open",
        opens_at=now - timedelta(days=60),
        closes_at=None,
        budget_vnd=2_000_000_000,
        documents=["Đơn đề nghị hỗ trợ", "Văn bằng / giấy chứng nhận được cấp", "Hóa đơn, chứng từ chi phí"],
        guidance="Xét hỗ trợ theo đợt hằng quý.",
        guidance_en="Decided in quarterly batches.",
    )
    _call(
        "LA-2025-01",
        "LA-03/2021",
        kinds=("rate_cap", "fixed"),
        title="Tiếp nhận hồ sơ đề nghị hỗ trợ nhân rộng kết quả nghiên cứu năm 2025",
        title_en="Applications for support of replicating research results, 2025",
        year=2025,
        status="closed",
        opens_at=now.replace(year=2025, month=3, day=1),
        closes_at=now.replace(year=2025, month=6, day=30),
        budget_vnd=8_000_000_000,
        documents=DOCUMENTS,
        guidance="Đợt tiếp nhận theo Nghị quyết 03/2021/NQ-HĐND tỉnh Long An.",
        guidance_en="Call under Long An Resolution 03/2021/NQ-HĐND.",
    )
    _call(
        "TN-2026-01",
        "TN-25/2025",
        kinds=("rate_cap",),
        title="Tiếp nhận hồ sơ đề nghị hỗ trợ ứng dụng, đổi mới công nghệ năm 2026 – đợt 1",
        title_en="Applications for support of technology application and innovation, 2026 – round 1",
        year=now.year,
        status="open",
        opens_at=now - timedelta(days=90),
        closes_at=now + timedelta(days=1),
        budget_vnd=1_500_000_000,
        documents=DOCUMENTS,
        guidance="Hội đồng tư vấn xét chọn đang chấm điểm các hồ sơ hợp lệ của đợt này.",
        guidance_en="The review council is scoring the valid applications of this round.",
    )
    db.session.flush()
    with current_app.test_request_context():  # mails written to the outbox carry links to the portal
        for spec in APPLICATIONS:
            _application(**spec)
        _council()
    seed_legacy_projects(now.date())


# A minimal one-page PDF standing in for the scanned documents of the demo applications.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
APPLICATIONS = [
    dict(
        email="giamdoc@xanhlongan.demo",
        state="submitted",
        sector=1,
        title="Ứng dụng công nghệ sấy lạnh bảo quản rau quả sau thu hoạch",
        objectives="Giảm tổn thất sau thu hoạch rau quả từ 25% xuống dưới 10%; nâng giá trị sản phẩm xuất khẩu.",
        technology="Hệ thống sấy lạnh bơm nhiệt 500 kg/mẻ, điều khiển nhiệt độ và độ ẩm tự động.",
        lines=[
            ("equipment", "Hệ thống sấy lạnh bơm nhiệt", 600_000_000, 700_000_000),
            ("training", "Đào tạo vận hành", 40_000_000, 20_000_000),
        ],
    ),
    dict(
        email="htx.thanhlong@gmail.com",
        state="needs_supplement",
        sector=1,
        title="Nhân rộng mô hình tưới nhỏ giọt tiết kiệm nước cho thanh long",
        objectives="Nhân rộng mô hình tưới nhỏ giọt cho 30 ha thanh long của xã viên, tiết kiệm 30% nước tưới.",
        technology="Tưới nhỏ giọt điều khiển theo độ ẩm đất, kết quả nghiên cứu của Viện Cây ăn quả miền Nam.",
        lines=[
            ("equipment", "Thiết bị tưới và bộ điều khiển", 450_000_000, 450_000_000),
            ("labour", "Công lắp đặt", 60_000_000, 60_000_000),
        ],
    ),
    dict(
        email="nam.ly@cokhitayninh.demo",
        state="draft",
        sector=2,
        title="Đổi mới dây chuyền gia công cơ khí chính xác bằng máy CNC 5 trục",
        objectives="",
        technology="",
        lines=[("equipment", "Máy CNC 5 trục", 1_500_000_000, 2_000_000_000)],
    ),
    # Round 1: three valid applications before a council that is scoring.
    *[
        dict(
            email=email,
            state="valid",
            sector=sector,
            title=title,
            objectives=objectives,
            technology=technology,
            lines=[
                ("equipment", "Thiết bị chính", support, support),
                ("training", "Đào tạo, chuyển giao", 30_000_000, 30_000_000),
            ],
            call_code="TN-2026-01",
        )
        for email, sector, title, objectives, technology, support in (
            (
                "kehoach@xanhlongan.demo",
                1,
                "Ứng dụng chế phẩm vi sinh xử lý phụ phẩm trồng trọt làm phân hữu cơ",
                "Xử lý 2.000 tấn phụ phẩm mỗi năm thành phân hữu cơ vi sinh.",
                "Chế phẩm vi sinh phân giải cellulose.",
                450_000_000,
            ),
            (
                "htx.thanhlong@gmail.com",
                1,
                "Ứng dụng đèn LED tiết kiệm điện chong thanh long trái vụ",
                "Giảm 40% điện năng chong đèn cho 20 ha thanh long.",
                "Đèn LED quang phổ chuyên dụng, hẹn giờ tự động.",
                300_000_000,
            ),
            (
                "nam.ly@cokhitayninh.demo",
                2,
                "Chuyển đổi số quản lý sản xuất xưởng cơ khí bằng hệ thống MES",
                "Theo dõi thời gian thực 100% lệnh sản xuất, giảm 15% thời gian dừng máy.",
                "Hệ thống MES mã nguồn mở kết nối máy CNC qua OPC UA.",
                400_000_000,
            ),
        )
    ],
]

COUNCIL_SEATS = ("chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member")


def _council() -> None:
    """The council of round 1, scoring: seven members (one of them works for an applicant: a detected conflict),
    and the chair has already scored the first application."""
    call = db.session.execute(select(Call).where(Call.code == "TN-2026-01")).scalar_one()
    if db.session.execute(select(Council.id).where(Council.call_id == call.id)).first():
        return
    staff = db.session.execute(select(User).where(User.email == "chuyenvien@skhcn.demo")).scalar_one()
    emails = [e for e, _name in REVIEWERS[:6]] + ["ts.thanh@xanhlongan.demo"]
    people = {u.email: u for u in db.session.execute(select(User).where(User.email.in_(emails))).scalars()}
    template = db.session.execute(select(ScoreSheetTemplate).where(ScoreSheetTemplate.code == "default")).scalar_one()
    rule = db.session.execute(select(EvaluationRule).where(EvaluationRule.code == "default")).scalar_one()
    council = review.save_council(
        Council(),
        call,
        {
            "name": "Hội đồng tư vấn xét chọn đợt 1 năm 2026",
            "template_id": template.id,
            "rule_id": rule.id,
            "meeting_at": utcnow().replace(hour=1, minute=30) + timedelta(days=7),
            "place": "Phòng họp Sở KH&CN",
            "admin_secretary_id": staff.id,
            "members": [(people[e].id, role) for e, role in zip(emails, COUNCIL_SEATS, strict=True)],
        },
        staff,
    )
    review.move_council(load_council(council.id), "scoring", staff)
    council = load_council(council.id)
    first = db.session.execute(select(Proposal).where(Proposal.call_id == call.id).order_by(Proposal.sequence)).scalar()
    chair = people[emails[0]]
    assignment = seat_assignment(council.id, first.id, chair.id)
    review_sheets.declare(assignment, council, False, "", chair)
    review_sheets.save_sheet(
        assignment,
        council,
        {
            "values": {c.id: 3 for c in council.template.criteria},
            "comments": {},
            "recommendation": "support",
            "comment": "Hồ sơ đầy đủ, mục tiêu rõ ràng.",
            "review_text": "Công nghệ phù hợp, cần làm rõ phương án nhân rộng.",
        },
        True,
        chair,
    )


def _application(
    email: str,
    state: str,
    sector: int,
    title: str,
    objectives: str,
    technology: str,
    lines: list[tuple[str, str, int, int]],
    call_code: str = "TN-2026-02",
) -> None:
    """One demo application, taken to the given state through the real services."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    call = db.session.execute(select(Call).where(Call.code == call_code)).scalar_one()
    exists = select(Proposal.id).where(Proposal.call_id == call.id, Proposal.title == title)
    if db.session.execute(exists).first():
        return
    organization_id = db.session.execute(
        select(Membership.organization_id).where(Membership.user_id == user.id)
    ).scalar()
    proposal = load_proposal(proposals.start_proposal(call, organization_id, user).id)
    chosen_sector = next(s for s in proposal.call.sectors if s.number == sector)
    items = db.session.execute(select(PriorityItem.id).where(PriorityItem.sector_id == chosen_sector.id).limit(2))
    proposals.apply_draft(
        proposal,
        {
            "title": title,
            "category_id": proposal.call.categories[0].id,
            "sector_id": chosen_sector.id,
            "priority_item_ids": list(items.scalars()),
            "lead_name": user.full_name,
            "lead_title": "Kỹ sư",
            "lead_phone": "",
            "lead_email": user.email,
            "objectives": objectives,
            "necessity": "Đáp ứng nhu cầu sản xuất của địa phương." if objectives else "",
            "technology": technology,
            "technology_origin": "Kết quả nghiên cứu đã được nghiệm thu." if technology else "",
            "place": "Tỉnh Tây Ninh",
            "duration_months": 12,
            "effects": "Tăng thu nhập, giảm phát thải." if objectives else "",
            "replication_plan": "Chuyển giao cho các hộ, doanh nghiệp trong tỉnh." if objectives else "",
            "work_packages": [
                {"name": "Mua sắm, lắp đặt thiết bị", "month_from": 1, "month_to": 4, "products": "Thiết bị vận hành"},
                {
                    "name": "Vận hành thử, đào tạo, đánh giá",
                    "month_from": 5,
                    "month_to": 12,
                    "products": "Báo cáo đánh giá",
                },
            ],
            "products": [
                {"name": "Mô hình ứng dụng", "unit": "mô hình", "quantity": 1, "quality_target": "Vận hành ổn định"}
            ],
            "budget_lines": [
                {"kind": k, "description": d, "support_vnd": s, "counterpart_vnd": c} for k, d, s, c in lines
            ],
        },
    )
    if state == "draft":
        return
    for document in proposal.call.documents:
        if document.required:
            proposals.add_file(proposal, document.id, f"{document.position:02d}-ho-so.pdf", DEMO_PDF, user)
    proposals.submit_proposal(proposal, user)
    staff = db.session.execute(select(User).where(User.email == "chuyenvien@skhcn.demo")).scalar_one()
    if state != "submitted":
        proposals.transition_proposal(proposal, "under_check", staff)
    if state == "valid":
        proposals.set_checklist(proposal, [d.id for d in proposal.call.documents], staff)
        proposals.transition_proposal(proposal, "valid", staff)
    elif state == "needs_supplement":
        proposals.transition_proposal(
            proposal,
            "needs_supplement",
            staff,
            "Bổ sung 03 báo giá thiết bị tưới.",
            utcnow().date() + timedelta(days=14),
        )


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load reference data and demo accounts, organizations and calls (idempotent)."""
    seed_demo()
    db.session.commit()
    click.echo(f"demo data ready; every demo account's password is {DEMO_PASSWORD}")

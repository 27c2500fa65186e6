"""`flask seed-demo`: demonstration accounts, organizations and calls (idempotent)."""

from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from accounts.models import Membership, Organization, User, UserRole
from accounts.services import hash_password
from core.extensions import db
from core.formatting import utcnow
from core.models import AgencySettings
from policies.loader import load_reference_data
from policies.models import Call, CallDocument, Regime, Sector, SupportCategory

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
    user = User(email=email, full_name=name, password_hash=password, email_verified_at=utcnow(),
                role_rows=[UserRole(role=r) for r in roles])  # fmt: skip
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
    db.session.add(Call(code=code, regime_id=regime.id, categories=list(categories), sectors=list(sectors),
                        documents=documents, **fields))  # fmt: skip


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
    _call("TN-2026-02", "TN-25/2025", kinds=("rate_cap",), title="Tiếp nhận hồ sơ đề nghị hỗ trợ ứng dụng, đổi mới công nghệ năm 2026 – đợt 2",
          title_en="Applications for support of technology application and innovation, 2026 – round 2", year=now.year,
          status="open", opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=40), budget_vnd=12_000_000_000,
          documents=DOCUMENTS, guidance="Hồ sơ nộp trực tuyến trên cổng này. Mọi thắc mắc liên hệ Phòng Quản lý khoa học.",
          guidance_en="Apply online on this portal. For questions, contact the Science Management Division.")  # fmt: skip
    _call("TN-2026-SHTT", "TN-25/2025", kinds=("fixed",), title="Hỗ trợ sở hữu trí tuệ và tiêu chuẩn chất lượng (tiếp nhận thường xuyên)",
          title_en="Support for intellectual property and quality standards (rolling)", year=now.year, status="open",
          opens_at=now - timedelta(days=60), closes_at=None, budget_vnd=2_000_000_000,
          documents=["Đơn đề nghị hỗ trợ", "Văn bằng / giấy chứng nhận được cấp", "Hóa đơn, chứng từ chi phí"],
          guidance="Xét hỗ trợ theo đợt hằng quý.", guidance_en="Decided in quarterly batches.")  # fmt: skip
    _call("LA-2025-01", "LA-03/2021", kinds=("rate_cap", "fixed"), title="Tiếp nhận hồ sơ đề nghị hỗ trợ nhân rộng kết quả nghiên cứu năm 2025",
          title_en="Applications for support of replicating research results, 2025", year=2025, status="closed",
          opens_at=now.replace(year=2025, month=3, day=1), closes_at=now.replace(year=2025, month=6, day=30),
          budget_vnd=8_000_000_000, documents=DOCUMENTS, guidance="Đợt tiếp nhận theo Nghị quyết 03/2021/NQ-HĐND tỉnh Long An.",
          guidance_en="Call under Long An Resolution 03/2021/NQ-HĐND.")  # fmt: skip
    db.session.flush()


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load reference data and demo accounts, organizations and calls (idempotent)."""
    seed_demo()
    db.session.commit()
    click.echo(f"demo data ready; every demo account's password is {DEMO_PASSWORD}")

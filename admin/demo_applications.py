"""The demo's applications, each taken to its state (draft, submitted, needing a supplement, valid) through the real
services."""

from datetime import timedelta

from sqlalchemy import select

from accounts.models import Membership, User
from core.extensions import db
from core.formatting import utcnow
from policies.models import Call, PriorityItem
from proposals import services as proposals
from proposals.models import Proposal
from proposals.queries import load_proposal

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
    # The rolling fixed-amount call: two trademarks granted, approved together in a batch (admin.demo_fixed).
    *[
        dict(
            email=email,
            state="valid",
            sector=sector,
            title=title,
            objectives="Được hỗ trợ một lần chi phí đăng ký nhãn hiệu đã được cấp giấy chứng nhận.",
            technology=f"Giấy chứng nhận đăng ký nhãn hiệu số {certificate} do Cục Sở hữu trí tuệ cấp.",
            lines=[("services", "Phí cấp giấy chứng nhận đăng ký nhãn hiệu", 10_000_000, 0)],
            call_code="TN-2026-SHTT",
        )
        for email, sector, title, certificate in (
            ("htx.thanhlong@gmail.com", 1, "Bảo hộ nhãn hiệu tập thể Thanh long Châu Thành", "412345"),
            ("nam.ly@cokhitayninh.demo", 2, "Bảo hộ nhãn hiệu CKTN cho sản phẩm cơ khí chính xác", "423456"),
        )
    ],
]


def seed_applications() -> None:
    """The demo applications that are missing."""
    for spec in APPLICATIONS:
        _application(**spec)


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

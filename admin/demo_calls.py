"""The demo's calls: two open rounds of the current regime, a rolling call and a closed call of the former one."""

from datetime import datetime, timedelta

from sqlalchemy import select

from core.extensions import db
from policies.models import Call, CallDocument, Regime, Sector, SupportCategory

DOCUMENTS = [
    "Đơn đề nghị hỗ trợ",
    "Thuyết minh dự án",
    "Giấy chứng nhận đăng ký doanh nghiệp / hồ sơ pháp lý",
    "Báo giá thiết bị, dịch vụ (03 báo giá)",
    "Tài liệu chứng minh khả năng đối ứng kinh phí",
    "Cam kết không trùng lặp nguồn hỗ trợ ngân sách",
    "Hợp đồng chuyển giao công nghệ hoặc văn bản đồng ý của chủ sở hữu kết quả nghiên cứu",
]


def _call(code: str, regime_code: str, **fields: object) -> None:
    """The call with this code, created when missing with the regime's categories of the given kinds and every
    sector."""
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


def seed_calls(now: datetime) -> None:
    """The demo calls that are missing, dated relative to `now`."""
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

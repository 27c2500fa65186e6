"""The demo's review council: round 1's council, scoring, with a conflict of interest to detect and one sheet
already scored."""

from datetime import timedelta

from sqlalchemy import select

from accounts.models import User
from admin.demo_accounts import REVIEWERS
from core.extensions import db
from core.formatting import utcnow
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.models import Call
from policies.services import sectors_with_items
from proposals.models import Proposal
from review.councils import services as review
from review.councils.queries import load_council
from review.experts.models import ExpertProfile
from review.experts.services import save_profile
from review.models import Council
from review.sheets import services as review_sheets
from review.sheets.queries import seat_assignment

COUNCIL_SEATS = ("chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member")
# What the reviewers know (sector numbers, priority items as "sector.item", keywords, most reviews per council) and
# where they worked: ThS. Tâm worked for the Thanh long cooperative until 2024, a conflict the history detects.
EXPERTISE = {
    "pgs.hung@hcmut.demo": ((2, 4), (), "cơ khí, CNC, tự động hóa", None, ()),
    "ts.lan@ctu.demo": ((1,), ("1.1",), "phân hữu cơ, vi sinh, phụ phẩm", 3, ()),
    "ts.dung@iuh.demo": ((2, 4), ("2.1",), "chuyển đổi số, MES, CNC", 3, ()),
    "ths.tam@agri.demo": (
        (1,),
        ("1.2",),
        "thanh long, đèn LED, tưới nhỏ giọt",
        None,
        (("Hợp tác xã Thanh long Châu Thành", "1101987659", 2019, 2024),),
    ),
    "ts.phuong@hcmus.demo": ((1, 7), (), "vi sinh, môi trường, xử lý chất thải", None, ()),
    "ks.khoa@sct.demo": ((2,), (), "tiết kiệm điện, năng lượng, LED", 2, ()),
    "ts.thanh@xanhlongan.demo": (
        (1,),
        (),
        "sấy lạnh, rau quả",
        None,
        (("Công ty TNHH Nông sản Xanh Long An", "1101234567", 2018, None),),
    ),
}


def seed_expertise() -> None:
    """The reviewers' expertise profiles that are missing."""
    known = sectors_with_items()
    sectors = {sector.number: sector for sector in known}
    items = {f"{sector.number}.{item.number}": item for sector in known for item in sector.items}
    people = db.session.execute(select(User).where(User.email.in_(EXPERTISE))).scalars()
    for user in people:
        if db.session.get(ExpertProfile, user.id) is not None:
            continue
        numbers, item_codes, keywords, most, history = EXPERTISE[user.email]
        data = {
            "sector_ids": [sectors[n].id for n in numbers],
            "priority_item_ids": [items[code].id for code in item_codes],
            "keywords": keywords,
            "max_reviews": most,
            "history": [
                {"organization_name": name, "tax_code": code, "from_year": first, "to_year": last}
                for name, code, first, last in history
            ],
        }
        save_profile(user, None, data, user)


def seed_council() -> None:
    """The council of round 1, scoring: seven members with their expertise (one works for an applicant, another
    worked for one: conflicts detected), and the chair has already scored the first application."""
    seed_expertise()
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

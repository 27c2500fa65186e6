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
from proposals.models import Proposal
from review.councils import services as review
from review.councils.queries import load_council
from review.models import Council
from review.sheets import services as review_sheets
from review.sheets.queries import seat_assignment

COUNCIL_SEATS = ("chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member")


def seed_council() -> None:
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

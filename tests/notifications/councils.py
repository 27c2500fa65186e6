"""A review council's world and its steps, shared by the flows of who is told (test_events_applications) and the
conflict guarantee (test_events_guarantees): three applications of three organizations before a council of seven, one
of whom shares the host organization's mail domain (a conflict detected on its application)."""

from datetime import date

from sqlalchemy import select

from core.extensions import db
from proposals.queries import load_proposal
from review.councils import services as councils
from review.councils.queries import load_council
from review.decisions import services as decisions
from review.models import Decision
from review.sheets import services as sheets
from review.sheets.queries import seat_assignment
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal
from tests.factories import score as score_sheet
from tests.notifications.told import LEADERS, ORG_A, Told

TITLES = ("Tưới nhỏ giọt cho thanh long", "Sấy nông sản bằng năng lượng mặt trời", "Chuyển đổi số hợp tác xã")
LEVELS = ((4, "support"), (3, "support"), (2, "reject"))  # 100, 75 and 50 points: the first two fit the envelope
ORGS = (ORG_A, ("outsider",), ("third",))
MEMBERS = tuple(f"m{i}" for i in range(7))


def build_council(cast: dict) -> dict:
    """A call of 500 million with three valid applications (the host's, the outsider's, a third organization's, each
    asking 250 million) and a council of seven members, two reading English, the last sharing the host's mail
    domain; staff is its secretary."""
    call = make_call(budget_vnd=500_000_000)
    cast["third"] = make_user("ba@nongsan.vn", organization=make_organization("Công ty Nông sản"), locale="en")
    for i, name in enumerate(MEMBERS):
        email = "chuyengia@congty.vn" if i == 6 else f"tv{i}@vien{i}.edu.vn"
        locale = "en" if i in (1, 4) else "vi"
        cast[name] = make_user(email, roles=("reviewer",), full_name=f"Thành viên {i}", locale=locale)
    applied = [make_valid_proposal(call, cast[org[0]], title=title) for org, title in zip(ORGS, TITLES, strict=True)]
    council = make_council(call, cast["staff"], [cast[name] for name in MEMBERS])
    db.session.commit()
    return {"cast": cast, "call": call, "proposals": applied, "council": council}


def council_of(w):
    """The world's council as its pages load it."""
    return load_council(w["council"].id)


def open_scoring(w):
    """Staff open scoring: the applications go before the council, every member is told."""
    councils.move_council(council_of(w), "scoring", w["cast"]["staff"])
    return [Told("council.scoring_open", council_of(w), MEMBERS)]


def score_all(w):
    """Every member scores every application they have no conflict with; nobody is told."""
    council = council_of(w)
    for index, proposal in enumerate(w["proposals"]):
        level, recommendation = LEVELS[index]
        for name in MEMBERS:
            if not seat_assignment(council.id, proposal.id, w["cast"][name].id).is_conflicted:
                score_sheet(council, load_proposal(proposal.id), w["cast"][name], level, recommendation)
    return []


def reopen(member, index, by):
    """The member's sheet of the index-th application is reopened: its member alone is told (not who reopened it)."""

    def fire(w):
        assignment = seat_assignment(w["council"].id, w["proposals"][index].id, w["cast"][member].id)
        sheets.reopen_sheet(assignment.sheet, council_of(w), "Sai điểm tiêu chí 2", w["cast"][by])
        return [Told("sheet.reopened", assignment.sheet, [member])]

    return fire


def rescore(member, index):
    """The member submits the reopened sheet again; nobody is told."""

    def fire(w):
        level, recommendation = LEVELS[index]
        proposal = load_proposal(w["proposals"][index].id)
        score_sheet(council_of(w), proposal, w["cast"][member], level, recommendation)
        return []

    return fire


def rank(w):
    """Everyone present; scoring closed; conclusions recorded (two recommended, the third not selected): nothing is
    told before the decisions are released."""
    council = council_of(w)
    councils.record_attendance(council, {seat.id for seat in council.members}, w["cast"]["staff"])
    councils.move_council(council, "closed", w["cast"]["staff"])
    councils.move_council(council_of(w), "ranked", w["cast"]["staff"], "Đề nghị hỗ trợ hai hồ sơ đứng đầu.")
    return []


def draft_decisions(w):
    """Staff draft the decisions of the two recommended applications: each goes for the leaders' approval."""
    told = []
    for index in (0, 1):
        data = {
            "number": f"{index + 1}/QĐ-SKHCN",
            "signed_on": date.today(),
            "signer": "Giám đốc",
            "approved_vnd": 240_000_000,
            "conditions": "",
        }
        proposal = load_proposal(w["proposals"][index].id)
        decisions.save_decision(Decision(), council_of(w), proposal, data, w["cast"]["staff"])
        told.append(Told("decision.awaiting", proposal, LEADERS))
    return told


def decide(w):
    """One leader approves the first decision, the other refuses the second: the council's secretary is told."""
    first, second = db.session.execute(select(Decision).order_by(Decision.id)).scalars().all()
    decisions.decide(first, council_of(w), "approved", w["cast"]["leader"])
    decisions.decide(second, council_of(w), "refused", w["cast"]["leader_en"], "Chưa đủ điều kiện")
    return [Told("decision.decided", first, ["staff"]), Told("decision.decided", second, ["staff"])]


def release(w):
    """The decisions are released: each organization learns its application's outcome."""
    councils.move_council(council_of(w), "released", w["cast"]["staff"])
    return [Told("application.result", load_proposal(p.id), org) for p, org in zip(w["proposals"], ORGS, strict=True)]

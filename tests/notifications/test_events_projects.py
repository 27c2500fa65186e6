"""Who is told, row by row of notifications.events.EVENTS, for funded projects: the contract, tranches, periodic
reports, adjustments, inspections, suspension, the final dossier, acceptance, closing, failure and recovery. Each flow
walks a project through the services its pages call; after every step exactly the people the step names have a notice
and a mail, in their language, each opening its record (told.check_told)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from policies.models import Regime
from projects.acceptance import services as acceptance
from projects.acceptance.models import AcceptanceCouncil
from projects.acceptance.queries import load_council
from projects.contracts import services as contracts
from projects.contracts.models import Tranche
from projects.contracts.queries import load_project
from projects.contracts.scope import contract_scope
from projects.followup import services as followup
from projects.followup.models import Adjustment, Inspection, PeriodicReport
from projects.money import services as money
from proposals.queries import load_proposal
from tests.factories import make_call, make_valid_proposal
from tests.notifications.conftest import RATERS
from tests.notifications.told import FINANCE, ORG_A, STAFF, Step, Told, run_flow

TODAY = date.today()


@pytest.fixture
def funding(app, cast, raters):
    """The host organization's approved application, checked by the (Vietnamese) staff member."""
    proposal = make_valid_proposal(make_call(), cast["host"])
    proposal.status, proposal.checked_by_id = "approved", cast["staff"].id
    db.session.commit()
    return {"cast": cast, "proposal": proposal}


def project(w):
    """The world's project as its pages load it."""
    return load_project(w["project"].id)


def tranche(w, position):
    """The project's tranche at a position."""
    query = select(Tranche).where(Tranche.project_id == w["project"].id, Tranche.position == position)
    return db.session.execute(query).scalar_one()


def report(w, sequence):
    """The project's periodic report of a sequence number."""
    query = select(PeriodicReport).where(
        PeriodicReport.project_id == w["project"].id, PeriodicReport.sequence == sequence
    )
    return db.session.execute(query).scalar_one()


def sign(w):
    """Staff record the contract: the host is told, and that the first tranche may be requested."""
    proposal = load_proposal(w["proposal"].id)
    data = {
        "contract_number": "12/2026/HĐ-KHCN",
        "signed_on": date(2026, 1, 1),
        "start_on": date(2026, 1, 1),
        "end_on": date(2026, 12, 31),
        "agency_signer": "Giám đốc Sở",
        "host_signer": "Giám đốc",
        "legacy_area": "",
    }
    plan = contracts.plan_tranches(
        contracts.approved_amount(proposal), db.session.get(Regime, proposal.call.regime_id).tranche_split
    )
    w["project"] = contracts.create_project(proposal, data, plan, w["cast"]["staff"])
    return [Told("project.contracted", w["project"], ORG_A), Told("tranche.eligible", tranche(w, 1), ORG_A)]


def move(to_state, key, told, by="staff", comment=""):
    """A move from the project page."""

    def fire(w):
        contracts.move_by_hand(project(w), to_state, w["cast"][by], comment)
        return [Told(key, project(w), told)]

    return fire


def request_tranche(position, by="host"):
    """The host asks for the payment of a tranche: the staff in charge is told."""

    def fire(w):
        contracts.request_tranche(tranche(w, position), project(w), f"Đề nghị tạm ứng đợt {position}", w["cast"][by])
        return [Told("tranche.requested", tranche(w, position), ["staff"])]

    return fire


def review_tranche(position, to_state):
    """Staff approve the request (finance is told) or return it (the host is told)."""

    def fire(w):
        contracts.review_request(tranche(w, position), project(w), to_state, w["cast"]["staff"], "Thiếu hóa đơn")
        key, told = ("tranche.approved", FINANCE) if to_state == "approved" else ("tranche.returned", ORG_A)
        return [Told(key, tranche(w, position), told)]

    return fire


def pay_tranche(position, approve=False):
    """Finance records the payment (of a tranche set approved first, with `approve`): the host is told."""

    def fire(w):
        paid = tranche(w, position)
        if approve:
            paid.status = "approved"
        amount = min(paid.amount_vnd, project(w).left_to_pay_vnd)
        money.pay_tranche(paid, project(w), TODAY, amount, f"UNC {position}/KBNN", w["cast"]["finance"])
        return [Told("tranche.paid", paid, ORG_A)]

    return fire


def settle(position):
    """Finance records the settlement of a tranche: the host is told."""

    def fire(w):
        money.settle_tranche(tranche(w, position), project(w), TODAY, None, "Hóa đơn số 15", w["cast"]["finance_en"])
        return [Told("tranche.settled", tranche(w, position), ORG_A)]

    return fire


def submit_report(w):
    """The host submits the first periodic report: the staff in charge is told."""
    packages = contract_scope(project(w).id).packages  # a submitted report gives every work package's percent
    data = {"progress": "Hoàn thành 60%", "products_progress": "", "spent_vnd": 0, "problems": "", "proposals": ""}
    data["packages"] = [{"id": package.id, "percent": 60, "done": ""} for package in packages]
    followup.save_report(report(w, 1), project(w), data, True, w["cast"]["host_en"])
    return [Told("report.submitted", report(w, 1), ["staff"])]


def return_report(w):
    """Staff return it for changes: the host is told."""
    followup.review_report(report(w, 1), project(w), "returned", "Bổ sung số liệu chi tiêu", w["cast"]["staff"])
    return [Told("report.returned", report(w, 1), ORG_A)]


def accept_report(w):
    """Staff accept it: the host is told, and that the second tranche may now be requested."""
    followup.review_report(report(w, 1), project(w), "accepted", "", w["cast"]["staff"])
    return [Told("report.accepted", report(w, 1), ORG_A), Told("tranche.eligible", tranche(w, 2), ORG_A)]


def ask_adjustment(kind, **change):
    """The host asks for a change of the contract: the staff in charge is told."""

    def fire(w):
        data = {"kind": kind, "reason": "Thời tiết bất lợi", "details": "", "new_end_on": None, "new_lead_name": ""}
        adjustment = followup.request_adjustment(project(w), data | change, w["cast"]["host"])
        return [Told("adjustment.requested", adjustment, ["staff"])]

    return fire


def last_adjustment(w):
    """The project's latest adjustment request."""
    query = select(Adjustment).where(Adjustment.project_id == w["project"].id).order_by(Adjustment.id.desc())
    return db.session.execute(query).scalars().first()


def decide_adjustment(to_state, by):
    """Staff or a leader decide the request (the host is told), or the host withdraws it (the staff in charge is)."""

    def fire(w):
        adjustment = last_adjustment(w)
        followup.move_adjustment(adjustment, project(w), to_state, "Ý kiến của Sở", w["cast"][by])
        if to_state == "withdrawn":
            return [Told("adjustment.withdrawn", adjustment, ["staff"])]
        return [Told("adjustment.decided", adjustment, ORG_A)]

    return fire


def plan_inspection(w):
    """Staff plan an inspection: the host is told when."""
    data = {
        "kind": "adhoc",
        "planned_on": TODAY + timedelta(days=14),
        "inspectors": "Phòng Quản lý khoa học",
        "held_on": None,
        "findings": "",
        "actions": [],
    }
    inspection = followup.save_inspection(Inspection(), project(w), data, w["cast"]["staff"])
    return [Told("inspection.planned", inspection, ORG_A)]


def submit_dossier(told, by="host"):
    """The host submits the final dossier: the staff in charge is told."""

    def fire(w):
        texts = {"final_report": "Báo cáo", "product_report": "Sản phẩm", "financial_report": "Tài chính"}
        acceptance.submit_dossier(project(w), texts | {"self_assessment": "Đạt"}, [], w["cast"][by])
        return [Told("project.dossier_submitted", project(w), told)]

    return fire


def council(w):
    """The project's acceptance council."""
    query = select(AcceptanceCouncil.id).where(AcceptanceCouncil.project_id == w["project"].id)
    return load_council(db.session.execute(query).scalar_one())


def form_council(w):
    """Staff form the acceptance council (the project goes into acceptance): nobody is told yet."""
    cast = w["cast"]
    data = {
        "name": "Hội đồng nghiệm thu",
        "meeting_at": None,
        "place": "Phòng họp Sở",
        "comment": "",
        "admin_secretary_id": cast["staff"].id,
        "members": [(cast["r0"].id, "chair")] + [(cast[name].id, "member") for name in RATERS[1:]],
    }
    acceptance.save_council(project(w), None, data, cast["staff"])
    return []


def open_rating(w):
    """Staff open the council's rating: its members are told."""
    acceptance.open_rating(council(w), project(w), w["cast"]["staff"])
    return [Told("acceptance.rating_open", council(w), RATERS)]


def rate(level):
    """Every member declares no conflict and rates the product and the report at a level, all present; nobody is
    told."""

    def fire(w):
        product_id = project(w).products[0].id
        for seat in council(w).members:
            data = {"levels": {product_id: (level, level)}, "report_level": level, "points": None, "comment": ""}
            acceptance.declare_interest(council(w), seat, False, "", seat.user)
            acceptance.save_rating(council(w), seat, data, True, seat.user)
        acceptance.record_attendance(council(w), {seat.id for seat in council(w).members}, w["cast"]["staff"])
        return []

    return fire


def conclude(key):
    """Staff record the conclusion: the host is told the grade."""

    def fire(w):
        acceptance.conclude(council(w), project(w), "Kết luận của hội đồng", w["cast"]["staff"])
        return [Told(key, project(w), ORG_A)]

    return fire


def close_the_file(w):
    """The result registered, the settlement and the assets recorded: nobody is told."""
    staff = w["cast"]["staff"]
    acceptance.register_result(project(w), {"certificate_number": "GCN 7/2027", "certificate_on": TODAY}, staff)
    settlement = {
        "settlement_on": TODAY,
        "final_settled_vnd": project(w).approved_vnd,
        "recovery_due_on": None,
        "settlement_note": "Đã quyết toán",
    }
    acceptance.record_settlement(project(w), settlement, staff)
    acceptance.record_assets(project(w), {"assets_on": TODAY, "assets_note": "Bàn giao"}, staff)
    return []


def liquidate(w):
    """The contract is liquidated: the host is told, and finance that the record approves the last tranche."""
    data = {"liquidation_number": "TL 3/2027", "liquidated_on": TODAY}
    acceptance.liquidate(project(w), data, w["cast"]["leader"])
    return [Told("project.liquidated", project(w), ORG_A), Told("tranche.approved", tranche(w, 3), FINANCE)]


def recover(w):
    """A recovery of the funds paid is decided: the host and finance are told."""
    data = {
        "recovery_vnd": project(w).paid_vnd,
        "recovery_decision": "QĐ 5/QĐ-SKHCN",
        "recovery_decided_on": TODAY,
        "recovery_due_on": TODAY + timedelta(days=30),
    }
    nothing = data["recovery_vnd"] == 0
    acceptance.decide_failed_recovery(project(w), data, w["cast"]["leader_en"])
    told = [Told("project.recovery", project(w), ORG_A + FINANCE)]
    return told + [Told("project.recovered", project(w), ORG_A)] if nothing else told


def receive(share):
    """Finance records money returned: nobody is told of a part; the host when all of it is back."""

    def fire(w):
        current = project(w)
        amount = current.left_to_recover_vnd if share == "rest" else current.left_to_recover_vnd // 2
        data = {"received_vnd": amount, "received_on": TODAY, "reference": "GNT 1"}
        money.receive_recovery(current, data, w["cast"]["finance"])
        return [Told("project.recovered", project(w), ORG_A)] if share == "rest" else []

    return fire


def the_checker_is_in_charge(w):
    """The application was checked by the (Vietnamese) staff member, who follows the project."""
    load_proposal(project(w).proposal_id).checked_by_id = w["cast"]["staff"].id
    return []


TO_LIQUIDATION = [
    Step("project.contracted", "contract recorded", sign, also=("tranche.eligible",)),
    Step("project.started", "work started", move("in_progress", "project.started", ORG_A)),
    Step("tranche.requested", "first tranche requested", request_tranche(1)),
    Step("tranche.returned", "request returned", review_tranche(1, "eligible")),
    Step("tranche.requested", "requested again", request_tranche(1, by="host_en")),
    Step("tranche.approved", "request approved", review_tranche(1, "approved")),
    Step("tranche.paid", "first tranche paid", pay_tranche(1)),
    Step("tranche.settled", "first tranche settled", settle(1)),
    Step("report.submitted", "report submitted", submit_report),
    Step("report.returned", "report returned", return_report),
    Step("report.submitted", "report submitted again", submit_report),
    Step("report.accepted", "report accepted", accept_report, also=("tranche.eligible",)),
    Step("adjustment.requested", "extension asked", ask_adjustment("extension", new_end_on=date(2027, 3, 31))),
    Step("adjustment.decided", "extension approved by staff", decide_adjustment("approved", "staff")),
    Step("adjustment.requested", "new lead asked", ask_adjustment("lead", new_lead_name="Phạm Văn Bình")),
    Step("adjustment.withdrawn", "request withdrawn", decide_adjustment("withdrawn", "host_en")),
    Step("adjustment.requested", "budget change asked", ask_adjustment("budget")),
    Step("adjustment.decided", "refused by a leader", decide_adjustment("refused", "leader")),
    Step("inspection.planned", "inspection planned", plan_inspection),
    Step("project.suspended", "suspended", move("suspended", "project.suspended", ORG_A, comment="Chậm tiến độ")),
    Step("project.resumed", "resumed by a leader", move("in_progress", "project.resumed", ORG_A, by="leader")),
    Step("tranche.requested", "second tranche requested", request_tranche(2)),
    Step("tranche.approved", "second request approved", review_tranche(2, "approved")),
    Step("tranche.paid", "second tranche paid", pay_tranche(2)),
    Step("tranche.settled", "second tranche settled", settle(2)),
    Step("project.dossier_called", "final dossier called", move("acceptance_due", "project.dossier_called", ORG_A)),
    Step("project.dossier_submitted", "final dossier submitted", submit_dossier(["staff"])),
    Step(None, "acceptance council formed", form_council),
    Step("acceptance.rating_open", "rating opened", open_rating),
    Step(None, "every member rates: pass", rate("pass")),
    Step("project.accepted", "accepted", conclude("project.accepted")),
    Step(None, "result registered, settled, assets handled", close_the_file),
    Step("project.liquidated", "liquidated", liquidate, also=("tranche.approved",)),
    Step("tranche.paid", "final payment per the record", pay_tranche(3)),
]

FAILING = [
    Step("tranche.paid", "first tranche approved and paid", pay_tranche(1, approve=True)),
    Step("project.dossier_submitted", "final dossier submitted early", submit_dossier(STAFF, by="host_en")),
    Step(None, "acceptance council formed", form_council),
    Step("acceptance.rating_open", "rating opened", open_rating),
    Step(None, "every member rates: fail", rate("fail")),
    Step("project.not_accepted", "not accepted", conclude("project.not_accepted")),
    Step(
        "project.failed", "declared failed", move("failed", "project.failed", ORG_A, by="leader", comment="Không đạt")
    ),
    Step("project.recovery", "recovery decided", recover),
    Step(None, "half of it returned", receive("half")),
    Step("project.recovered", "the rest returned: the file closes", receive("rest")),
]

TERMINATED = [
    Step(None, "the checker follows the project", the_checker_is_in_charge),
    Step(
        "project.terminated",
        "terminated",
        move("terminated", "project.terminated", ORG_A + ("staff",), by="leader", comment="Vi phạm hợp đồng"),
    ),
    Step(
        "project.recovery",
        "nothing was paid: nothing to recover, the file closes",
        recover,
        also=("project.recovered",),
    ),
]


def test_a_project_from_contract_to_liquidation(app, funding, smtp_server):
    """The host, the staff member in charge, finance and the acceptance council are each told their part."""
    run_flow(app, funding, TO_LIQUIDATION, smtp_server)


@pytest.mark.parametrize("steps", [FAILING, TERMINATED], ids=["failed acceptance", "terminated"])
def test_a_project_that_ends_badly(app, running, smtp_server, steps):
    """A failed acceptance or a termination, then the recovery of the funds."""
    run_flow(app, running, steps, smtp_server)


FLOWS = [TO_LIQUIDATION, FAILING, TERMINATED]

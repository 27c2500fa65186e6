"""Who is told, row by row of notifications.events.EVENTS, for applications, review councils, decisions and batch
decisions of fixed amounts. Each flow walks a record through the services its pages call; after every step exactly the
people the step names have a notice and a mail, in their language, each opening its record (told.check_told)."""

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.formatting import utcnow
from policies.models import Regime, SupportCategory
from projects.fixed import services as fixed
from projects.fixed.models import FixedAward
from projects.fixed.queries import load_batch
from proposals import services as proposals
from proposals.queries import load_proposal
from tests.factories import make_call, make_proposal, make_valid_proposal
from tests.notifications.conftest import deactivate, submit, supplement_due
from tests.notifications.councils import (
    decide,
    draft_decisions,
    open_scoring,
    rank,
    release,
    reopen,
    rescore,
    score_all,
)
from tests.notifications.told import FINANCE, LEADERS, ORG_A, STAFF, Step, Told, run_flow

# --- applications: submission, screening, supplements, withdrawal -----------------------------------------------------


def _submit(name, by="host"):
    def fire(w):
        w[name] = submit(w, by)
        return [Told("application.received", w[name], ORG_A)]  # the one who submitted gets the receipt too

    return fire


def _start_check(name, by="staff"):
    def fire(w):
        proposal, staff = load_proposal(w[name].id), w["cast"][by]
        proposals.transition_proposal(proposal, "under_check", staff)
        proposals.set_checklist(proposal, [d.id for d in proposal.call.documents], staff)
        return []  # starting the check and ticking the checklist tell nobody

    return fire


def _move(name, to_state, key=None, told=(), by="staff", comment=""):
    def fire(w):
        proposal = load_proposal(w[name].id)
        proposals.transition_proposal(proposal, to_state, w["cast"][by], comment, supplement_due())
        return [Told(key, proposal, told)] if key else []

    return fire


def _resubmit(name, in_charge, by="host_en"):
    def fire(w):
        proposal = load_proposal(w[name].id)
        proposals.submit_proposal(proposal, w["cast"][by])
        return [Told("application.received", proposal, ORG_A), Told("application.resubmitted", proposal, in_charge)]

    return fire


RECEIPT = ("application.received",)  # a resubmission is a new version: its receipt goes to the members too


def _discard_a_draft(w):
    draft = make_proposal(w["call"], w["cast"]["host"])
    proposals.transition_proposal(draft, "withdrawn", w["cast"]["host"])
    return []  # never submitted: never the department's


def _checker_leaves(w):
    deactivate(w["cast"]["staff"])
    return []


SCREENING = [
    Step("application.received", "first submission", _submit("p")),
    Step(None, "check started", _start_check("p")),
    Step(
        "application.supplement",
        "supplement requested",
        _move("p", "needs_supplement", "application.supplement", ORG_A, comment="Bổ sung báo giá"),
    ),
    Step("application.resubmitted", "resubmitted", _resubmit("p", ["staff"]), also=RECEIPT),
    Step(None, "checked again", _start_check("p")),
    Step("application.screened", "declared valid", _move("p", "valid", "application.screened", ORG_A)),
    Step("application.received", "second application", _submit("q", by="host_en")),
    Step(
        "application.withdrawn",
        "withdrawn before any check: every active staff member",
        _move("q", "withdrawn", "application.withdrawn", STAFF, by="host", comment="Đã có nguồn vốn khác"),
    ),
    Step("application.received", "third application", _submit("r")),
    Step(None, "third checked", _start_check("r")),
    Step(
        "application.screened",
        "declared invalid",
        _move("r", "invalid", "application.screened", ORG_A, comment="Sai đối tượng hỗ trợ"),
    ),
    Step(None, "a draft discarded", _discard_a_draft),
]

CHECKER_GONE = [
    Step("application.received", "submitted", _submit("p")),
    Step(None, "checked by the English-reading staff member", _start_check("p", by="staff_en")),
    Step(
        "application.withdrawn",
        "withdrawn while checked: the checker",
        _move("p", "withdrawn", "application.withdrawn", ["staff_en"], by="host_en"),
    ),
    Step("application.received", "another submitted", _submit("q")),
    Step(None, "checked", _start_check("q")),
    Step(
        "application.supplement",
        "supplement requested",
        _move("q", "needs_supplement", "application.supplement", ORG_A, comment="Thiếu giấy phép"),
    ),
    Step(None, "the checker leaves", _checker_leaves),
    Step(
        "application.resubmitted", "resubmitted: the active staff", _resubmit("q", ["staff_en"], "host"), also=RECEIPT
    ),
]


@pytest.mark.parametrize("steps", [SCREENING, CHECKER_GONE], ids=["screening", "checker gone"])
def test_applications(app, applying, smtp_server, steps):
    """Submission, screening, supplements and withdrawal tell the organization's members and the staff in charge."""
    run_flow(app, applying, steps, smtp_server)


# --- review councils and their decisions -----------------------------------------------------------------------------

COUNCIL = [
    Step("council.scoring_open", "scoring opened", open_scoring),
    Step(None, "every sheet submitted", score_all),
    Step("sheet.reopened", "a sheet reopened by staff", reopen("m2", 0, by="staff")),
    Step("sheet.reopened", "a sheet reopened by the chair", reopen("m4", 1, by="m0")),
    Step(None, "a reopened sheet submitted again", rescore("m2", 0)),
    Step(None, "the other submitted again", rescore("m4", 1)),
    Step(None, "closed and ranked", rank),
    Step("decision.awaiting", "decisions drafted", draft_decisions),
    Step("decision.decided", "decisions approved and refused", decide),
    Step("application.result", "decisions released", release),
]


def test_a_council(app, reviewing, smtp_server):
    """A council's members, its secretary, the leaders and the applicants are each told their part, nobody else."""
    run_flow(app, reviewing, COUNCIL, smtp_server)


# --- batch decisions of fixed amounts --------------------------------------------------------------------------------


@pytest.fixture
def batching(app, cast):
    """An open call and the host's valid application for the trademark category (a fixed amount)."""
    call = make_call()
    regime = select(Regime.id).where(Regime.code == "TN-25/2025").scalar_subquery()
    trademark = db.session.execute(
        select(SupportCategory).where(SupportCategory.regime_id == regime, SupportCategory.code == "SHTT-NH")
    ).scalar_one()
    lines = [{"kind": "services", "description": "Phí cấp văn bằng", "support_vnd": 12_000_000, "counterpart_vnd": 0}]
    proposal = make_valid_proposal(call, cast["host"], category_id=trademark.id, budget_lines=lines)
    db.session.commit()
    return {"cast": cast, "call": call, "proposal": proposal}


def draft_batch(number):
    """Staff draft a batch decision with the host's application: the leaders are told."""

    def fire(w):
        data = {"number": number, "signed_on": date.today(), "signer": "Phó Giám đốc"}
        w["batch"] = fixed.draft_batch(w["call"], data | {"proposal_ids": [w["proposal"].id]}, w["cast"]["staff"])
        return [Told("batch.awaiting", w["batch"], LEADERS)]

    return fire


def approve_batch(w):
    """A leader approves it: finance is told to pay, the applicant of the outcome."""
    batch = load_batch(w["batch"].id)
    fixed.decide_batch(batch, "approved", w["cast"]["leader_en"])
    return [Told("batch.approved", batch, FINANCE), Told("application.result", load_proposal(w["proposal"].id), ORG_A)]


def refuse_batch(w):
    """A leader does not approve it (the application stays valid for another batch): nobody is told."""
    fixed.decide_batch(load_batch(w["batch"].id), "refused", w["cast"]["leader"], "Chưa đủ hồ sơ")
    return []


def pay_award(w):
    """Finance pays the award, loaded as its payment page loads it: the applicant is told."""
    award = db.session.execute(select(FixedAward).where(FixedAward.status == "approved")).scalar_one()
    fixed.pay_award(award, utcnow().date(), "UNC 01/KBNN", w["cast"]["finance"])
    return [Told("award.paid", award, ORG_A)]


BATCH = [
    Step("batch.awaiting", "batch drafted", draft_batch("44/QĐ-SKHCN")),
    Step(None, "batch not approved", refuse_batch),
    Step("batch.awaiting", "another batch drafted", draft_batch("45/QĐ-SKHCN")),
    Step("batch.approved", "batch approved", approve_batch, also=("application.result",)),
    Step("award.paid", "award paid", pay_award),
]


def test_batch_decisions(app, batching, smtp_server):
    """The leaders, finance and the applicant are told of batch decisions of fixed amounts."""
    run_flow(app, batching, BATCH, smtp_server)


FLOWS = [SCREENING, CHECKER_GONE, COUNCIL, BATCH]

"""Support given back after the release: staff record that an approved organization declines its support (never once
its contract is signed); the envelope is lowered by what its decision approved, the waiting list proposes the next
application that passed, and its late decision reaches its applicant as soon as a leader decides it."""

from datetime import date

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.models import OutboxMessage
from policies.models import Call, Regime
from projects.contracts import services as contracts
from proposals.queries import load_proposal
from review.councils import services
from review.councils.queries import load_council
from review.decisions import services as decisions
from review.decisions import waiting
from tests.conftest import login, vi_text
from tests.review.test_waiting_list import MILLION, _draft, _leader, _ranked


def _released(app) -> dict:
    """Three applications of 250 million before a council with 500 million: the first two approved and released,
    the third passed and waiting."""
    world = _ranked(app, count=3)
    council_id, (first, second, _third) = world["council"], world["proposals"]
    with app.test_request_context():
        for proposal_id, number in ((first, "1/QĐ-SKHCN"), (second, "2/QĐ-SKHCN")):
            decisions.decide(_draft(council_id, proposal_id, number), load_council(council_id), "approved", _leader())
        staff = load_council(council_id).admin_secretary
        services.move_council(load_council(council_id), "released", staff)
        db.session.commit()
    return world


def _committed(call_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Call, call_id).committed_vnd


def test_support_declined_after_the_release_goes_to_the_next_application(app, client, reference):
    world = _released(app)
    council_id, (first, second, third) = world["council"], world["proposals"]
    assert _committed(world["call"]) == 500 * MILLION
    assert not waiting.waiting_list(load_council(council_id)).proposed  # nothing free yet
    login(client, "staff@s.vn")
    client.post("/language", data={"language": "en"})
    page = client.get(f"/staff/councils/{council_id}/decisions").text
    assert "The organization declines the support" in page
    url = f"/staff/councils/{council_id}/decisions/{second}/withdrawal"
    refused = client.post(url, data={"comment": "  "}, follow_redirects=True)
    assert "Please say why" in refused.text and load_proposal(second).status == "approved"
    client.post(url, data={"comment": "Công văn số 12/CV-CT ngày 01/12/2026: không đủ vốn đối ứng"})
    assert load_proposal(second).status == "withdrawn" and _committed(world["call"]) == 250 * MILLION
    listed = waiting.waiting_list(load_council(council_id))
    assert [w.proposal_id for w in listed.proposed] == [third] and listed.free_vnd == 250 * MILLION
    assert client.post(url, data={"comment": "lần nữa"}).status_code == 302  # a second time is refused
    assert _committed(world["call"]) == 250 * MILLION

    # Staff recommend the third, draft its decision; the leader approves it and its applicant is told at once.
    answer = client.post(f"/staff/councils/{council_id}/waiting-list/{third}")
    assert answer.headers["Location"] == f"/staff/councils/{council_id}/decisions/{third}"
    told_before = load_proposal(third).result_released_at  # "passed, not funded", at the release
    applicant = db.session.get(User, load_proposal(third).created_by_id).email
    mails = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == applicant)
    mailed_before = db.session.execute(mails).scalar()
    with app.test_request_context():
        late = _draft(council_id, third, "3/QĐ-SKHCN")
        assert load_proposal(third).status == "pending_approval"
        decisions.decide(late, load_council(council_id), "approved", _leader())
        db.session.commit()
    proposal = load_proposal(third)
    assert proposal.status == "approved" and proposal.result_released_at > told_before
    assert db.session.execute(mails).scalar() > mailed_before  # its organization is told, as at a release
    assert _committed(world["call"]) == 500 * MILLION
    assert load_proposal(first).status == "approved"  # the others are untouched


def test_no_support_is_given_back_before_the_release_or_once_a_contract_is_signed(app, reference):
    world = _ranked(app, count=3)
    council_id, (first, second, _third) = world["council"], world["proposals"]
    with app.test_request_context():
        approved = _draft(council_id, first, "1/QĐ-SKHCN")
        decisions.decide(approved, load_council(council_id), "approved", _leader())
        staff = load_council(council_id).admin_secretary
        with pytest.raises(
            DomainError, match=vi_text(app, "Support is given back once the council's decisions are released.")
        ):
            waiting.record_withdrawal(load_council(council_id), load_proposal(first), "Công văn", staff)
        decisions.decide(_draft(council_id, second, "2/QĐ-SKHCN"), load_council(council_id), "approved", _leader())
        services.move_council(load_council(council_id), "released", staff)
        proposal = load_proposal(first)
        data = {
            "contract_number": "5/2026/HĐ-KHCN",
            "signed_on": date(2026, 1, 5),
            "start_on": date(2026, 1, 5),
            "end_on": date(2026, 12, 31),
            "agency_signer": "Giám đốc Sở",
            "host_signer": "Giám đốc",
            "legacy_area": "",
        }
        regime = db.session.get(Regime, proposal.call.regime_id)
        contracts.create_project(proposal, data, contracts.plan_tranches(250 * MILLION, regime.tranche_split), staff)
        db.session.commit()
        contract = "A contract was signed for this application: close its project to recover the support instead."
        with pytest.raises(DomainError, match=vi_text(app, contract)):
            waiting.record_withdrawal(load_council(council_id), load_proposal(first), "Công văn", staff)
        db.session.rollback()
    assert _committed(world["call"]) == 500 * MILLION

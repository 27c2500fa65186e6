"""The fixed-amount path (DOMAIN §6): checked applications drafted in a batch decision, approved by a leader without a
council (envelope committed, applicants told), refused with a reason, and each award paid once by finance."""

from datetime import date

import pytest
from flask_babel import refresh
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.models import AuditEvent, OutboxMessage
from policies.models import Call, Regime, SupportCategory
from projects.fixed import services as fixed
from projects.fixed.models import BatchDecision, FixedAward
from proposals.models import Proposal
from tests.conftest import login, run_at_once
from tests.factories import make_call, make_organization, make_user, make_valid_proposal


@pytest.fixture
def people(app, reference):
    # The test's app context (and its `g`) outlives each request: forget the language the last one used, so that
    # each person's page comes in their own (the department's in English, for the assertions).
    app.before_request(refresh)
    org = make_organization()
    people = {
        "host": make_user("host@cty.vn", organization=org),
        "outsider": make_user("other@khac.vn", organization=make_organization()),
        "staff": make_user("staff@s.vn", roles=("staff",), locale="en"),
        "leader": make_user("leader@s.vn", roles=("leader",), locale="en"),
        "finance": make_user("finance@s.vn", roles=("finance",), locale="en"),
        "reviewer": make_user("reviewer@r.vn", roles=("reviewer",)),
    }
    db.session.commit()
    return people


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _trademark() -> SupportCategory:
    regime = select(Regime.id).where(Regime.code == "TN-25/2025").scalar_subquery()
    query = select(SupportCategory).where(SupportCategory.regime_id == regime, SupportCategory.code == "SHTT-NH")
    return db.session.execute(query).scalar_one()


def _fixed_application(app, call: Call, host, support: int = 12_000_000) -> Proposal:
    """A valid application for the trademark category (fixed 15.000.000 ₫): the certificate fee asked back."""
    lines = [
        {
            "kind": "services",
            "description": "Phí cấp giấy chứng nhận nhãn hiệu",
            "support_vnd": support,
            "counterpart_vnd": 0,
        }
    ]
    with app.test_request_context():
        proposal = make_valid_proposal(
            call, host, category_id=_trademark().id, budget_lines=lines, title="Bảo hộ nhãn hiệu Thanh long Tây Ninh"
        )
    db.session.commit()
    return proposal


def _draft(client, call_id: int, proposal_ids: list[int], number: str = "45/QĐ-SKHCN"):
    data = {
        "number": number,
        "signed_on": "10/03/2026",
        "signer": "Phó Giám đốc Lê Văn C",
        "proposal_ids": proposal_ids,
    }
    return client.post(f"/staff/calls/{call_id}/batch-decisions", data=data)


def _batch() -> BatchDecision:
    db.session.expire_all()
    return db.session.execute(select(BatchDecision)).scalar_one()


def test_staff_draft_a_batch_and_the_form_refuses_what_does_not_fit(app, people):
    with app.test_request_context():
        call = make_call()
        council_path = make_valid_proposal(call, people["host"])  # a rate-and-cap application
    db.session.commit()
    proposal = _fixed_application(app, call, people["host"])
    staff = _as(app, people["staff"])
    page = staff.get(f"/staff/calls/{call.id}/batch-decisions").get_data(as_text=True)
    assert proposal.reference_code in page and "12.000.000" in page and council_path.reference_code not in page

    empty = _draft(staff, call.id, [])
    assert empty.status_code == 400
    text = empty.get_data(as_text=True)
    assert "Choose at least one application." in text and "45/QĐ-SKHCN" in text and "Phó Giám đốc Lê Văn C" in text
    not_fixed = _draft(staff, call.id, [proposal.id, council_path.id])
    assert not_fixed.status_code == 400
    assert "is not of a fixed-amount support category" in not_fixed.get_data(as_text=True)
    assert f'value="{proposal.id}" id="proposal-{proposal.id}" checked' in not_fixed.get_data(as_text=True)
    assert db.session.execute(select(BatchDecision)).first() is None

    created = _draft(staff, call.id, [proposal.id])
    assert created.status_code == 302
    batch = _batch()
    assert (batch.status, batch.total_vnd, batch.call_id) == ("draft", 12_000_000, call.id)
    award = db.session.execute(select(FixedAward)).scalar_one()
    assert (award.proposal_id, award.amount_vnd, award.status) == (proposal.id, 12_000_000, "pending")
    listing = staff.get(f"/staff/calls/{call.id}/batch-decisions").get_data(as_text=True)
    assert "45/QĐ-SKHCN" in listing and f'value="{proposal.id}"' not in listing  # no longer offered
    assert 'name="number" required type="text" value="46/QĐ-SKHCN"' in listing  # the register's next number

    second = _fixed_application(app, call, people["host"], support=15_000_000)
    duplicate = _draft(staff, call.id, [second.id])
    assert duplicate.status_code == 400
    assert (
        "Number 45/QĐ-SKHCN of 2026 was already given to a batch decision; the next free number is 46/QĐ-SKHCN."
        in duplicate.get_data(as_text=True)
    )
    again = _draft(staff, call.id, [proposal.id], number="46/QĐ-SKHCN")
    assert again.status_code == 400 and "already in another decision" in again.get_data(as_text=True)


def test_leader_approves_finance_pays_once(app, people):
    with app.test_request_context():
        call = make_call()
    db.session.commit()
    proposal = _fixed_application(app, call, people["host"])
    assert _draft(_as(app, people["staff"]), call.id, [proposal.id]).status_code == 302
    batch_id = _batch().id

    assert _as(app, people["staff"]).post(f"/staff/batch-decisions/{batch_id}/transition/approved").status_code == 403
    leader = _as(app, people["leader"])
    page = leader.get(f"/staff/batch-decisions/{batch_id}").get_data(as_text=True)
    assert "Approve the batch" in page and "Do not approve" in page
    refused = leader.post(f"/staff/batch-decisions/{batch_id}/transition/refused", follow_redirects=True)
    assert "Please give a reason." in refused.get_data(as_text=True) and _batch().status == "draft"

    approved = leader.post(f"/staff/batch-decisions/{batch_id}/transition/approved", follow_redirects=True)
    assert "The decision is now: Approved" in approved.get_data(as_text=True)
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.status == "approved" and proposal.result_released_at is not None
    assert db.session.get(Call, call.id).committed_vnd == 12_000_000
    award = db.session.execute(select(FixedAward)).scalar_one()
    assert award.status == "approved"
    mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == "host@cty.vn")).scalars().all()
    assert any("45/QĐ-SKHCN" in m.body_text and "12.000.000" in m.body_text for m in mail)

    finance = _as(app, people["finance"])
    page = finance.get(f"/staff/batch-decisions/{batch_id}").get_data(as_text=True)
    assert f"award{award.id}-payment_reference" in page
    form = {
        f"award{award.id}-paid_on": "20/03/2026",
        f"award{award.id}-payment_reference": "UNC 123/KBNN",
        f"award{award.id}-version": str(award.version),
    }
    missing = finance.post(f"/staff/awards/{award.id}/payment", data={**form, f"award{award.id}-paid_on": ""})
    assert missing.status_code == 400 and "UNC 123/KBNN" in missing.get_data(as_text=True)
    assert finance.post(f"/staff/awards/{award.id}/payment", data=form).status_code == 302
    twice = finance.post(f"/staff/awards/{award.id}/payment", data=form)  # the same form sent again
    assert twice.status_code == 400 and "changed after you opened the page" in twice.get_data(as_text=True)
    db.session.expire_all()
    award = db.session.get(FixedAward, award.id)
    assert (award.status, award.payment_reference, award.paid_on.day) == ("paid", "UNC 123/KBNN", 20)
    payments = select(func.count()).where(AuditEvent.object_type == "fixed_award", AuditEvent.to_state == "paid")
    assert db.session.execute(payments).scalar() == 1
    page = finance.get(f"/staff/batch-decisions/{batch_id}").get_data(as_text=True)
    assert "UNC 123/KBNN" in page and "left to pay" in page


def test_a_refused_batch_frees_its_applications(app, people):
    with app.test_request_context():
        call = make_call()
    db.session.commit()
    proposal = _fixed_application(app, call, people["host"])
    staff = _as(app, people["staff"])
    assert _draft(staff, call.id, [proposal.id]).status_code == 302
    leader = _as(app, people["leader"])
    url = f"/staff/batch-decisions/{_batch().id}/transition/refused"
    assert leader.post(url, data={"comment": "Giấy chứng nhận chưa hợp lệ"}).status_code == 302
    batch = _batch()
    assert batch.status == "refused" and batch.comment == "Giấy chứng nhận chưa hợp lệ"
    assert db.session.execute(select(FixedAward.status)).scalar_one() == "refused"
    assert db.session.get(Proposal, proposal.id).status == "valid"
    assert db.session.get(Call, call.id).committed_vnd == 0
    assert _draft(staff, call.id, [proposal.id], number="47/QĐ-SKHCN").status_code == 302  # in another batch


def test_the_envelope_cannot_be_passed(app, people):
    with app.test_request_context():
        call = make_call(budget_vnd=20_000_000)
    db.session.commit()
    first = _fixed_application(app, call, people["host"])
    second = _fixed_application(app, call, people["host"], support=15_000_000)
    assert _draft(_as(app, people["staff"]), call.id, [first.id, second.id]).status_code == 302
    batch_id = _batch().id
    leader = _as(app, people["leader"])
    page = leader.post(f"/staff/batch-decisions/{batch_id}/transition/approved", follow_redirects=True)
    assert "would pass the call&#39;s budget envelope" in page.get_data(as_text=True)
    assert _batch().status == "draft"
    assert db.session.get(Call, call.id).committed_vnd == 0
    assert db.session.get(Proposal, first.id).status == "valid"
    to_host = select(OutboxMessage).where(OutboxMessage.recipient == people["host"].email)
    assert db.session.execute(to_host.where(OutboxMessage.body_text.contains("45/QĐ-SKHCN"))).first() is None


def test_who_may_open_and_act(app, people):
    with app.test_request_context():
        call = make_call()
    db.session.commit()
    proposal = _fixed_application(app, call, people["host"])
    assert _draft(_as(app, people["staff"]), call.id, [proposal.id]).status_code == 302
    batch_id = _batch().id
    award_id = db.session.execute(select(FixedAward.id)).scalar_one()
    listing, page = f"/staff/calls/{call.id}/batch-decisions", f"/staff/batch-decisions/{batch_id}"
    approve, pay = f"{page}/transition/approved", f"/staff/awards/{award_id}/payment"
    anonymous = app.test_client()
    assert "/login" in anonymous.get(listing).headers["Location"]
    for name in ("host", "outsider", "reviewer"):
        client = _as(app, people[name])
        assert [client.get(listing).status_code, client.get(page).status_code] == [403, 403]
        assert [client.post(approve).status_code, client.post(pay).status_code] == [403, 403]
    for name in ("leader", "finance"):
        client = _as(app, people[name])
        assert client.get(listing).status_code == 200 and client.get(page).status_code == 200
        assert client.post(listing).status_code == 403
    assert _as(app, people["finance"]).post(approve).status_code == 403
    assert _as(app, people["leader"]).post(pay).status_code == 403
    assert _as(app, people["staff"]).post(pay).status_code == 403
    assert _as(app, people["staff"]).get("/staff/batch-decisions/9999").status_code == 404
    assert _as(app, people["staff"]).get("/staff/calls/9999/batch-decisions").status_code == 404


def test_service_amount_is_capped_by_the_fixed_amount(app, people):
    with app.test_request_context():
        call = make_call()
    db.session.commit()
    proposal = _fixed_application(app, call, people["host"], support=15_000_000)
    with app.test_request_context():
        [(offered, amount)] = fixed.candidate_applications(call.id)
        assert offered.id == proposal.id and amount == 15_000_000
        offered.support_total_vnd = 18_000_000  # asked above the fixed amount (e.g. before the category changed)
        assert fixed.award_amount(offered) == 15_000_000


def _count(app, count_queries, url: str, user) -> int:
    client = _as(app, user)
    client.get(url)
    db.session.expire_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_query_budget(app, people, count_queries):
    with app.test_request_context():
        call = make_call()
    db.session.commit()
    ids = [_fixed_application(app, call, people["host"]).id for _ in range(2)]
    staff = _as(app, people["staff"])
    assert _draft(staff, call.id, ids[:1]).status_code == 302
    batch_id = _batch().id
    urls = (f"/staff/calls/{call.id}/batch-decisions", f"/staff/batch-decisions/{batch_id}")
    small = [_count(app, count_queries, url, people["finance"]) for url in urls]
    more = [_fixed_application(app, call, people["host"]).id for _ in range(4)]
    assert _draft(staff, call.id, [ids[1], *more[:2]], number="48/QĐ-SKHCN").status_code == 302
    assert _draft(staff, call.id, more[2:3], number="49/QĐ-SKHCN").status_code == 302
    big_batch = db.session.execute(select(BatchDecision.id).where(BatchDecision.number == "48/QĐ-SKHCN")).scalar()
    urls = (f"/staff/calls/{call.id}/batch-decisions", f"/staff/batch-decisions/{big_batch}")
    assert [_count(app, count_queries, url, people["finance"]) for url in urls] == small
    assert max(small) <= 12, small


def test_two_payments_of_the_same_award_at_once_pay_it_once(app, people):
    with app.test_request_context():
        call = make_call()
    db.session.commit()
    proposal = _fixed_application(app, call, people["host"])
    assert _draft(_as(app, people["staff"]), call.id, [proposal.id]).status_code == 302
    assert _as(app, people["leader"]).post(f"/staff/batch-decisions/{_batch().id}/transition/approved").status_code
    award_id = db.session.execute(select(FixedAward.id)).scalar_one()
    paid = []

    def pay(reference: str) -> None:
        award = db.session.get(FixedAward, award_id)
        try:
            fixed.pay_award(award, date(2026, 3, 20), reference, db.session.get(User, people["finance"].id))
            db.session.commit()
            paid.append(reference)
        except (DomainError, StaleDataError):  # the other one was first: its state or its version refuses
            db.session.rollback()

    assert not run_at_once(app, pay, [("UNC-1",), ("UNC-2",)])
    assert len(paid) == 1
    db.session.expire_all()
    assert db.session.get(FixedAward, award_id).payment_reference == paid[0]


def test_two_decisions_drafted_with_one_number_at_once_give_one_and_a_message(app, people):
    with app.test_request_context():
        call = make_call()
    db.session.commit()
    first, second = (_fixed_application(app, call, people["host"]).id for _ in range(2))
    drafted, refused = [], []

    def draft(proposal_id: int) -> None:
        data = {
            "number": "45/QĐ-SKHCN",
            "signed_on": date(2026, 3, 1),
            "signer": "Giám đốc",
            "proposal_ids": [proposal_id],
        }
        try:
            fixed.draft_batch(db.session.get(Call, call.id), data, db.session.get(User, people["staff"].id))
            db.session.commit()
            drafted.append(proposal_id)
        except DomainError as error:  # the other one took the number first: a message, never a 500
            db.session.rollback()
            refused.append(error.field)

    assert not run_at_once(app, draft, [(first,), (second,)])
    assert len(drafted) == 1 and refused == ["number"]
    assert db.session.execute(select(BatchDecision.number)).scalars().all() == ["45/QĐ-SKHCN"]

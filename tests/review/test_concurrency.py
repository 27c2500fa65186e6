"""The call's budget envelope is never over-committed, even when leaders approve decisions at the same moment."""

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.formatting import utcnow
from policies.models import Call
from review.councils.queries import load_council
from review.decisions import services as decisions
from review.models import Decision
from tests.conftest import run_at_once
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal


def test_simultaneous_approvals_never_pass_the_envelope(app, reference):
    with app.test_request_context():
        staff = make_user(roles=("staff",))
        leaders = [make_user(f"ld{i}@s.vn", roles=("leader",)) for i in range(4)]
        call = make_call(budget_vnd=500_000_000)
        proposals = [make_valid_proposal(call, make_user(organization=make_organization())) for _ in range(4)]
        council = make_council(call, staff)
    council.status = "ranked"  # decisions are approved once the conclusions are recorded
    made = [
        Decision(
            council_id=council.id,
            proposal_id=p.id,
            number=f"{i}/QĐ-SKHCN",
            signed_on=utcnow().date(),
            signer="Giám đốc",
            approved_vnd=200_000_000,
        )
        for i, p in enumerate(proposals, 1)
    ]
    db.session.add_all(made)
    db.session.commit()
    approved, refused = [], []

    def approve(decision_id: int, user_id: int) -> None:
        decision = db.session.get(Decision, decision_id)
        try:
            decisions.decide(decision, load_council(council.id), "approved", db.session.get(User, user_id))
            db.session.commit()
            approved.append(decision_id)
        except DomainError:  # the envelope is used up
            db.session.rollback()
            refused.append(decision_id)

    assert not run_at_once(app, approve, [(d.id, leader.id) for d, leader in zip(made, leaders, strict=True)])
    assert len(approved) == 2 and len(refused) == 2  # 2 × 200 million fit in 500 million, a third would not
    db.session.expire_all()
    assert db.session.get(Call, call.id).committed_vnd == 400_000_000

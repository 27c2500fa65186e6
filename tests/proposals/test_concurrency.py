"""Reference numbers stay unique when applications of one call are submitted at the same moment."""

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from proposals import services
from proposals.models import Proposal
from proposals.queries import load_proposal
from tests.conftest import run_at_once
from tests.factories import make_call, make_organization, make_proposal, make_user


def test_simultaneous_submissions_get_distinct_numbers(app, reference):
    call = make_call(code="TN-2026-01")
    people = [make_user(f"p{i}@org{i}.vn", organization=make_organization()) for i in range(4)]
    ids = [(make_proposal(call, person).id, person.id) for person in people]
    db.session.commit()

    def submit(proposal_id: int, user_id: int) -> None:
        services.submit_proposal(load_proposal(proposal_id), db.session.get(User, user_id))
        db.session.commit()

    assert not run_at_once(app, submit, ids)
    db.session.expire_all()
    codes = sorted(db.session.execute(select(Proposal.reference_code)).scalars())
    assert codes == [f"TN-2026-01-{n:04d}" for n in range(1, 5)]

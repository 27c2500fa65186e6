"""Reference numbers stay unique when applications of one call are submitted at the same moment."""

import threading

from sqlalchemy import select

from core.extensions import db
from proposals import services
from proposals.models import Proposal
from proposals.queries import load_proposal
from tests.factories import make_call, make_organization, make_proposal, make_user


def test_simultaneous_submissions_get_distinct_numbers(app, reference):
    call = make_call(code="TN-2026-01")
    people = [make_user(f"p{i}@org{i}.vn", organization=make_organization()) for i in range(4)]
    ids = [(make_proposal(call, person).id, person.id) for person in people]
    db.session.commit()
    start = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def submit(proposal_id: int, user_id: int) -> None:
        with app.app_context(), app.test_request_context():
            try:
                from accounts.models import User

                user = db.session.get(User, user_id)
                proposal = load_proposal(proposal_id)
                start.wait()
                services.submit_proposal(proposal, user)
                db.session.commit()
            except BaseException as error:  # reported below; a thread's exception is otherwise lost
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    db.session.expire_all()
    codes = sorted(db.session.execute(select(Proposal.reference_code)).scalars())
    assert codes == [f"TN-2026-01-{n:04d}" for n in range(1, 5)]

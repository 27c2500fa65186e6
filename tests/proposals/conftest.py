"""The people the application tests share, and an application submitted by one of them."""

import pytest
from flask import current_app

from core.extensions import db
from proposals import services
from proposals.models import Proposal
from proposals.queries import load_proposal
from tests.factories import make_organization, make_proposal, make_user


@pytest.fixture
def people(app, reference):
    """An applicant of a cooperative, staff and a leader."""
    org = make_organization("Hợp tác xã Thanh long Châu Thành")
    users = {
        "applicant": make_user("an@htx.vn", organization=org),
        "staff": make_user("staff@s.vn", roles=("staff",)),
        "leader": make_user("leader@s.vn", roles=("leader",)),
    }
    db.session.commit()
    return users


def submitted(call, user, **overrides: object) -> Proposal:
    """A complete application submitted by the user (mail links need a request context)."""
    with current_app.test_request_context():
        proposal = make_proposal(call, user, **overrides)
        services.submit_proposal(proposal, user)
    db.session.commit()
    return load_proposal(proposal.id)

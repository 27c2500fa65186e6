"""The people the application tests share, an application submitted by one of them, and uploads."""

import io
import zipfile

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


def ooxml(part: str) -> bytes:
    """A minimal Office Open XML file whose main part is `part` (word/document.xml: a DOCX)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(client, proposal_id: int, name: str, data: bytes, document: str = ""):
    """Attach a file to the application through its page's form."""
    return client.post(
        f"/applications/{proposal_id}/documents",
        data={"call_document_id": document, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

"""A score sheet records the version of the application it was written for: the member sees which one, what changed
since the version before (the department's supplement round), and is told when the application moved on since their
sheet; the department sees it on each sheet of the result; the upgrade dates the sheets already written."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from core.extensions import db
from proposals import services as proposal_services
from proposals.models import ProposalVersion
from proposals.queries import load_proposal
from proposals.versions import content_of
from review.councils.queries import load_council
from review.models import ScoreSheet
from review.sheets.queries import seat_assignment
from tests.conftest import login
from tests.factories import make_call, make_council, make_organization, make_proposal, make_user, proposal_data, score
from tests.migrating import migrated


def _supplemented_world(app) -> dict:
    """An application submitted, returned for a supplement and resubmitted with a new title (version 2), then
    before a council of seven, scoring; the first member has scored it."""
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        call = make_call()
        applicant = make_user("nop@congty.vn", organization=make_organization())
        proposal = make_proposal(call, applicant, title="Ứng dụng cảm biến tưới tiêu")
        proposal_services.submit_proposal(proposal, applicant)
        proposal.status = "needs_supplement"
        proposal = load_proposal(proposal.id)
        proposal_services.apply_draft(proposal, proposal_data(call, title="Ứng dụng cảm biến tưới tiêu tự động"))
        proposal_services.submit_proposal(proposal, applicant)
        proposal.status = "valid"
        members = [make_user(f"tv{i}@vien{i}.vn", roles=("reviewer",), full_name=f"Thành viên {i}") for i in range(7)]
        council = make_council(call, staff, members, open_scoring=True)
        score(council, proposal, members[0])
        db.session.commit()
        return {"council": council.id, "proposal": proposal.id, "members": members}


def test_the_sheet_says_which_version_it_judged_and_what_changed_before_it(app, client, reference):
    world = _supplemented_world(app)
    council_id, proposal_id = world["council"], world["proposal"]
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    assert sheet.proposal_version == 2
    login(client, world["members"][0].email)
    client.post("/language", data={"language": "en"})
    page = client.get(f"/review/councils/{council_id}/applications/{proposal_id}").get_data(as_text=True)
    assert "Version 2, submitted on" in page and "Written for version 2 of the application." in page
    changes = f"/review/councils/{council_id}/applications/{proposal_id}/versions?a=1&amp;b=2"
    assert f'href="{changes}">What changed since version 1</a>' in page and "resubmitted since" not in page
    shown = client.get(changes.replace("&amp;", "&")).get_data(as_text=True)
    assert "Ứng dụng cảm biến tưới tiêu tự động" in shown and "1 section(s) changed." in shown


def test_a_sheet_written_for_an_older_version_says_so_to_its_member_and_the_department(app, client, reference):
    world = _supplemented_world(app)
    council_id, proposal_id = world["council"], world["proposal"]
    with app.test_request_context():
        # A third version (no state leads back from review to a supplement today: written as a resubmission would).
        snapshot = content_of(load_proposal(proposal_id)) | {"title": "Ứng dụng cảm biến tưới tiêu thông minh"}
        db.session.add(ProposalVersion(proposal_id=proposal_id, number=3, snapshot=snapshot))
        db.session.commit()
    login(client, world["members"][0].email)
    client.post("/language", data={"language": "en"})
    page = client.get(f"/review/councils/{council_id}/applications/{proposal_id}").get_data(as_text=True)
    assert (
        "This sheet was written for version 2 of the application; it has been resubmitted since, as version 3." in page
    )
    assert f"/review/councils/{council_id}/applications/{proposal_id}/versions?a=2&amp;b=3" in page
    staff = app.test_client()
    login(staff, "staff@s.vn")
    staff.post("/language", data={"language": "en"})
    result = staff.get(f"/councils/{council_id}/results/{proposal_id}").get_data(as_text=True)
    assert "written for version 2" in result
    # Another member, not declared yet, is sent to the declaration; one who declared a conflict learns nothing.
    other = app.test_client()
    login(other, world["members"][1].email)
    assert other.get(f"/review/councils/{council_id}/applications/{proposal_id}/versions").status_code == 302
    with app.test_request_context():
        from review.sheets import services as sheets

        sheets.declare(
            seat_assignment(council_id, proposal_id, world["members"][1].id),
            load_council(council_id),
            True,
            "Người thân",
            world["members"][1],
        )
        db.session.commit()
    assert other.get(f"/review/councils/{council_id}/applications/{proposal_id}/versions").status_code == 404


def test_the_upgrade_dates_the_sheets_already_written(database_url, tmp_path):
    with migrated(database_url, tmp_path):  # the demo: the chair's sheet of the first application (version 1)
        db.session.remove()
        downgrade(revision="0031_acceptance_declarations")
        upgrade()
        found = db.session.execute(text("SELECT proposal_version FROM score_sheets")).scalars().all()
        assert found == [1]

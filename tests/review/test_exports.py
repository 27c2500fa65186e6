"""The council's stored Excel export: built within the request for a small council and kept while the results stay
as they were, once per language; a large council's built by `flask review build-exports` when someone asked for it;
a chair kept from an application gets a workbook of their own, never stored."""

from io import BytesIO

import pytest
from flask_babel import refresh
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from proposals.files import stored_path
from proposals.queries import load_proposal
from review.councils.models import Council
from review.councils.queries import load_council
from review.results.models import CouncilExport
from tests.conftest import login, vi_text
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score


@pytest.fixture
def world(app, reference):
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        call = make_call()
        applicants = [make_user(f"an{i}@congty{i}.vn", organization=make_organization()) for i in range(2)]
        proposals = [make_valid_proposal(call, a, title=f"Dự án {i}") for i, a in enumerate(applicants)]
        members = [make_user(f"tv{i}@vien.vn", roles=("reviewer",), full_name=f"Thành viên {i}") for i in range(7)]
        council = make_council(call, staff, members, open_scoring=True)
        db.session.commit()
    return {"council": council, "proposals": proposals, "members": members}


def _staff(app):
    client = app.test_client()
    login(client, "staff@s.vn")
    return client


def _stored(council_id: int) -> dict[str, CouncilExport]:
    db.session.expire_all()
    rows = db.session.execute(select(CouncilExport).where(CouncilExport.council_id == council_id)).scalars()
    return {row.language: row for row in rows}


def _revision(council_id: int) -> int:
    return db.session.execute(select(Council.results_revision).where(Council.id == council_id)).scalar_one()


def _score(app, world, member_index: int) -> None:
    with app.test_request_context():
        council = load_council(world["council"].id)
        score(council, load_proposal(world["proposals"][0].id), world["members"][member_index])
        db.session.commit()


def test_a_small_councils_export_is_kept_until_its_results_change(app, world):
    council_id, staff = world["council"].id, _staff(app)
    url = f"/councils/{council_id}/results.xlsx"
    first = staff.get(url)
    assert first.status_code == 200
    stored = _stored(council_id)["vi"]
    assert stored.revision == _revision(council_id) and stored_path(stored.stored_name).exists()
    built, name = stored.built_at, stored.stored_name
    assert staff.get(url).data == first.data and _stored(council_id)["vi"].built_at == built  # served, not rebuilt
    _score(app, world, 0)  # a sheet submitted: the results changed
    third = staff.get(url)
    stored = _stored(council_id)["vi"]
    assert stored.revision == _revision(council_id) and stored.stored_name != name
    assert not stored_path(name).exists()  # the one it replaced is gone
    book = load_workbook(BytesIO(third.data))
    assert (
        book.sheetnames == [vi_text(app, "Ranking"), vi_text(app, "Scores")] and book.worksheets[1].max_row == 3
    )  # the title row, the header, a sheet
    stored_path(stored.stored_name).unlink()  # lost (a restore without the uploads): built again when asked for
    assert staff.get(url).data[:2] == b"PK" and stored_path(_stored(council_id)["vi"].stored_name).exists()


def test_each_language_has_its_own_stored_export(app, world):
    council_id = world["council"].id
    url = f"/councils/{council_id}/results.xlsx"
    english_staff = make_user("en@s.vn", roles=("staff",), locale="en")
    db.session.commit()
    refresh()  # the tests' requests share one application context: forget the language the fixture's chose
    english = app.test_client()
    login(english, english_staff.email)
    assert load_workbook(BytesIO(english.get(url).data)).sheetnames == ["Ranking", "Scores"]
    assert set(_stored(council_id)) == {"en"}


def test_a_large_councils_export_is_built_by_the_scheduled_job_once_asked_for(app, world):
    app.config["EXPORT_INLINE_APPLICATIONS"] = 1  # the council has two
    council_id, staff, runner = world["council"].id, _staff(app), app.test_cli_runner()
    url = f"/councils/{council_id}/results.xlsx"
    asked = staff.get(url)
    assert asked.status_code == 302 and asked.headers["Location"].endswith(f"/councils/{council_id}/results")
    message = "This council's Excel file is large and is being prepared: download it again in a few minutes."
    assert vi_text(app, message) in staff.get(asked.headers["Location"]).text
    assert _stored(council_id)["vi"].revision is None  # recorded as asked for, not built
    assert "exports built: 1" in runner.invoke(args=["review", "build-exports"]).output
    served = staff.get(url)
    assert served.status_code == 200 and load_workbook(BytesIO(served.data)).worksheets[0].max_row == 4
    assert "exports built: 0" in runner.invoke(args=["review", "build-exports"]).output
    _score(app, world, 1)
    assert "exports built: 0" in runner.invoke(args=["review", "build-exports"]).output  # not asked for since
    assert staff.get(url).status_code == 302  # out of date: asked for again
    assert "exports built: 1" in runner.invoke(args=["review", "build-exports"]).output
    book = load_workbook(BytesIO(staff.get(url).data))
    assert book.worksheets[1].max_row == 3  # the sheet scored since


def test_a_chair_kept_from_an_application_gets_an_export_of_their_own(app, world):
    chair = world["members"][0]
    with app.test_request_context():
        council = load_council(world["council"].id)
        score(council, world["proposals"][0], chair)
        from review.sheets import services as sheets
        from review.sheets.queries import seat_assignment

        sheets.declare(seat_assignment(council.id, world["proposals"][1].id, chair.id), council, True, "Họ hàng", chair)
        db.session.commit()
    client = app.test_client()
    login(client, chair.email)
    export = load_workbook(BytesIO(client.get(f"/councils/{world['council'].id}/results.xlsx").data))
    assert [row[2].value for row in export.worksheets[0].iter_rows(min_row=3)] == ["Dự án 0"]
    assert _stored(world["council"].id) == {}  # never stored, nor served to anyone else

"""The calendar feed: each person's events and nobody else's, parsed back with icalendar; the secret address, its
reset and its refusals; a constant number of queries."""

import io
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar
from itsdangerous import URLSafeSerializer
from sqlalchemy import delete, update
from werkzeug.datastructures import FileStorage

from core.extensions import db
from core.formatting import local_today, to_local, utcnow
from notifications.calendar import AHEAD_DAYS, PAST_DAYS, SALT, feed_address
from projects.acceptance.queries import load_council as load_acceptance
from projects.acceptance.services import open_rating, save_council, submit_dossier
from projects.contracts.models import Project
from projects.followup.models import PeriodicReport
from proposals.models import Proposal
from proposals.services import submit_proposal
from review.councils.queries import load_council
from review.sheets.queries import seat_assignment
from review.sheets.services import declare
from tests.access_expectations import DOSSIER
from tests.conftest import login
from tests.factories import (
    PDF_BYTES,
    bulk_projects,
    make_call,
    make_council,
    make_organization,
    make_project,
    make_proposal,
    make_user,
    make_valid_proposal,
)

SECRET_TITLE = "Ứng dụng bí mật trước hội đồng"  # an application before the council: never in a member's feed
FEED_BUDGET = 9  # the user and their feed's generation, their roles and membership, one query per kind of event


def _set_reports(project: Project, *due: tuple[int, str]) -> list[PeriodicReport]:
    """Replace the project's report schedule with reports due today + days, in the given states."""
    db.session.execute(delete(PeriodicReport).where(PeriodicReport.project_id == project.id))
    reports = [
        PeriodicReport(project_id=project.id, sequence=n, due_on=local_today() + timedelta(days=days), status=status)
        for n, (days, status) in enumerate(due, start=1)
    ]
    db.session.add_all(reports)
    db.session.flush()
    return reports


def _accepting_project(app, host, staff, call, members):
    """A project of the host whose final dossier is in, before an acceptance council rating it (meeting in 20 days)."""
    project = make_project(host, staff=staff, call=call)
    submit_dossier(project, DOSSIER, [FileStorage(io.BytesIO(PDF_BYTES), "bao-cao.pdf")], host)
    council = save_council(
        project,
        None,
        {
            "name": "Hội đồng nghiệm thu dự án thanh long",
            "meeting_at": utcnow() + timedelta(days=20),
            "place": "Hội trường Sở",
            "admin_secretary_id": staff.id,
            "members": [(members[0].id, "chair"), *((m.id, "member") for m in members[1:5])],
            "comment": "",
        },
        staff,
    )
    for seat in council.members:
        db.session.expire(seat)  # reloaded with their users, which the mails need
    open_rating(load_acceptance(council.id), project, staff)
    return council


@pytest.fixture
def world(app, reference):
    """Two organizations with their applications and projects, staff, and council members, on dates around today."""
    today = local_today()
    org_a, org_b = make_organization(), make_organization()
    people = {
        "host": make_user("host@a.vn", organization=org_a),
        "other": make_user("host@b.vn", organization=org_b, locale="en"),
        "staff": make_user("staff@s.vn", roles=("staff",)),
        "member": make_user("member@vien.vn", roles=("reviewer",)),
    }
    others = [make_user(roles=("reviewer",)) for _ in range(6)]
    calls = {
        "open": make_call(title="Đợt thử nghiệm", title_en="Trial call"),
        "review": make_call(),
        "forming": make_call(),
        "draft": make_call(status="draft"),
        "closed": make_call(status="closed"),
    }
    with app.test_request_context():
        supplement = make_proposal(calls["open"], people["host"])
        submit_proposal(supplement, people["host"])
        secret = make_valid_proposal(calls["review"], people["host"], title=SECRET_TITLE)
        council = make_council(calls["review"], people["staff"], [people["member"], *others], open_scoring=True)
        forming = make_council(calls["forming"], people["staff"], [people["member"], *others])
        start, end = today - timedelta(days=200), today + timedelta(days=60)
        project = make_project(people["host"], people["staff"], calls["open"], start_on=start, end_on=end)
        project_b = make_project(people["other"], people["staff"], calls["open"], start_on=start, end_on=end)
        acceptance = _accepting_project(
            app, people["host"], people["staff"], calls["open"], [people["member"], *others]
        )
    supplement.status, supplement.supplement_due_on = "needs_supplement", today + timedelta(days=7)
    project.dossier_due_on = today + timedelta(days=AHEAD_DAYS - 10)  # within the staff's window
    project_b.dossier_due_on = today + timedelta(days=AHEAD_DAYS + 30)  # beyond it
    # A's reports: one due soon, one returned long ago, one far ahead, one accepted (nobody's any more).
    reports = _set_reports(
        project, (10, "due"), (-PAST_DAYS - 70, "returned"), (AHEAD_DAYS + 110, "due"), (20, "accepted")
    )
    reports_b = _set_reports(project_b, (15, "due"))
    db.session.commit()
    return {
        **people,
        "calls": calls,
        "supplement": supplement,
        "secret": secret,
        "others": others,
        "council": council,
        "forming": forming,
        "project": project,
        "project_b": project_b,
        "acceptance": acceptance,
        "reports": reports,
        "reports_b": reports_b,
    }


def _feed_url(app, user) -> str:
    with app.test_request_context():
        return feed_address(user).removeprefix("http://localhost")


def _feed(app, user) -> Calendar:
    response = app.test_client().get(_feed_url(app, user))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private"
    return Calendar.from_ical(response.data)


def _uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]).removesuffix("@localhost") for event in calendar.events}


def _event(calendar: Calendar, uid: str):
    return next(event for event in calendar.events if event["UID"] == f"{uid}@localhost")


def _calls(world, *names: str) -> set[str]:
    return {f"call-{world['calls'][name].id}" for name in names}


def test_a_host_sees_its_organizations_deadlines_and_the_open_calls(app, world):
    calendar = _feed(app, world["host"])
    reports = world["reports"]
    assert _uids(calendar) == {
        *_calls(world, "open", "review", "forming"),
        f"supplement-{world['supplement'].id}",
        *(f"report-{r.id}" for r in reports[:3]),
        f"dossier-{world['project'].id}",
    }
    report = _event(calendar, f"report-{reports[0].id}")
    assert report.start == reports[0].due_on and report.end == reports[0].due_on + timedelta(days=1)
    assert "DTSTART;VALUE=DATE:" in report.to_ical().decode()
    assert str(report["URL"]) == f"http://localhost/projects/{world['project'].id}/reports/{reports[0].id}"
    with app.test_request_context(), force_locale("vi"):
        expected = gettext(
            "Periodic report no. %(number)s due: %(code)s %(title)s",
            number=1,
            code=world["project"].code,
            title=world["project"].title,
        )
    assert str(report["SUMMARY"]) == expected
    supplement = _event(calendar, f"supplement-{world['supplement'].id}")
    assert supplement.start == world["supplement"].supplement_due_on
    assert str(supplement["URL"]) == f"http://localhost/applications/{world['supplement'].id}"
    closing = _event(calendar, f"call-{world['calls']['open'].id}")
    assert closing.start == to_local(world["calls"]["open"].closes_at).replace(microsecond=0)
    assert "Đợt thử nghiệm" in str(closing["SUMMARY"])  # the Vietnamese title, in the host's language


def test_another_host_sees_none_of_the_first_ones_records_and_reads_english(app, world):
    calendar = _feed(app, world["other"])
    assert _uids(calendar) == {
        *_calls(world, "open", "review", "forming"),
        f"report-{world['reports_b'][0].id}",
        f"dossier-{world['project_b'].id}",
    }
    closing = _event(calendar, f"call-{world['calls']['open'].id}")
    assert str(closing["SUMMARY"]) == f"Call {world['calls']['open'].code} closes: Trial call"
    assert world["project"].title not in calendar.to_ical().decode()


def test_a_council_member_sees_the_meetings_of_their_councils_and_nothing_of_the_applications(app, world):
    calendar = _feed(app, world["member"])
    # The council still being formed is not theirs to know yet; the calls are not a reviewer's.
    assert _uids(calendar) == {f"council-{world['council'].id}", f"acceptance_council-{world['acceptance'].id}"}
    meeting = _event(calendar, f"council-{world['council'].id}")
    assert meeting.start == to_local(world["council"].meeting_at).replace(microsecond=0)
    assert str(meeting.start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:" in meeting.to_ical().decode()
    assert str(meeting["LOCATION"]) == "Phòng họp Sở"
    assert world["council"].name in str(meeting["SUMMARY"])
    assert str(meeting["URL"]) == "http://localhost/review"
    rating = _event(calendar, f"acceptance_council-{world['acceptance'].id}")
    assert str(rating["URL"]) == f"http://localhost/acceptance/{world['acceptance'].id}/rating"
    text = calendar.to_ical().decode()
    assert SECRET_TITLE not in text and world["secret"].reference_code not in text
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]


def test_a_member_with_a_conflict_is_told_the_meeting_and_nothing_of_the_application(app, world):
    conflicted, council, secret = world["others"][0], world["council"], world["secret"]
    with app.test_request_context():
        declare(
            seat_assignment(council.id, secret.id, conflicted.id), load_council(council.id), True, "Họ hàng", conflicted
        )
    db.session.commit()
    calendar = _feed(app, conflicted)
    assert _uids(calendar) == {f"council-{council.id}", f"acceptance_council-{world['acceptance'].id}"}
    text = calendar.to_ical().decode()
    assert SECRET_TITLE not in text and secret.reference_code not in text and "Họ hàng" not in text


def test_staff_see_calls_meetings_and_the_portfolios_deadlines_within_the_window(app, world):
    calendar = _feed(app, world["staff"])
    reports = world["reports"]
    assert _uids(calendar) == {
        *_calls(world, "open", "review", "forming", "draft"),
        f"council-{world['council'].id}",
        f"council-{world['forming'].id}",
        f"acceptance_council-{world['acceptance'].id}",
        f"report-{reports[0].id}",  # due in 10 days; the one returned 100 days ago and the one in 200 are outside
        f"report-{world['reports_b'][0].id}",
        f"dossier-{world['project'].id}",  # in 80 days; the other host's is past the window
    }
    assert str(_event(calendar, f"council-{world['council'].id}")["URL"]).endswith(
        f"/staff/councils/{world['council'].id}"
    )


def test_resetting_the_address_retires_the_old_one(app, world):
    client = app.test_client()
    login(client, world["host"].email)
    page = client.get("/profile/calendar").get_data(as_text=True)
    old = re.search(r'id="calendar-address"[^>]*>http://localhost([^<]+)</textarea>', page).group(1)
    assert app.test_client().get(old).status_code == 200
    for _generation in (1, 2):  # the first reset creates the row, the next ones move it on
        response = client.post("/profile/calendar/reset")
        assert response.status_code == 302 and response.headers["Location"] == "/profile/calendar"
        new = _feed_url(app, world["host"])
        assert new != old
        assert app.test_client().get(old).status_code == 404
        assert app.test_client().get(new).status_code == 200
        old = new
    assert old in client.get("/profile/calendar").get_data(as_text=True)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "WzEsMF0.forged",
        URLSafeSerializer("another-secret", salt=SALT).dumps([1, 0]),
        URLSafeSerializer("test-secret", salt="another-purpose").dumps([1, 0]),
        URLSafeSerializer("test-secret", salt=SALT).dumps("one"),
        URLSafeSerializer("test-secret", salt=SALT).dumps([999999, 0]),
    ],
)
def test_a_forged_or_garbled_address_is_unknown(app, world, token):
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_generation_not_yet_reached_is_unknown(app, world):
    token = URLSafeSerializer("test-secret", salt=SALT).dumps([world["host"].id, 1])
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_persons_address_answers_404(app, world):
    url = _feed_url(app, world["host"])
    world["host"].active = False
    db.session.commit()
    assert app.test_client().get(url).status_code == 404


def test_the_page_lists_what_comes_next(app, world):
    client = app.test_client()
    login(client, world["member"].email)
    page = client.get("/profile/calendar").get_data(as_text=True)
    assert world["council"].name in page and "Phòng họp Sở" in page
    assert SECRET_TITLE not in page


@pytest.mark.parametrize("who", ["host", "staff", "member"])
def test_the_feed_sends_as_many_queries_for_many_items_as_for_a_few(app, world, count_queries, who):
    def measure() -> int:
        url = _feed_url(app, world[who])
        db.session.expire_all()
        with count_queries() as counter:
            assert app.test_client().get(url).status_code == 200
        return counter.count

    few = measure()
    bulk_projects(world["project"], 300)  # the host's, with reports due in the staff's window
    db.session.execute(
        update(Proposal).where(Proposal.id == world["supplement"].id).values(supplement_due_on=local_today())
    )
    db.session.commit()
    many = len(_feed(app, world[who]).events)
    assert measure() == few <= FEED_BUDGET
    assert who == "member" or many > 300

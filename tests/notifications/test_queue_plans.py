"""The work queues read through indexes whatever the department's size: the plans their counts and pages get."""

from sqlalchemy import select, text

from accounts.models import User
from core.extensions import db, refresh_statistics
from core.formatting import local_today, utcnow
from notifications.queue_reads import count, ordered
from notifications.queues import QUEUE_BY_KEY
from notifications.waiting import Viewer
from projects.followup.models import PeriodicReport
from review.councils.queries import load_council
from review.models import Assignment, CouncilMember
from review.sheets.queries import seat_assignment
from review.sheets.services import declare, reopen_sheet
from tests.factories import (
    make_call,
    make_council,
    make_organization,
    make_project,
    make_user,
    make_valid_proposal,
    score,
)
from tests.plans import query_plan

# What ANALYZE tells of a department of 20,000 projects and their 60,000 periodic reports, nearly all of them due or
# accepted: one average number of rows per value of an index's first column, 20,000 reports for any state and 2,900
# projects for any state. SQLite keeps no more (it is built without STAT4), so a report waiting to be checked looks
# as common as a report due.
LARGE_DEPARTMENT = (
    ("periodic_reports", "ix_periodic_reports_status_due", "60000 20000 2"),
    ("periodic_reports", "ix_periodic_reports_project_status", "60000 3 2"),
    ("projects", "ix_projects_status", "20000 2900"),
)


def _staff_and_project(app):
    staff = make_user("staff@s.vn", roles=("staff",))
    finance = make_user("finance@s.vn", roles=("finance",))
    host = make_user("an@nongsan.vn", organization=make_organization())
    with app.test_request_context():
        project = make_project(host, staff=staff)
    db.session.commit()
    return staff, finance, project


def _queue(key: str, person: User):
    queue = QUEUE_BY_KEY[key]
    viewer = Viewer.of(person)
    return count(queue, viewer, 99), ordered(queue, viewer, 3)


def test_submitted_reports_are_found_from_the_reports_not_from_every_running_project(app, reference):
    staff, _finance, project = _staff_and_project(app)
    reports = select(PeriodicReport).where(PeriodicReport.project_id == project.id).order_by(PeriodicReport.id)
    report = db.session.execute(reports).scalars().first()
    report.status, report.submitted_at = "submitted", utcnow()
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        refresh_statistics()
        db.session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl IN ('projects', 'periodic_reports')"))
        for table, index, figures in LARGE_DEPARTMENT:
            db.session.execute(
                text("INSERT INTO sqlite_stat1 VALUES (:t, :i, :s)"), {"t": table, "i": index, "s": figures}
            )
        db.session.execute(text("ANALYZE sqlite_schema"))  # the planner reads the statistics again
    counted, first = _queue("reports_submitted", staff)
    assert db.session.execute(counted).scalar_one() == 1
    assert [row.report_id for row in db.session.execute(first)] == [report.id]
    if db.engine.dialect.name == "sqlite":  # told the state is a rare one, it starts from the few reports in it
        for statement in (counted, first):
            tables = ("SEARCH periodic_reports", "SCAN periodic_reports", "SEARCH projects", "SCAN projects")
            steps = [line for line in query_plan(statement).splitlines() if line.startswith(tables)]
            assert steps[0].startswith("SEARCH periodic_reports USING INDEX ix_periodic_reports_status_due"), steps


def test_the_money_to_recover_is_read_from_its_partial_index(app, reference):
    _staff, finance, project = _staff_and_project(app)
    project.paid_vnd, project.recovery_vnd, project.recovery_due_on = 1_000, 600, local_today()
    db.session.commit()
    counted, first = _queue("recoveries_to_receive", finance)
    assert db.session.execute(counted).scalar_one() == 1
    assert [(row.project_id, row.amount) for row in db.session.execute(first)] == [(project.id, 600)]
    for statement in (counted, first):
        plan = query_plan(statement)
        assert "ix_projects_to_recover" in plan, plan
        if db.engine.dialect.name == "sqlite":  # the index holds only these projects, in their order (ties by code)
            assert "SCAN projects" not in plan.splitlines() and "TEMP B-TREE FOR ORDER BY" not in plan, plan
    project.recovered_vnd = 600  # all back: out of the queue, and of the index
    db.session.commit()
    assert db.session.execute(counted).scalar_one() == 0


def test_what_a_member_has_to_score_follows_their_sheet_and_is_read_from_the_index(app, reference):
    staff, _finance, _project = _staff_and_project(app)
    member = make_user("tv@vien.vn", roles=("reviewer",))
    call = make_call()
    with app.test_request_context():
        proposal = make_valid_proposal(call, make_user("binh@cokhi.vn", organization=make_organization()))
        council = make_council(
            call, staff, [member, *(make_user(roles=("reviewer",)) for _ in range(6))], open_scoring=True
        )
        declare(seat_assignment(council.id, proposal.id, member.id), load_council(council.id), False, "", member)
    db.session.commit()
    counted, first = _queue("sheets_to_score", member)
    assert db.session.execute(counted).scalar_one() == 1
    assert [row.proposal_id for row in db.session.execute(first)] == [proposal.id]

    with app.test_request_context():
        score(council, proposal, member)
    db.session.commit()
    flag = select(Assignment.sheet_submitted).where(Assignment.proposal_id == proposal.id)
    assert db.session.execute(flag.join(CouncilMember).where(CouncilMember.user_id == member.id)).scalar_one()
    assert db.session.execute(counted).scalar_one() == 0
    with app.test_request_context():
        sheet = seat_assignment(council.id, proposal.id, member.id).sheet
        reopen_sheet(sheet, load_council(council.id), "Chấm lại tiêu chí 2", staff)
    db.session.commit()
    assert db.session.execute(counted).scalar_one() == 1  # reopened: to score again

    for statement in (counted, first):  # the member's seats from the index, no sheet looked for
        plan = query_plan(statement)
        assert "ix_council_assignments_member_conflict" in plan and "score_sheets" not in plan, plan

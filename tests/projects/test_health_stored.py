"""The stored health (projects.portfolio.stored): after every kind of change, and after the daily refresh when time
passes, it is what the rules compute; the monitoring page's health filter reads it through its index; the
migration carries the health over."""

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from core.extensions import db
from core.formatting import local_today, utcnow
from policies.models import Regime
from projects.acceptance.services import submit_dossier
from projects.contracts import services as contracts
from projects.contracts.models import Project
from projects.contracts.queries import load_project
from projects.followup import services as followup
from projects.followup.models import FollowUpAction, Inspection, PeriodicReport
from projects.money.services import pay_tranche
from projects.portfolio.monitoring import MonitoringFilter, monitoring_statement
from projects.portfolio.queries import assess, stored_health
from projects.portfolio.stored import refresh_open_health
from tests.factories import make_organization, make_project, make_user
from tests.migrating import migrated
from tests.plans import query_plan

TEXTS = dict.fromkeys(("final_report", "product_report", "financial_report", "self_assessment"), "Đạt")


@pytest.fixture
def cast(app, reference):
    host = make_user("host@h.vn", organization=make_organization("Công ty Một"))
    return {
        "host": host,
        "staff": make_user("staff@s.vn", roles=("staff",)),
        "leader": make_user("leader@s.vn", roles=("leader",)),
        "finance": make_user("finance@s.vn", roles=("finance",)),
    }


def _project(app, cast, start: int, end: int) -> Project:
    """A running project started `start` days ago and ending in `end` days, its reports all due after today."""
    today = local_today()
    with app.test_request_context():
        project = make_project(
            cast["host"], cast["staff"], start_on=today - timedelta(start), end_on=today + timedelta(end)
        )
    for report in db.session.execute(select(PeriodicReport).where(PeriodicReport.project_id == project.id)).scalars():
        report.due_on = max(report.due_on, today + timedelta(5))
    db.session.commit()
    return load_project(project.id)


def _stored(project_id: int, today=None):
    """The stored health, checked equal to the one the rules compute (on `today`, by default today)."""
    db.session.flush()
    db.session.expire_all()
    stored = stored_health(db.session.get(Project, project_id))
    assert stored == assess([project_id], today or local_today())[project_id].health
    return stored


def test_a_new_project_and_a_payment(app, cast):
    project = _project(app, cast, 300, 65)  # 82 % of its time gone, nothing paid
    assert "spending_behind" in _stored(project.id).reasons
    project = load_project(project.id)
    first = project.tranches[0]
    with app.test_request_context():
        contracts.request_tranche(first, project, "Tạm ứng đợt 1", cast["host"])
        contracts.review_request(first, project, "approved", cast["staff"])
        pay_tranche(first, project, local_today(), first.amount_vnd, "UNC 1", cast["finance"])
    assert _stored(project.id).level == "on_track"


def test_reports_late_submitted_and_cancelled(app, cast):
    project = _project(app, cast, 10, 300)
    first, second = db.session.execute(
        select(PeriodicReport).where(PeriodicReport.project_id == project.id).order_by(PeriodicReport.sequence)
    ).scalars()
    first.due_on = second.due_on = local_today() - timedelta(1)  # fallen due
    assert _stored(project.id).reasons == ("report_late",)
    first = db.session.get(PeriodicReport, first.id)
    first.status, first.submitted_at = "submitted", utcnow()
    assert _stored(project.id).reasons == ("report_late",)  # the second is still late
    with app.test_request_context():
        contracts.cancel_open_reports(load_project(project.id))
    assert _stored(project.id).level == "on_track"


def test_follow_up_actions_overdue_done_and_moved(app, cast):
    project = _project(app, cast, 10, 300)
    inspection = Inspection(project_id=project.id, kind="adhoc", planned_on=local_today() - timedelta(3))
    inspection.actions = [
        FollowUpAction(position=1, description="Bổ sung sổ sách", due_on=local_today() - timedelta(1)),
        FollowUpAction(position=2, description="Nộp hóa đơn", due_on=local_today() + timedelta(9)),
    ]
    db.session.add(inspection)
    assert _stored(project.id).reasons == ("action_overdue",)
    late, later = db.session.execute(select(FollowUpAction).order_by(FollowUpAction.position)).scalars()
    followup.complete_action(
        late, db.session.get(Inspection, inspection.id), local_today(), "Đã bổ sung", cast["staff"]
    )
    assert _stored(project.id).level == "on_track"
    db.session.get(FollowUpAction, later.id).due_on = local_today() - timedelta(2)
    assert _stored(project.id).reasons == ("action_overdue",)


def test_an_extension_the_final_dossier_and_the_state(app, cast):
    project = _project(app, cast, 400, -5)  # ended five days ago
    assert _stored(project.id).level == "overdue"
    project = load_project(project.id)
    with app.test_request_context():
        new_end = {"kind": "extension", "reason": "Thiết bị về chậm", "details": "", "new_lead_name": ""}
        request = followup.request_adjustment(
            project, new_end | {"new_end_on": local_today() + timedelta(60)}, cast["host"]
        )
        followup.decide_adjustment(request, project, "approved", "", cast["staff"])
    assert "past_end" not in _stored(project.id).reasons
    project = load_project(project.id)
    with app.test_request_context():
        submit_dossier(project, TEXTS, [], cast["host"])
    assert _stored(project.id).level == "on_track"  # the dossier is in: behind plan no longer counts
    other = _project(app, cast, 10, 300)
    with app.test_request_context():
        contracts.move_project(other, "terminated", cast["leader"], "Chấm dứt")
    assert _stored(other.id).level == "closed"


def test_the_regimes_lag(app, cast):
    project = _project(app, cast, 300, 65)
    assert "spending_behind" in _stored(project.id).reasons
    db.session.get(Regime, project.regime_id).spending_lag_percent = 90
    assert _stored(project.id).level == "on_track"


def test_the_daily_refresh_follows_the_time_passing(app, cast):
    project = _project(app, cast, 10, 20)  # a third of its time gone, nothing paid yet: on track
    assert _stored(project.id).level == "on_track"
    later = local_today() + timedelta(4)  # 14 of 30 days gone: spending behind
    assert refresh_open_health(later) == 1
    assert _stored(project.id, later).reasons == ("spending_behind",)
    after_end = local_today() + timedelta(25)
    refresh_open_health(after_end)
    assert _stored(project.id, after_end).level == "overdue"
    assert refresh_open_health(after_end) == 0  # nothing changed since


def test_the_commands(app, cast):
    project = _project(app, cast, 10, 20)
    db.session.execute(db.update(Project).where(Project.id == project.id).values(health="closed"))
    db.session.execute(db.update(Project).where(Project.id != project.id).values(health="overdue"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["projects", "refresh-health"])
    assert "projects whose health changed: 0" in result.output  # a finished project's health stays until it moves
    db.session.execute(db.update(Project).where(Project.id == project.id).values(health="overdue"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "run"])
    assert "projects whose health changed: 1" in result.output and result.exit_code == 0
    assert _stored(project.id).level == "on_track"


def test_the_health_filter_reads_the_index(app, cast):
    _project(app, cast, 10, 20)
    statement = monitoring_statement(MonitoringFilter(health="at_risk")).limit(25)
    plan = query_plan(statement)
    assert "ix_projects_health" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan.split("ix_projects_health")[0], plan  # no sort: its order


def test_the_migration_carries_the_health_over(database_url, tmp_path):
    """The demo's portfolio taken back before 0012 and upgraded again shows the health the rules compute."""
    with migrated(database_url, tmp_path):
        db.session.remove()
        downgrade(revision="0009_sessions")
        upgrade()
        ids = db.session.execute(select(Project.id)).scalars().all()
        computed = {pid: found.health for pid, found in assess(ids, local_today()).items()}
        stored = {p.id: stored_health(p) for p in db.session.execute(select(Project)).scalars()}
        assert stored == computed and len({health.level for health in stored.values()}) >= 3

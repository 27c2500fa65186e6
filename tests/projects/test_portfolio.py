"""Project health (pure rules), the department's monitoring page and the host's projects with their to-do list."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from core.extensions import db
from core.formatting import format_money, local_today
from projects.contracts.models import Project
from projects.followup.models import Adjustment, FollowUpAction, Inspection, PeriodicReport
from projects.portfolio.health import project_health
from tests.conftest import login, vi_text
from tests.factories import make_organization, make_project, make_user
from tests.projects.conftest import facts

TODAY = date(2026, 6, 1)


def test_the_spending_lag_is_the_regimes():
    # On 1/10/2026, 75 % of the time has gone and 50 % was paid: behind by 25 points.
    autumn = date(2026, 10, 1)
    assert project_health(facts(), autumn).level == "on_track"  # the default lag is 40 points
    assert project_health(facts(spending_lag=0.2), autumn).reasons == ("spending_behind",)


@pytest.mark.parametrize(
    ("changes", "today", "level", "reasons"),
    [
        ({}, TODAY, "on_track", ()),
        ({"late_reports": 1}, TODAY, "at_risk", ("report_late",)),
        ({"overdue_actions": 2}, TODAY, "at_risk", ("action_overdue",)),
        # 41 % of the time gone and nothing paid: behind by more than 0.4
        ({"paid_vnd": 0}, date(2026, 6, 1), "at_risk", ("spending_behind",)),
        ({"paid_vnd": 0}, date(2026, 5, 1), "on_track", ()),
        ({"paid_vnd": 50}, date(2026, 12, 20), "at_risk", ("spending_behind",)),
        ({}, date(2027, 1, 5), "overdue", ("past_end", "spending_behind")),
        ({"paid_vnd": 80, "late_reports": 1}, date(2027, 1, 5), "overdue", ("past_end", "report_late")),
        ({"dossier_submitted": True, "status": "acceptance_submitted"}, date(2027, 1, 5), "on_track", ()),
        ({"status": "suspended", "late_reports": 1}, TODAY, "at_risk", ("report_late",)),
        ({"status": "liquidated", "late_reports": 3}, date(2028, 1, 1), "closed", ()),
        ({"status": "terminated"}, date(2028, 1, 1), "closed", ()),
        ({"status": "contracted", "paid_vnd": 0}, date(2025, 12, 1), "on_track", ()),
    ],
)
def test_health(changes, today, level, reasons):
    health = project_health(facts(**changes), today)
    assert (health.level, health.reasons) == (level, reasons)


@pytest.fixture
def people(app, reference):
    """Two host organizations, staff, and a project of each host (the second one new and on track)."""
    today = local_today()
    org, other_org = make_organization("Công ty Một"), make_organization("Công ty Hai")
    host = make_user("host@h.vn", organization=org)
    other = make_user("other@h.vn", organization=other_org)
    staff = make_user("staff@s.vn", roles=("staff",))
    with app.test_request_context():
        late = make_project(
            host,
            staff,
            title="Mô hình tưới tiết kiệm tại Đồng Tháp",
            start_on=today - timedelta(200),
            end_on=today + timedelta(10),
        )
        fresh = make_project(
            other, staff, status="contracted", start_on=today + timedelta(1), end_on=today + timedelta(400)
        )
    db.session.commit()
    return {"host": host, "other": other, "staff": staff, "late": late, "fresh": fresh}


def _page(app, email: str, url: str):
    client = app.test_client()
    login(client, email)
    return client.get(url)


@pytest.mark.parametrize(("who", "status"), [("host@h.vn", 403), ("staff@s.vn", 200)])
def test_monitoring_access(app, people, who, status):
    assert _page(app, who, "/staff/projects").status_code == status


def test_monitoring_needs_login(client, people):
    assert client.get("/staff/projects").status_code == 302


def test_monitoring_lists_health_and_panels(app, people):
    late, fresh = people["late"], people["fresh"]
    reports = db.session.execute(select(PeriodicReport).where(PeriodicReport.project_id == late.id)).scalars().all()
    assert reports, "the late project has a report schedule"
    reports[0].due_on = local_today() - timedelta(days=3)  # late
    db.session.commit()
    html = _page(app, "staff@s.vn", "/staff/projects").get_data(as_text=True)
    assert late.code in html and fresh.code in html
    assert "Công ty Một" in html
    assert "health-at_risk" in html and "health-on_track" in html
    assert 'id="overdue-reports"' in html and f"/projects/{late.id}" in html


def test_the_overdue_panel_merges_the_open_states_in_date_order_and_counts_up_to_a_cap(app, people, monkeypatch):
    from projects.portfolio import deadlines

    late = people["late"]
    last = db.session.execute(select(func.max(PeriodicReport.sequence)).where(PeriodicReport.project_id == late.id))
    first = last.scalar_one() + 1
    db.session.execute(update(PeriodicReport).values(status="accepted"))  # only the three below are open
    reports = [
        PeriodicReport(
            project_id=late.id, sequence=first + n, due_on=local_today() - timedelta(days=days), status=state
        )
        for n, (days, state) in enumerate(((5, "due"), (9, "returned"), (7, "due")))
    ]
    db.session.add_all(reports)
    db.session.commit()
    panel = deadlines.overdue_reports(local_today())
    assert [item.detail for item in panel.items] == [reports[1].sequence, reports[2].sequence, reports[0].sequence]
    assert (panel.count, panel.capped, panel.more) == (3, False, 0)
    monkeypatch.setattr(deadlines, "COUNT_CAP", 2)
    monkeypatch.setattr(deadlines, "PANEL_LIMIT", 1)
    panel = deadlines.overdue_reports(local_today())
    assert (panel.count, panel.capped, len(panel.items)) == (3, True, 1)  # counted no further than the cap
    html = _page(app, "staff@s.vn", "/staff/projects").get_data(as_text=True)
    section = html.split('id="overdue-reports"')[1].split("</section>")[0]
    assert ">2+</span>" in section and vi_text(app, "and over %(num)d more", num=1) in section


def test_monitoring_filters(app, people):
    late, fresh = people["late"], people["fresh"]
    late.legacy_area = "long_an"
    db.session.commit()
    cases = {
        "?q=dong+thap": late,
        "?q=%C4%90%E1%BB%93ng": late,
        "?state=contracted": fresh,
        "?area=long_an": late,
        "?health=on_track": fresh,
        f"?call={fresh.call_id}": fresh,
        "?health=at_risk&state=in_progress": late,
    }
    for query, expected in cases.items():
        html = _page(app, "staff@s.vn", "/staff/projects" + query).get_data(as_text=True)
        shown = {project.code for project in (late, fresh) if f'fw-semibold" href="/projects/{project.id}"' in html}
        assert shown == {expected.code}, query
    html = _page(app, "staff@s.vn", "/staff/projects?health=overdue").get_data(as_text=True)
    assert vi_text(app, "No project matches.") in html


def test_money_totals(app, people):
    late, fresh = people["late"], people["fresh"]
    html = _page(app, "staff@s.vn", "/staff/projects").get_data(as_text=True)
    assert vi_text(app, "Per call") in html and vi_text(app, "Per sector") in html
    assert format_money(late.approved_vnd + fresh.approved_vnd) in html  # both in the same sector
    html = _page(app, "staff@s.vn", "/staff/projects?state=contracted").get_data(as_text=True)
    assert format_money(late.approved_vnd + fresh.approved_vnd) not in html


def test_mine_lists_only_own_projects_and_todo(app, people):
    late, fresh = people["late"], people["fresh"]
    today = local_today()
    reports = (
        db.session.execute(
            select(PeriodicReport).where(PeriodicReport.project_id == late.id).order_by(PeriodicReport.sequence)
        )
        .scalars()
        .all()
    )
    reports[0].due_on = today - timedelta(days=3)
    db.session.add(Adjustment(project_id=late.id, kind="content", reason="Đổi sản phẩm"))
    db.session.commit()
    response = _page(app, "host@h.vn", "/projects")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert late.code in html and fresh.code not in html
    assert "todo-report" in html and vi_text(app, "late") in html
    assert "todo-tranche" in html  # the first tranche is eligible on signature
    assert "todo-adjustment" in html
    assert "todo-dossier" in html  # the end is 10 days away


def test_mine_empty_and_forbidden(app, people):
    html = _page(app, "other@h.vn", "/projects").get_data(as_text=True)
    assert people["fresh"].code in html and "todo-tranche" in html  # the first tranche, eligible on signature
    make_user("third@h.vn", organization=make_organization("Công ty Ba"))
    db.session.commit()
    html = _page(app, "third@h.vn", "/projects").get_data(as_text=True)
    assert (
        vi_text(app, "Nothing is due for now.") in html
        and vi_text(
            app, "Your organization has no funded project yet. Projects appear here once their contract is signed."
        )
        in html
    )
    assert _page(app, "staff@s.vn", "/projects").status_code == 403
    make_user("lonely@h.vn")
    db.session.commit()
    assert vi_text(
        app,
        "Your account does not act for an organization yet. Register your organization or accept a colleague's invitation.",
    ) in _page(app, "lonely@h.vn", "/projects").get_data(as_text=True)


def test_detail_shows_health(app, people):
    late = people["late"]
    inspection = Inspection(project_id=late.id, kind="adhoc", planned_on=local_today() - timedelta(30))
    inspection.actions = [
        FollowUpAction(position=1, description="Bổ sung sổ sách", due_on=local_today() - timedelta(1))
    ]
    db.session.add(inspection)
    db.session.commit()
    html = _page(app, "staff@s.vn", f"/projects/{late.id}").get_data(as_text=True)
    assert "health-at_risk" in html and vi_text(app, "An inspection follow-up action is overdue") in html


def _count(app, count_queries, url: str, email: str) -> int:
    client = app.test_client()
    login(client, email)
    client.get(url)
    db.session.expire_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize(
    ("url", "email"),
    [("/staff/projects", "staff@s.vn"), ("/staff/projects?health=at_risk", "staff@s.vn"), ("/projects", "host@h.vn")],
)
def test_query_budget(app, people, count_queries, url, email):
    small = _count(app, count_queries, url, email)
    with app.test_request_context():
        for _ in range(4):
            make_project(people["host"], people["staff"])
    db.session.commit()
    assert _count(app, count_queries, url, email) == small
    assert small <= 23  # the monitoring page lists the overdue recoveries (+1)


def test_the_monitoring_panels_read_through_indexes(app, people):
    from projects.money.queries import overdue_recoveries_statement
    from projects.portfolio import deadlines
    from tests.plans import query_plan

    today = local_today()
    plans = {
        "ix_periodic_reports_status_due": deadlines.report_deadlines(states=("due",)).order_by("due").limit(10),
        "ix_projects_dossier_due": deadlines.dossier_deadlines(Project.dossier_due_on > today).order_by("due"),
        "ix_projects_to_recover": overdue_recoveries_statement(today, 10),
    }
    for index, statement in plans.items():
        plan = query_plan(statement)
        assert index in plan, plan
        if db.engine.dialect.name == "sqlite":  # read in the index's order: nothing sorted afterwards
            assert "TEMP B-TREE FOR ORDER BY" not in plan, plan

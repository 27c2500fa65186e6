"""The dashboard and the public statistics: each chart's figures are the department's own (counted by hand from the
world below), its bars on the scale of its largest figure of a kind, its filters narrow every chart that has them;
the public sees the projects' figures only."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import cache, db
from core.formatting import format_money
from policies.models import Sector
from projects.contracts.models import Project
from reports.charts import Series, chart
from reports.dashboard import (
    DashboardFilter,
    applications_by_area,
    applications_by_state,
    envelopes,
    money_by_year,
    review_throughput,
)
from review.decisions.models import Decision
from tests.conftest import login
from tests.factories import make_call, make_council, make_organization, make_project, make_proposal, make_user


def test_a_chart_draws_each_kind_on_the_scale_of_its_largest():
    drawn = chart(
        "Dự án",
        "Năm",
        [Series("Số dự án"), Series("Đã duyệt", "money"), Series("Đã chi", "money")],
        [("2025", (4, 1_000, 250)), ("2026", (2, 500, None))],
    )
    assert [row.shares for row in drawn.rows] == [(100.0, 100.0, 25.0), (50.0, 50.0, 0.0)]
    assert drawn.rows[1].values == (2, 500, None) and drawn.bar_height == 19
    assert chart("Trống", "Năm", [Series("Số")], [("2026", (0,))]).rows[0].shares == (0.0,)


@pytest.fixture
def world(app, reference):
    staff = make_user("staff@s.vn", roles=("staff",))
    host = make_user("an@org.vn", organization=make_organization(name="Công ty Đồng Lúa", legacy_area="long_an"))
    with app.test_request_context():
        call = make_call(code="TN-2026-09", budget_vnd=3_000_000_000)
        older = make_call(code="TN-2025-09", budget_vnd=1_000_000_000)
        older.year = 2025
        make_proposal(call, host, title="Bản nháp")  # a draft counts nowhere
        waiting = make_proposal(call, host, title="Đang chờ")
        waiting.status, waiting.submitted_at, waiting.year = "submitted", datetime(2026, 3, 2, 9), 2026
        decided = make_project(host, staff=staff, call=call, title="Máy sấy")
        old = make_project(host, staff=staff, call=older, title="Lò sấy", start_on=date(2025, 6, 1))
        old_proposal = db.session.get(Project, old.id).proposal_id
        council = make_council(call, staff)
        proposal_id = db.session.get(Project, decided.id).proposal_id
        submitted = datetime(2026, 4, 1, 15)
        db.session.get(type(waiting), proposal_id).submitted_at = submitted
        db.session.add(
            Decision(
                council_id=council.id,
                proposal_id=proposal_id,
                status="approved",
                number="7/QĐ-SKHCN",
                signed_on=(submitted + timedelta(days=12)).date(),
                signer="Giám đốc",
                approved_vnd=decided.approved_vnd,
            )
        )
        db.session.get(type(waiting), old_proposal).year = 2025
    db.session.commit()
    return {"decided": db.session.get(Project, decided.id), "old": db.session.get(Project, old.id), "call": call}


def test_the_figures_are_the_departments_own(app, world):
    everything = DashboardFilter()
    with app.test_request_context():
        states = [(row.label, row.values) for row in applications_by_state(everything).rows]
        assert states == [("Đã nộp", (1,)), ("Đã phê duyệt", (2,))]  # the draft is not counted
        areas = [(row.label, row.values) for row in applications_by_area(everything).rows]
        assert areas == [("Long An (cũ)", (3,))]
        throughput = review_throughput(everything).rows  # 1 April 15:00 to 13 April: 12 days
        assert [(row.label, row.values) for row in throughput] == [("TN-2026-09", (12.0,))]
        decided, old = world["decided"], world["old"]
        assert (decided.signed_on.year, old.signed_on.year) == (2026, 2025)
        money = [(row.label, row.values) for row in money_by_year(everything).rows]  # the commitments, newest first
        assert money == [("2026", (decided.approved_vnd, 0, 0, 0)), ("2025", (old.approved_vnd, 0, 0, 0))]
        calls = [(row.label, row.values) for row in envelopes(everything).rows]
        assert calls == [("TN-2026-09", (0, 3_000_000_000)), ("TN-2025-09", (0, 1_000_000_000))]
        only_2025 = DashboardFilter(year=2025)
        assert [row.label for row in envelopes(only_2025).rows] == ["TN-2025-09"]
        assert [(row.label, row.values) for row in applications_by_state(only_2025).rows] == [("Đã phê duyệt", (1,))]
        assert review_throughput(only_2025).rows == ()
        assert [row.label for row in money_by_year(only_2025).rows] == ["2025"]


def test_the_dashboard_page_for_the_department_and_the_statistics_for_everyone(app, client, world):
    login(client, "staff@s.vn")
    page = client.get("/staff/dashboard").get_data(as_text=True)
    for title in ("Hồ sơ theo trạng thái", "Tốc độ xét duyệt", "Kinh phí theo năm", "Dự án theo tình trạng thực hiện"):
        assert title in page
    assert "TN-2026-09" in page and format_money(world["decided"].approved_vnd) in page
    sector = db.session.execute(select(Sector).order_by(Sector.number)).scalars().first()
    filtered = client.get(f"/staff/dashboard?year=2025&sector={sector.id}&regime=abc").get_data(as_text=True)
    assert "TN-2026-09" not in filtered and 'value="2025" selected' in filtered
    assert 'href="/staff/dashboard"' in page  # in the department's menu

    public = app.test_client().get("/statistics").get_data(as_text=True)
    assert "Dự án được hỗ trợ theo năm ký hợp đồng" in public and "Công ty Đồng Lúa" not in public
    both = world["decided"].approved_vnd + world["old"].approved_vnd  # one sector, one regime: both projects
    assert format_money(both) in public and "TN-2026-09" not in public  # no call, no application


def test_the_figures_are_kept_a_few_minutes_per_filter_and_language(app, client, world, count_queries):
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300})  # as production keeps them
    login(client, "staff@s.vn")
    first = client.get("/staff/dashboard").get_data(as_text=True)
    assert "Số liệu tính lúc" in first
    with app.test_request_context():
        more = make_proposal(world["call"], make_user(organization=make_organization()), title="Hồ sơ mới")
        more.status, more.submitted_at, more.year = "submitted", datetime(2026, 5, 2, 9), 2026
    db.session.commit()
    with count_queries() as counter:
        again = client.get("/staff/dashboard").get_data(as_text=True)
    assert again == first and counter.count <= 8  # 19 computed: the user, the bell, the filters' choices, no chart
    assert "TN-2025-09" not in client.get("/staff/dashboard?year=2026").get_data(as_text=True)  # another filter
    cache.clear()  # the term passed
    assert again != client.get("/staff/dashboard").get_data(as_text=True)

    public = app.test_client()
    kept = public.get("/statistics").get_data(as_text=True)
    with count_queries() as counter:
        assert public.get("/statistics").get_data(as_text=True) == kept
    assert counter.count <= 2  # the agency's names for the page itself
    public.post("/language", data={"language": "en"})
    assert "Projects funded by year of contract" in public.get("/statistics").get_data(as_text=True)


def test_the_counts_of_applications_read_an_index_alone(app, reference):
    from reports.dashboard import organization_counts, sector_counts, state_counts
    from tests.plans import query_plan

    sectors = query_plan(sector_counts(DashboardFilter()))
    states = query_plan(state_counts(DashboardFilter(year=2026)))
    ours = ("ix_proposals_sector_status", "ix_proposals_dashboard")
    assert any(name in sectors for name in ours) and "ix_proposals_dashboard" in states, (sectors, states)
    if db.engine.dialect.name == "sqlite":  # PostgreSQL chooses among them by its own costs on tiny tables
        assert "COVERING INDEX ix_proposals_sector_status" in sectors and "COVERING INDEX" in states
        assert "COVERING INDEX" in query_plan(sector_counts(DashboardFilter(year=2026)))
        assert "COVERING INDEX ix_proposals_org_year" in query_plan(organization_counts(DashboardFilter()))

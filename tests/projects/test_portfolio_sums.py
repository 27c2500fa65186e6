"""The portfolio's stored sums (projects.portfolio.sums): kept in the flush that writes a project or its ledger,
equal at every step to the projects summed afresh, and read by the monitoring page through their index."""

from datetime import timedelta

from sqlalchemy import delete, func, select

from core.extensions import db
from core.formatting import format_money, local_today
from policies.models import Sector
from projects.contracts.models import Project, Tranche
from projects.money import ledger
from projects.portfolio.models import PortfolioSum
from projects.portfolio.sums import GROUPED, SUMMED, in_group, refresh_sums
from tests.conftest import login
from tests.factories import make_call, make_organization, make_project, make_user
from tests.plans import query_plan


def _stored() -> set[tuple]:
    columns = [getattr(PortfolioSum, name) for name in (*GROUPED, "projects", *SUMMED)]
    return {tuple(row) for row in db.session.execute(select(*columns))}


def _afresh() -> set[tuple]:
    keys = [getattr(Project, name) for name in GROUPED]
    sums = (func.sum(getattr(Project, name)) for name in SUMMED)
    return {tuple(row) for row in db.session.execute(select(*keys, func.count(Project.id), *sums).group_by(*keys))}


def test_the_sums_follow_every_write(app, reference):
    host = make_user("host@h.vn", organization=make_organization("Công ty Một"))
    staff = make_user("staff@s.vn", roles=("staff",))
    call, other_call = make_call(), make_call()
    with app.test_request_context():
        first = make_project(host, staff, call=call)
        second = make_project(host, staff, call=call, status="contracted")
        third = make_project(host, staff, call=other_call)
    db.session.commit()
    assert _stored() == _afresh() and len(_stored()) == 3  # two states in the first call, one in the other

    tranche = db.session.scalars(select(Tranche).where(Tranche.project_id == first.id)).first()
    assert ledger.post(first, "payment", 1_000_000, local_today(), staff, tranche=tranche)  # moved by an UPDATE
    db.session.commit()
    assert _stored() == _afresh()

    second.sector_id = db.session.scalars(select(Sector.id).where(Sector.id != second.sector_id)).first()
    third.legacy_area = "tay_ninh"
    db.session.commit()
    assert _stored() == _afresh()

    third.call_id = call.id  # moved to another group: both groups summed again
    db.session.commit()
    assert _stored() == _afresh()

    db.session.execute(delete(PortfolioSum))  # a bulk load that skipped the services
    refresh_sums()
    db.session.commit()
    assert _stored() == _afresh()


def test_the_monitoring_totals_read_the_sums(app, reference):
    host = make_user("host@h.vn", organization=make_organization("Công ty Một"))
    make_user("staff@s.vn", roles=("staff",))
    with app.test_request_context():
        project = make_project(host, title="Mô hình tưới tiết kiệm", end_on=local_today() + timedelta(100))
    db.session.commit()
    total = format_money(project.approved_vnd)
    db.session.execute(delete(PortfolioSum))  # the page adds up the stored sums, not the projects...
    db.session.commit()
    client = app.test_client()
    login(client, "staff@s.vn")

    def totals(url: str) -> str:
        return client.get(url).get_data(as_text=True).split('caption-top">')[1]  # the tables of totals

    assert total not in totals("/staff/projects")
    assert total in totals("/staff/projects?q=tuoi+tiet+kiem")  # ...unless a search narrows the projects
    refresh_sums()
    db.session.commit()
    assert total in totals("/staff/projects")


def test_a_group_is_read_and_summed_through_indexes(app, reference):
    sums = query_plan(select(PortfolioSum.id).where(in_group(PortfolioSum, 1, 2)))
    assert "ix_portfolio_sums_group" in sums, sums
    assert "ix_portfolio_sums_group" in query_plan(select(PortfolioSum.id).where(in_group(PortfolioSum, 1, None)))
    projects = query_plan(select(func.sum(Project.paid_vnd)).where(in_group(Project, 1, 2)))
    assert "ix_projects_call_money" in projects or "ix_projects_regime_id" in projects, projects

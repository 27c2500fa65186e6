"""The project pages send a bounded number of SQL statements, at 10 as at 2,000 projects."""

import pytest

from core.extensions import db
from tests.budgets import BELL, page_queries
from tests.conftest import login
from tests.factories import make_user

# Project pages → (path, who, budget), checked at 10 and 2,000 projects of one host (a third with a late report).
PROJECT_PAGES = {
    # + 1: the overdue recoveries
    "monitoring": ("/staff/projects", "staff@s.vn", 22),
    "monitoring, filtered": ("/staff/projects?legacy_area=long_an&state=in_progress&q=dong+loat", "staff@s.vn", 22),
    "monitoring, by health": ("/staff/projects?health=at_risk", "staff@s.vn", 21),
    "host's projects": ("/projects", "an@org.vn", 11),
    "project page (host)": ("/projects/{project_id}", "an@org.vn", 19),  # + 1: the ledger, + 1: the decision
    "project page (staff)": ("/projects/{project_id}", "staff@s.vn", 19),  # + 1: its decision (official documents)
    "report page": ("/projects/{project_id}/reports/{report_id}", "an@org.vn", 18),  # + the rows: 2 scope, 3 report
    "payment page": ("/projects/{project_id}/tranches/{tranche_id}/payment", "finance@s.vn", 11),
    "dossier page": ("/projects/{project_id}/dossier", "an@org.vn", 13),  # + the latest report, for the prefill
    "closing page": ("/staff/projects/{project_id}/closing", "staff@s.vn", 14),  # + 3: next number
    "contracts to sign": ("/staff/contracts", "staff@s.vn", 7),
    "ledger": ("/staff/ledger?kind=commitment", "staff@s.vn", 9),
    "payments and settlements": ("/staff/tranches?kind=approved", "finance@s.vn", 9),
    "periodic reports, overdue": ("/staff/periodic-reports?kind=late", "staff@s.vn", 9),
    "funded projects (public)": ("/funded?q=du+an", "an@org.vn", 9),
    "fixed amounts (public)": ("/funded/fixed-amounts?q=du+an&year=2026", "an@org.vn", 9),
    "funded project (public)": ("/funded/{project_id}", "an@org.vn", 6),  # + 1: its priority items
    "dashboard": ("/staff/dashboard?year=2026", "staff@s.vn", 19),  # 12 charts, one grouped query each
    "statistics (public)": ("/statistics", "an@org.vn", 9),
    "open data page": ("/open-data", "an@org.vn", 6),  # + 1: the agency's names
    "open data, JSON": ("/open-data/grants.json", "an@org.vn", 5),  # served from its stored file; + 1: the items
    "open data, CSV": ("/open-data/grants.csv", "an@org.vn", 5),
}


@pytest.mark.parametrize("page", PROJECT_PAGES)
@pytest.mark.parametrize("rows", [10, 2000])
def test_project_query_budget(app, reference, count_queries, page, rows):
    from sqlalchemy import select

    from projects.followup.models import PeriodicReport
    from tests.factories import bulk_projects, make_organization, make_project

    path, who, budget = PROJECT_PAGES[page]
    staff = make_user("staff@s.vn", roles=("staff",))
    make_user("finance@s.vn", roles=("finance",))
    host = make_user("an@org.vn", organization=make_organization())
    with app.test_request_context():
        project = make_project(host, staff=staff)
    tranche = project.tranches[0]
    tranche.status = "approved"
    bulk_projects(project, rows - 1)
    db.session.commit()
    report_id = db.session.execute(select(PeriodicReport.id).where(PeriodicReport.project_id == project.id)).scalar()
    client = app.test_client()
    login(client, who)
    url = path.format(project_id=project.id, report_id=report_id, tranche_id=tranche.id)
    used = page_queries(client, url, count_queries)
    budget += BELL
    assert used <= budget, f"{page} with {rows} projects used {used} queries (budget {budget})"


# Finance's pages of a closed file → (path, who, budget), at 10 and 2,000 projects: the project is liquidated and has
# money left to recover.
MONEY_PAGES = {
    "money returned": ("/projects/{project_id}/recovery", "finance@s.vn", 11),
    "liquidation record": ("/projects/{project_id}/liquidation-record", "staff@s.vn", 10),
}


@pytest.mark.parametrize("page", MONEY_PAGES)
@pytest.mark.parametrize("rows", [10, 2000])
def test_money_query_budget(app, reference, count_queries, page, rows):
    from core.formatting import local_today
    from projects.contracts.models import Project
    from tests.factories import bulk_projects, make_organization, make_project

    path, who, budget = MONEY_PAGES[page]
    staff = make_user("staff@s.vn", roles=("staff",))
    make_user("finance@s.vn", roles=("finance",))
    host = make_user("an@org.vn", organization=make_organization())
    with app.test_request_context():
        project = make_project(host, staff=staff)
    bulk_projects(project, rows - 1)
    closed = {"status": "liquidated", "liquidated_on": local_today(), "final_due_vnd": 0}
    owed = {"paid_vnd": 1_000, "recovery_vnd": 1_000, "recovery_decision": "QĐ 1", "recovery_due_on": local_today()}
    db.session.execute(db.update(Project).where(Project.id == project.id).values(**closed, **owed))
    db.session.commit()
    client = app.test_client()
    login(client, who)
    url = path.format(project_id=project.id)
    used = page_queries(client, url, count_queries)
    budget += BELL
    assert used <= budget, f"{page} with {rows} projects used {used} queries (budget {budget})"


# Acceptance pages → (path, who, budget), checked at 10 and 2,000 projects; the council has 5 members rating.
ACCEPTANCE_PAGES = {
    "acceptance council": ("/staff/acceptance/{council_id}", "staff@s.vn", 20),
    "acceptance minutes": ("/staff/acceptance/{council_id}/minutes", "staff@s.vn", 20),
    "my acceptance councils": ("/acceptance", "tv0@vien.vn", 6),
    "rating page": ("/acceptance/{council_id}/rating", "tv0@vien.vn", 21),
    "declaration page": ("/acceptance/{council_id}/rating", "tv4@vien.vn", 20),
    "annex": ("/projects/{project_id}/annex", "an@org.vn", 13),  # + the contract's work packages and budget lines
    "acceptance council form": ("/staff/projects/{project_id}/acceptance-council", "staff@s.vn", 22),
}


@pytest.mark.parametrize("page", ACCEPTANCE_PAGES)
@pytest.mark.parametrize("rows", [10, 2000])
def test_acceptance_query_budget(app, reference, count_queries, page, rows):
    from projects.acceptance.models import AcceptanceMember
    from projects.acceptance.queries import load_council
    from projects.acceptance.services import open_rating, save_council, submit_dossier
    from tests.factories import bulk_projects, make_organization, make_project

    path, who, budget = ACCEPTANCE_PAGES[page]
    staff = make_user("staff@s.vn", roles=("staff",))
    host = make_user("an@org.vn", organization=make_organization())
    members = [make_user(f"tv{i}@vien.vn", roles=("reviewer",)) for i in range(5)]
    with app.test_request_context():
        project = make_project(host, staff=staff)
        bulk_projects(project, rows - 1)
        texts = dict.fromkeys(("final_report", "product_report", "financial_report", "self_assessment"), "Đạt")
        submit_dossier(project, texts, [], host)
        seats = [
            (m.id, role) for m, role in zip(members, ("chair", "vice_chair", "member", "member", "member"), strict=True)
        ]
        council = save_council(
            project,
            None,
            {
                "name": "Hội đồng nghiệm thu",
                "meeting_at": None,
                "place": "",
                "admin_secretary_id": staff.id,
                "members": seats,
                "comment": "",
            },
            staff,
        )
        db.session.commit()
        open_rating(load_council(council.id), project, staff)
    declared = AcceptanceMember.user_id != members[4].id  # tv4 is still to declare: the declaration page
    db.session.execute(db.update(AcceptanceMember).where(declared).values(conflict="none"))
    db.session.commit()
    client = app.test_client()
    login(client, who)
    url = path.format(council_id=council.id, project_id=project.id)
    used = page_queries(client, url, count_queries)
    budget += BELL
    assert used <= budget, f"{page} with {rows} projects used {used} queries (budget {budget})"

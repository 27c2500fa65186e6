"""Inspections of a running project, who may open which follow-up page, and their query budgets."""

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from policies.models import Regime
from projects.followup import services as inspections
from projects.followup.models import Adjustment, FollowUpAction, Inspection
from tests.conftest import login
from tests.factories import make_project, make_user
from tests.projects.conftest import fresh, report_url


def test_inspections_with_follow_up_actions(world, client):
    project_id = world["project"].id
    login(client, "staff@skhcn.gov.vn")
    assert client.get(f"/projects/{project_id}/inspections/new").status_code == 200
    answer = client.post(
        f"/projects/{project_id}/inspections/new",
        data={"kind": "periodic", "planned_on": "15/10/2026", "inspectors": "Phòng Quản lý khoa học"},
    )
    assert answer.status_code == 302
    inspection = db.session.execute(select(Inspection)).scalar_one()
    url = f"/projects/{project_id}/inspections/{inspection.id}"
    refused = client.post(
        url,
        data={
            "version": "1",
            "kind": "periodic",
            "planned_on": "15/10/2026",
            "findings": "Chậm tiến độ",
            "actions-0-description": "Bổ sung nhân lực",
        },
    )
    assert refused.status_code == 400 and "Bổ sung nhân lực" in refused.get_data(as_text=True)
    client.post(
        url,
        data={
            "version": "1",
            "kind": "periodic",
            "planned_on": "15/10/2026",
            "held_on": "16/10/2026",
            "findings": "Chậm tiến độ",
            "actions-0-description": "Bổ sung nhân lực",
            "actions-0-due_on": "30/11/2026",
            "actions-1-description": "Báo cáo chi tiêu",
            "actions-1-due_on": "15/12/2026",
        },
    )
    actions = db.session.execute(select(FollowUpAction).order_by(FollowUpAction.position)).scalars().all()
    assert [(a.position, a.description) for a in actions] == [(1, "Bổ sung nhân lực"), (2, "Báo cáo chi tiêu")]
    done_url = f"{url}/actions/{actions[0].id}/done"
    assert client.post(done_url, data={"done_on": "", "note": "Đã tuyển 2 người"}).status_code == 400
    assert client.post(done_url, data={"done_on": "20/11/2026", "note": "Đã tuyển 2 người"}).status_code == 302
    assert fresh(FollowUpAction, actions[0].id).done_on == date(2026, 11, 20)

    client.get("/logout")
    login(client, "host@congty.vn")
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Chậm tiến độ" in page and "Đã tuyển 2 người" in page and "Báo cáo chi tiêu" in page
    assert url not in page
    assert client.get(url).status_code == 403


def _follow_up_records(world) -> dict:
    """An adjustment and an inspection with one action on the world's project; the ids the follow-up paths need."""
    project = world["project"]
    adjustment = Adjustment(project_id=project.id, kind="content", reason="Đổi sản phẩm")
    inspection = Inspection(
        project_id=project.id,
        kind="adhoc",
        planned_on=date(2026, 6, 1),
        actions=[FollowUpAction(position=1, description="Bổ sung hồ sơ", due_on=date(2026, 7, 1))],
    )
    db.session.add_all([adjustment, inspection])
    db.session.flush()
    ids = {
        "report": world["reports"][0].id,
        "adjustment": adjustment.id,
        "inspection": inspection.id,
        "action": inspection.actions[0].id,
    }
    db.session.commit()
    return ids


@pytest.mark.parametrize(
    "path",
    [
        "reports/{report}",
        "reports/{report}/transition/accepted",
        "adjustments/new",
        "adjustments/{adjustment}",
        "adjustments/{adjustment}/transition/withdrawn",
        "inspections/new",
        "inspections/{inspection}",
        "inspections/{inspection}/actions/{action}/done",
    ],
)
def test_another_organization_gets_404(world, client, path):
    project = world["project"]
    ids = _follow_up_records(world)
    login(client, "other@khac.vn")
    url = f"/projects/{project.id}/" + path.format(**ids)
    expected_get = 405 if path.endswith(("accepted", "withdrawn", "done")) else 404
    assert client.get(url).status_code == expected_get
    assert client.post(url).status_code == (405 if path == "adjustments/{adjustment}" else 404)


def test_a_record_of_another_project_is_404(world, client):
    with client.application.test_request_context():
        other = make_project(world["host"], staff=world["staff"])
    db.session.commit()
    login(client, "host@congty.vn")
    assert client.get(f"/projects/{other.id}/reports/{world['reports'][0].id}").status_code == 404


ANON, HOST, OTHER, REVIEWER = "anonymous", "host", "other", "reviewer"
ROLES = (ANON, HOST, OTHER, REVIEWER, "staff", "leader", "finance", "admin")
ROUTES = [  # (method, path, {role: status}); roles left out answer 404 (outsiders must not learn the project exists)
    ("GET", "reports/{report}", {HOST: 200, "staff": 200, "leader": 200, "finance": 200, "admin": 200}),
    ("POST", "reports/{report}", {HOST: 400, "staff": 403, "leader": 403, "finance": 403, "admin": 403}),
    (
        "POST",
        "reports/{report}/transition/accepted",
        {HOST: 403, "staff": 302, "leader": 403, "finance": 403, "admin": 302},
    ),
    ("GET", "adjustments/new", {HOST: 200, "staff": 403, "leader": 403, "finance": 403, "admin": 403}),
    ("POST", "adjustments/new", {HOST: 400, "staff": 403, "leader": 403, "finance": 403, "admin": 403}),
    ("GET", "adjustments/{adjustment}", {HOST: 200, "staff": 200, "leader": 200, "finance": 200, "admin": 200}),
    (
        "POST",
        "adjustments/{adjustment}/transition/withdrawn",
        {HOST: 302, "staff": 403, "leader": 403, "finance": 403, "admin": 403},
    ),
    (
        "POST",
        "adjustments/{adjustment}/transition/refused",
        {HOST: 403, "staff": 302, "leader": 302, "finance": 403, "admin": 302},
    ),
    ("GET", "inspections/new", {HOST: 403, "staff": 200, "leader": 403, "finance": 403, "admin": 200}),
    ("POST", "inspections/new", {HOST: 403, "staff": 400, "leader": 403, "finance": 403, "admin": 400}),
    ("GET", "inspections/{inspection}", {HOST: 403, "staff": 200, "leader": 403, "finance": 403, "admin": 200}),
    ("POST", "inspections/{inspection}", {HOST: 403, "staff": 400, "leader": 403, "finance": 403, "admin": 400}),
    (
        "POST",
        "inspections/{inspection}/actions/{action}/done",
        {HOST: 403, "staff": 400, "leader": 403, "finance": 403, "admin": 400},
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_what(world, client, role):
    project = world["project"]
    make_user("admin@skhcn.gov.vn", roles=("admin",))
    make_user("reviewer@vien.vn", roles=("reviewer",))
    ids = _follow_up_records(world)
    emails = {HOST: "host@congty.vn", OTHER: "other@khac.vn", REVIEWER: "reviewer@vien.vn"}
    if role != ANON:
        login(client, emails.get(role, f"{role}@skhcn.gov.vn"))
    for method, path, expected in ROUTES:
        answer = client.open(f"/projects/{project.id}/" + path.format(**ids), method=method)
        want = 302 if role == ANON else expected.get(role, 404)
        assert answer.status_code == want, (method, path)
        if role == ANON:
            assert "/login" in answer.headers["Location"]


def _add_follow_up(project, count):
    for n in range(count):
        db.session.add(Adjustment(project_id=project.id, kind="content", reason=f"Lý do {n}"))
        db.session.add(
            Inspection(
                project_id=project.id,
                kind="adhoc",
                planned_on=date(2026, 6, 1),
                actions=[FollowUpAction(position=1, description=f"Việc {n}", due_on=date(2026, 7, 1))],
            )
        )
    db.session.commit()


def test_follow_up_pages_have_a_constant_query_budget(world, client, count_queries):
    project = world["project"]
    login(client, "staff@skhcn.gov.vn")
    urls = [f"/projects/{project.id}", report_url(world), f"/projects/{project.id}/inspections/new"]
    counts = []
    for added in (1, 9):
        _add_follow_up(project, added)
        adjustment_id = db.session.execute(select(Adjustment.id).limit(1)).scalar()
        inspection_id = db.session.execute(select(Inspection.id).limit(1)).scalar()
        pages = [
            *urls,
            f"/projects/{project.id}/adjustments/{adjustment_id}",
            f"/projects/{project.id}/inspections/{inspection_id}",
        ]
        per_page = []
        for url in pages:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            per_page.append(counter.count)
        counts.append(per_page)
    assert counts[0] == counts[1] and max(counts[0]) <= 22  # the project page reads its ledger (+2)


def test_a_new_inspection_is_proposed_in_the_regimes_month():
    regime = Regime(inspection_month=10)
    assert inspections.next_periodic_on(regime, date(2026, 3, 5)) == date(2026, 10, 1)
    assert inspections.next_periodic_on(regime, date(2026, 10, 20)) == date(2026, 10, 20)
    assert inspections.next_periodic_on(regime, date(2026, 11, 23)) == date(2027, 10, 1)

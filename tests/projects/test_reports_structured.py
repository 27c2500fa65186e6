"""The contract's scope frozen as rows, the annex from the decision, and periodic reports with rows per work package,
product and budget line: prefill, refusals, tables, health, monitoring, the dossier's product report, cancellation."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.extensions import db
from core.formatting import format_money, local_today
from projects.contracts import services as contracts
from projects.contracts.queries import load_project
from projects.contracts.scope import ProjectBudgetLine, contract_scope, scale_amounts
from projects.followup import services as followup
from projects.followup.models import PeriodicReport, ReportPackage
from projects.followup.reporting import report_figures
from projects.portfolio.health import project_health
from projects.portfolio.host import host_todo
from projects.portfolio.queries import assess
from tests.conftest import login, vi_text
from tests.factories import make_organization, make_project, make_user
from tests.projects.conftest import facts, fresh, report_rows, report_url

REQUESTED_LINES = [
    {"kind": "equipment", "description": "Thiết bị tưới", "support_vnd": 300_000_000, "counterpart_vnd": 400_000_000},
    {"kind": "labour", "description": "Công lắp đặt", "support_vnd": 150_000_000, "counterpart_vnd": 80_000_000},
    {"kind": "training", "description": "Tập huấn nông dân", "support_vnd": 30_000_000, "counterpart_vnd": 0},
]


@pytest.mark.parametrize(
    ("amounts", "total", "expected"),
    [
        ([300, 150, 30], 450, [281, 141, 28]),  # remainders .25, .625, .125: the second line takes the đồng
        ([1, 1, 1], 100, [34, 33, 33]),  # a tie goes to the earlier line
        ([3, 3, 3], 10, [4, 3, 3]),
        ([200_000_000, 50_000_000], 199_999_999, [159_999_999, 40_000_000]),  # remainders .2 and .8
        ([100, 0, 50], 300, [200, 0, 100]),  # a line without support stays without
        ([0, 0], 11, [6, 5]),  # nothing asked: shared equally
        ([7], 5, [5]),
        ([], 100, []),
    ],
)
def test_scaling_adds_up_to_the_approved_support_exactly(amounts, total, expected):
    scaled = scale_amounts(amounts, total)
    assert scaled == expected
    assert sum(scaled) == (total if amounts else 0)


def test_scaling_keeps_every_line_within_a_dong_of_its_share():
    amounts = [123_456_789, 98_765_432, 55_555_555, 1, 7]
    for total in (1, 99, 250_000_001, 277_777_784, 500_000_000):
        scaled = scale_amounts(amounts, total)
        assert sum(scaled) == total
        assert all(abs(s - a * total / sum(amounts)) < 1 for s, a in zip(scaled, amounts, strict=True))


@pytest.fixture
def decided(app, reference, monkeypatch):
    """A project whose decision granted 450 m of the 480 m its application asked (the decision's amount as
    projects.contracts.services reads it)."""
    decision = SimpleNamespace(approved_vnd=450_000_000, number="45/QĐ-SKHCN", signed_on=date(2026, 1, 1))
    monkeypatch.setattr(contracts, "approved_decision", lambda proposal: decision)
    host = make_user("host@congty.vn", organization=make_organization())
    make_user("staff@skhcn.gov.vn", roles=("staff",))
    with app.test_request_context():
        project = make_project(host, budget_lines=REQUESTED_LINES)
    db.session.commit()
    return project


def test_the_contract_freezes_the_applications_scope_scaled_to_the_decision(decided):
    scope = contract_scope(decided.id)
    assert decided.approved_vnd == 450_000_000
    assert [(line.kind, line.requested_vnd, line.support_vnd) for line in scope.lines] == [
        ("equipment", 300_000_000, 281_250_000),
        ("labour", 150_000_000, 140_625_000),
        ("training", 30_000_000, 28_125_000),
    ]
    assert scope.support_vnd == 450_000_000 and scope.requested_vnd == 480_000_000
    assert [line.counterpart_vnd for line in scope.lines] == [400_000_000, 80_000_000, 0]
    assert [(p.position, p.name, p.month_from, p.month_to) for p in scope.packages] == [(1, "Lắp đặt hệ thống", 1, 3)]


def test_the_annex_shows_the_approved_support_and_budget_not_the_requested_one(app, decided, client):
    login(client, "host@congty.vn")
    page = client.get(f"/projects/{decided.id}/annex").get_data(as_text=True)
    support = page.split('class="fw-semibold approved-support">')[1].split("</dd>")[0]
    assert support == format_money(450_000_000)
    assert format_money(480_000_000) in page.split('class="requested-support">')[1].split("</dd>")[0]
    budget = page.split('id="annex-budget"')[1].split("</table>")[0]
    for amount in (281_250_000, 140_625_000, 28_125_000, 450_000_000):
        assert format_money(amount) in budget
    assert "Tập huấn nông dân" in budget and "Lắp đặt hệ thống" in page.split('id="annex-packages"')[1]
    assert "Mô hình tưới" in page.split('id="annex-products"')[1]


def _submit(world, index=0, **rows):
    """The host submits the n-th report with these rows (report_rows' arguments), through the service."""
    report = fresh(PeriodicReport, world["reports"][index].id)
    project = load_project(world["project"].id)
    scope = contract_scope(project.id)
    percents, quantities = rows.get("percents", (60,)), rows.get("quantities", (2,))
    spent = rows.get("spent", (100_000_000, 20_000_000))
    data = {"progress": "", "products_progress": "", "problems": "", "proposals": "", "spent_vnd": None}
    data["packages"] = [
        {"id": p.id, "percent": n, "done": "Đã lắp 2 ha"} for p, n in zip(scope.packages, percents, strict=False)
    ]
    data["products"] = [
        {"id": p.id, "quantity": n, "quality": "Tiết kiệm 25% nước"}
        for p, n in zip(project.products, quantities, strict=False)
    ]
    data["spending"] = [{"id": line.id, "spent_vnd": n} for line, n in zip(scope.lines, spent, strict=False)]
    followup.save_report(report, project, data, True, world["host"])
    db.session.commit()
    return fresh(PeriodicReport, report.id)


def test_a_submitted_report_stores_its_rows_and_totals(world):
    report = _submit(world, percents=(45,), spent=(100_000_000, 20_000_000))
    assert (report.status, report.spent_vnd, report.progress_percent) == ("submitted", 120_000_000, 45)
    rows = db.session.execute(select(ReportPackage).where(ReportPackage.report_id == report.id)).scalars().all()
    assert [(r.percent, r.done) for r in rows] == [(45, "Đã lắp 2 ha")]


def test_the_form_is_prefilled_from_the_contract_then_from_the_previous_report(world, client):
    login(client, "host@congty.vn")
    first = client.get(report_url(world)).get_data(as_text=True)
    assert "Lắp đặt hệ thống" in first and "Mô hình tưới" in first and "Thiết bị tưới" in first
    assert 'name="packages-0-percent" type="number" value=""' in first
    assert format_money(200_000_000) in first.split('id="spending-rows"')[1]  # the line's approved support
    _submit(world, percents=(60,), quantities=(2,), spent=(100_000_000, 20_000_000))
    second = client.get(report_url(world, 1)).get_data(as_text=True)
    assert 'name="packages-0-percent" type="number" value="60"' in second
    assert 'name="products-0-quantity" type="number" value="2"' in second
    assert 'value="Tiết kiệm 25% nước"' in second and 'value="100.000.000"' in second


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("packages-0-percent", "150", "The percent done is a whole number from 0 to 100."),
        ("packages-0-percent", "-5", "The percent done is a whole number from 0 to 100."),
        ("products-0-quantity", "-1", "The quantity achieved cannot be negative."),
        ("packages-0-row_id", "999999", "A row of the report is not in the contract any more; reload the page."),
    ],
)
def test_bad_input_is_refused_at_its_field_keeping_what_was_typed(app, world, client, field, value, message):
    login(client, "host@congty.vn")
    data = {
        "version": "1",
        **report_rows(world["project"].id),
        "packages-0-done": "Đã làm rất nhiều",
        "action": "draft",
    }
    data[field] = value
    answer = client.post(report_url(world), data=data)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert vi_text(app, message) in page and "Đã làm rất nhiều" in page and f'value="{value}"' in page
    if not field.endswith("row_id"):  # the message stands under the field itself
        assert vi_text(app, message) in page.split(f'name="{field}"')[1].split("</td>")[0]
    report = fresh(PeriodicReport, world["reports"][0].id)
    assert report.version == 1 and report.progress_percent is None


def test_submitting_needs_the_percent_of_every_work_package(app, world, client):
    login(client, "host@congty.vn")
    data = {"version": "1", **report_rows(world["project"].id, percents=(None,)), "progress": "Chưa rõ"}
    refused = client.post(report_url(world), data={**data, "action": "submit"})
    assert refused.status_code == 400
    message = vi_text(app, "Give the percent done of every work package before submitting the report.")
    assert message in refused.get_data(as_text=True).split('name="packages-0-percent"')[1]
    assert fresh(PeriodicReport, world["reports"][0].id).status == "due"
    assert client.post(report_url(world), data={**data, "action": "draft"}).status_code == 302  # a draft may wait
    report = fresh(PeriodicReport, world["reports"][0].id)
    assert report.status == "due" and report.progress_percent is None and report.spent_vnd == 120_000_000


def test_staff_read_the_rows_as_tables(app, world):
    _submit(world, percents=(60,), quantities=(5,), spent=(150_000_000, 20_000_000))
    staff = app.test_client()
    login(staff, "staff@skhcn.gov.vn")
    page = staff.get(report_url(world)).get_data(as_text=True)
    packages = page.split('id="package-table"')[1].split("</table>")[0]
    assert "Lắp đặt hệ thống" in packages and "60 %" in packages and "Đã lắp 2 ha" in packages
    products = page.split('id="product-table"')[1].split("</table>")[0]
    assert "5 / 5 ha" in products and "Tiết kiệm 25% nước" in products and "table-success" in products
    assert vi_text(app, "%(done)d of %(count)d products at target", done=1, count=1) in products
    spending = page.split('id="spending-table"')[1].split("</table>")[0]
    for amount in (150_000_000, 200_000_000, 20_000_000, 50_000_000, 170_000_000, 250_000_000):
        assert format_money(amount) in spending
    assert 'name="packages-0-percent"' not in page  # submitted: nothing to write


@pytest.mark.parametrize(
    ("changes", "today", "reasons"),
    [
        # 1/10: 75 % of the time gone
        ({"reported_progress": 0.30}, date(2026, 10, 1), ("progress_behind",)),
        ({"reported_progress": 0.40}, date(2026, 10, 1), ()),
        ({"reported_progress": None}, date(2026, 10, 1), ()),  # no report: progress not judged
        # what the host reported spent, not what was paid
        ({"reported_spent_vnd": 30}, date(2026, 10, 1), ("spending_behind",)),
        ({"reported_spent_vnd": 40, "paid_vnd": 0}, date(2026, 10, 1), ()),
        ({"reported_spent_vnd": None, "paid_vnd": 30}, date(2026, 10, 1), ("spending_behind",)),  # paid, before any
        (
            {"reported_progress": 0.1, "reported_spent_vnd": 10},
            date(2026, 10, 1),
            ("progress_behind", "spending_behind"),
        ),
        ({"reported_progress": 0.1, "dossier_submitted": True}, date(2026, 10, 1), ()),
    ],
)
def test_health_judges_the_reported_figures_against_the_time_elapsed(changes, today, reasons):
    health = project_health(facts(**changes), today)
    assert health.reasons == reasons and health.level == ("at_risk" if reasons else "on_track")


def test_assess_reads_the_latest_report_given_to_the_department(world):
    project_id = world["project"].id
    autumn = date(2026, 11, 1)  # 83 % of the time gone; half of the 250 m paid... nothing paid yet in this world
    before = assess([project_id], autumn)[project_id]
    assert before.reported is None and "spending_behind" in before.health.reasons  # nothing paid, nothing reported
    _submit(world, 0, percents=(30,), quantities=(5,), spent=(200_000_000, 50_000_000))
    after = assess([project_id], autumn)[project_id]
    assert after.reported.progress_percent == 30 and after.reported.products_at_target == 1
    assert "progress_behind" in after.health.reasons and "spending_behind" not in after.health.reasons
    _submit(world, 1, percents=(90,), quantities=(1,), spent=(10_000_000, 0))  # the later report counts
    latest = assess([project_id], autumn)[project_id]
    assert latest.reported.sequence == 2 and latest.reported.products_at_target == 0
    assert "progress_behind" not in latest.health.reasons and "spending_behind" in latest.health.reasons


def test_monitoring_shows_the_reported_progress_and_products(app, world):
    _submit(world, percents=(70,), quantities=(5,))
    staff = app.test_client()
    login(staff, "staff@skhcn.gov.vn")
    page = staff.get("/staff/projects").get_data(as_text=True)
    cell = page.split('class="reported"')[1].split("</td>")[0]
    assert "70 %" in cell and vi_text(app, "%(done)d/%(count)d products at target", done=1, count=1) in cell


def test_the_dossier_proposes_the_product_report_from_the_latest_report(app, world, client):
    login(client, "host@congty.vn")
    empty = client.get(f"/projects/{world['project'].id}/dossier").get_data(as_text=True)
    assert "Mô hình tưới: " not in empty
    _submit(world, quantities=(4,))
    page = client.get(f"/projects/{world['project'].id}/dossier").get_data(as_text=True)
    assert "Mô hình tưới: 4/5 ha — Tiết kiệm 25% nước" in page.split('name="product_report"')[1].split("</textarea>")[0]


def test_a_cancelled_report_offers_nothing(app, world, client):
    project_id = world["project"].id
    first = fresh(PeriodicReport, world["reports"][0].id)
    assert first.is_late(local_today())
    late_before = assess([project_id], local_today())[project_id].health
    assert "report_late" in late_before.reasons
    contracts.cancel_open_reports(load_project(project_id))  # as when the work is over, by the system
    db.session.commit()
    cancelled = fresh(PeriodicReport, first.id)
    assert cancelled.status == "cancelled" and not cancelled.is_late(local_today())
    assert "report_late" not in assess([project_id], local_today())[project_id].health.reasons
    assert not [item for item in host_todo(world["project"].organization_id, local_today()) if item.kind == "report"]
    login(client, "host@congty.vn")
    detail = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "late-flag" not in detail and vi_text(app, "Write the report") not in detail
    page = client.get(report_url(world)).get_data(as_text=True)
    assert 'name="packages-0-percent"' not in page and "action-" not in page
    answer = client.post(report_url(world), data={"version": str(cancelled.version), **report_rows(project_id)})
    assert answer.status_code == 400 and fresh(PeriodicReport, first.id).status == "cancelled"
    assert vi_text(app, "This report was cancelled: nothing more is awaited for it.") in answer.get_data(as_text=True)
    staff = app.test_client()
    login(staff, "staff@skhcn.gov.vn")
    staff_page = staff.get("/staff/projects").get_data(as_text=True)
    assert "overdue-reports" in staff_page
    assert f'/projects/{project_id}"' not in staff_page.split('id="overdue-reports"')[1].split("</section>")[0]


def test_the_scope_of_a_project_goes_with_it(world):
    project_id = world["project"].id
    assert contract_scope(project_id).lines
    report = fresh(PeriodicReport, world["reports"][0].id)
    rows = report_figures(load_project(project_id), report)
    assert [row.spent_vnd for row in rows.spending] == [None, None] and rows.planned_vnd == 250_000_000
    db.session.execute(db.delete(ProjectBudgetLine).where(ProjectBudgetLine.project_id == project_id))
    db.session.commit()
    assert not contract_scope(project_id).lines

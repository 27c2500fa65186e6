"""The running project the follow-up tests share, and their small helpers."""

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from projects.contracts.queries import load_project
from projects.followup.models import PeriodicReport
from projects.portfolio.health import ProjectFacts
from tests.factories import make_organization, make_project, make_user


@pytest.fixture
def world(app, reference):
    """A running project (1/1–31/12/2026) of the host's organization, the department's people and an outsider."""
    org = make_organization()
    people = {
        "host": make_user("host@congty.vn", organization=org),
        "other": make_user("other@khac.vn", organization=make_organization()),
        "staff": make_user("staff@skhcn.gov.vn", roles=("staff",)),
        "leader": make_user("leader@skhcn.gov.vn", roles=("leader",)),
        "finance": make_user("finance@skhcn.gov.vn", roles=("finance",)),
    }
    with app.test_request_context():
        project = make_project(people["host"], staff=people["staff"])
    db.session.commit()
    reports = (
        db.session.execute(
            select(PeriodicReport).where(PeriodicReport.project_id == project.id).order_by(PeriodicReport.sequence)
        )
        .scalars()
        .all()
    )
    return {**people, "project": project, "reports": reports}


def report_url(world, index=0):
    """The page of the project's n-th periodic report."""
    return f"/projects/{world['project'].id}/reports/{world['reports'][index].id}"


def facts(**changes: object) -> ProjectFacts:
    """Health's inputs for a project running from 1/1 to 31/12/2026, 100 approved and half paid, nothing late."""
    values = {
        "status": "in_progress",
        "start_on": date(2026, 1, 1),
        "end_on": date(2026, 12, 31),
        "dossier_submitted": False,
        "approved_vnd": 100,
        "paid_vnd": 50,
    }
    return ProjectFacts(**{**values, **changes})


def fresh(model, record_id):
    """The record as the database holds it now."""
    db.session.expire_all()
    return db.session.get(model, record_id)


def reload_project(project_id):
    """The project as the database holds it now, with what its pages show."""
    db.session.expire_all()
    return load_project(project_id)


def report_rows(project_id, percents=(60,), quantities=(2,), spent=(100_000_000, 20_000_000), quality="Đạt"):
    """The report form's rows for the project's work packages, products and budget lines, in the contract's order
    (as the page posts them): percents, quantities and amounts given in turn (None: left blank)."""
    from projects.contracts.scope import contract_scope

    scope, project = contract_scope(project_id), load_project(project_id)
    data = {}
    groups = (
        ("packages", scope.packages, percents, "percent"),
        ("products", project.products, quantities, "quantity"),
        ("spending", scope.lines, spent, "spent_vnd"),
    )
    for kind, items, values, field in groups:
        for index, (item, value) in enumerate(zip(items, values, strict=False)):
            data[f"{kind}-{index}-row_id"] = str(item.id)
            data[f"{kind}-{index}-{field}"] = "" if value is None else str(value)
            if kind == "products":
                data[f"{kind}-{index}-quality"] = quality
    return data

"""The total paid on a project never passes its approved support, even when finance pays tranches at the same
moment."""

from datetime import date

from sqlalchemy import update

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from projects.contracts.models import Project, Tranche
from projects.contracts.queries import load_project
from projects.money import services as money
from tests.conftest import run_at_once
from tests.factories import make_organization, make_project, make_user


def test_simultaneous_payments_never_pass_the_approved_support(app, reference):
    with app.test_request_context():
        host = make_user(organization=make_organization())
        project = make_project(host)
    cashiers = [make_user(f"kt{i}@s.vn", roles=("finance",)) for i in range(4)]
    # Four approved tranches of 200 million on a project approved for 500 million (finance may pay more than a
    # tranche planned, so only the ceiling on the total stops the third payment).
    db.session.execute(update(Project).where(Project.id == project.id).values(approved_vnd=500_000_000))
    db.session.execute(update(Tranche).where(Tranche.project_id == project.id).values(status="approved"))
    db.session.add(
        Tranche(
            project_id=project.id, position=4, amount_vnd=100_000_000, condition="report_accepted", status="approved"
        )
    )
    db.session.commit()
    ids = [t.id for t in load_project(project.id).tranches]
    paid, refused = [], []

    def pay(tranche_id: int, user_id: int) -> None:
        current = load_project(project.id)
        tranche = next(t for t in current.tranches if t.id == tranche_id)
        try:
            money.pay_tranche(
                tranche, current, date(2026, 3, 1), 200_000_000, f"UNC-{tranche_id}", db.session.get(User, user_id)
            )
            db.session.commit()
            paid.append(tranche_id)
        except DomainError:  # the approved support is used up
            db.session.rollback()
            refused.append(tranche_id)

    assert not run_at_once(app, pay, [(t, c.id) for t, c in zip(ids, cashiers, strict=True)])
    assert len(paid) == 2 and len(refused) == 2  # 2 × 200 million fit in 500 million, a third would not
    db.session.expire_all()
    assert db.session.get(Project, project.id).paid_vnd == 400_000_000

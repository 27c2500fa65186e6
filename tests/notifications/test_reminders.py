"""Reminders: hosts before and after a due date, staff about what became overdue, each reminder once."""

from datetime import date

import pytest
from sqlalchemy import delete, func, select, text

from core.extensions import db
from core.models import OutboxMessage
from core.outbox import deliver_due
from notifications.models import Notification, SentReminder
from notifications.reminders import run_reminders
from projects.followup.models import FollowUpAction, Inspection
from tests.factories import make_organization, make_project, make_user

# make_project: from 1/1 to 31/12/2026, reports due 15/3 and 15/9/2026, final dossier due 30/1/2027; the regime
# reminds 7 days ahead.


@pytest.fixture
def project(app, reference):
    """A project of an organization with two active members and a deactivated one; one staff member."""
    org = make_organization()
    host = make_user("host@h.vn", organization=org, locale="en")
    make_user("colleague@h.vn", organization=org)
    make_user("gone@h.vn", organization=org, active=False)
    staff = make_user("staff@s.vn", roles=("staff",))
    with app.test_request_context():
        project = make_project(host, staff)
    db.session.execute(delete(OutboxMessage))  # the contract's own mails
    db.session.commit()
    return project


def _mails() -> list[OutboxMessage]:
    return list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def _run(today: date) -> dict[str, int]:
    counts = run_reminders(today)
    db.session.commit()
    return counts


def test_before_the_due_date(project):
    assert _run(date(2026, 3, 7))["mails"] == 0  # 8 days ahead: not yet
    counts = _run(date(2026, 3, 8))
    assert counts["report_before"] == 2 and counts["report_overdue"] == 0 and counts["mails"] == 2
    mails = {mail.recipient: mail for mail in _mails()}
    assert set(mails) == {"host@h.vn", "colleague@h.vn"}  # active members only; staff not yet
    english = mails["host@h.vn"]
    assert "periodic report no. 1" in english.body_text and "due 15/03/2026" in english.body_text
    assert f"http://localhost/projects/{project.id}" in english.body_text
    assert "15/03/2026" in mails["colleague@h.vn"].body_text
    kept = db.session.execute(select(Notification).where(Notification.event == "reminder")).scalars().all()
    assert len(kept) == 2 and {notice.mail for notice in kept} == {"sent"}  # under the bell too, and mailed
    assert {notice.subject for notice in kept} == {english.subject, mails["colleague@h.vn"].subject}
    assert _run(date(2026, 3, 9))["mails"] == 0  # never twice
    assert _run(date(2026, 3, 8))["mails"] == 0


def test_overdue_hosts_and_staff(project):
    _run(date(2026, 3, 10))
    before = len(_mails())
    counts = _run(date(2026, 3, 16))
    assert counts["report_overdue"] == 2 and counts["staff_items"] == 1
    new = _mails()[before:]
    recipients = sorted(mail.recipient for mail in new)
    assert recipients[:2] == ["colleague@h.vn", "host@h.vn"] and "staff@s.vn" in recipients
    staff_mail = next(mail for mail in new if mail.recipient == "staff@s.vn")
    assert project.code in staff_mail.body_text and "http://localhost/staff/projects" in staff_mail.body_text
    assert _run(date(2026, 3, 16))["mails"] == 0
    assert _run(date(2026, 3, 20))["mails"] == 0  # overdue is said once


def test_staff_digest_lists_actions_and_dossiers(project):
    inspection = Inspection(project_id=project.id, kind="adhoc", planned_on=date(2026, 10, 1))
    action = FollowUpAction(position=1, description="Bổ sung hóa đơn", due_on=date(2026, 10, 20))
    inspection.actions = [action]
    db.session.add(inspection)
    db.session.commit()
    counts = _run(date(2027, 2, 5))  # both reports, the action and the final dossier are overdue
    assert counts["staff_items"] == 4 and counts["dossier_overdue"] == 2 and counts["report_overdue"] == 4
    staff_mail = next(mail for mail in _mails() if mail.recipient == "staff@s.vn")
    assert "Bổ sung hóa đơn" in staff_mail.body_text
    keys = set(db.session.execute(select(SentReminder.key)).scalars())
    assert f"staff:action:{action.id}" in keys
    assert f"staff:dossier:{project.id}:2027-01-30" in keys
    assert _run(date(2027, 2, 6)) == dict.fromkeys(counts, 0)


def test_dossier_before_its_due_date_and_after_an_extension(project):
    counts = _run(date(2027, 1, 25))
    assert counts["dossier_before"] == 2
    project.dossier_due_on = date(2027, 3, 1)  # an approved extension moves it
    project.end_on = date(2027, 1, 30)
    db.session.commit()
    assert _run(date(2027, 1, 26))["dossier_before"] == 0
    assert _run(date(2027, 2, 25))["dossier_before"] == 2


def test_delivered_through_the_outbox(app, project, smtp_server):
    deliver_due()  # what recording the contract told the host (notices of the event table)
    smtp_server.messages.clear()
    _run(date(2026, 3, 8))
    report = deliver_due()
    assert report.sent == 2
    assert {tuple(message["to"]) for message in smtp_server.messages} == {("host@h.vn",), ("colleague@h.vn",)}
    assert any(f"/projects/{project.id}" in link for link in smtp_server.links())


def test_cli_run(app, project):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "run"])
    assert result.exit_code == 0 and "reminders queued" in result.output
    queued = db.session.execute(select(func.count(OutboxMessage.id))).scalar()
    if date.today() > date(2026, 3, 15):  # the first report is overdue from then on
        assert queued > 0 and "staff@s.vn" in {mail.recipient for mail in _mails()}
    again = runner.invoke(args=["reminders", "run"])
    assert again.exit_code == 0
    assert db.session.execute(select(func.count(OutboxMessage.id))).scalar() == queued
    if db.engine.dialect.name == "sqlite":  # the planner's statistics gathered (PostgreSQL's autovacuum keeps its own)
        tables = db.session.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars().all()
        assert {"projects", "periodic_reports"} <= set(tables)

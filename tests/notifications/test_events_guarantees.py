"""What holds across the table of who is told: every row of EVENTS is fired by some flow; a council member with a
conflict on an application is never told anything of it; each person's choice of delivery (only in the portal, a daily
digest) is respected, except for legal notices, always mailed at once; and an action rolled back tells nobody."""

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import UserRole
from core.edge import dry_run
from core.extensions import db
from core.formatting import format_date, local_today
from core.models import OutboxMessage
from core.outbox import deliver_due
from notifications.digest import send_digests
from notifications.events import EVENTS, KINDS
from notifications.models import Notification
from projects.contracts import services as contracts
from projects.contracts.models import Tranche
from projects.contracts.queries import load_project
from projects.followup import services as followup
from projects.followup.models import Inspection
from review.councils.queries import load_council
from review.sheets import services as sheets
from review.sheets.queries import seat_assignment
from tests.conftest import login
from tests.notifications import test_events_applications as applications
from tests.notifications import test_events_projects as projects
from tests.notifications.councils import (
    MEMBERS,
    decide,
    draft_decisions,
    open_scoring,
    rank,
    release,
    reopen,
    rescore,
    score_all,
)
from tests.notifications.told import ORG_A, Watch


def test_every_row_of_the_table_is_fired_by_a_flow():
    """A row added to EVENTS without a step that fires it (and checks who is told) fails here."""
    fired = {key for flow in applications.FLOWS + projects.FLOWS for step in flow for key in step.keys}
    assert fired == {event.key for event in EVENTS}


# --- the conflict guarantee ------------------------------------------------------------------------------------------


def _told_of(user, proposal) -> list[str]:
    """What the person's notices and mails say that names the application (its title, its code, its page)."""
    notices = db.session.execute(select(Notification).where(Notification.user_id == user.id)).scalars().all()
    mails = db.session.execute(select(OutboxMessage).where(OutboxMessage.recipient == user.email)).scalars().all()
    texts = [f"{n.subject} {n.link}" for n in notices] + [f"{m.subject}\n{m.body_text}\n{m.body_html}" for m in mails]
    page = f"/applications/{proposal.id}"
    return [t for t in texts if proposal.title in t or proposal.reference_code in t or page in t]


@pytest.mark.parametrize("also_leader", [False, True], ids=["reviewer", "reviewer who is also a leader"])
def test_a_member_with_a_conflict_is_never_told_of_that_application(app, reviewing, also_leader):
    """Through a council's whole flow, from scoring to the release of its decisions: the member who declared a
    conflict on the host's application, and the one whose conflict was detected (the host's mail domain), are told
    of the council and of their own sheets, never of that application; others are."""
    w, target = reviewing, reviewing["proposals"][0]
    open_scoring(w)
    db.session.commit()
    council = load_council(w["council"].id)
    recused = next(
        name for name in MEMBERS if not seat_assignment(council.id, target.id, w["cast"][name].id).is_reviewer
    )
    if also_leader:  # a deputy director sitting on the council: leaders approve its decisions
        db.session.add(UserRole(user_id=w["cast"][recused].id, role="leader"))
    assignment = seat_assignment(council.id, target.id, w["cast"][recused].id)
    sheets.declare(assignment, council, True, "Người thân của chủ nhiệm", w["cast"][recused])
    db.session.commit()
    for step in (score_all, reopen(recused, 1, by="staff"), rescore(recused, 1), rank, draft_decisions, decide):
        step(w)
        db.session.commit()
    release(w)
    db.session.commit()
    assert seat_assignment(council.id, target.id, w["cast"]["m6"].id).conflict == "detected"
    for name in {recused, "m6"}:
        events = db.session.execute(select(Notification.event).where(Notification.user_id == w["cast"][name].id))
        assert "council.scoring_open" in set(events.scalars())  # they were told things: of the council
        assert _told_of(w["cast"][name], target) == [], name
    assert _told_of(w["cast"]["leader"], target) and _told_of(w["cast"]["host"], target)  # others were told of it


# --- each person's choice of delivery --------------------------------------------------------------------------------


def _choose(app, user, **deliveries):
    """The person saves their notification settings on their page (mail at once for the kinds not named)."""
    client = app.test_client()
    login(client, user.email)
    answer = client.post("/profile/notifications", data={kind: deliveries.get(kind, "immediate") for kind in KINDS})
    assert answer.status_code == 302
    return client


def _notice(watch, name, key):
    """The one notice of an event a person got since the watch began."""
    (notice,) = [n for n in watch.of(name) if n.event == key]
    return notice


def _mailed(watch, name):
    """The subjects of the mails queued for a person since the watch began."""
    return [m.subject for m in watch.mails() if m.recipient == watch.cast[name].email]


def test_in_the_portal_only_keeps_the_notice_without_a_mail_but_a_legal_notice_is_mailed(app, running, smtp_server):
    """The English-reading host chose "only here" for projects: a resumption is only a notice, a suspension (legal)
    is mailed all the same; the other member, who chose nothing, gets both by mail."""
    cast = running["cast"]
    english = _choose(app, cast["host_en"], projects="in_app")
    staff = cast["staff"]
    watch = Watch(cast, smtp_server)
    contracts.move_project(load_project(running["project"].id), "suspended", staff, "Chậm tiến độ")
    db.session.commit()
    contracts.move_project(load_project(running["project"].id), "in_progress", staff)
    db.session.commit()
    suspended, resumed = _notice(watch, "host_en", "project.suspended"), _notice(watch, "host_en", "project.resumed")
    assert (suspended.mail, resumed.mail) == ("sent", "none")  # a suspension is a legal notice
    assert _mailed(watch, "host_en") == [suspended.subject]
    assert _mailed(watch, "host") == [
        _notice(watch, "host", key).subject for key in ("project.suspended", "project.resumed")
    ]
    page = english.get("/notifications").get_data(as_text=True)
    assert resumed.subject in page and suspended.subject in page  # both kept in the portal, newest first
    assert page.index(resumed.subject) < page.index(suspended.subject)


def _plan_inspection(running, planned_on: date) -> None:
    """Staff plan an inspection of the running project (the host is told), committed."""
    data = {"kind": "adhoc", "planned_on": planned_on, "inspectors": "Đoàn kiểm tra", "held_on": None}
    project = load_project(running["project"].id)
    followup.save_inspection(Inspection(), project, data | {"findings": "", "actions": []}, running["cast"]["staff"])
    db.session.commit()


def _digests(app) -> str:
    """Run the daily digest as cron does: `flask notifications digest`."""
    result = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output.strip()


def test_a_daily_digest_gathers_what_waits_and_goes_once_a_day(app, running, smtp_server):
    """The English-reading host chose the digest for projects: what is not legal waits, `flask notifications digest`
    sends it in one mail in their language, once a day; what comes later goes in the next day's."""
    cast, today = running["cast"], local_today()
    _choose(app, cast["host_en"], projects="digest")
    watch = Watch(cast, smtp_server)
    contracts.move_project(load_project(running["project"].id), "suspended", cast["staff"], "Chậm tiến độ")
    db.session.commit()
    contracts.move_project(load_project(running["project"].id), "in_progress", cast["leader"])
    db.session.commit()
    _plan_inspection(running, today + timedelta(days=7))
    waiting = [_notice(watch, "host_en", key) for key in ("project.resumed", "inspection.planned")]
    suspended = _notice(watch, "host_en", "project.suspended")
    assert [n.mail for n in waiting] == ["digest", "digest"] and suspended.mail == "sent"
    assert _mailed(watch, "host_en") == [suspended.subject]  # nothing else now

    assert _digests(app) == "digests queued: 1"
    with force_locale("en"):
        subject = _("Your notices of %(date)s", date=format_date(today))
    assert _mailed(watch, "host_en") == [suspended.subject, subject]  # one mail, in the reader's language
    assert len(_mailed(watch, "host")) == 3  # who chose mail at once got each at once, and no digest
    deliver_due()
    (digest,) = [m for m in smtp_server.messages if m["subject"] == subject]
    assert digest["to"] == [cast["host_en"].email]
    assert all(n.subject in digest["body"] for n in waiting) and suspended.subject not in digest["body"]
    base = f"{app.config['PREFERRED_URL_SCHEME']}://{app.config['SERVER_NAME']}"
    assert {base + n.link for n in waiting} <= set(re.findall(r"https?://\S+", digest["body"]))  # absolute links
    assert _digests(app) == "digests queued: 0"  # run again the same day: nothing more

    _plan_inspection(running, today + timedelta(days=20))
    assert _digests(app) == "digests queued: 0"  # what arrives after today's digest waits for tomorrow's
    assert send_digests(today + timedelta(days=1)) == 1
    db.session.commit()
    later = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id.desc())).scalars().first()
    newest = watch.of("host_en")[-1]
    assert later.recipient == cast["host_en"].email and newest.subject in later.body_text
    assert not any(n.subject in later.body_text for n in waiting)  # each notice goes in one digest only


# --- nothing is told of what was rolled back -------------------------------------------------------------------------


def test_a_refused_payment_tells_nobody(app, running, smtp_server):
    """Finance's payment passes the approved support: the move to PAID was heard, then the request was refused and
    rolled back; nothing of it is told, then or at the next commit."""
    cast = running["cast"]
    project = load_project(running["project"].id)
    first = project.tranches[0]
    contracts.request_tranche(first, project, "Tạm ứng đợt 1", cast["host"])
    contracts.review_request(first, project, "approved", cast["staff"])
    db.session.commit()
    finance = app.test_client()
    login(finance, cast["finance"].email)
    watch = Watch(cast, smtp_server)
    form = {"paid_on": "20/03/2026", "paid_vnd": str(project.approved_vnd + 1), "payment_reference": "UNC 9"}
    tranche = db.session.get(Tranche, first.id)
    answer = finance.post(
        f"/projects/{project.id}/tranches/{first.id}/payment", data=form | {"version": tranche.version}
    )
    assert answer.status_code == 400 and "UNC 9" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Tranche, first.id).status == "approved"
    assert watch.notices() == [] and watch.mails() == []
    _plan_inspection(running, local_today() + timedelta(days=7))  # the next commit tells only what it did
    assert set(watch.heard()) == {("inspection.planned", name) for name in ORG_A}


def test_a_dry_run_tells_nobody(app, running, smtp_server):
    """What an action would do, rolled back (core.edge.dry_run, for a stale form's comparison), is never told."""
    cast = running["cast"]
    watch = Watch(cast, smtp_server)
    staff = cast["staff"]
    dry_run(lambda: contracts.move_project(load_project(running["project"].id), "suspended", staff, "Thử"))
    db.session.commit()
    assert watch.notices() == [] and watch.mails() == []
    assert load_project(running["project"].id).status == "in_progress"

"""Each role's work queues on the home page: the right counts and direct links, nothing of other roles or of other
organizations, a conflicted council member never told of the application, and a queue in full a page at a time."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.extensions import db
from core.formatting import local_today, utcnow
from projects.acceptance.queries import load_council as load_acceptance
from projects.acceptance.services import open_rating, save_council, submit_dossier
from projects.contracts.models import Tranche
from projects.contracts.services import move_project
from projects.fixed.models import BatchDecision, FixedAward
from projects.followup.models import Adjustment, PeriodicReport
from proposals.services import submit_proposal, transition_proposal
from review.councils.queries import load_council
from review.models import Decision
from review.sheets import services as sheets
from review.sheets.queries import seat_assignment
from tests.access_expectations import DOSSIER
from tests.conftest import login, vi_text
from tests.factories import (
    make_call,
    make_council,
    make_organization,
    make_project,
    make_proposal,
    make_user,
    make_valid_proposal,
    score,
)


@pytest.fixture
def people(app, reference):
    org, other = make_organization(), make_organization()
    people = {
        "staff": make_user("staff@s.vn", roles=("staff",)),
        "leader": make_user("leader@s.vn", roles=("leader",)),
        "finance": make_user("finance@s.vn", roles=("finance",)),
        "member": make_user("tv@vien.vn", roles=("reviewer",)),
        "host": make_user("an@nongsan.vn", organization=org),
        "other_host": make_user("binh@cokhi.vn", organization=other),
    }
    db.session.commit()
    return people


def home(app, person) -> str:
    client = app.test_client()
    assert login(client, person.email).headers["Location"] == "/me"
    response = client.get("/me")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def card(page: str, key: str) -> str:
    """The part of the home page showing one queue ('' when the page does not show it)."""
    start = page.find(f'id="queue-{key}"')
    if start < 0:
        return ""
    ends = [i for i in (page.find('id="queue-', start + 1), page.find("</section>", start)) if i > 0]
    return page[start : min(ends)]


def count(page: str, key: str) -> int:
    return int(re.search(r"badge[^>]*>(\d+)<", card(page, key)).group(1))


def supplement(proposal, staff) -> None:
    """The department asks for a supplement of a submitted application."""
    transition_proposal(proposal, "under_check", staff)
    transition_proposal(proposal, "needs_supplement", staff, "Bổ sung báo giá", local_today() + timedelta(days=10))


def test_staff_see_what_waits_for_the_department_with_direct_links(app, people):
    staff, host = people["staff"], people["host"]
    with app.test_request_context():
        first = make_proposal(make_call(), host)
        submit_proposal(first, host)
        answered = make_proposal(make_call(), host)
        submit_proposal(answered, host)
        supplement(answered, staff)
        submit_proposal(answered, host)  # version 2: the supplement answered
        project = make_project(host, staff=staff)
        finished = make_project(host, staff=staff)
        submit_dossier(finished, DOSSIER, [], host)
        closed = make_call()
        make_valid_proposal(closed, host)
        forming = make_council(make_call(), staff)
    closed.status = "closed"
    report = db.session.execute(select(PeriodicReport).where(PeriodicReport.project_id == project.id)).scalars().first()
    report.status, report.submitted_at = "submitted", utcnow()
    project.tranches[0].status, project.tranches[0].requested_at = "requested", utcnow()
    adjustment = Adjustment(project_id=project.id, kind="lead", reason="Nghỉ hưu", new_lead_name="Lê Văn B")
    db.session.add(adjustment)
    db.session.commit()

    page = home(app, staff)
    assert count(page, "applications_to_check") == 1
    assert f"/staff/applications/{first.id}/check" in card(page, "applications_to_check")
    assert f"/staff/applications/{answered.id}/check" in card(page, "supplements_answered")
    assert count(page, "supplements_answered") == 1
    assert f"/projects/{project.id}/reports/{report.id}" in card(page, "reports_submitted")
    assert f"/projects/{project.id}#tranches" in card(page, "tranche_requests")
    assert f"/projects/{project.id}/adjustments/{adjustment.id}" in card(page, "adjustment_requests")
    assert f"/staff/projects/{finished.id}/acceptance-council" in card(page, "dossiers")
    councils = card(page, "councils_to_prepare")
    assert count(page, "councils_to_prepare") == 2
    assert f"/staff/calls/{closed.id}/council" in councils and f"/staff/councils/{forming.id}" in councils
    assert 'id="waiting-leader"' not in page and 'id="waiting-finance"' not in page and "tranches_to_pay" not in page


def test_leaders_see_decisions_batches_adjustments_and_suspended_projects(app, people):
    staff, host = people["staff"], people["host"]
    call = make_call()
    with app.test_request_context():
        proposal = make_valid_proposal(call, host)
        council = make_council(call, staff)
        project = make_project(host, staff=staff)
        move_project(project, "suspended", staff, "Chờ kiểm tra")
    signed = {"signed_on": local_today(), "signer": "Giám đốc"}
    decision = Decision(council_id=council.id, proposal_id=proposal.id, number="7/QĐ", approved_vnd=9, **signed)
    batch = BatchDecision(call_id=call.id, number="8/QĐ-SKHCN", **signed)
    db.session.add_all([decision, batch, Adjustment(project_id=project.id, kind="content", reason="Đổi giống")])
    db.session.commit()

    page = home(app, people["leader"])
    assert f"/staff/councils/{council.id}/decisions" in card(page, "decisions_to_approve")
    assert "7/QĐ" in card(page, "decisions_to_approve")
    assert f"/staff/batch-decisions/{batch.id}" in card(page, "batches_to_approve")
    assert count(page, "adjustment_requests") == 1  # a leader decides every kind of adjustment, as staff do
    assert f"/projects/{project.id}" in card(page, "suspended_projects")
    assert 'id="waiting-staff"' not in page and "applications_to_check" not in page


def test_finance_sees_the_payments_to_record_with_their_payment_pages(app, people):
    staff, host = people["staff"], people["host"]
    with app.test_request_context():
        project = make_project(host, staff=staff)
        halted = make_project(host, staff=staff)
        awarded = make_valid_proposal(make_call(), host)
    to_pay, paid = project.tranches[0], project.tranches[1]
    to_pay.status = "approved"
    paid.status, paid.paid_on, paid.paid_vnd = "paid", local_today(), paid.amount_vnd
    halted.tranches[0].status, halted.status = "approved", "suspended"  # no payment while suspended
    halted.tranches[1].status, halted.tranches[1].paid_vnd = "paid", 1  # nor settlement
    halted.paid_vnd, halted.recovery_vnd, halted.recovery_due_on = 1, 1, local_today()  # 1 đồng to recover
    award = FixedAward(proposal_id=awarded.id, amount_vnd=30_000_000, status="approved")
    batch = BatchDecision(call_id=awarded.call_id, number="9/QĐ", signed_on=local_today(), signer="GĐ", awards=[award])
    batch.status = "approved"
    db.session.add(batch)
    db.session.commit()

    page = home(app, people["finance"])
    assert count(page, "tranches_to_pay") == 1
    assert f"/projects/{project.id}/tranches/{to_pay.id}/payment" in card(page, "tranches_to_pay")
    assert f"/projects/{halted.id}/" not in card(page, "tranches_to_pay")
    assert f"/projects/{project.id}/tranches/{paid.id}/payment" in card(page, "settlements_to_record")
    assert f"/projects/{halted.id}/" not in card(page, "settlements_to_record")
    assert f"/projects/{halted.id}/recovery" in card(page, "recoveries_to_receive")
    assert f"/staff/batch-decisions/{batch.id}" in card(page, "awards_to_pay")
    assert 'id="waiting-staff"' not in page and 'id="waiting-leader"' not in page


def test_a_member_is_never_told_of_an_application_they_declared_a_conflict_on(app, people):
    staff, member, host = people["staff"], people["member"], people["host"]
    call = make_call()
    with app.test_request_context():
        hidden = make_valid_proposal(call, host, title="Máy sấy nông sản bí mật")
        shown = make_valid_proposal(call, people["other_host"], title="Giống thanh long ruột đỏ")
        seated = [member, *(make_user(roles=("reviewer",)) for _ in range(6))]
        council = make_council(call, staff, seated, open_scoring=True)
    sheets.declare(seat_assignment(council.id, hidden.id, member.id), load_council(council.id), True, "Họ hàng", member)
    db.session.commit()

    page = home(app, member)
    assert count(page, "sheets_to_declare") == 1
    assert f"/review/councils/{council.id}/applications/{shown.id}" in card(page, "sheets_to_declare")
    client = app.test_client()
    login(client, member.email)
    for path in ("/me", "/me/queues/sheets_to_declare", "/me/queues/sheets_to_score"):
        listed = client.get(path).get_data(as_text=True)
        assert hidden.title not in listed and hidden.reference_code not in listed
        assert f"applications/{hidden.id}" not in listed

    with app.test_request_context():
        sheets.declare(seat_assignment(council.id, shown.id, member.id), load_council(council.id), False, "", member)
    db.session.commit()
    page = home(app, member)
    assert count(page, "sheets_to_declare") == 0 and count(page, "sheets_to_score") == 1
    with app.test_request_context():
        score(council, shown, member)
    db.session.commit()
    page = home(app, member)
    assert count(page, "sheets_to_score") == 0
    assert vi_text(app, "Nothing waits for you.") in card(page, "sheets_to_score")


def test_a_member_is_asked_for_the_acceptance_ratings_still_to_give(app, people):
    staff, member = people["staff"], people["member"]
    others = [make_user(f"r{i}@truong{i}.edu.vn", roles=("reviewer",)) for i in range(4)]
    with app.test_request_context():
        project = make_project(people["host"], staff=staff)
        submit_dossier(project, DOSSIER, [], people["host"])
        seats = [(member.id, "chair"), *((u.id, "member") for u in others)]
        data = {"name": "HĐ nghiệm thu", "meeting_at": None, "place": "", "admin_secretary_id": staff.id}
        council = save_council(project, None, {**data, "members": seats, "comment": ""}, staff)
        db.session.commit()
        open_rating(load_acceptance(council.id), project, staff)
    db.session.commit()

    page = home(app, member)
    assert count(page, "ratings_to_give") == 1
    assert f"/acceptance/{council.id}/rating" in card(page, "ratings_to_give")


def test_a_host_sees_only_its_organization_s_to_do_and_supplements(app, people):
    staff, host, other = people["staff"], people["host"], people["other_host"]
    with app.test_request_context():
        mine, theirs = make_proposal(make_call(), host), make_proposal(make_call(), other)
        for proposal, person in ((mine, host), (theirs, other)):
            submit_proposal(proposal, person)
            supplement(proposal, staff)
        project, their_project = make_project(host, staff=staff), make_project(other, staff=staff)
    db.session.execute(update(Tranche).where(Tranche.position == 1).values(status="eligible"))
    db.session.commit()

    page = home(app, host)
    assert count(page, "supplements_requested") == 1
    assert f"/applications/{mine.id}/edit" in card(page, "supplements_requested")
    todo = card(page, "host_todo")
    assert f"/projects/{project.id}#tranches" in todo
    assert theirs.reference_code not in page and their_project.code not in page
    assert 'id="waiting-staff"' not in page


def test_a_person_with_several_roles_sees_each_role_s_queues_and_a_shared_one_once(app, people):
    both = make_user("ca-hai@s.vn", roles=("staff", "leader"))
    db.session.commit()
    page = home(app, both)
    assert 'id="waiting-staff"' in page and 'id="waiting-leader"' in page
    assert page.count('id="queue-adjustment_requests"') == 1
    assert page.index('id="queue-adjustment_requests"') < page.index('id="waiting-leader"')
    assert page.count(vi_text(app, "Nothing waits for you.")) == page.count('id="queue-')


def test_a_queue_page_goes_page_by_page(app, people):
    from tests.factories import bulk_projects

    with app.test_request_context():
        project = make_project(people["host"], staff=people["staff"])
    bulk_projects(project, 29)
    db.session.execute(update(Tranche).where(Tranche.position == 1).values(status="approved"))
    db.session.commit()

    page = home(app, people["finance"])
    assert count(page, "tranches_to_pay") == 30
    assert "/me/queues/tranches_to_pay" in card(page, "tranches_to_pay")
    assert vi_text(app, "See all %(num)d", num=30) in card(page, "tranches_to_pay")
    client = app.test_client()
    login(client, people["finance"].email)
    first = client.get("/me/queues/tranches_to_pay").get_data(as_text=True)
    assert first.count("/payment") == 25 and "/me/queues/tranches_to_pay?page=2" in first
    second = client.get("/me/queues/tranches_to_pay?page=2").get_data(as_text=True)
    assert second.count("/payment") == 5
    assert client.get("/me/queues/sheets_to_score").status_code == 403
    assert client.get("/me/queues/no_such_queue").status_code == 404


def test_the_home_page_counts_a_long_queue_up_to_its_limit(app, people, monkeypatch):
    """Beyond COUNTED_UP_TO the home page says "N+" and links to the queue, whose own page counts them all."""
    from notifications import queues
    from tests.factories import bulk_projects

    monkeypatch.setattr(queues, "COUNTED_UP_TO", 20)
    with app.test_request_context():
        project = make_project(people["host"], staff=people["staff"])
    bulk_projects(project, 29)
    db.session.execute(update(Tranche).where(Tranche.position == 1).values(status="approved"))
    db.session.commit()

    shown = card(home(app, people["finance"]), "tranches_to_pay")
    assert re.search(r"badge[^>]*>20\+<", shown)
    assert vi_text(app, "See them all") in shown and "/me/queues/tranches_to_pay" in shown
    client = app.test_client()
    login(client, people["finance"].email)
    assert "/me/queues/tranches_to_pay?page=2" in client.get("/me/queues/tranches_to_pay").get_data(as_text=True)


def test_a_queue_of_two_parts_is_merged_in_order_page_by_page(app, people):
    """Applications to check are first submissions and those being checked, each part read from its own index: every
    page holds the right ones, the longest waiting first, whichever part they come from."""
    from notifications.queue_reads import QueuePage
    from notifications.queues import QUEUES
    from proposals.models import Proposal

    with app.test_request_context():
        call = make_call()
        proposals = [make_proposal(call, people["host"], title=f"Ứng dụng số {n}") for n in range(7)]
        for proposal in proposals:
            submit_proposal(proposal, people["host"])
    now = utcnow()
    for n, proposal in enumerate(proposals):  # waiting 7, 6, ... 1 hours; every other one being checked
        values = {"last_submitted_at": now - timedelta(hours=7 - n), "status": "under_check" if n % 2 else "submitted"}
        db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(**values))
    db.session.commit()

    queue = next(q for q in QUEUES if q.key == "applications_to_check")
    with app.test_request_context():
        pages = [QueuePage(queue, people["staff"], page, 3) for page in (1, 2, 3)]
        assert [[item.ref for item in page.items] for page in pages] == [
            [p.reference_code for p in proposals[start : start + 3]] for start in (0, 3, 6)
        ]
        assert pages[0].total == 7
    assert count(home(app, people["staff"]), "applications_to_check") == 7  # both parts, each counted alone

"""Each page sends a bounded number of SQL statements, whatever the number of rows."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from core.extensions import db
from core.models import AuditEvent
from notifications.models import Notification
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.models import PublicHoliday
from tests.budgets import BELL, page_queries
from tests.conftest import login
from tests.factories import make_call, make_user

# page → (path, who is logged in, budget)
PAGES = {
    "home": ("/", None, 8),
    "calls": ("/calls", None, 7),
    "call detail": ("/calls/{call_id}", None, 10),
    "staff calls": ("/staff/calls", "staff@s.vn", 9),
    "admin users": ("/admin/users?q=nguoi", "admin@s.vn", 10),
    "admin regimes": ("/admin/regimes", "admin@s.vn", 9),
    "admin evaluation": ("/admin/evaluation", "admin@s.vn", 8),
    "admin score sheet": ("/admin/score-sheets/{template_id}", "admin@s.vn", 7),
    "admin evaluation rule": ("/admin/evaluation-rules/{rule_id}", "admin@s.vn", 5),
    "admin holidays": ("/admin/holidays?year=2026", "admin@s.vn", 6),
    "admin holiday": ("/admin/holidays/{holiday_id}", "admin@s.vn", 5),
    "admin audit": ("/admin/audit?who=nguoi&date_from=01/01/2020&date_to=31/12/2099", "admin@s.vn", 8),
    "admin audit security": ("/admin/audit?kind=security&record_type=user", "admin@s.vn", 8),
    "notification settings": ("/profile/notifications", "staff@s.vn", 5),
    "login and security": ("/profile/security", "staff@s.vn", 5),
    "calendar page": ("/profile/calendar", "staff@s.vn", 10),
}


def _measure(app, count_queries, rows: int, path: str, who: str | None) -> int:
    make_user("staff@s.vn", roles=("staff",))
    make_user("admin@s.vn", roles=("admin",))
    calls = [make_call(code=f"Q-{i}") for i in range(rows)]
    for i in range(rows):
        person = make_user(f"nguoi{i}@example.vn", full_name=f"Người {i}")
        db.session.add_all(_audit_trail(person, calls[i]))
        db.session.add(
            PublicHoliday(day=date(2026, 6, 1) + timedelta(days=i), name=f"Nghỉ {i}", name_en=f"Day off {i}")
        )
    db.session.commit()
    client = app.test_client()
    if who:
        login(client, who)
    template_id = db.session.execute(db.select(ScoreSheetTemplate.id)).scalar()
    rule_id = db.session.execute(db.select(EvaluationRule.id)).scalar()
    holiday_id = db.session.execute(db.select(PublicHoliday.id)).scalar()
    url = path.format(call_id=calls[0].id, template_id=template_id, rule_id=rule_id, holiday_id=holiday_id)
    return page_queries(client, url, count_queries)


def _audit_trail(person, call) -> list[AuditEvent]:
    """A sign-in, a move of a call and a save of the settings by the person: three types of record, two linked."""
    who = {"actor_id": person.id, "actor_label": person.email}
    return [
        AuditEvent(action="login", object_type="user", object_id=person.id, **who),
        AuditEvent(
            action="transition", object_type="call", object_id=call.id, from_state="draft", to_state="open", **who
        ),
        AuditEvent(action="update", object_type="agency_settings", object_id=1, **who),
    ]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("rows", [3, 60])
def test_query_budget(app, reference, count_queries, page, rows):
    path, who, budget = PAGES[page]
    used = _measure(app, count_queries, rows, path, who)
    budget += BELL if who else 0
    assert used <= budget, f"{page} with {rows} rows used {used} queries (budget {budget})"


# Application pages → (path, who, budget), checked at 10 and 1,000 applications in one call of one organization.
PROPOSAL_PAGES = {
    "my applications": ("/applications", "an@org.vn", 8),
    "staff queue": ("/staff/calls/{call_id}/applications?q=thanh+long&sort=support&order=desc", "staff@s.vn", 13),
    "application page": ("/applications/{proposal_id}", "an@org.vn", 27),
    "check page": (
        "/staff/applications/{proposal_id}/check",
        "staff@s.vn",
        31,
    ),  # + the public holidays of the deadline
    "edit page": ("/applications/{proposal_id}/edit", "an@org.vn", 21),
    "submit page": ("/applications/{proposal_id}/submit", "an@org.vn", 26),
    "compare page": ("/applications/{proposal_id}/versions", "staff@s.vn", 25),
    "print page": ("/applications/{proposal_id}/print", "staff@s.vn", 25),
}


@pytest.mark.parametrize("page", PROPOSAL_PAGES)
@pytest.mark.parametrize("rows", [10, 1000])
def test_application_query_budget(app, reference, count_queries, page, rows):
    from sqlalchemy import insert

    from core.formatting import utcnow
    from proposals.models import Proposal
    from proposals.services import submit_proposal
    from tests.factories import make_organization, make_proposal

    path, who, budget = PROPOSAL_PAGES[page]
    make_user("staff@s.vn", roles=("staff",))
    applicant = make_user("an@org.vn", organization=make_organization())
    call = make_call(code="TN-2026-01")
    with app.test_request_context():
        proposal = make_proposal(call, applicant)
        submit_proposal(proposal, applicant)
    proposal.status = "needs_supplement"  # the organization may edit and resubmit, the department sees version 1
    now = utcnow()
    db.session.execute(
        insert(Proposal),
        [
            {
                "call_id": call.id,
                "organization_id": applicant.membership.organization_id,
                "year": call.year,
                "status": "valid" if i % 3 else "submitted",
                "sequence": 100 + i,
                "reference_code": f"TN-2026-01-{100 + i:04d}",
                "title": f"Ứng dụng thanh long số {i}",
                "objectives": f"Mục tiêu {i} về tưới tiết kiệm",
                "search_text": f"tn-2026-01-{100 + i:04d} ung dung thanh long so {i}",
                "support_total_vnd": i * 1000,
                "submitted_at": now,
                "category_id": proposal.category_id,
                "sector_id": proposal.sector_id,
            }
            for i in range(rows - 1)
        ],
    )
    db.session.commit()
    client = app.test_client()
    login(client, who)
    url = path.format(call_id=call.id, proposal_id=proposal.id)
    used = page_queries(client, url, count_queries)
    budget += BELL
    assert used <= budget, f"{page} with {rows} applications used {used} queries (budget {budget})"


# Review pages → (path, who, budget), checked at 10 and 300 applications before a council of 9 members.
REVIEW_PAGES = {
    "member's list": ("/review", "member", 9),
    "score sheet": ("/review/councils/{council_id}/applications/{proposal_id}", "member", 34),
    "versions compared": ("/review/councils/{council_id}/applications/{proposal_id}/versions", "member", 25),
    "ranking": ("/councils/{council_id}/results", "staff@s.vn", 18),
    "council page": ("/staff/councils/{council_id}", "staff@s.vn", 19),  # + 1: the applications short of reviewers
    "minutes": ("/councils/{council_id}/minutes", "staff@s.vn", 12),  # with its rows' first batch (of 500)
    "vote count": ("/councils/{council_id}/vote-count", "staff@s.vn", 13),  # + 1: the counting head
    "printed sheet": ("/review/sheets/{sheet_id}/print", "staff@s.vn", 31),
    "councils": ("/staff/councils", "staff@s.vn", 8),
    "council form": ("/staff/calls/{call_id}/council", "staff@s.vn", 28),
    # + 6: the members' expertise (4), their reviews in the council, the application's priority items
    "reviewers": ("/staff/councils/{council_id}/applications/{proposal_id}/reviewers", "staff@s.vn", 21),
    "decisions": ("/staff/councils/{council_id}/decisions", "staff@s.vn", 15),
    "decision form": ("/staff/councils/{council_id}/decisions/{proposal_id}", "staff@s.vn", 33),  # + 3: next number
    # The profile with its sectors, items and history (4), the sectors with their items (2).
    "member's expertise": ("/review/expertise", "member", 10),
    "experts": ("/staff/experts", "staff@s.vn", 11),  # a page of them, counted, and their profiles (4)
    "expert's profile": ("/staff/experts/{user_id}", "staff@s.vn", 13),
}
NINE_ROLES = (
    "chair",
    "vice_chair",
    "reviewer",
    "reviewer",
    "scientific_secretary",
    "member",
    "member",
    "member",
    "member",
)


@pytest.mark.parametrize("page", REVIEW_PAGES)
@pytest.mark.parametrize("rows", [10, 300])
def test_review_query_budget(app, reference, count_queries, page, rows):
    from sqlalchemy import insert, literal, select

    from core.formatting import utcnow
    from policies.models import Sector
    from proposals.models import Proposal
    from review.councils.queries import load_council
    from review.models import Assignment, ScoreSheet, SheetScore
    from review.results.store import refresh_council
    from tests.factories import make_council, make_organization, make_profile, make_valid_proposal

    path, who, budget = REVIEW_PAGES[page]
    staff = make_user("staff@s.vn", roles=("staff",))
    applicant = make_user("an@org.vn", organization=make_organization())
    call = make_call(code="TN-2026-03")
    members = [make_user(f"tv{i}@vien.vn", roles=("reviewer",)) for i in range(9)]
    sectors = db.session.execute(select(Sector)).scalars().all()
    for member in members:
        make_profile(
            member, sectors=tuple(sectors[:2]), keywords="thanh long", history=({"organization_name": "Viện"},)
        )
    with app.test_request_context():
        proposal = make_valid_proposal(call, applicant)
        db.session.execute(
            insert(Proposal),
            [
                {
                    "call_id": call.id,
                    "organization_id": applicant.membership.organization_id,
                    "year": call.year,
                    "status": "valid",
                    "sequence": 100 + i,
                    "reference_code": f"TN-2026-03-{100 + i:04d}",
                    "title": f"Dự án {i}",
                    "support_total_vnd": 1000 + i,
                    "submitted_at": utcnow(),
                    "category_id": proposal.category_id,
                    "sector_id": proposal.sector_id,
                }
                for i in range(rows - 1)
            ],
        )
        council = make_council(call, staff, members, NINE_ROLES, open_scoring=True)
    criteria = load_council(council.id).template.criteria
    db.session.execute(
        insert(ScoreSheet).from_select(
            ["assignment_id", "status", "recommendation", "comment", "review_text", "updated_at", "version"],
            select(
                Assignment.id,
                literal("submitted"),
                literal("support"),
                literal(""),
                literal(""),
                literal(utcnow()),
                literal(1),
            ),
        )
    )
    db.session.execute(Assignment.__table__.update().values(conflict="none"))
    sheet_ids = db.session.execute(select(ScoreSheet.id)).scalars().all()
    db.session.execute(
        insert(SheetScore),
        [{"sheet_id": s, "criterion_id": c.id, "value": 3, "comment": ""} for s in sheet_ids for c in criteria],
    )
    refresh_council(council.id)  # the sheets were inserted in bulk, past the services that keep the results
    db.session.commit()
    client = app.test_client()
    login(client, members[0].email if who == "member" else who)
    ids = {"council_id": council.id, "proposal_id": proposal.id, "call_id": call.id, "sheet_id": sheet_ids[0]}
    url = path.format(**ids, user_id=members[1].id)
    used = page_queries(client, url, count_queries)
    budget += BELL
    assert used <= budget, f"{page} with {rows} applications used {used} queries (budget {budget})"


# Home pages and queues → (path, who, budget), checked at 10 and 2,000 records waiting in each queue of each role:
# the user and the agency, one statement counting every queue, then the first rows of each (the host's to-do: four).
QUEUE_PAGES = {
    "staff's home": ("/me", "staff", 12),
    "leader's home": ("/me", "leader", 9),
    "finance's home": ("/me", "finance", 8),
    "council member's home": ("/me", "member", 8),
    "host's home": ("/me", "host", 10),
    "applications to check": ("/me/queues/applications_to_check", "staff", 6),
    "tranches to pay": ("/me/queues/tranches_to_pay?page=2", "finance", 6),
    "sheets to score": ("/me/queues/sheets_to_score", "member", 6),
}


@pytest.mark.parametrize("page", QUEUE_PAGES)
@pytest.mark.parametrize("rows", [10, 2000])
def test_queue_query_budget(app, reference, count_queries, page, rows):
    from tests.notifications.bulk import HOST, PEOPLE, fill_queues

    path, who, budget = QUEUE_PAGES[page]
    fill_queues(app, rows)
    client = app.test_client()
    login(client, PEOPLE.get(who, HOST))
    used = page_queries(client, path, count_queries)
    budget += BELL
    assert used <= budget, f"{page} with {rows} waiting used {used} queries (budget {budget})"


@pytest.mark.parametrize("rows", [10, 2000])
def test_notices_query_budget(app, count_queries, rows):
    """The bell and the notices page cost the same with 10 notices as with 2,000 (most of them unread): the user,
    their roles and organization, the agency, the page's count and its rows, and the bell's count."""
    person = make_user("host@h.vn")
    db.session.execute(
        insert(Notification),
        [
            {"user_id": person.id, "event": "tranche.paid", "kind": "payments", "subject": f"Đợt {n}", "link": "/me"}
            for n in range(rows)
        ],
    )
    db.session.commit()
    client = app.test_client()
    login(client, "host@h.vn")
    client.get("/notifications?page=2")
    db.session.expire_all()
    with count_queries() as counter:
        page = client.get("/notifications?page=2").get_data(as_text=True)
    assert "bell-count" in page
    assert counter.count <= 6 + BELL, f"notices with {rows} notices used {counter.count} queries"

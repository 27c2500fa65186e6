"""Every route × every role: a route without a declared expectation fails this test."""

import io

import pytest
from sqlalchemy import delete, exists, select, update
from werkzeug.datastructures import FileStorage

from core.extensions import db
from core.formatting import utcnow
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.models import Call, PriorityItem, PublicHoliday, Regime, RegimeCondition, Sector, SupportCategory
from projects.acceptance.queries import load_council as load_acceptance
from projects.acceptance.services import open_rating, save_council, submit_dossier
from projects.contracts.documents import attach_files
from projects.contracts.models import Project, ProjectFile
from projects.fixed.models import BatchDecision, FixedAward
from projects.followup.models import Adjustment, FollowUpAction, Inspection, PeriodicReport
from proposals.models import Proposal, ProposalFile
from proposals.services import submit_proposal
from review.models import Decision, ScoreSheet
from tests.conftest import login
from tests.factories import (
    PDF_BYTES,
    make_call,
    make_council,
    make_organization,
    make_project,
    make_proposal,
    make_user,
    make_valid_proposal,
    score,
)

ROLES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "conflicted_reviewer",
    "staff",
    "leader",
    "finance",
    "admin",
)
LOGIN = "login"  # a redirect to the login page
DOSSIER = {
    "final_report": "Báo cáo tổng hợp",
    "product_report": "Báo cáo sản phẩm",
    "financial_report": "Quyết toán",
    "self_assessment": "Tự đánh giá đạt",
}


def everyone(code: int) -> dict:
    return dict.fromkeys(ROLES, code)


def logged_in(code: int) -> dict:
    return {**everyone(code), "anonymous": LOGIN}


def only(code: int, *roles: str) -> dict:
    return {**logged_in(403), **dict.fromkeys(roles, code)}


ORG_MEMBERS = {**logged_in(404), "applicant": 200, "other_applicant": 200}
DEPARTMENT = ("staff", "leader", "finance", "admin")


def proposal_route(member: object, department: object) -> dict:
    """An application of the applicant's organization: other organizations and reviewers must not learn it exists."""
    return {**logged_in(404), "applicant": member, **dict.fromkeys(DEPARTMENT, department)}


def member_route(code: int) -> dict:
    """An application before a council, seen only by a member who declared no conflict: the conflicted member and
    everyone else must not learn more about it."""
    return {**logged_in(404), "reviewer": code}


def council_route(chair: int, department: int, staff: int | None = None) -> dict:
    """A council's results and records: the department and the chair (the "reviewer" holds the chair); the
    conflicted member, a plain member, does not oversee them."""
    expected = {**logged_in(404), "reviewer": chair, **dict.fromkeys(DEPARTMENT, department)}
    if staff is not None:
        expected.update(staff=staff, admin=staff)
    return expected


def project_route(host: object, department: object, **roles: object) -> dict:
    """A project of the applicant's organization: other organizations and reviewers must not learn it exists."""
    return {**logged_in(404), "applicant": host, **dict.fromkeys(DEPARTMENT, department), **roles}


# (method, path template, expectations). Path variables are filled from the fixture's records.
MATRIX: dict[str, tuple[str, str, dict]] = {
    "policies.home": ("GET", "/", everyone(200)),
    "policies.calls": ("GET", "/calls", everyone(200)),
    "policies.call_detail": ("GET", "/calls/{call_id}", everyone(200)),
    "policies.support": ("GET", "/support", everyone(200)),
    "policies.sectors": ("GET", "/sectors", everyone(200)),
    "policies.guide": ("GET", "/guide", everyone(200)),
    "policies.manage_calls": ("GET", "/staff/calls", only(200, *DEPARTMENT)),
    "policies.new_call": ("GET", "/staff/calls/new", only(200, "staff", "admin")),
    "policies.edit_call": ("GET", "/staff/calls/{call_id}/edit", only(200, "staff", "admin")),
    "policies.transition_call": ("POST", "/staff/calls/{call_id}/transition/closed", only(302, "staff", "admin")),
    "policies.extend_call": ("GET", "/staff/calls/{call_id}/extend", only(200, "staff", "admin")),
    "accounts.register": ("GET", "/register", {**everyone(302), "anonymous": 200}),
    "accounts.verify_email": ("GET", "/verify/not-a-token", everyone(400)),
    "accounts.resend_verification": ("GET", "/verify/resend", everyone(200)),
    "accounts.login": ("GET", "/login", everyone(200)),
    "accounts.logout": ("POST", "/logout", everyone(302)),
    "accounts.forgot_password": ("GET", "/password/forgot", everyone(200)),
    "accounts.reset_password": ("GET", "/password/reset/not-a-token", everyone(400)),
    "accounts.dashboard": ("GET", "/me", logged_in(200)),
    "accounts.profile": ("GET", "/profile", logged_in(200)),
    "accounts.change_password": ("POST", "/profile/password", logged_in(200)),
    "accounts.organization": ("GET", "/organization", ORG_MEMBERS),
    "accounts.invite": ("POST", "/organization/invite", {**ORG_MEMBERS, "applicant": 400, "other_applicant": 400}),
    "accounts.accept_invitation": ("GET", "/invitation/not-a-token", everyone(400)),
    "accounts.set_language": ("POST", "/language", everyone(400)),
    "proposals.start": ("POST", "/calls/{call_id}/apply", only(302, "applicant", "other_applicant")),
    "proposals.mine": ("GET", "/applications", only(200, "applicant", "other_applicant")),
    "proposals.detail": ("GET", "/applications/{proposal_id}", proposal_route(200, 200)),
    "proposals.edit": ("GET", "/applications/{proposal_id}/edit", proposal_route(200, 403)),
    "proposals.upload": ("POST", "/applications/{proposal_id}/documents", proposal_route(302, 403)),
    "proposals.download": ("GET", "/applications/{proposal_id}/documents/{file_id}", proposal_route(200, 200)),
    "proposals.remove_document": (
        "POST",
        "/applications/{proposal_id}/documents/{file_id}/remove",
        proposal_route(302, 403),
    ),
    "proposals.submit": ("GET", "/applications/{proposal_id}/submit", proposal_route(200, 403)),
    "proposals.transition": ("POST", "/applications/{proposal_id}/transition/withdrawn", proposal_route(302, 403)),
    "proposals.print_view": ("GET", "/applications/{proposal_id}/print", proposal_route(200, 200)),
    "proposals.compare": ("GET", "/applications/{proposal_id}/versions", proposal_route(200, 200)),
    "proposals.queue": ("GET", "/staff/calls/{call_id}/applications", only(200, *DEPARTMENT)),
    "proposals.check": ("GET", "/staff/applications/{proposal_id}/check", only(200, *DEPARTMENT)),
    "proposals.checklist": ("POST", "/staff/applications/{proposal_id}/checklist", only(302, "staff", "admin")),
    "review.councils": ("GET", "/staff/councils", only(200, *DEPARTMENT)),
    "review.council_form": ("GET", "/staff/calls/{review_call_id}/council", only(200, "staff", "admin")),
    "review.council": ("GET", "/staff/councils/{council_id}", only(200, *DEPARTMENT)),
    "review.transition_council": (
        "POST",
        "/staff/councils/{council_id}/transition/closed",
        only(302, "staff", "admin"),
    ),
    "review.attendance": ("POST", "/councils/{council_id}/attendance", council_route(302, 403, staff=302)),
    "review.reviewers": (
        "GET",
        "/staff/councils/{council_id}/applications/{review_proposal_id}/reviewers",
        only(200, "staff", "admin"),
    ),
    "review.decisions_page": ("GET", "/staff/councils/{council_id}/decisions", only(200, *DEPARTMENT)),
    "review.decision": (
        "GET",
        "/staff/councils/{council_id}/decisions/{review_proposal_id}",
        only(200, "staff", "admin"),
    ),
    "review.transition_decision": ("POST", "/staff/decisions/{decision_id}/transition/approved", only(302, "leader")),
    "review.mine": ("GET", "/review", only(200, "reviewer", "conflicted_reviewer")),
    "review.sheet": ("GET", "/review/councils/{council_id}/applications/{review_proposal_id}", member_route(200)),
    "review.declare": (
        "POST",
        "/review/councils/{council_id}/applications/{review_proposal_id}/declare",
        member_route(400),
    ),
    "review.download": (
        "GET",
        "/review/councils/{council_id}/applications/{review_proposal_id}/documents/{review_file_id}",
        member_route(200),
    ),
    "review.print_sheet": ("GET", "/review/sheets/{sheet_id}/print", council_route(200, 200)),
    "review.reopen": ("POST", "/review/sheets/{sheet_id}/reopen", council_route(302, 403, staff=302)),
    "review.results_page": ("GET", "/councils/{council_id}/results", council_route(200, 200)),
    "review.export_results": ("GET", "/councils/{council_id}/results.xlsx", council_route(200, 200)),
    "review.minutes": ("GET", "/councils/{council_id}/minutes", council_route(200, 200)),
    "review.vote_count": ("GET", "/councils/{council_id}/vote-count", council_route(200, 200)),
    "projects.contracts_due": ("GET", "/staff/contracts", only(200, *DEPARTMENT)),
    "projects.contract_form": (
        "GET",
        "/staff/applications/{approved_proposal_id}/contract",
        only(200, "staff", "admin"),
    ),
    "projects.detail": ("GET", "/projects/{project_id}", project_route(200, 200)),
    "projects.annex": ("GET", "/projects/{project_id}/annex", project_route(200, 200)),
    "projects.download": ("GET", "/projects/{project_id}/documents/{project_file_id}", project_route(200, 200)),
    "projects.transition": (
        "POST",
        "/projects/{project_id}/transition/suspended",
        project_route(403, 302, finance=403),
    ),
    "projects.request_tranche": (
        "POST",
        "/projects/{project_id}/tranches/{tranche_id}/request",
        project_route(302, 403),
    ),
    "projects.review_tranche": (
        "POST",
        "/projects/{project_id}/tranches/{tranche_id}/review/approved",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.payment": (
        "GET",
        "/projects/{project_id}/tranches/{tranche_id}/payment",
        project_route(403, 403, finance=200),
    ),
    "projects.monitoring": ("GET", "/staff/projects", only(200, *DEPARTMENT)),
    "projects.mine": ("GET", "/projects", only(200, "applicant", "other_applicant")),
    "projects.report": ("GET", "/projects/{project_id}/reports/{report_id}", project_route(200, 200)),
    "projects.report_transition": (
        "POST",
        "/projects/{project_id}/reports/{report_id}/transition/accepted",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.new_adjustment": ("GET", "/projects/{project_id}/adjustments/new", project_route(200, 403)),
    "projects.adjustment": ("GET", "/projects/{project_id}/adjustments/{adjustment_id}", project_route(200, 200)),
    "projects.adjustment_transition": (
        "POST",
        "/projects/{project_id}/adjustments/{adjustment_id}/transition/refused",
        project_route(403, 302, finance=403),
    ),
    "projects.inspection": (
        "GET",
        "/projects/{project_id}/inspections/{inspection_id}",
        project_route(403, 403, staff=200, admin=200),
    ),
    "projects.action_done": (
        "POST",
        "/projects/{project_id}/inspections/{inspection_id}/actions/{action_id}/done",
        project_route(403, 403, staff=400, admin=400),
    ),
    "projects.dossier": ("GET", "/projects/{project_id}/dossier", project_route(200, 200)),
    "projects.acceptance_council_form": (
        "GET",
        "/staff/projects/{acceptance_project_id}/acceptance-council",
        project_route(403, 403, staff=200, admin=200),
    ),
    "projects.acceptance_council": ("GET", "/staff/acceptance/{acceptance_id}", project_route(403, 200, finance=403)),
    "projects.acceptance_open": (
        "POST",
        "/staff/acceptance/{acceptance_id}/open",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.acceptance_attendance": (
        "POST",
        "/staff/acceptance/{acceptance_id}/attendance",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.acceptance_conclude": (
        "POST",
        "/staff/acceptance/{acceptance_id}/conclude",
        project_route(403, 403, staff=400, admin=400),
    ),
    "projects.acceptance_minutes": (
        "GET",
        "/staff/acceptance/{acceptance_id}/minutes",
        project_route(403, 200, finance=403),
    ),
    "projects.my_acceptances": ("GET", "/acceptance", only(200, "reviewer", "conflicted_reviewer")),
    "projects.rating": ("GET", "/acceptance/{acceptance_id}/rating", member_route(200)),
    "projects.rating_download": (
        "GET",
        "/acceptance/{acceptance_id}/documents/{dossier_file_id}",
        member_route(200),
    ),
    "projects.closing_page": ("GET", "/staff/projects/{project_id}/closing", project_route(403, 200, finance=403)),
    "projects.closing_step": (
        "POST",
        "/staff/projects/{project_id}/closing/settlement",
        project_route(403, 403, staff=400, admin=400),
    ),
    "projects.batches": ("GET", "/staff/calls/{call_id}/batch-decisions", only(200, *DEPARTMENT)),
    "projects.draft_batch": ("POST", "/staff/calls/{call_id}/batch-decisions", only(400, "staff", "admin")),
    "projects.batch": ("GET", "/staff/batch-decisions/{batch_id}", only(200, *DEPARTMENT)),
    "projects.transition_batch": ("POST", "/staff/batch-decisions/{batch_id}/transition/refused", only(302, "leader")),
    "projects.pay_award": ("POST", "/staff/awards/{award_id}/payment", only(400, "finance")),
    "admin.index": ("GET", "/admin/", only(200, "admin")),
    "admin.users": ("GET", "/admin/users", only(200, "admin")),
    "admin.user": ("GET", "/admin/users/{user_id}", only(200, "admin")),
    "admin.settings": ("GET", "/admin/settings", only(200, "admin")),
    "admin.regimes": ("GET", "/admin/regimes", only(200, "admin")),
    "admin.regime": ("GET", "/admin/regimes/{regime_id}", only(200, "admin")),
    "admin.category": ("GET", "/admin/regimes/{regime_id}/categories/{category_id}", only(200, "admin")),
    "admin.condition": ("GET", "/admin/regimes/{regime_id}/conditions/{condition_id}", only(200, "admin")),
    "admin.sectors": ("GET", "/admin/sectors", only(200, "admin")),
    "admin.sector": ("GET", "/admin/sectors/{sector_id}", only(200, "admin")),
    "admin.priority_item": ("GET", "/admin/sectors/{sector_id}/items/{item_id}", only(200, "admin")),
    "admin.evaluation": ("GET", "/admin/evaluation", only(200, "admin")),
    "admin.score_sheet": ("GET", "/admin/score-sheets/{template_id}", only(200, "admin")),
    "admin.evaluation_rule": ("GET", "/admin/evaluation-rules/{rule_id}", only(200, "admin")),
    "admin.holidays": ("GET", "/admin/holidays", only(200, "admin")),
    "admin.holiday": ("GET", "/admin/holidays/{holiday_id}", only(200, "admin")),
    "admin.delete_holiday": ("POST", "/admin/holidays/{holiday_id}/delete", only(302, "admin")),
    "admin.outbox": ("GET", "/admin/outbox", only(200, "admin")),
    "admin.audit": ("GET", "/admin/audit", only(200, "admin")),
}
# Draft calls are not public: outsiders get 404, the department sees them.
DRAFT_CALL = ("GET", "/calls/{draft_call_id}", {**everyone(404), **dict.fromkeys(DEPARTMENT, 200)})
IGNORED = {"static", "bootstrap.static"}


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - IGNORED
    missing = endpoints - set(MATRIX)
    assert not missing, f"routes without access expectations: {sorted(missing)}"
    for endpoint, (_, _, expected) in MATRIX.items():
        assert set(expected) == set(ROLES), endpoint


@pytest.fixture
def world(app, reference):
    org = make_organization()
    other = make_organization()
    users = {
        "applicant": make_user("applicant@x.vn", organization=org),
        "other_applicant": make_user("other@y.vn", organization=other),
        "reviewer": make_user("reviewer@z.vn", roles=("reviewer",)),
        "conflicted_reviewer": make_user("conflicted@x.vn", roles=("reviewer",)),
        "staff": make_user("staff@s.vn", roles=("staff",)),
        "leader": make_user("leader@s.vn", roles=("leader",)),
        "finance": make_user("finance@s.vn", roles=("finance",)),
        "admin": make_user("admin@s.vn", roles=("admin",)),
    }
    call = make_call()
    draft = make_call(status="draft")
    regime = db.session.get(Regime, call.regime_id)
    sector = db.session.execute(select(Sector)).scalars().first()
    with app.test_request_context():
        proposal = make_proposal(call, users["applicant"])
        submit_proposal(proposal, users["applicant"])
    proposal.status = "needs_supplement"  # editable by its organization, seen by the department
    review_call = make_call()
    others = [make_user(roles=("reviewer",)) for _ in range(5)]
    with app.test_request_context():
        # The "reviewer" chairs the council and scored; the "conflicted reviewer" shares the applicant's domain.
        review_proposal = make_valid_proposal(review_call, users["applicant"])
        council = make_council(
            review_call, users["staff"], [users["reviewer"], users["conflicted_reviewer"], *others], open_scoring=True
        )
        score(council, review_proposal, users["reviewer"])
    with app.test_request_context():
        approved_proposal = make_valid_proposal(review_call, users["applicant"])
        awarded_proposal = make_valid_proposal(review_call, users["applicant"])
        project = make_project(users["applicant"], staff=users["staff"], call=review_call)
        attach_files(
            project,
            "tranche",
            project.tranches[0].id,
            [FileStorage(io.BytesIO(PDF_BYTES), "de-nghi.pdf")],
            users["applicant"],
        )
        # A second project of the organization before its acceptance council, where the "reviewer" sits.
        accepting = make_project(users["applicant"], staff=users["staff"])
        submit_dossier(accepting, DOSSIER, [FileStorage(io.BytesIO(PDF_BYTES), "bao-cao.pdf")], users["applicant"])
        seats = [(users["reviewer"].id, "chair"), *((u.id, "member") for u in others[:4])]
        acceptance = save_council(
            accepting,
            None,
            {
                "name": "Hội đồng nghiệm thu",
                "meeting_at": None,
                "place": "",
                "admin_secretary_id": users["staff"].id,
                "members": seats,
                "comment": "",
            },
            users["staff"],
        )
        for seat in acceptance.members:
            db.session.expire(seat)  # reloaded with their users, which the mails need
        open_rating(load_acceptance(acceptance.id), accepting, users["staff"])
    approved_proposal.status = awarded_proposal.status = "approved"
    first_tranche = project.tranches[0]
    first_tranche.status = "approved"  # finance may record its payment
    inspection = Inspection(project_id=project.id, kind="adhoc", planned_on=utcnow().date())
    action = FollowUpAction(position=1, description="Bổ sung sổ nhật ký", due_on=utcnow().date())
    inspection.actions = [action]
    adjustment = Adjustment(project_id=project.id, kind="lead", reason="Chủ nhiệm nghỉ hưu", new_lead_name="Lê Văn B")
    batch = BatchDecision(
        call_id=call.id,
        number="45/QĐ-SKHCN",
        signed_on=utcnow().date(),
        signer="Giám đốc",
        status="approved",
        total_vnd=1_000_000,
    )
    award = FixedAward(proposal_id=awarded_proposal.id, amount_vnd=1_000_000, status="approved")
    batch.awards = [award]
    db.session.add_all([inspection, adjustment, batch])
    decision = Decision(
        council_id=council.id,
        proposal_id=review_proposal.id,
        number="1/QĐ-SKHCN",
        signed_on=utcnow().date(),
        signer="Giám đốc",
        approved_vnd=1_000_000,
    )
    db.session.add(decision)
    db.session.commit()
    return {
        "users": users,
        "ids": {
            "call_id": call.id,
            "draft_call_id": draft.id,
            "user_id": users["applicant"].id,
            "regime_id": regime.id,
            "category_id": db.session.execute(select(SupportCategory.id).where(SupportCategory.regime_id == regime.id))
            .scalars()
            .first(),
            "condition_id": db.session.execute(select(RegimeCondition.id).where(RegimeCondition.regime_id == regime.id))
            .scalars()
            .first(),
            "sector_id": sector.id,
            "proposal_id": proposal.id,
            "file_id": db.session.execute(select(ProposalFile.id)).scalars().first(),
            "item_id": db.session.execute(select(PriorityItem.id).where(PriorityItem.sector_id == sector.id))
            .scalars()
            .first(),
            "template_id": db.session.execute(select(ScoreSheetTemplate.id)).scalars().first(),
            "review_call_id": review_call.id,
            "council_id": council.id,
            "review_proposal_id": review_proposal.id,
            "review_file_id": db.session.execute(
                select(ProposalFile.id).where(ProposalFile.proposal_id == review_proposal.id)
            ).scalar(),
            "sheet_id": db.session.execute(select(ScoreSheet.id)).scalar(),
            "decision_id": decision.id,
            "rule_id": db.session.execute(select(EvaluationRule.id)).scalars().first(),
            "holiday_id": db.session.execute(select(PublicHoliday.id)).scalars().first(),
            "approved_proposal_id": approved_proposal.id,
            "awarded_proposal_id": awarded_proposal.id,
            "project_id": project.id,
            "tranche_id": first_tranche.id,
            "project_file_id": db.session.execute(
                select(ProjectFile.id).where(ProjectFile.project_id == project.id)
            ).scalar(),
            "report_id": db.session.execute(
                select(PeriodicReport.id).where(PeriodicReport.project_id == project.id)
            ).scalar(),
            "adjustment_id": adjustment.id,
            "inspection_id": inspection.id,
            "action_id": action.id,
            "acceptance_project_id": accepting.id,
            "batch_id": batch.id,
            "award_id": award.id,
            "acceptance_id": acceptance.id,
            "dossier_file_id": db.session.execute(
                select(ProjectFile.id).where(ProjectFile.project_id == accepting.id)
            ).scalar(),
        },
    }


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    failures = []
    for endpoint, (method, template, expected) in [*MATRIX.items(), ("draft call", DRAFT_CALL)]:
        client = app.test_client()
        if role != "anonymous":
            assert login(client, world["users"][role].email).status_code == 302
        path = template.format(**world["ids"])
        response = client.open(path, method=method)
        got = response.status_code
        if got == 302 and response.headers["Location"].startswith("/login"):
            got = LOGIN
        if got != expected[role]:
            failures.append(f"{endpoint} {method} {path}: expected {expected[role]}, got {got}")
        db.session.rollback()
        _restore(world["ids"])
    assert not failures, "\n".join(failures)


def _restore(ids: dict) -> None:
    """Transitions and removals change state: put the call, the application and its file back for the next role."""
    db.session.execute(update(Call).where(Call.id == ids["call_id"]).values(status="open"))
    db.session.execute(update(Proposal).where(Proposal.id == ids["proposal_id"]).values(status="needs_supplement"))
    db.session.execute(update(ProposalFile).values(removed_at=None))
    kept = (ids["proposal_id"], ids["review_proposal_id"], ids["approved_proposal_id"], ids["awarded_proposal_id"])
    db.session.execute(
        delete(Proposal).where(Proposal.id.not_in(kept), ~exists().where(Project.proposal_id == Proposal.id))
    )
    db.session.commit()

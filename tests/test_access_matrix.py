"""Every route × every role: a route without a declared expectation fails this test."""

import io

import pytest
from sqlalchemy import delete, exists, select, update
from werkzeug.datastructures import FileStorage

from core.extensions import db
from core.formatting import utcnow
from notifications.models import Notification
from policies.evaluation import EvaluationRule, ScoreSheetTemplate
from policies.models import Call, PriorityItem, PublicHoliday, Regime, RegimeCondition, Sector, SupportCategory
from projects.acceptance.queries import load_council as load_acceptance
from projects.acceptance.services import open_rating, save_council, submit_dossier
from projects.contracts.documents import attach_files
from projects.contracts.files import ProjectFile
from projects.contracts.models import Project
from projects.fixed.models import BatchDecision, FixedAward
from projects.followup.models import Adjustment, FollowUpAction, Inspection, PeriodicReport
from proposals.models import Proposal, ProposalFile
from proposals.services import submit_proposal
from review.models import Decision, ScoreSheet
from tests.access_expectations import DOSSIER, DRAFT_CALL, IGNORED, LOGIN, MATRIX, ROLES
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
        for seat in acceptance.members:
            seat.conflict = "none"  # declared: the dossier is open to its members
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
    notice = Notification(
        user_id=users["applicant"].id, event="project.contracted", kind="projects", subject="Hợp đồng", link="/me"
    )
    db.session.add(notice)
    db.session.commit()
    return {
        "users": users,
        "ids": {
            "call_id": call.id,
            "draft_call_id": draft.id,
            "user_id": users["applicant"].id,
            "expert_id": users["reviewer"].id,
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
            "notice_id": notice.id,
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
        response.close()  # a streamed page (the minutes) ends its request context now, in order
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

"""What the audit log calls review's records and the actions recorded on them."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit import RecordLink, register_audit_actions, register_audit_record
from review.models import Assignment, Council, CouncilMember, Decision, ScoreSheet

register_audit_record(
    "council",
    _l("Review council"),
    "review",
    states="council",
    link=RecordLink("review.council", Council.id, {"council_id": Council.id}),
)
register_audit_actions(
    {"reviewers": _l("Chose the reviewers of an application"), "attendance": _l("Recorded the attendance")},
    "council",
)
register_audit_record(
    "assignment",
    _l("Council member × application"),
    "review",
    states="conflict",
    link=RecordLink(
        "review.reviewers",
        Assignment.id,
        {
            "council_id": select(CouncilMember.council_id)
            .where(CouncilMember.id == Assignment.member_id)
            .scalar_subquery(),
            "proposal_id": Assignment.proposal_id,
        },
    ),
)
register_audit_actions({"declare": _l("Declared their interests")}, "assignment")
register_audit_record(
    "sheet",
    _l("Score sheet"),
    "review",
    states="sheet",
    link=RecordLink("review.print_sheet", ScoreSheet.id, {"sheet_id": ScoreSheet.id}),
)
register_audit_record(
    "decision",
    _l("Decision"),
    "review",
    states="decision",
    link=RecordLink(
        "review.decision", Decision.id, {"council_id": Decision.council_id, "proposal_id": Decision.proposal_id}
    ),
)
register_audit_actions({"expertise": _l("Changed the expertise profile")}, "user", kind="review")
# The council's results released to the applicants, recorded on each application.
register_audit_actions({"release": _l("Released the result to the applicant")}, "proposal", kind="review")

"""What the audit log calls the projects' records and the actions recorded on them."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit import RecordLink, register_audit_actions, register_audit_record
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.contracts.models import Project, Tranche
from projects.fixed.models import BatchDecision, FixedAward
from projects.followup.models import Adjustment, FollowUpAction, Inspection, PeriodicReport

register_audit_record(
    "project",
    _l("Project"),
    "projects",
    states="project",
    link=RecordLink("projects.detail", Project.id, {"project_id": Project.id}),
)
register_audit_actions(
    {"import": _l("Brought over from the paper records"), "assets": _l("Recorded the handling of the assets")},
    "project",
)
register_audit_actions({"settlement": _l("Recorded the final settlement")}, "project", kind="money")
register_audit_record(
    "tranche",
    _l("Tranche"),
    "money",
    states="tranche",
    link=RecordLink("projects.detail", Tranche.id, {"project_id": Tranche.project_id}),
)
register_audit_record(
    "periodic_report",
    _l("Periodic report"),
    "projects",
    states="report",
    link=RecordLink(
        "projects.report", PeriodicReport.id, {"project_id": PeriodicReport.project_id, "report_id": PeriodicReport.id}
    ),
)
register_audit_record(
    "inspection",
    _l("Inspection"),
    "projects",
    link=RecordLink(
        "projects.inspection", Inspection.id, {"project_id": Inspection.project_id, "inspection_id": Inspection.id}
    ),
)
register_audit_record(
    "follow_up_action",
    _l("Follow-up action"),
    "projects",
    link=RecordLink(
        "projects.inspection",
        FollowUpAction.id,
        {
            "project_id": select(Inspection.project_id)
            .where(Inspection.id == FollowUpAction.inspection_id)
            .scalar_subquery(),
            "inspection_id": FollowUpAction.inspection_id,
        },
    ),
)
register_audit_actions({"done": _l("Marked as done")}, "follow_up_action")
register_audit_record(
    "adjustment",
    _l("Adjustment request"),
    "projects",
    states="adjustment",
    link=RecordLink(
        "projects.adjustment", Adjustment.id, {"project_id": Adjustment.project_id, "adjustment_id": Adjustment.id}
    ),
)
register_audit_record(
    "acceptance_council",
    _l("Acceptance council"),
    "projects",
    states="acceptance",
    link=RecordLink("projects.acceptance_council", AcceptanceCouncil.id, {"council_id": AcceptanceCouncil.id}),
)
register_audit_actions({"attendance": _l("Recorded the attendance")}, "acceptance_council")
register_audit_record(
    "acceptance_member",
    _l("Acceptance council member's rating"),
    "projects",
    states="conflict",  # what the member declared
    link=RecordLink("projects.acceptance_council", AcceptanceMember.id, {"council_id": AcceptanceMember.council_id}),
)
register_audit_actions(
    {"submit": _l("Submitted the rating"), "declare": _l("Declared their interests")}, "acceptance_member"
)
register_audit_record(
    "batch_decision",
    _l("Batch decision (fixed amounts)"),
    "money",
    states="batch",
    link=RecordLink("projects.batch", BatchDecision.id, {"batch_id": BatchDecision.id}),
)
register_audit_record(
    "fixed_award",
    _l("Fixed-amount award"),
    "money",
    states="award",
    link=RecordLink("projects.batch", FixedAward.id, {"batch_id": FixedAward.batch_id}),
)

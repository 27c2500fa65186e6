"""The funded project's models: the project and its tranches, what follows it while it runs, and its acceptance."""

from projects.models.acceptance import (
    ACCEPTANCE_STATES,
    ACCEPTANCE_TRANSITIONS,
    LEVELS,
    AcceptanceCouncil,
    AcceptanceMember,
    ProductRating,
)
from projects.models.fixed import (
    AWARD_STATES,
    AWARD_TRANSITIONS,
    BATCH_STATES,
    BATCH_TRANSITIONS,
    BatchDecision,
    FixedAward,
)
from projects.models.monitoring import (
    ADJUSTMENT_KINDS,
    ADJUSTMENT_STATES,
    ADJUSTMENT_TRANSITIONS,
    FILE_PURPOSES,
    INSPECTION_KINDS,
    REPORT_STATES,
    REPORT_TRANSITIONS,
    Adjustment,
    FollowUpAction,
    Inspection,
    PeriodicReport,
    ProjectFile,
)
from projects.models.project import (
    CLOSED_STATES,
    FINANCE,
    GRADES,
    HOST,
    LEADERS,
    LEGACY_AREAS,
    PROJECT_STATES,
    PROJECT_TRANSITIONS,
    RUNNING_STATES,
    STAFF,
    TRANCHE_CONDITIONS,
    TRANCHE_STATES,
    TRANCHE_TRANSITIONS,
    Project,
    ProjectProduct,
    Tranche,
)

__all__ = [
    "ACCEPTANCE_STATES", "ACCEPTANCE_TRANSITIONS", "AWARD_STATES", "AWARD_TRANSITIONS", "BATCH_STATES",
    "BATCH_TRANSITIONS", "BatchDecision", "FixedAward", "ADJUSTMENT_KINDS", "ADJUSTMENT_STATES", "ADJUSTMENT_TRANSITIONS",
    "CLOSED_STATES", "FILE_PURPOSES", "FINANCE", "GRADES", "HOST", "INSPECTION_KINDS", "LEADERS", "LEGACY_AREAS",
    "LEVELS", "PROJECT_STATES", "PROJECT_TRANSITIONS", "REPORT_STATES", "REPORT_TRANSITIONS", "RUNNING_STATES", "STAFF",
    "TRANCHE_CONDITIONS", "TRANCHE_STATES", "TRANCHE_TRANSITIONS", "AcceptanceCouncil", "AcceptanceMember",
    "Adjustment", "FollowUpAction", "Inspection", "PeriodicReport", "ProductRating", "Project", "ProjectFile",
    "ProjectProduct", "Tranche",
]  # fmt: skip

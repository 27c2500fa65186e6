"""A project's health from plain values (no database): on track, at risk, overdue, or none once it is finished.

Rules (DOMAIN §7, "health shown to staff"), measured against the share of the contract's duration already elapsed
and the regime's lag (spending_lag_percent, 40 points by default):
- overdue: past the contract's end date and the final dossier not submitted;
- at risk: a periodic report late (its due date passed and it is not submitted, accepted or cancelled), an
  inspection's follow-up action past its due date and not done, progress behind or spending behind plan;
- progress behind plan: the elapsed share exceeds the overall progress the host reported (the latest report given
  to the department, submitted or accepted: the mean of its work packages' percents) by more than the lag; without
  such a report, or one without work packages, progress is not judged;
- spending behind plan: the elapsed share exceeds the spent share by more than the lag. The spent share is what the
  latest report given to the department says was spent over the approved support; before any report gave a
  figure, the share of the approved support already paid. With the default split (50/30/20, the first paid on
  signature) a project whose first tranche was never paid and that reported nothing turns at risk once 40 % of its
  time has passed, and one that received only the first half once 90 % has passed;
- on track otherwise.
Projects past the execution (accepted, failed, terminated, closed...) get the level "closed" and no reasons.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from core.i18n import register_status_labels

HEALTH_LEVELS = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "overdue": _l("Overdue"),
    "closed": _l("Finished"),
}
register_status_labels("health", HEALTH_LEVELS)
HEALTH_REASONS = {
    "past_end": _l("Past the end date without the final dossier"),
    "report_late": _l("A periodic report is late"),
    "action_overdue": _l("An inspection follow-up action is overdue"),
    "progress_behind": _l("Progress reported is behind plan"),
    "spending_behind": _l("Spending is behind plan"),
}
register_status_labels("health_reason", HEALTH_REASONS)
# Project states whose execution is over: health no longer applies.
FINISHED_STATES = frozenset(
    {"accepted", "not_accepted", "failed", "terminated", "recovery", "recovered", "result_registered", "liquidated"}
)


@dataclass(frozen=True)
class ProjectFacts:
    """What health is computed from, read in bulk for a page of projects."""

    status: str
    start_on: date
    end_on: date
    dossier_submitted: bool
    approved_vnd: int
    paid_vnd: int
    late_reports: int = 0
    overdue_actions: int = 0
    spending_lag: float = 0.4  # the regime's spending_lag_percent / 100 (its default, for tests of other rules)
    # From the latest report given to the department (None: no such report, or it gave no figure).
    reported_progress: float | None = None  # its progress_percent / 100
    reported_spent_vnd: int | None = None


@dataclass(frozen=True)
class Health:
    """A health level with the reasons (codes of HEALTH_REASONS) that led to it."""

    level: str
    reasons: tuple[str, ...] = ()


def elapsed_share(start_on: date, end_on: date, today: date) -> float:
    """The share (0 to 1) of the contract's duration already elapsed."""
    if today <= start_on:
        return 0.0
    if today >= end_on:
        return 1.0
    return (today - start_on).days / (end_on - start_on).days


def is_spending_behind(facts: ProjectFacts, today: date) -> bool:
    """More time elapsed than money spent (as last reported, else as paid), by more than the regime's lag."""
    spent = facts.paid_vnd if facts.reported_spent_vnd is None else facts.reported_spent_vnd
    spent_share = spent / facts.approved_vnd if facts.approved_vnd else 1.0
    return elapsed_share(facts.start_on, facts.end_on, today) - spent_share > facts.spending_lag


def is_progress_behind(facts: ProjectFacts, today: date) -> bool:
    """More time elapsed than work done as last reported, by more than the regime's lag."""
    if facts.reported_progress is None:
        return False
    return elapsed_share(facts.start_on, facts.end_on, today) - facts.reported_progress > facts.spending_lag


def project_health(facts: ProjectFacts, today: date) -> Health:
    """The project's health on the given day."""
    if facts.status in FINISHED_STATES:
        return Health("closed")
    reasons = []
    if today > facts.end_on and not facts.dossier_submitted:
        reasons.append("past_end")
    if facts.late_reports:
        reasons.append("report_late")
    if facts.overdue_actions:
        reasons.append("action_overdue")
    if not facts.dossier_submitted and is_progress_behind(facts, today):
        reasons.append("progress_behind")
    if not facts.dossier_submitted and is_spending_behind(facts, today):
        reasons.append("spending_behind")
    if "past_end" in reasons:
        return Health("overdue", tuple(reasons))
    return Health("at_risk" if reasons else "on_track", tuple(reasons))

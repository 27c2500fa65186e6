"""Signals of the review package, for the packages above it (notifications, reports)."""

from blinker import Namespace

_signals = Namespace()

council_changed = _signals.signal("council-changed")
"""A council moved (opened scoring, closed it, recorded conclusions, released decisions); sender is the council."""

sheet_changed = _signals.signal("sheet-changed")
"""A score sheet was submitted or reopened; sender is the sheet."""

decision_changed = _signals.signal("decision-changed")
"""A decision was approved or not approved by a leader; sender is the decision."""

result_released = _signals.signal("result-released")
"""An application's outcome was released to its organization (approved, not approved or not selected, by a council's
decisions or a batch decision); sender is the application, with comment: the outcome in words."""

withdrawal_blockers = _signals.signal("withdrawal-blockers")
"""Staff are about to record that an approved application's organization declines the support (sender is the
application): each receiver returns why it cannot be (a contract already signed), or an empty string."""

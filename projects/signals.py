"""Signals of the projects package."""

from blinker import Namespace

_signals = Namespace()

project_changed = _signals.signal("project-changed")
"""A project changed state (started, suspended, accepted, liquidated...), or its contract was recorded (from_state
None); sent with from_state, to_state, actor and comment."""

tranche_changed = _signals.signal("tranche-changed")
"""A tranche changed state (eligible, requested, approved, paid, settled); sent with from_state, to_state, actor."""

report_changed = _signals.signal("report-changed")
"""A periodic report was submitted, accepted or returned; sent with from_state, to_state, actor."""

adjustment_changed = _signals.signal("adjustment-changed")
"""An adjustment was requested (from_state None), approved, refused or withdrawn; sent with from_state, to_state,
actor and comment."""

inspection_changed = _signals.signal("inspection-changed")
"""An inspection was planned (from_state None, to_state "planned"); sender is the inspection."""

acceptance_changed = _signals.signal("acceptance-changed")
"""An acceptance council opened its rating or concluded; sender is the council."""

batch_changed = _signals.signal("batch-changed")
"""A batch decision of fixed-amount support was drafted (from_state None) or decided by a leader."""

award_changed = _signals.signal("award-changed")
"""A fixed-amount award was approved, refused or paid; sender is the award."""

"""Signals of the projects package."""

from blinker import Namespace

_signals = Namespace()

project_changed = _signals.signal("project-changed")
"""A project changed state (started, suspended, accepted, liquidated...); sent with from_state, to_state, actor."""

tranche_changed = _signals.signal("tranche-changed")
"""A tranche changed state (eligible, requested, approved, paid, settled); sent with from_state, to_state, actor."""

report_changed = _signals.signal("report-changed")
"""A periodic report was submitted, accepted or returned; sent with from_state, to_state, actor."""

adjustment_changed = _signals.signal("adjustment-changed")
"""An adjustment was approved, refused or withdrawn; sent with from_state, to_state, actor."""

"""Signals of the policies package."""

from blinker import Namespace

_signals = Namespace()

call_changed = _signals.signal("call-changed")
"""A call changed state (published, closed, reopened); sent with from_state, to_state, actor."""

budget_changed = _signals.signal("call-budget-changed")
"""A call's budget envelope was edited; sender is the call (its council's ranking allocates it)."""

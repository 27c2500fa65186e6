"""Signals of the policies package."""

from blinker import Namespace

_signals = Namespace()

call_changed = _signals.signal("call-changed")
"""A call changed state (published, closed, reopened); sent with from_state, to_state, actor."""

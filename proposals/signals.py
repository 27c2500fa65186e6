"""Signals of the proposals package."""

from blinker import Namespace

_signals = Namespace()

proposal_changed = _signals.signal("proposal-changed")
"""An application changed state (submitted, checked, supplement requested, invalid, valid, withdrawn); sent with
from_state, to_state, actor."""

"""Signals of the proposals package."""

from blinker import Namespace

_signals = Namespace()

proposal_changed = _signals.signal("proposal-changed")
"""An application changed state (submitted, checked, supplement requested, invalid, valid, withdrawn); sent with
from_state, to_state, actor."""

documents_wanted = _signals.signal("documents-wanted")
"""The application's page asks for its official documents (review's decision, projects' contract and the rest): sent
with user; each receiver returns a list of core.documents.OfficialDocument the user may open, in the order signed."""

"""The table connected to the domain signals. A move heard is kept on the session and told when the transaction
commits, so that the words describe the records as saved (a deadline set after the move included), and nothing is
told of a transaction rolled back."""

from blinker import Signal
from sqlalchemy import event

from core.extensions import db
from notifications.dispatch import Happened, tell
from notifications.events import events_for, signals

PENDING = "notifications.pending"  # the key of the moves heard in the session's info


def _listener(signal: Signal) -> object:
    def heard(record: object, from_state: str | None, to_state: str, actor: object, comment: str = "") -> None:
        for row in events_for(signal, from_state, to_state):
            db.session.info.setdefault(PENDING, []).append(Happened(row, record, actor, comment))

    return heard


_LISTENERS = {signal: _listener(signal) for signal in signals()}  # made once: blinker keeps each receiver once


def _tell_pending(session: object) -> None:
    while session.info.get(PENDING):
        tell(session.info[PENDING].pop(0))


def _forget_pending(session: object, previous_transaction: object) -> None:
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)


def subscribe() -> None:
    """Connect every row's signal, and tell what was heard when the session commits (once per process)."""
    for signal, listener in _LISTENERS.items():
        signal.connect(listener)
    if not event.contains(db.session, "before_commit", _tell_pending):
        event.listen(db.session, "before_commit", _tell_pending)
        event.listen(db.session, "after_soft_rollback", _forget_pending)

"""State machines as tables: one function performs every transition, checks the table and audits it."""

from dataclasses import dataclass

from blinker import Signal
from flask_babel import gettext as _

from core.audit import record_event
from core.errors import DomainError


@dataclass(frozen=True)
class Transition:
    """Who may move a record from one state to another, and whether they must say why."""

    roles: frozenset[str]
    label: object  # a lazy translated string, shown on the action button
    comment_required: bool = False
    # Made by another record's workflow (a council opening scoring, decisions released), never offered as a button.
    by_workflow: bool = False


TransitionTable = dict[tuple[str, str], Transition]


def allowed_targets(table: TransitionTable, state: str, user: object) -> list[tuple[str, Transition]]:
    """The (target state, transition) pairs the user may take from this state, for the UI."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        (to, rule)
        for (frm, to), rule in table.items()
        if frm == state and not rule.by_workflow and user.has_role(*rule.roles)
    ]


def perform_transition(
    record: object,
    table: TransitionTable,
    to_state: str,
    user: object,
    object_type: str,
    comment: str = "",
    signal: Signal | None = None,
) -> None:
    """Move record.status to to_state if the table allows it for this user; audit it and emit the signal (with the
    states, the actor and the comment)."""
    from_state = record.status
    rule = table.get((from_state, to_state))
    if rule is None or not user.has_role(*rule.roles):
        raise DomainError(_("This action is not possible in the current state."))
    if rule.comment_required and not comment.strip():
        raise DomainError(_("Please give a reason."), "comment")
    record.status = to_state
    record_event(
        "transition", object_type, record.id, from_state=from_state, to_state=to_state, comment=comment, actor=user
    )
    if signal is not None:
        signal.send(record, from_state=from_state, to_state=to_state, actor=user, comment=comment)

"""The audit log: every state change and administrative act is recorded here, and read back in the reader's words.

Each package names its own record types and actions (register_audit_record, register_audit_actions), as it names
its states (core.i18n.register_status_labels): what a type of record is called, the kind of its events an
administrator filters by, the labels of its states and the page that shows it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ColumnElement, Integer, and_, cast, false, literal, null, or_, select, union_all

from core.extensions import db
from core.i18n import status_label
from core.models import AgencySettings, AuditEvent


def record_event(
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    actor: object | None = None,
) -> AuditEvent:
    """Add an audit event for the current (or given) actor to the session; the caller commits."""
    who = actor if actor is not None else (current_user if has_request_context() else None)
    authenticated = who is not None and getattr(who, "is_authenticated", False)
    event = AuditEvent(
        actor_id=who.id if authenticated else None,
        actor_label=getattr(who, "email", "") if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        from_state=from_state,
        to_state=to_state,
        comment=comment or "",
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


# The kinds an administrator filters the log by, in the order the filter offers them.
AUDIT_KINDS: dict[str, object] = {
    "security": _l("Security: sign-ins, passwords, roles"),
    "accounts": _l("Accounts and organizations"),
    "applications": _l("Calls and applications"),
    "review": _l("Review councils and decisions"),
    "projects": _l("Projects and their follow-up"),
    "money": _l("Money: tranches and fixed amounts"),
    "administration": _l("Administration and reference data"),
}


@dataclass(frozen=True)
class RecordLink:
    """The page of one type of record: its endpoint, and its URL variables as columns of the record's table (a
    correlated scalar subquery for a variable its table does not hold)."""

    endpoint: str
    key: object  # the record's id column
    arguments: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRecord:
    """What the log calls one type of record, the kind of its events, the labels of its states (a kind of
    core.i18n's status labels) and the page that shows it."""

    label: object
    kind: str
    states: str | None = None
    link: RecordLink | None = None


AUDIT_RECORDS: dict[str, AuditRecord] = {}
# (object type, action) → label; (None, action) names an action on any type of record.
ACTION_LABELS: dict[tuple[str | None, str], object] = {}
# (object type, action) → kind, for the actions whose kind is not their record type's (a sign-in on a user).
ACTION_KINDS: dict[tuple[str, str], str] = {}


def register_audit_record(
    object_type: str, label: object, kind: str, *, states: str | None = None, link: RecordLink | None = None
) -> None:
    """Let a package declare a type of record of the log: its label, kind, states and page."""
    if kind not in AUDIT_KINDS:
        raise ValueError(f"unknown kind of audit events: {kind}")
    AUDIT_RECORDS[object_type] = AuditRecord(label, kind, states, link)


def register_audit_actions(labels: dict[str, object], object_type: str | None = None, kind: str | None = None) -> None:
    """Let a package name the actions it records on a type of record (on any, without one), and give them a kind
    of their own."""
    if kind is not None and (object_type is None or kind not in AUDIT_KINDS):
        raise ValueError(f"a kind of its own ({kind}) needs a known kind and a type of record")
    for action, label in labels.items():
        ACTION_LABELS[(object_type, action)] = label
        if kind is not None:
            ACTION_KINDS[(object_type, action)] = kind


def action_label(action: str, object_type: str) -> str:
    """The reader's words for an action on a type of record; its code when no package named it."""
    label = ACTION_LABELS.get((object_type, action), ACTION_LABELS.get((None, action)))
    return str(label) if label is not None else action


def record_label(object_type: str) -> str:
    """The reader's words for a type of record; its code when no package declared it."""
    record = AUDIT_RECORDS.get(object_type)
    return str(record.label) if record is not None else object_type


def event_state_label(state: str | None, object_type: str) -> str:
    """A state of a type of record in the reader's words (as its own pages show it)."""
    record = AUDIT_RECORDS.get(object_type)
    if not state or record is None or record.states is None:
        return state or ""
    return status_label(state, record.states)


def event_kind(action: str, object_type: str) -> str | None:
    """The kind of an event: its action's own, else its type of record's."""
    record = AUDIT_RECORDS.get(object_type)
    return ACTION_KINDS.get((object_type, action), record.kind if record is not None else None)


def kind_condition(kind: str) -> ColumnElement[bool]:
    """The events of a kind, as a condition on AuditEvent: those of its types of record (less their actions of
    another kind) and the actions given that kind on other types."""
    own_kinds: dict[str, dict[str, str]] = defaultdict(dict)
    for (object_type, action), action_kind in ACTION_KINDS.items():
        own_kinds[object_type][action] = action_kind
    terms = []
    for object_type, record in AUDIT_RECORDS.items():
        actions = own_kinds[object_type]
        if record.kind == kind:
            term = AuditEvent.object_type == object_type
            if others := [action for action, action_kind in actions.items() if action_kind != kind]:
                term = and_(term, AuditEvent.action.not_in(others))
            terms.append(term)
        elif mine := [action for action, action_kind in actions.items() if action_kind == kind]:
            terms.append(and_(AuditEvent.object_type == object_type, AuditEvent.action.in_(mine)))
    return or_(*terms) if terms else false()


def record_links(events: Iterable[AuditEvent]) -> dict[tuple[str, int], str]:
    """The page of each event's record that still exists, keyed by (type, id), read in one query whatever the
    types on the page: a record deleted since, or of a type without a page, has none."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        record = AUDIT_RECORDS.get(event.object_type)
        if record is not None and record.link is not None and event.object_id is not None:
            wanted[event.object_type].add(event.object_id)
    if not wanted:
        return {}
    width = max(len(AUDIT_RECORDS[object_type].link.arguments) for object_type in wanted)
    parts = []
    for object_type, ids in wanted.items():
        link = AUDIT_RECORDS[object_type].link
        values = [cast(value, Integer) for value in link.arguments.values()]
        values += [cast(null(), Integer)] * (width - len(values))
        columns = [value.label(f"argument_{n}") for n, value in enumerate(values)]
        parts.append(select(literal(object_type).label("object_type"), link.key, *columns).where(link.key.in_(ids)))
    links = {}
    for object_type, key, *values in db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
        link = AUDIT_RECORDS[object_type].link
        arguments = dict(zip(link.arguments, values[: len(link.arguments)], strict=True))
        if None not in arguments.values():
            links[(object_type, key)] = url_for(link.endpoint, **arguments)
    return links


register_audit_actions(
    {
        "create": _l("Created"),
        "update": _l("Updated"),
        "save": _l("Saved"),
        "delete": _l("Deleted"),
        "transition": _l("Changed the state"),
    }
)
register_audit_record(
    "agency_settings", _l("Agency settings"), "administration", link=RecordLink("admin.settings", AgencySettings.id)
)

"""The audit log: every state change and administrative act is recorded here."""

from flask import has_request_context, request
from flask_login import current_user

from core.extensions import db
from core.models import AuditEvent


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

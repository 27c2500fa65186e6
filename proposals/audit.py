"""What the audit log calls an application and the actions recorded on it."""

from flask_babel import lazy_gettext as _l

from core.audit import RecordLink, register_audit_actions, register_audit_record
from proposals.models import Proposal

register_audit_record(
    "proposal",
    _l("Application"),
    "applications",
    states="proposal",
    link=RecordLink("proposals.detail", Proposal.id, {"proposal_id": Proposal.id}),
)
register_audit_actions(
    {
        "upload": _l("Attached a document"),
        "remove_file": _l("Removed a document"),
        "checklist": _l("Ticked the documents checked"),
    },
    "proposal",
)

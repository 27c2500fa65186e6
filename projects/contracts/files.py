"""The documents attached to a project's records: a payment request, a report, the final dossier, an adjustment
request, an inspection record, a closing document."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db, in_list
from core.i18n import register_status_labels
from proposals.models import StoredFile

FILE_PURPOSES = {
    "tranche": _l("Payment request"),
    "report": _l("Periodic report"),
    "dossier": _l("Final dossier"),
    "adjustment": _l("Adjustment request"),
    "inspection": _l("Inspection record"),
    "closing": _l("Closing document"),
}
register_status_labels("file_purpose", FILE_PURPOSES)


class ProjectFile(StoredFile, db.Model):
    """A document attached to a project record (a payment request, a report, the final dossier...)."""

    __tablename__ = "project_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int | None]  # the tranche, report, adjustment or inspection it belongs to

    __table_args__ = (
        CheckConstraint(f"purpose IN {in_list(FILE_PURPOSES)}", name="purpose"),
        Index("ix_project_files_record", "project_id", "purpose", "record_id"),
    )

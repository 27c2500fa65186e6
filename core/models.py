"""Core records: the audit log, the mail outbox, the agency settings and the register of document numbers."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.formatting import utcnow
from core.i18n import register_status_labels


class AuditEvent(db.Model):
    """One thing somebody did: who, what, to which record, from/to state, comment, when, from where."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)  # no FK: core knows no users table
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    ip_address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)


OUTBOX_STATUSES = ("pending", "sending", "sent", "dead")
register_status_labels(
    "outbox",
    {
        "pending": _l("Waiting to be sent"),
        "sending": _l("Being sent"),
        "sent": _l("Sent"),
        "dead": _l("Not delivered"),
    },
)


class OutboxMessage(db.Model):
    """A mail waiting to be delivered by `flask outbox send`; written in the request's transaction."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")  # the same mail with the letterhead, for mail readers
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )


class AgencySettings(db.Model):
    """The agency's names and letterhead: one row, edited by administrators."""

    __tablename__ = "agency_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_name: Mapped[str] = mapped_column(String(255))
    agency_name_en: Mapped[str] = mapped_column(String(255))
    province_name: Mapped[str] = mapped_column(String(128))
    province_name_en: Mapped[str] = mapped_column(String(128))
    letterhead_authority: Mapped[str] = mapped_column(String(255))
    letterhead_agency: Mapped[str] = mapped_column(String(255))
    document_suffix: Mapped[str] = mapped_column(String(32))
    # The title above the signature of the agency's decisions and contracts, a line each ("KT. GIÁM ĐỐC" over
    # "PHÓ GIÁM ĐỐC" when a deputy signs for the director).
    signer_title: Mapped[str] = mapped_column(String(128), default="GIÁM ĐỐC", server_default="GIÁM ĐỐC")
    # Printed under that signature when the record names no signer of its own (an acceptance council's decision).
    signer_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    # Council members too must log in with a second step (staff, leaders, finance and administrators always do).
    two_factor_for_reviewers: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    DEFAULTS = {
        "agency_name": "Sở Khoa học và Công nghệ tỉnh Tây Ninh",
        "agency_name_en": "Department of Science and Technology of Tay Ninh Province",
        "province_name": "Tây Ninh",
        "province_name_en": "Tay Ninh",
        "letterhead_authority": "UBND TỈNH TÂY NINH",
        "letterhead_agency": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "document_suffix": "SKHCN",
        "signer_title": "GIÁM ĐỐC",
        "signer_name": "",
        "address": "Phường Long An, tỉnh Tây Ninh",
        "phone": "",
        "email": "skhcn@tayninh.gov.vn",
        "two_factor_for_reviewers": False,
    }

    @classmethod
    def current(cls) -> "AgencySettings":
        """The settings row; an unsaved row of defaults when none exists yet."""
        row = db.session.execute(db.select(cls).limit(1)).scalar_one_or_none()
        return row if row is not None else cls(**cls.DEFAULTS)


class RegisteredNumber(db.Model):
    """One number of the document register (core.register): the series and year it was drawn from, its place in the
    series (None for a number in another form, unique as it is typed, as its series), and the record holding it: a
    kind of document (`subject`) and the record's id."""

    __tablename__ = "document_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    year: Mapped[int]
    series: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int | None]
    number: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("subject", "subject_id"),
        UniqueConstraint("year", "series", "sequence"),
    )

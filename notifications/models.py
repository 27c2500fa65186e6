"""What was already reminded, so that a reminder is never sent twice."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.formatting import utcnow


class SentReminder(db.Model):
    """A reminder that went to the outbox, by its key (e.g. report:12:before:alice@x.vn)."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Notices kept for each person, their choices of how to be told, their calendar feed, and reminders already sent."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from accounts.models import is_signed_in
from core.extensions import db, in_list
from core.formatting import utcnow

# How a person wants to hear of a kind of event besides the notice kept for them here.
DELIVERIES = {
    "immediate": _l("By mail at once"),
    "digest": _l("In one mail a day (digest)"),
    "in_app": _l("Only here, without mail"),
}
# What became of a notice's mail: sent at once, waiting for (or gone in) the daily digest, or none wanted.
MAIL_STATES = ("sent", "digest", "none")


class Notification(db.Model):
    """A notice for one person: what happened (in their language when it happened) and where to see it."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(48))  # the row of notifications.events.EVENTS
    kind: Mapped[str] = mapped_column(String(24))  # the preference it falls under
    subject: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(500))  # a path inside the portal
    mail: Mapped[str] = mapped_column(String(8), default="none")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    digested_at: Mapped[datetime | None]  # when it went out in a digest mail

    __table_args__ = (
        CheckConstraint(f"mail IN {in_list(MAIL_STATES)}", name="mail"),
        Index("ix_notifications_unread", "user_id", "read_at"),
        Index("ix_notifications_user", "user_id", "id"),
        Index("ix_notifications_digest", "mail", "digested_at"),
    )

    def can_view(self, user: object) -> bool:
        """A notice is its reader's only."""
        return is_signed_in(user) and user.id == self.user_id


class NotificationPreference(db.Model):
    """How one person wants to hear of one kind of event (no row: by mail at once)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(16))

    __table_args__ = (CheckConstraint(f"delivery IN {in_list(DELIVERIES)}", name="delivery"),)


class CalendarFeed(db.Model):
    """The generation of a person's secret calendar address: resetting it moves to the next, so old links stop."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    generation: Mapped[int] = mapped_column(default=1)


class SentReminder(db.Model):
    """A reminder (or digest) that went to the outbox, by its key (e.g. report:12:before:7), so none goes twice."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

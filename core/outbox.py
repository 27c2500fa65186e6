"""The mail outbox: mails are written in the request's transaction and delivered later, once."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import select, update

from core.extensions import db, mail
from core.formatting import utcnow
from core.models import OutboxMessage

log = logging.getLogger(__name__)


def queue_mail(recipient: str, subject: str, template: str, locale: str = "vi", **context: object) -> OutboxMessage:
    """Render templates/emails/<template>.txt in the recipient's language and add it to the outbox."""
    with force_locale(locale):
        body = render_template(f"emails/{template}.txt", **context)
    message = OutboxMessage(recipient=recipient, subject=str(subject), body_text=body)
    db.session.add(message)
    return message


@dataclass
class DeliveryReport:
    """What one run of the delivery worker did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0


def _claim(message_id: int) -> bool:
    """Move a pending message to 'sending'; only one worker can win this conditional update."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .values(status="sending", attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Send every due pending message; on failure retry later with back-off, or mark it dead."""
    now = now or utcnow()
    config = current_app.config
    report = DeliveryReport()
    due_ids = (
        db.session.execute(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    for message_id in due_ids:
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            mail.send(Message(subject=message.subject, recipients=[message.recipient], body=message.body_text))
        except (smtplib.SMTPException, OSError) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = "dead"
                report.dead += 1
            else:
                delay = config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (message.attempts - 1)
                message.status = "pending"
                message.next_attempt_at = now + timedelta(seconds=delay)
                report.retried += 1
            log.warning("outbox message %s not delivered: %s", message_id, message.last_error)
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            report.sent += 1
        db.session.commit()
    return report

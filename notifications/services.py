"""A person's notices (the bell's count, the page, reading them) and their choices of how to be told."""

from sqlalchemy import func, select, update

from accounts.models import User
from core.extensions import db
from core.formatting import utcnow
from notifications.events import KINDS
from notifications.models import Notification, NotificationPreference


def unread_count(user: User) -> int:
    """How many notices the person has not opened (the bell)."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
    return db.session.execute(query).scalar_one()


def notices_page(user: User, page: int, per_page: int) -> object:
    """The person's notices, newest first."""
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def load_notice(notice_id: int) -> Notification | None:
    """A notice by its number (whose it is, the caller checks)."""
    return db.session.get(Notification, notice_id)


def open_notice(notice: Notification) -> str:
    """Mark the notice read; the page it points to."""
    notice.read_at = notice.read_at or utcnow()
    return notice.link


def mark_all_read(user: User) -> int:
    """Mark every unread notice of the person read; how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def deliveries_of(user: User) -> dict[str, str]:
    """How the person chose to hear of each kind of event (by mail at once where they chose nothing)."""
    chosen = select(NotificationPreference.kind, NotificationPreference.delivery).where(
        NotificationPreference.user_id == user.id
    )
    return {kind: "immediate" for kind in KINDS} | dict(db.session.execute(chosen).tuples().all())


def save_deliveries(user: User, chosen: dict[str, str]) -> None:
    """Keep the person's choice for each kind (a row only where it differs from mail at once)."""
    rows = {
        row.kind: row for row in db.session.execute(select(NotificationPreference).filter_by(user_id=user.id)).scalars()
    }
    for kind in KINDS:
        delivery, row = chosen[kind], rows.get(kind)
        if delivery == "immediate":
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
        else:
            row.delivery = delivery
    db.session.flush()

"""Throttling of logins and codes: each attempt is counted by one atomic statement before the secret is checked, so
no number of simultaneous attempts gets more checks than the limit, in any worker."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite

from accounts.models import LoginThrottle
from core.extensions import db
from core.formatting import utcnow

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def charge(key: str, limit: int) -> bool:
    """Count one attempt against the key and say whether it is within the limit of the current window (a window
    starts at the first attempt and lasts LOGIN_WINDOW_MINUTES): the count is read back from the same upsert."""
    table = LoginThrottle.__table__
    now = utcnow()
    lapsed = table.c.window_start <= now - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    insert = _INSERTS[db.session.get_bind().dialect.name](table).values(key=key, attempts=1, window_start=now)
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((lapsed, 1), else_=table.c.attempts + 1),
            "window_start": case((lapsed, now), else_=table.c.window_start),
        },
    ).returning(table.c.attempts)
    return db.session.execute(upsert).scalar_one() <= limit


def forgive(key: str) -> None:
    """Forget the key's attempts (the account's, after its secret was right)."""
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.key == key))


def refund(key: str) -> None:
    """Take back one attempt (an address's, after a login from it succeeded: only failures hold an address back)."""
    db.session.execute(
        db.update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
    )

"""Sessions that can end: a random key per signed-in browser, stored hashed, checked on every request for its end,
its idle time and its absolute lifetime; logout, a new password, deactivation and "sign out everywhere" end them."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from accounts.models import User, UserSession
from core.audit import record_event
from core.extensions import db
from core.formatting import utcnow

# How often a session's last activity is written (its idle time is measured to this precision).
TOUCH_SECONDS = 60


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_remember(user: User) -> bool:
    """Whether the user may stay signed in on a device across browser restarts: not the department's accounts."""
    return not user.is_department


def start_session(user: User, remember: bool, ip_address: str, user_agent: str) -> User:
    """Open a session for the user (after every step of the login) and give the user object its key; a
    remembered session lives REMEMBER_DAYS without an idle limit, any other SESSION_ABSOLUTE_HOURS."""
    config = current_app.config
    remember = remember and may_remember(user)
    lifetime = (
        timedelta(days=config["REMEMBER_DAYS"]) if remember else timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    )
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=_hash(key),
            remember=remember,
            ip_address=ip_address[:64],
            user_agent=user_agent[:255],
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    record_event("login", "user", user.id, actor=user)
    user.session_key = key
    return user


def idle_limit(user: User) -> timedelta:
    """How long a session of this user may rest unused: shorter for the department's roles."""
    config = current_app.config
    minutes = config["SESSION_IDLE_MINUTES_DEPARTMENT"] if user.is_department else config["SESSION_IDLE_MINUTES"]
    return timedelta(minutes=minutes)


def is_live(row: UserSession, user: User, now: datetime) -> bool:
    """Not ended, not past its lifetime, and (unless remembered) used within the user's idle limit."""
    idle = not row.remember and now - row.last_seen_at > idle_limit(user)
    return row.ended_at is None and now < row.expires_at and not idle and user.active


def load_user(key: str) -> User | None:
    """Flask-Login's user loader: the user of a live session with this key, in one statement. The session's last
    activity is updated at most once a minute; the loader runs first in each request and the request edge of
    accounts.init_app commits that before the view does anything."""
    found = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id).where(UserSession.key_hash == _hash(key))
    ).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if not is_live(row, user, now):
        return None
    if now - row.last_seen_at > timedelta(seconds=TOUCH_SECONDS):
        row.last_seen_at = now
    user.session_key = key
    return user


def end_session(user: User, reason: str = "logout") -> None:
    """End the session the user is signed in with."""
    _end(user, reason, db.select(UserSession.id).where(UserSession.key_hash == _hash(user.session_key or "")))
    record_event("logout", "user", user.id, actor=user)


def end_sessions(user: User, reason: str, *, keep_current: bool = False, actor: User | None = None) -> int:
    """End every session of the user (but the one they act in, with keep_current) and say how many ended."""
    rows = db.select(UserSession.id).where(UserSession.user_id == user.id)
    if keep_current and user.session_key:
        rows = rows.where(UserSession.key_hash != _hash(user.session_key))
    ended = _end(user, reason, rows)
    record_event("sessions_ended", "user", user.id, comment=f"{reason}: {ended}", actor=actor)
    return ended


def _end(user: User, reason: str, rows: object) -> int:
    return db.session.execute(
        db.update(UserSession)
        .where(UserSession.id.in_(rows), UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    ).rowcount


def live_sessions(user: User) -> list[UserSession]:
    """The user's sessions still open, the most recently used first (the profile lists them)."""
    now = utcnow()
    rows = db.session.execute(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc())
    ).scalars()
    return [row for row in rows if is_live(row, user, now)]


# (what the user agent says, the name shown), first match wins: Edge, Opera and Cốc Cốc also say "Chrome"; Chrome
# also says "Safari"; phones say their system before "Linux" or "Mac OS X".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("coc_coc", "Cốc Cốc"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
)
_BROWSERS += (("Safari/", "Safari"),)
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"))
_SYSTEMS += (("Mac OS X", "macOS"), ("Linux", "Linux"))


def device_label(user_agent: str) -> str:
    """A browser's name and system, as people call them ("Chrome, Windows"), from its user agent; "" if unknown."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return ", ".join(part for part in (browser, system) if part)


def is_current(row: UserSession, user: User) -> bool:
    """Whether the row is the session the user is looking from."""
    return bool(user.session_key) and row.key_hash == _hash(user.session_key)

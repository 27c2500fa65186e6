"""Signing a browser in, at the request edge: the login held between its steps, and the session opened at its end."""

import time

from flask import current_app, request, session
from flask_login import login_user

from accounts import sessions
from accounts.models import User
from core.edge import attempt
from core.extensions import db

HELD = "login_held"  # the login waiting for its second step, in the (signed) session cookie


def client_address() -> str:
    """The client's address as the app sees it (the proxy's hops are undone by ProxyFix when configured)."""
    return request.remote_addr or ""


def sign_in(user: User, remember: bool) -> None:
    """Open a session for the user (committed) and sign this browser in with its key."""
    remember = remember and sessions.may_remember(user)
    attempt(lambda: sessions.start_session(user, remember, client_address(), request.user_agent.string or ""))
    login_user(user, remember=remember)
    session.pop("locale", None)
    session.pop(HELD, None)


def hold(user: User, remember: bool, target: str | None) -> None:
    """Keep the login of a user whose password was right while the second step is asked."""
    session[HELD] = {"user": user.id, "remember": remember, "next": target, "at": time.time()}


def held() -> tuple[User | None, dict]:
    """The user of the login held, while it is fresh (LOGIN_STEP_MINUTES) and the account active; else None."""
    login = session.get(HELD) or {}
    fresh = time.time() - login.get("at", 0) < current_app.config["LOGIN_STEP_MINUTES"] * 60
    user = db.session.get(User, login["user"]) if fresh and login.get("user") else None
    return (user if user is not None and user.active else None), login

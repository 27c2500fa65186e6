"""Area guards: login and role checks for views and blueprints."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from core.extensions import login_manager


def role_required(*roles: str) -> Callable:
    """Require a logged-in user holding any of the roles (401 → login page, else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def guard_blueprint_roles(*roles: str) -> Callable[[], None]:
    """A before_request hook that admits only logged-in users with one of the roles."""

    def check() -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(*roles):
            abort(403)
        return None

    return check

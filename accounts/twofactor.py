"""Two-step login: a time-based code from an authenticator app (RFC 6238, pyotp), enrolled with a QR code drawn
here (segno), and ten one-time recovery codes shown once and stored as keyed hashes."""

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts import sessions, throttle
from accounts.models import REVIEWERS, RecoveryCode, User
from accounts.services import check_password
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import utcnow
from core.models import AgencySettings

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand without doubt


def required(user: User) -> bool:
    """Whether the user must log in with a second step: the department's roles (TWO_FACTOR_ROLES), and council
    members when the administrators say so."""
    if user.has_role(*current_app.config["TWO_FACTOR_ROLES"]):
        return True
    return user.has_role(*REVIEWERS) and AgencySettings.current().two_factor_for_reviewers


def next_step(user: User) -> str | None:
    """What the login asks after a right password: "code" from an enrolled user, "enrol" from one who must and has
    not, nothing from the others."""
    if user.has_two_factor:
        return "code"
    return "enrol" if required(user) else None


def begin_enrolment(user: User, *, fresh: bool) -> None:
    """Give the user a secret to enrol (a new one when `fresh`, else the one waiting for its first code), unless
    the app is already enrolled."""
    if user.has_two_factor:
        raise DomainError(_("The two-step login is already set up."))
    if fresh or not user.totp_secret:
        user.totp_secret = pyotp.random_base32()


def enrolment(user: User) -> dict:
    """What the enrolment page shows: the secret as text, the otpauth address and its QR code as an image."""
    issuer = current_app.config["TOTP_ISSUER"]
    address = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)
    qr = segno.make(address, error="m").svg_data_uri(scale=5, border=2)
    spaced = " ".join(user.totp_secret[i : i + 4] for i in range(0, len(user.totp_secret), 4))
    return {"secret": spaced, "address": address, "qr": qr}


def _code_hash(user: User, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{user.id}:{code}".encode(), hashlib.sha256).hexdigest()


def _normalized(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones and give them (the only time they are seen)."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(user, code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user: User) -> int:
    return db.session.execute(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def _app_code_accepted(user: User, code: str) -> bool:
    """A code of the current time step or its neighbours, newer than the last one accepted (never twice)."""
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(time.time())
    for step in (now, now - 1, now + 1):
        if step > (user.totp_last_step or -1) and hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def _recovery_code_used(user: User, code: str) -> bool:
    used = db.session.execute(
        db.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(user, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        return False
    record_event("recovery_code_used", "user", user.id, actor=user)
    return True


def check_code(user: User, code: str, *, recovery: bool = True) -> None:
    """Accept a code from the app (or, with `recovery`, a recovery code), throttled like passwords; DomainError at
    the code's field when it is refused."""
    key = f"code:{user.id}"
    if not throttle.charge(key, current_app.config["LOGIN_MAX_FAILURES"]):
        record_event("login_code_failed", "user", user.id, actor=user, comment="throttled")
        raise DomainError(_too_many(), "code")
    code = _normalized(code)
    if code.isdigit() and len(code) == 6:
        accepted = _app_code_accepted(user, code)
    else:
        accepted = recovery and len(code) == 10 and _recovery_code_used(user, code)
    if not accepted:
        record_event("login_code_failed", "user", user.id, actor=user)
        raise DomainError(
            _("This code is not right, or it has already been used. Enter the code the app shows now."), "code"
        )
    throttle.forgive(key)


def _too_many() -> str:
    return _(
        "Too many wrong codes. Wait %(minutes)d minutes and try again.",
        minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
    )


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn the two-step login on with a first code from the app; end the user's other sessions and give the
    recovery codes."""
    if user.has_two_factor or not user.totp_secret:
        raise DomainError(_("Start the set-up again: the secret to enrol has not been made yet."))
    check_code(user, code, recovery=False)
    user.totp_enabled_at = utcnow()
    record_event("totp_enabled", "user", user.id, actor=user)
    sessions.end_sessions(user, "two_factor", keep_current=True, actor=user)
    return new_recovery_codes(user)


def reauthenticate(user: User, password: str, code: str | None = None) -> None:
    """Ask again for what proves it is the user (the password, and a code when enrolled) before a change to the
    second step; throttled as a login."""
    if not throttle.charge(f"account:{user.email}", current_app.config["LOGIN_MAX_FAILURES"]):
        raise DomainError(_too_many(), "password")
    if not check_password(user, password):
        record_event("login_failed", "user", user.id, actor=user, comment="re-authentication")
        raise DomainError(_("The password is wrong."), "password")
    if user.has_two_factor:
        check_code(user, code or "")


def renew_recovery_codes(user: User, password: str, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after re-authentication."""
    reauthenticate(user, password, code)
    record_event("recovery_codes_renewed", "user", user.id, actor=user)
    return new_recovery_codes(user)


def disable(user: User, password: str, code: str) -> None:
    """Turn the two-step login off, after re-authentication, unless the user's roles require it."""
    if required(user):
        raise DomainError(_("Your role requires the two-step login: it cannot be turned off."))
    reauthenticate(user, password, code)
    _clear(user)
    record_event("totp_disabled", "user", user.id, actor=user)
    sessions.end_sessions(user, "two_factor", keep_current=True, actor=user)


def reset(user: User) -> None:
    """An administrator's help to whoever lost both the phone and the recovery codes: the second step is cleared
    (an account that must have one enrols again at its next login) and the user's sessions end."""
    if not user.has_two_factor:
        raise DomainError(_("This user has no two-step login to reset."))
    _clear(user)
    record_event("totp_disabled", "user", user.id, comment="reset by an administrator")
    sessions.end_sessions(user, "admin")


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))

"""Account rules: registration, verification, login, password reset, invitations, roles."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from accounts import emails, sessions, throttle
from accounts.models import APPLICANTS, ROLES, AccessToken, Membership, Organization, User, UserRole
from accounts.taxcode import clean_tax_code
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import utcnow
from core.search import contains

ORGANIZATION_FIELDS = (
    "name",
    "tax_code",
    "org_type",
    "address",
    "legacy_area",
    "legal_rep_name",
    "legal_rep_title",
    "phone",
    "email",
    "website",
    "employees",
)
PROFILE_FIELDS = ("full_name", "phone", "position", "locale")


def hash_password(password: str) -> str:
    """Hash with the configured work factor (pbkdf2-sha256, 600,000 iterations in production)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user_by_email(email: str) -> User | None:
    """The user with this email, case-insensitively."""
    return db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()


def _ensure_unique(email: str | None = None, tax_code: str | None = None, organization_id: int | None = None) -> None:
    if email and find_user_by_email(email):
        raise DomainError(_("An account with this email already exists. Log in or reset your password."), "email")
    if tax_code:
        query = select(Organization.id).where(Organization.tax_code == tax_code)
        if organization_id:
            query = query.where(Organization.id != organization_id)
        if db.session.execute(query).first():
            raise DomainError(
                _("An organization with this tax code is already registered. Ask its users to invite you."), "tax_code"
            )


def register_business(user_data: dict, org_data: dict, password: str, locale: str) -> User | None:
    """Create an organization with its first (unverified) applicant user and mail the verification link.

    When the email already has an account nothing is created: its owner is mailed a notice instead (None is returned)
    and the page that follows is the same, so the form tells nobody whether an address has an account. The password
    is hashed either way, so both answers take as long. A registered tax code is refused as such: which
    organizations exist is public (their tax codes are published), who has an account is not."""
    org_data = {**org_data, "tax_code": clean_tax_code(org_data["tax_code"])}
    _ensure_unique(tax_code=org_data["tax_code"])
    password_hash = hash_password(password)
    existing = find_user_by_email(user_data["email"])
    if existing is not None:  # no audit event: the notice in the outbox is the trace, as of a reset link asked for
        if existing.active:  # a deactivated account can neither log in nor reset: nothing to tell its owner
            emails.send_registration_notice(existing)
        return None
    organization = Organization(**{k: org_data.get(k) for k in ORGANIZATION_FIELDS})
    user = User(
        email=user_data["email"].strip().lower(),
        full_name=user_data["full_name"],
        phone=user_data.get("phone", ""),
        position=user_data.get("position", ""),
        password_hash=password_hash,
        locale=locale,
        role_rows=[UserRole(role="applicant")],
    )
    db.session.add_all([organization, user])
    db.session.flush()
    db.session.add(Membership(user_id=user.id, organization_id=organization.id))
    record_event("register", "organization", organization.id, actor=user, comment=organization.name)
    emails.send_verification(user, issue_token("verify_email", user.email, user=user))
    return user


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    purpose: str,
    email: str,
    user: User | None = None,
    organization: Organization | None = None,
    created_by: User | None = None,
) -> str:
    """Create a one-time token and return its raw value (only the hash is stored)."""
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["TOKEN_HOURS"][purpose]
    db.session.add(
        AccessToken(
            purpose=purpose,
            token_hash=_token_hash(raw),
            email=email.strip().lower(),
            user_id=user.id if user else None,
            organization_id=organization.id if organization else None,
            created_by_id=created_by.id if created_by else None,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return raw


def peek_token(purpose: str, raw: str) -> AccessToken:
    """The valid, unused, unexpired token for this raw value, or a DomainError saying what is wrong."""
    token = db.session.execute(
        select(AccessToken).where(AccessToken.token_hash == _token_hash(raw), AccessToken.purpose == purpose)
    ).scalar_one_or_none()
    if token is None:
        raise DomainError(_("This link is not valid. Check that you copied it completely."))
    if token.used_at is not None:
        raise DomainError(_("This link has already been used. Each link works only once."))
    if token.expires_at < utcnow():
        raise DomainError(_("This link has expired. Please ask for a new one."))
    return token


def usable_token(purpose: str, raw: str) -> tuple[AccessToken | None, str | None]:
    """The token of a link that may still be used, or None and what is wrong with the link (for the page that says
    so before any form is shown)."""
    try:
        return peek_token(purpose, raw), None
    except DomainError as error:
        return None, error.message


def consume_token(purpose: str, raw: str) -> AccessToken:
    """Check the token and mark it used, with a conditional update so it can only be used once."""
    token = peek_token(purpose, raw)
    updated = db.session.execute(
        db.update(AccessToken).where(AccessToken.id == token.id, AccessToken.used_at.is_(None)).values(used_at=utcnow())
    )
    if updated.rowcount != 1:
        raise DomainError(_("This link has already been used. Each link works only once."))
    return token


def verify_email(raw: str) -> User:
    """Mark the user's email as verified."""
    token = consume_token("verify_email", raw)
    user = db.session.get(User, token.user_id)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event("verify_email", "user", user.id, actor=user)
    return user


def resend_verification(email: str) -> None:
    """Send a fresh verification link when an unverified account exists (says nothing otherwise)."""
    user = find_user_by_email(email)
    if user and not user.is_verified and user.active:
        emails.send_verification(user, issue_token("verify_email", user.email, user=user))


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def check_password(user: User | None, password: str) -> bool:
    """Whether the password is the user's; for no user, a hash is checked all the same, so that an unknown email
    takes as long to refuse as a wrong password."""
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(user.password_hash, password)


def authenticate(email: str, password: str, ip_address: str) -> User:
    """Check the credentials; raise DomainError on refusal. The attempt is counted against the account and the
    client's address before the password is looked at (the caller commits the refusal too): beyond the limits of
    the window nothing is checked, whatever the number of attempts running at once."""
    email = email.strip().lower()
    config = current_app.config
    account, address = f"account:{email}", f"address:{ip_address}"
    within = throttle.charge(account, config["LOGIN_MAX_FAILURES"])
    within = throttle.charge(address, config["LOGIN_MAX_PER_ADDRESS"]) and within
    user = find_user_by_email(email) if within else None
    if not within:
        record_event("login_failed", "user", None, actor=None, comment=f"{email} (throttled)")
        raise DomainError(
            _(
                "Too many failed attempts. Wait %(minutes)d minutes, or reset your password.",
                minutes=config["LOGIN_WINDOW_MINUTES"],
            )
        )
    if not check_password(user, password):
        record_event("login_failed", "user", user.id if user else None, actor=None, comment=email)
        raise DomainError(_("Wrong email or password."))
    throttle.forgive(account)
    throttle.refund(address)
    if not user.active:
        raise DomainError(_("This account has been deactivated. Contact the department."))
    if not user.is_verified:
        raise DomainError(_("Please confirm your email first: open the link we sent you, or ask for a new one."))
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the account exists; the caller shows the same message either way."""
    user = find_user_by_email(email)
    if user and user.active:
        emails.send_password_reset(user, issue_token("reset_password", user.email, user=user))


def reset_password(raw: str, password: str) -> User:
    """Set a new password from a reset link; the link then stops working."""
    token = consume_token("reset_password", raw)
    user = db.session.get(User, token.user_id)
    user.password_hash = hash_password(password)
    if user.email_verified_at is None:  # the reset link proves the mailbox too
        user.email_verified_at = utcnow()
    record_event("reset_password", "user", user.id, actor=user)
    sessions.end_sessions(user, "reset", actor=user)
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_("The current password is wrong."), "current_password")
    user.password_hash = hash_password(new)
    record_event("change_password", "user", user.id)
    sessions.end_sessions(user, "password", keep_current=True)


def update_profile(user: User, data: dict) -> None:
    """Save the user's own profile fields."""
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    record_event("update_profile", "user", user.id)


def update_organization(organization: Organization, data: dict) -> None:
    """Save the organization's details; the tax code stays unique."""
    data = {**data, "tax_code": clean_tax_code(data["tax_code"])}
    _ensure_unique(tax_code=data["tax_code"], organization_id=organization.id)
    for field in ORGANIZATION_FIELDS:
        setattr(organization, field, data.get(field))
    record_event("update_organization", "organization", organization.id)


def invite_colleague(organization: Organization, inviter: User, email: str) -> None:
    """Mail an invitation to act for the organization; the inviter is told "sent" whatever the address.

    Someone who already acts for another organization gets no invitation (an account acts for one at a time) but a
    mail saying so, in their language: the inviter must not learn from the answer that the address has an account,
    nor where it acts. Someone who already acts for this organization gets nothing: no link is needed, and the
    organization's page, which the inviter sees, lists them already."""
    email = email.strip().lower()
    record_event("invite", "organization", organization.id, comment=email)
    existing = find_user_by_email(email)
    if existing is not None and existing.membership is not None:
        if existing.membership.organization_id != organization.id:
            emails.send_invitation_refused(existing, inviter, organization)
        return
    raw = issue_token("invitation", email, organization=organization, created_by=inviter)
    emails.send_invitation(email, inviter, organization, raw, locale=inviter.locale)


def accept_invitation(raw: str, user: User | None, new_user_data: dict | None = None, password: str = "") -> User:
    """Join the inviting organization, as the logged-in user or as a new account for the invited email."""
    token = consume_token("invitation", raw)
    if user is None:
        _ensure_unique(email=token.email)
        user = User(
            email=token.email,
            full_name=new_user_data["full_name"],
            phone=new_user_data.get("phone", ""),
            position=new_user_data.get("position", ""),
            password_hash=hash_password(password),
            locale=new_user_data.get("locale", "vi"),
            email_verified_at=utcnow(),  # the invitation link proves the mailbox
            role_rows=[UserRole(role="applicant")],
        )
        db.session.add(user)
        db.session.flush()
    elif user.email != token.email:
        raise DomainError(_("This invitation was sent to %(email)s. Log in with that account.", email=token.email))
    elif user.membership is not None:
        raise DomainError(_("Your account already acts for an organization."))
    if not user.has_role(*APPLICANTS):
        user.role_rows.append(UserRole(role="applicant"))
    db.session.add(
        Membership(user_id=user.id, organization_id=token.organization_id, invited_by_id=token.created_by_id)
    )
    record_event("join", "organization", token.organization_id, actor=user, comment=user.email)
    return user


def set_roles(user: User, roles: list[str], active: bool) -> None:
    """Administrator: replace the user's roles and set whether the account is active."""
    wanted = [r for r in ROLES if r in roles]
    before = ",".join(sorted(user.roles))
    user.role_rows = [row for row in user.role_rows if row.role in wanted]
    user.role_rows.extend(UserRole(role=r) for r in wanted if r not in user.roles)
    if user.active != active:
        record_event("activate" if active else "deactivate", "user", user.id)
        user.active = active
        if not active:
            sessions.end_sessions(user, "deactivated")
    record_event("set_roles", "user", user.id, comment=f"{before} → {','.join(wanted)}")


def search_users(query: str, role: str | None, page: int, per_page: int) -> object:
    """Users matching the text (diacritics ignored) and role, paginated."""
    statement = select(User).order_by(User.full_name, User.id)
    if query.strip():
        statement = statement.where(contains(User.search_text, query))
    if role in ROLES:
        statement = statement.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def users_with_role(role: str) -> list[User]:
    """The active users holding a role, by name (the people a form offers: staff, reviewers...)."""
    query = select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == role, User.active)
    return list(db.session.execute(query.order_by(User.full_name)).scalars())

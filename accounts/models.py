"""Users, roles, organizations, memberships, login attempts and one-time tokens."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db, in_list
from core.formatting import utcnow
from core.text import normalize_search

ROLES = ("applicant", "reviewer", "staff", "leader", "finance", "admin")
ROLE_LABELS = {
    "applicant": _l("Applicant"),
    "reviewer": _l("Reviewer"),
    "staff": _l("Staff"),
    "leader": _l("Leader"),
    "finance": _l("Finance"),
    "admin": _l("Administrator"),
}
# The role sets every package's guards, transition tables and predicates are written with; defined here only.
# Roles that work inside the department (see everything internal, use the staff area).
DEPARTMENT_ROLES = frozenset({"staff", "leader", "finance", "admin"})
# Who run the procedure: publish calls, screen applications, form councils, record contracts, follow projects.
MANAGERS = frozenset({"staff", "admin"})
LEADERS = frozenset({"leader"})  # who approve decisions, terminate projects
FINANCE = frozenset({"finance"})  # who record payments
APPLICANTS = frozenset({"applicant"})  # the people of an applicant or host organization
REVIEWERS = frozenset({"reviewer"})  # who may sit on councils
ADMINS = frozenset({"admin"})  # who run the administration area: users, reference data, settings


def is_signed_in(user: object) -> bool:
    """A signed-in user, not Flask-Login's anonymous one (the models' predicates take either)."""
    return bool(getattr(user, "is_authenticated", False))


def holds_role(user: object, roles: frozenset[str]) -> bool:
    """A signed-in user holding one of the roles."""
    return is_signed_in(user) and user.has_role(*roles)


ORG_TYPES = {
    "enterprise": _l("Enterprise"),
    "sme": _l("Small or medium enterprise"),
    "cooperative": _l("Cooperative"),
    "st_organization": _l("S&T organization"),
    "university": _l("University or research institute"),
    "public_unit": _l("Public service unit"),
    "household_business": _l("Household business"),
    "individual": _l("Individual"),
}
# Types whose tax code may be the owner's 12-digit personal identification number.
PERSONAL_ID_TYPES = frozenset({"household_business", "individual"})

LEGACY_AREAS = {
    "long_an": _l("Long An (former)"),
    "tay_ninh": _l("Tây Ninh (former)"),
}

TOKEN_PURPOSES = ("verify_email", "reset_password", "invitation")


class User(UserMixin, db.Model):
    """A person who logs in; may hold several roles and act for one organization."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(32), default="")
    position: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)
    # Two-step login: the authenticator's shared secret (set at enrolment, confirmed by a first code), the last time
    # step a code was accepted for (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    membership: Mapped["Membership | None"] = relationship(
        back_populates="user", lazy="selectin", uselist=False, foreign_keys="Membership.user_id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint(f"locale IN {in_list(('vi', 'en'))}", name="locale"),)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in or stay logged in
        return self.active

    # The key of the session this user object was loaded or signed in with (accounts.sessions): what Flask-Login
    # keeps in the session and the remember-me cookie instead of the user's id.
    session_key = None  # str, set per object (not a column)

    def get_id(self) -> str:
        if not self.session_key:
            raise RuntimeError("sign in through accounts.sessions.start_session, which gives the session its key")
        return self.session_key

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    @property
    def is_department(self) -> bool:
        return self.has_role(*DEPARTMENT_ROLES)


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows", lazy="raise")

    __table_args__ = (CheckConstraint(f"role IN {in_list(ROLES)}", name="role"), Index("ix_user_roles_role", "role"))


class Organization(db.Model):
    """An applicant organization (enterprise, cooperative, institute, household business, individual...)."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    tax_code: Mapped[str] = mapped_column(String(16), unique=True)
    org_type: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    legacy_area: Mapped[str | None] = mapped_column(String(16))
    legal_rep_name: Mapped[str] = mapped_column(String(255))
    legal_rep_title: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    employees: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)
    version: Mapped[int] = mapped_column(default=1)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organization", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"org_type IN {in_list(ORG_TYPES)}", name="org_type"),
        CheckConstraint(f"legacy_area IS NULL OR legacy_area IN {in_list(LEGACY_AREAS)}", name="legacy_area"),
        Index("ix_organizations_legacy_area", "legacy_area"),
    )

    def is_member(self, user: User) -> bool:
        """True when the user acts for this organization (membership must be loaded)."""
        return user.is_authenticated and user.membership is not None and user.membership.organization_id == self.id

    def can_view(self, user: User) -> bool:
        return self.is_member(user) or user.is_authenticated and user.is_department

    def can_edit(self, user: User) -> bool:
        return self.is_member(user) or user.is_authenticated and user.has_role(*ADMINS)

    def can_invite(self, user: User) -> bool:
        return self.is_member(user)


class Membership(db.Model):
    """A user acting for an organization (one organization per user)."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="membership", foreign_keys=[user_id], lazy="raise")
    organization: Mapped[Organization] = relationship(back_populates="memberships", lazy="raise")


class LoginThrottle(db.Model):
    """The attempts counted against one key ("account:<email>", "address:<ip>", "code:<user id>") in the current
    window: one row per key, counted by one atomic statement so the limit holds across workers and threads."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=1)
    window_start: Mapped[datetime] = mapped_column(default=utcnow)


SESSION_END_REASONS = ("logout", "password", "reset", "deactivated", "everywhere", "admin", "two_factor")


class UserSession(db.Model):
    """One signed-in browser: the cookie holds a random key, only its hash is stored, so ending the row ends the
    session and its remember-me cookie everywhere at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        CheckConstraint(f"end_reason IS NULL OR end_reason IN {in_list(SESSION_END_REASONS)}", name="end_reason"),
        Index("ix_user_sessions_user_id_ended_at", "user_id", "ended_at"),
    )


class RecoveryCode(db.Model):
    """One of the ten one-time codes that replace the authenticator app once; only a keyed hash is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class AccessToken(db.Model):
    """A one-time link (email verification, password reset, invitation); only its hash is stored."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise")
    organization: Mapped[Organization | None] = relationship(lazy="raise")

    __table_args__ = (CheckConstraint(f"purpose IN {in_list(TOKEN_PURPOSES)}", name="purpose"),)


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _user_search_text(mapper: object, connection: object, user: User) -> None:
    user.email = user.email.strip().lower()
    user.search_text = normalize_search(user.full_name, user.email, user.phone)


@event.listens_for(Organization, "before_insert")
@event.listens_for(Organization, "before_update")
def _organization_search_text(mapper: object, connection: object, org: Organization) -> None:
    org.search_text = normalize_search(org.name, org.tax_code, org.address, org.legal_rep_name)

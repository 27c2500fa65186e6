"""Mails of the accounts package, one function per message, written to the outbox."""

from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.models import Organization, User
from core.outbox import queue_mail
from core.urls import external_url


def send_verification(user: User, raw_token: str) -> None:
    """The link that confirms a new account's email."""
    with force_locale(user.locale):
        subject = _("Confirm your email address")
    link = external_url("accounts.verify_email", token=raw_token)
    queue_mail(user.email, subject, "accounts/verify", locale=user.locale, user=user, link=link)


def send_password_reset(user: User, raw_token: str) -> None:
    """The link that sets a new password."""
    with force_locale(user.locale):
        subject = _("Reset your password")
    link = external_url("accounts.reset_password", token=raw_token)
    queue_mail(user.email, subject, "accounts/reset", locale=user.locale, user=user, link=link)


def send_invitation(email: str, inviter: User, organization: Organization, raw_token: str, locale: str) -> None:
    """An invitation to act for an organization."""
    with force_locale(locale):
        subject = _("Invitation to act for %(name)s", name=organization.name)
    link = external_url("accounts.accept_invitation", token=raw_token)
    queue_mail(
        email, subject, "accounts/invitation", locale=locale, inviter=inviter, organization=organization, link=link
    )


def send_registration_notice(user: User) -> None:
    """Someone tried to register a new account with this account's email: how to log in or reset instead."""
    with force_locale(user.locale):
        subject = _("Someone tried to register with your email")
    queue_mail(
        user.email,
        subject,
        "accounts/registration_notice",
        locale=user.locale,
        user=user,
        login_link=external_url("accounts.login"),
        reset_link=external_url("accounts.forgot_password"),
    )


def send_invitation_refused(user: User, inviter: User, organization: Organization) -> None:
    """An invitation that cannot be accepted: the account already acts for another organization."""
    with force_locale(user.locale):
        subject = _("Invitation to act for %(name)s", name=organization.name)
    queue_mail(
        user.email,
        subject,
        "accounts/invitation_refused",
        locale=user.locale,
        user=user,
        inviter=inviter,
        organization=organization,
    )

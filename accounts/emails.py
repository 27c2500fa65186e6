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

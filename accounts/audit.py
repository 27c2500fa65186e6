"""How the audit log names the accounts' records and actions (the security events among them)."""

from flask_babel import lazy_gettext as _l

from accounts.models import User
from core.audit import RecordLink, register_audit_actions, register_audit_record

register_audit_record(
    "user", _l("User account"), "accounts", link=RecordLink("admin.user", User.id, {"user_id": User.id})
)
register_audit_actions({"update_profile": _l("Updated the personal details")}, "user")
# The account's security events (ASVS V7): the "security" kind of the filter.
register_audit_actions(
    {
        "register": _l("Registered an account"),
        "verify_email": _l("Confirmed the email address"),
        "login": _l("Signed in"),
        "login_failed": _l("Failed to sign in"),
        "login_code_failed": _l("Typed a wrong login code"),
        "recovery_code_used": _l("Signed in with a recovery code"),
        "logout": _l("Signed out"),
        "sessions_ended": _l("Ended sessions of the account"),
        "change_password": _l("Changed the password"),
        "reset_password": _l("Reset the password"),
        "totp_enabled": _l("Turned the two-step login on"),
        "totp_disabled": _l("Turned the two-step login off"),
        "recovery_codes_renewed": _l("Renewed the recovery codes"),
        "set_roles": _l("Changed the roles"),
        "deactivate": _l("Deactivated the account"),
        "activate": _l("Reactivated the account"),
    },
    "user",
    kind="security",
)
register_audit_record("organization", _l("Organization"), "accounts")
register_audit_actions(
    {
        "register": _l("Registered the organization"),
        "update_organization": _l("Updated the organization's details"),
        "invite": _l("Invited a colleague"),
        "join": _l("Joined the organization"),
    },
    "organization",
)

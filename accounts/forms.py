"""Account forms. Each exposes to_data() so views never populate models from raw input."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from accounts.models import LEGACY_AREAS, ORG_TYPES, PERSONAL_ID_TYPES, ROLE_LABELS
from accounts.passwords import Owner, owner_of, password_problem
from accounts.taxcode import tax_code_error
from core.forms import BaseForm, VersionedForm, at_least, email_address, max_length, optional, required

LANGUAGE_CHOICES = [("vi", "Tiếng Việt"), ("en", "English")]


def _password(label: str) -> PasswordField:
    """A new password: 10 to 128 characters, neither guessable nor personal (the form's `password_owner()`)."""
    return PasswordField(
        label, [required(), Length(min=10, max=128, message=_l("Use 10 to 128 characters.")), _hard_to_guess]
    )


def _hard_to_guess(form: BaseForm, field: PasswordField) -> None:
    if field.errors:  # too short or too long already said
        return
    problem = password_problem(field.data or "", form.password_owner())
    if problem:
        raise ValidationError(problem)


class OrganizationFields(BaseForm):
    """The organization's details (registration and editing)."""

    name = StringField(_l("Organization name"), [required(), max_length(255)])
    tax_code = StringField(_l("Tax code"), [required(), max_length(16)])
    org_type = SelectField(_l("Type"), choices=[(k, v) for k, v in ORG_TYPES.items()])
    address = StringField(_l("Address (house number, street, commune/ward, province)"), [required(), max_length(255)])
    legacy_area = SelectField(
        _l("Former area (before 1/7/2025)"),
        choices=[("", _l("— not stated —"))] + [(k, v) for k, v in LEGACY_AREAS.items()],
    )
    legal_rep_name = StringField(_l("Legal representative"), [required(), max_length(255)])
    legal_rep_title = StringField(_l("Position of the legal representative"), [optional(), max_length(128)])
    phone = StringField(_l("Organization phone"), [optional(), max_length(32)])
    email = EmailField(_l("Organization email"), [optional(), email_address(), max_length(255)])
    website = StringField(_l("Website"), [optional(), max_length(255)])
    employees = IntegerField(_l("Number of employees"), [optional(), at_least(0)])

    def validate_tax_code(self, field: StringField) -> None:
        error = tax_code_error(field.data, self.org_type.data in PERSONAL_ID_TYPES)
        if error:
            raise ValidationError(error)

    def organization_data(self) -> dict:
        """The organization fields as a plain dict."""
        return {
            "name": self.name.data.strip(),
            "tax_code": self.tax_code.data,
            "org_type": self.org_type.data,
            "address": self.address.data.strip(),
            "legacy_area": self.legacy_area.data or None,
            "legal_rep_name": self.legal_rep_name.data.strip(),
            "legal_rep_title": (self.legal_rep_title.data or "").strip(),
            "phone": (self.phone.data or "").strip(),
            "email": (self.email.data or "").strip().lower(),
            "website": (self.website.data or "").strip(),
            "employees": self.employees.data,
        }


class RegistrationForm(OrganizationFields):
    """A business registers itself and its first user."""

    full_name = StringField(_l("Your full name"), [required(), max_length(255)])
    position = StringField(_l("Your position"), [optional(), max_length(128)])
    user_email = EmailField(_l("Your email (used to log in)"), [required(), email_address(), max_length(255)])
    user_phone = StringField(_l("Your phone"), [optional(), max_length(32)])
    password = _password(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"), [EqualTo("password", message=_l("The passwords differ."))])
    accept_terms = BooleanField(
        _l("I confirm that the information is true and that I may act for this organization."),
        [required()],
    )

    def password_owner(self) -> Owner:
        """The email and organization typed in this form."""
        return Owner(self.user_email.data or "", self.name.data or "")

    def user_data(self) -> dict:
        """The person's fields as a plain dict."""
        return {
            "full_name": self.full_name.data.strip(),
            "position": (self.position.data or "").strip(),
            "email": self.user_email.data.strip().lower(),
            "phone": (self.user_phone.data or "").strip(),
        }


class OrganizationForm(OrganizationFields, VersionedForm):
    """Editing the organization."""


class LoginForm(BaseForm):
    """Email and password."""

    email = EmailField(_l("Email"), [required(), email_address()])
    password = PasswordField(_l("Password"), [required()])
    remember = BooleanField(
        _l("Keep me logged in on this computer"),
        description=_l("For 14 days; not for the department's accounts, which log in every day."),
    )


class CodeForm(BaseForm):
    """The code of the authenticator app (or a recovery code, when the login asks)."""

    code = StringField(
        _l("Code"),
        [required(), max_length(32)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )


class ReauthForm(BaseForm):
    """The password again (and a code, for an enrolled user) before a change to the two-step login."""

    password = PasswordField(_l("Your password"), [required()])
    code = StringField(
        _l("Code from the app"),
        [optional(), max_length(32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class EmailForm(BaseForm):
    """Just an email (forgotten password, resend verification, invitation)."""

    email = EmailField(_l("Email"), [required(), email_address(), max_length(255)])


class NewPasswordForm(BaseForm):
    """Choosing a new password: for `owner` (a reset link's account, an invitation's address) or the current user."""

    password = _password(_l("New password"))
    confirm = PasswordField(_l("Repeat the password"), [EqualTo("password", message=_l("The passwords differ."))])

    def __init__(self, *args: object, owner: Owner | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def password_owner(self) -> Owner:
        """Whose password it is: the given owner, else the signed-in user."""
        return self.owner or owner_of(current_user)


class ChangePasswordForm(NewPasswordForm):
    """Changing the password while logged in."""

    current_password = PasswordField(_l("Current password"), [required()])


class ProfileForm(VersionedForm):
    """The user's own details."""

    full_name = StringField(_l("Full name"), [required(), max_length(255)])
    position = StringField(_l("Position"), [optional(), max_length(128)])
    phone = StringField(_l("Phone"), [optional(), max_length(32)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)

    def to_data(self) -> dict:
        """The profile fields as a plain dict."""
        return {
            "full_name": self.full_name.data.strip(),
            "position": (self.position.data or "").strip(),
            "phone": (self.phone.data or "").strip(),
            "locale": self.locale.data,
        }


class AcceptInvitationForm(NewPasswordForm):
    """A new account created from an invitation."""

    full_name = StringField(_l("Your full name"), [required(), max_length(255)])
    position = StringField(_l("Your position"), [optional(), max_length(128)])
    phone = StringField(_l("Your phone"), [optional(), max_length(32)])

    def to_data(self) -> dict:
        """The person's fields as a plain dict."""
        return {
            "full_name": self.full_name.data.strip(),
            "position": (self.position.data or "").strip(),
            "phone": (self.phone.data or "").strip(),
        }


class UserAdminForm(VersionedForm):
    """Administrator: roles and activation of a user."""

    roles = SelectMultipleField(
        _l("Roles"),
        choices=[(k, v) for k, v in ROLE_LABELS.items()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    active = BooleanField(_l("Active (may log in)"))

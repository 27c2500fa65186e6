"""Account pages: register, verify, password reset, profile, organization, invitations (login: signin_views)."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from accounts import services
from accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    EmailForm,
    NewPasswordForm,
    OrganizationForm,
    ProfileForm,
    RegistrationForm,
)
from accounts.models import Membership, Organization, User
from accounts.passwords import Owner, owner_of
from accounts.signin import sign_in
from accounts.urls import is_safe_next
from core.edge import attempt, authorized, comparing, finish, run_form
from core.extensions import db
from core.forms import check_version, field_errors_from

bp = Blueprint("accounts", __name__)
ORG_FIELDS = tuple(services.ORGANIZATION_FIELDS)
PROFILE_COMPARED = ("full_name", "position", "phone", "locale")  # in the order of the form


@bp.route("/register", methods=["GET", "POST"])
def register():
    """A business registers its organization and first user."""
    if current_user.is_authenticated:
        return redirect(url_for("policies.home"))
    form = RegistrationForm()
    return run_form(
        form,
        lambda: services.register_business(
            form.user_data(), form.organization_data(), form.password.data, _current_locale()
        ),
        page=lambda _records: render_template("accounts/register.html", form=form),
        done=lambda _user: _check_mail(form.user_data()["email"], "verify"),  # the same page for a taken email
        refused_status=200,
    )


@bp.route("/verify/<token>")
def verify_email(token: str):
    """The link from the verification mail."""
    _user, error = attempt(lambda: services.verify_email(token))
    if error is not None:
        return _token_problem(error.message, resend=True)
    return finish(_("Your email is confirmed. You can log in now."), url_for("accounts.login"))


@bp.route("/verify/resend", methods=["GET", "POST"])
def resend_verification():
    """Ask for a new verification link."""
    form = EmailForm()
    return run_form(
        form,
        lambda: services.resend_verification(form.email.data),
        page=lambda _records: render_template(
            "accounts/email_form.html", form=form, title=_("Send the confirmation link again")
        ),
        done=lambda _none: _check_mail(form.email.data, "verify"),
        refused_status=200,
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password-reset link."""
    form = EmailForm()
    return run_form(
        form,
        lambda: services.request_password_reset(form.email.data),
        page=lambda _records: render_template("accounts/email_form.html", form=form, title=_("Forgotten password")),
        done=lambda _none: _check_mail(form.email.data, "reset"),
        refused_status=200,
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from the link in the mail."""
    link, problem = services.usable_token("reset_password", token)
    if problem is not None:
        return _token_problem(problem)
    form = NewPasswordForm(owner=owner_of(db.session.get(User, link.user_id)))
    return run_form(
        form,
        lambda: services.reset_password(token, form.password.data),
        page=lambda _records: render_template("accounts/reset_password.html", form=form),
        done=lambda _user: finish(
            _("Your password has been changed. Log in with the new password."), url_for("accounts.login")
        ),
        refused_status=200,
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Edit one's own details and language; a stale save shows both versions and keeps what the user typed."""
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    differences: list[tuple[str, str, str]] = []

    def save() -> None:
        check_version(current_user, form)
        services.update_profile(current_user, form.to_data())

    return run_form(
        form,
        save,
        page=lambda _records: _profile_page(form, ChangePasswordForm(), differences),
        done=lambda _none: finish(_("Your profile has been saved."), url_for("accounts.profile")),
        stale=comparing(form, PROFILE_COMPARED, differences, current_user),
        refused_status=200,
    )


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    """Change one's password."""
    form = ChangePasswordForm()
    return run_form(
        form,
        lambda: services.change_password(current_user, form.current_password.data, form.password.data),
        page=lambda _records: _profile_page(ProfileForm(obj=current_user), form, []),
        done=lambda _none: finish(_("Your password has been changed."), url_for("accounts.profile")),
        refused_status=200,
    )


def _profile_page(form: ProfileForm, password_form: ChangePasswordForm, differences: list) -> str:
    return render_template("accounts/profile.html", form=form, password_form=password_form, differences=differences)


def _my_organization() -> Organization:
    """The organization the user acts for, with its people (404 when they act for none)."""
    if current_user.membership is None:
        abort(404)
    return db.session.execute(
        db.select(Organization)
        .where(Organization.id == current_user.membership.organization_id)
        .options(selectinload(Organization.memberships).selectinload(Membership.user))
    ).scalar_one()


@bp.route("/organization", methods=["GET", "POST"])
@login_required
def organization():
    """See and edit one's organization and its members; a stale save shows what changed."""
    org = authorized(_my_organization(), "can_edit")
    form = OrganizationForm(obj=org if request.method == "GET" else None)
    differences: list[tuple[str, str, str]] = []

    def save() -> None:
        check_version(org, form)
        services.update_organization(org, form.organization_data())

    return run_form(
        form,
        save,
        page=lambda shown: _organization_page(shown, form, EmailForm(prefix="invite"), differences),
        done=lambda _none: finish(_("The organization has been saved."), url_for("accounts.organization")),
        records=org,
        reload=_my_organization,
        stale=comparing(form, ORG_FIELDS, differences),
        refused_status=200,
    )


@bp.route("/organization/invite", methods=["POST"])
@login_required
def invite():
    """Invite a colleague to act for the same organization."""
    org = authorized(_my_organization(), "can_invite")
    invite_form = EmailForm(prefix="invite")
    return run_form(
        invite_form,
        lambda: services.invite_colleague(org, current_user, invite_form.email.data),
        page=lambda shown: _organization_page(shown, OrganizationForm(obj=shown), invite_form, []),
        done=lambda _none: finish(
            _("The invitation has been sent to %(email)s.", email=invite_form.email.data),
            url_for("accounts.organization"),
        ),
        records=org,
        reload=_my_organization,
    )


def _organization_page(org: Organization, form: OrganizationForm, invite_form: EmailForm, differences: list) -> str:
    return render_template(
        "accounts/organization.html", org=org, form=form, invite_form=invite_form, differences=differences
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Accept an invitation: join as the logged-in user, or create an account for the invited email."""
    invitation, problem = services.usable_token("invitation", token)
    if problem is not None:
        return _token_problem(problem)
    org = db.session.get(Organization, invitation.organization_id)
    form = AcceptInvitationForm(owner=Owner(invitation.email, org.name))
    user = current_user if current_user.is_authenticated else None
    if request.method == "POST" and (user is not None or form.validate_on_submit()):
        new_user = None if user else form.to_data() | {"locale": _current_locale()}
        joined, error = attempt(lambda: services.accept_invitation(token, user, new_user, form.password.data or ""))
        if error is None:
            if user is None:
                sign_in(joined, remember=False)
            return finish(_("You now act for %(name)s.", name=org.name), url_for("accounts.organization"))
        field_errors_from(form, error)
    return render_template("accounts/invitation.html", form=form, invitation=invitation, org=org, user=user)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; remembered on the account when logged in."""
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = language
    if current_user.is_authenticated:
        attempt(lambda: services.update_profile(current_user, {"locale": language}))
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("policies.home"))


def _check_mail(email: str, purpose: str) -> str:
    """The page that says a link has been mailed (the same whether or not the account exists)."""
    return render_template("accounts/check_mail.html", email=email, purpose=purpose)


def _token_problem(message: str, resend: bool = False) -> tuple[str, int]:
    """Why a mailed link cannot be used (400)."""
    return render_template("accounts/token_problem.html", message=message, resend=resend), 400


def _current_locale() -> str:
    return str(get_locale() or "vi")

"""Account pages: register, verify, login/logout, password reset, profile, organization, invitations."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from accounts import services
from accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    EmailForm,
    LoginForm,
    NewPasswordForm,
    OrganizationForm,
    ProfileForm,
    RegistrationForm,
)
from accounts.models import ROLE_LABELS, Membership, Organization
from accounts.urls import is_safe_next
from core.errors import DomainError, StaleObjectError
from core.extensions import db
from core.forms import check_version, field_errors_from, stale_differences

bp = Blueprint("accounts", __name__)
ORG_FIELDS = tuple(services.ORGANIZATION_FIELDS)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """A business registers its organization and first user."""
    if current_user.is_authenticated:
        return redirect(url_for("policies.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = services.register_business(
                form.user_data(), form.organization_data(), form.password.data, _current_locale()
            )
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
        else:
            db.session.commit()
            return render_template("accounts/check_mail.html", email=user.email, purpose="verify")
    return render_template("accounts/register.html", form=form)


@bp.route("/verify/<token>")
def verify_email(token: str):
    """The link from the verification mail."""
    try:
        services.verify_email(token)
    except DomainError as error:
        db.session.rollback()
        return render_template("accounts/token_problem.html", message=error.message, resend=True), 400
    db.session.commit()
    flash(_("Your email is confirmed. You can log in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/verify/resend", methods=["GET", "POST"])
def resend_verification():
    """Ask for a new verification link."""
    form = EmailForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
        db.session.commit()
        return render_template("accounts/check_mail.html", email=form.email.data, purpose="verify")
    return render_template("accounts/email_form.html", form=form, title=_("Send the confirmation link again"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password (throttled)."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except DomainError as error:
            db.session.commit()  # keep the failed attempt: throttling counts it
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            session.pop("locale", None)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("accounts.dashboard"))
    return render_template("accounts/login.html", form=form, demo=current_app.config["DEMO_MODE"])


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST, with CSRF)."""
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("policies.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password-reset link."""
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/check_mail.html", email=form.email.data, purpose="reset")
    return render_template("accounts/email_form.html", form=form, title=_("Forgotten password"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from the link in the mail."""
    try:
        services.peek_token("reset_password", token)
    except DomainError as error:
        return render_template("accounts/token_problem.html", message=error.message, resend=False), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        flash(_("Your password has been changed. Log in with the new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/me")
@login_required
def dashboard():
    """Where a user lands after login: the things their roles let them do."""
    return render_template("accounts/dashboard.html", role_labels=ROLE_LABELS)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Edit one's own details and language."""
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    differences = []
    if form.validate_on_submit():
        try:
            check_version(current_user, form)
            services.update_profile(current_user, form.to_data())
        except StaleObjectError as error:
            differences = stale_differences(form, current_user, ("full_name", "position", "phone", "locale"))
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=form, password_form=ChangePasswordForm(), differences=differences
    ), (409 if differences else 200)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    """Change one's password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=ProfileForm(obj=current_user), password_form=form, differences=[]
    )


def _my_organization() -> Organization:
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
    """See and edit one's organization and its members."""
    org = _my_organization()
    if not org.can_edit(current_user):
        abort(403)
    form = OrganizationForm(obj=org if request.method == "GET" else None)
    differences = []
    if form.validate_on_submit():
        try:
            check_version(org, form)
            services.update_organization(org, form.organization_data())
        except StaleObjectError as error:
            differences = stale_differences(form, org, ORG_FIELDS)
            form.form_errors.append(error.message)
        except DomainError as error:
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The organization has been saved."), "success")
            return redirect(url_for("accounts.organization"))
    return render_template(
        "accounts/organization.html",
        org=org,
        form=form,
        invite_form=EmailForm(prefix="invite"),
        differences=differences,
    ), (409 if differences else 200)


@bp.route("/organization/invite", methods=["POST"])
@login_required
def invite():
    """Invite a colleague to act for the same organization."""
    org = _my_organization()
    if not org.can_invite(current_user):
        abort(403)
    invite_form = EmailForm(prefix="invite")
    if invite_form.validate_on_submit():
        try:
            services.invite_colleague(org, current_user, invite_form.email.data)
        except DomainError as error:
            field_errors_from(invite_form, error)
        else:
            db.session.commit()
            flash(_("The invitation has been sent to %(email)s.", email=invite_form.email.data), "success")
            return redirect(url_for("accounts.organization"))
    form = OrganizationForm(obj=org)
    return render_template(
        "accounts/organization.html", org=org, form=form, invite_form=invite_form, differences=[]
    ), 400


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Accept an invitation: join as the logged-in user, or create an account for the invited email."""
    try:
        invitation = services.peek_token("invitation", token)
    except DomainError as error:
        return render_template("accounts/token_problem.html", message=error.message, resend=False), 400
    org = db.session.get(Organization, invitation.organization_id)
    form = AcceptInvitationForm()
    user = current_user if current_user.is_authenticated else None
    if request.method == "POST" and (user is not None or form.validate_on_submit()):
        try:
            new_user = None if user else form.to_data() | {"locale": _current_locale()}
            joined = services.accept_invitation(token, user, new_user, form.password.data or "")
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            login_user(joined)
            flash(_("You now act for %(name)s.", name=org.name), "success")
            return redirect(url_for("accounts.organization"))
    return render_template("accounts/invitation.html", form=form, invitation=invitation, org=org, user=user)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; remembered on the account when logged in."""
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = language
    if current_user.is_authenticated:
        services.update_profile(current_user, {"locale": language})
        db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("policies.home"))


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")

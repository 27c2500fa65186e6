"""Login pages: the password, the second step (a code, or the enrolment an account must make), logout."""

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from accounts import services, sessions, twofactor
from accounts.forms import CodeForm, LoginForm
from accounts.signin import client_address, held, hold, sign_in
from accounts.urls import is_safe_next
from accounts.views import bp
from core.edge import attempt, finish
from core.forms import field_errors_from


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password (throttled: a refused attempt is committed, the throttle counts it), then
    the second step when the account has or needs one."""
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form)
    user, error = attempt(
        lambda: services.authenticate(form.email.data, form.password.data, client_address()), refusal_commits=True
    )
    if error is not None:
        field_errors_from(form, error)
        return _login_page(form)
    target, step = request.args.get("next"), twofactor.next_step(user)
    if step is None:
        sign_in(user, form.remember.data)
        return redirect(_onwards(target))
    hold(user, form.remember.data, target)
    return redirect(url_for("accounts.login_code" if step == "code" else "accounts.login_enrol"))


def _login_page(form: LoginForm) -> str:
    return render_template("accounts/login.html", form=form, demo=current_app.config["DEMO_MODE"])


def _onwards(target: str | None) -> str:
    """Where a login goes on to: the page asked for, when it is inside this site, else the user's home."""
    return target if is_safe_next(target) else url_for("notifications.home")


def _start_again():
    return finish(
        _("Log in again: the login waited too long for its second step."), url_for("accounts.login"), "warning"
    )


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step: the code the authenticator app shows, or one of the recovery codes."""
    user, login = held()
    if user is None or not user.has_two_factor:
        return _start_again()
    form = CodeForm()
    if form.validate_on_submit():
        _none, error = attempt(lambda: twofactor.check_code(user, form.code.data), refusal_commits=True)
        if error is None:
            sign_in(user, login["remember"])
            return redirect(_onwards(login["next"]))
        field_errors_from(form, error)
    return render_template("accounts/login_code.html", form=form), 400 if form.errors else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
def login_enrol():
    """The second step of an account that must have one and has none yet: enrol the app, then see the recovery
    codes, once."""
    user, login = held()
    if user is None or user.has_two_factor or not twofactor.required(user):
        return _start_again()
    form = CodeForm()
    if not form.validate_on_submit():
        attempt(lambda: twofactor.begin_enrolment(user, fresh=False))
        return render_template("accounts/enrol.html", form=form, enrolment=twofactor.enrolment(user), at_login=True)
    codes, error = attempt(lambda: twofactor.confirm_enrolment(user, form.code.data), refusal_commits=True)
    if error is not None:
        field_errors_from(form, error)
        return render_template(
            "accounts/enrol.html", form=form, enrolment=twofactor.enrolment(user), at_login=True
        ), 400
    sign_in(user, login["remember"])
    return render_template("accounts/recovery_codes.html", codes=codes, onwards=_onwards(login["next"]))


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST, with CSRF): the session ends on the server, so a copy of its cookie opens nothing."""
    if current_user.is_authenticated:
        attempt(lambda: sessions.end_session(current_user))
    logout_user()
    return finish(_("You have logged out."), url_for("policies.home"), "info")

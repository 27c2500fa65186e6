"""Login and security, in the profile: the two-step login (set up, new recovery codes, turn off) and the sessions
open on other devices."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import sessions, twofactor
from accounts.forms import CodeForm, ReauthForm
from accounts.views import bp
from core.edge import finish, run_form, run_small_form
from core.forms import BaseForm

FORMS = ("setup", "codes", "off")  # the page's three re-authentication forms, by their prefixes


def _forms(**given: ReauthForm) -> dict:
    return {name: given.get(name) or ReauthForm(prefix=name) for name in FORMS}


def _security_page(**given: ReauthForm) -> str:
    return render_template(
        "accounts/security.html",
        reauth=_forms(**given),
        required=twofactor.required(current_user),
        codes_left=twofactor.recovery_codes_left(current_user) if current_user.has_two_factor else 0,
        live=sessions.live_sessions(current_user),
        is_current=sessions.is_current,
        device_label=sessions.device_label,
        end_form=BaseForm(),
    )


@bp.route("/profile/security")
@login_required
def security():
    """The two-step login's state and the open sessions."""
    return _security_page()


@bp.route("/profile/security/setup", methods=["POST"])
@login_required
def two_factor_setup():
    """Begin the set-up, after the password: the page with the QR code and the secret."""
    form = ReauthForm(prefix="setup")

    def begin() -> None:
        twofactor.reauthenticate(current_user, form.password.data)
        twofactor.begin_enrolment(current_user, fresh=True)

    return run_form(
        form,
        begin,
        page=lambda _records: _security_page(setup=form),
        done=lambda _none: _enrol_page(CodeForm()),
        refusal_commits=True,
    )


def _enrol_page(form: CodeForm) -> str:
    return render_template(
        "accounts/enrol.html", form=form, enrolment=twofactor.enrolment(current_user), at_login=False
    )


@bp.route("/profile/security/confirm", methods=["POST"])
@login_required
def two_factor_confirm():
    """The first code from the app turns the two-step login on; the recovery codes are shown, once."""
    form = CodeForm()
    return run_form(
        form,
        lambda: twofactor.confirm_enrolment(current_user, form.code.data),
        page=lambda _records: _enrol_page(form) if current_user.totp_secret else _security_page(),
        done=lambda codes: _codes_page(codes),
        refusal_commits=True,
    )


def _codes_page(codes: list[str]) -> str:
    return render_template("accounts/recovery_codes.html", codes=codes, onwards=url_for("accounts.security"))


@bp.route("/profile/security/codes", methods=["POST"])
@login_required
def recovery_codes():
    """Ten new recovery codes, after the password and a code; the old ones stop working."""
    form = ReauthForm(prefix="codes")
    return run_form(
        form,
        lambda: twofactor.renew_recovery_codes(current_user, form.password.data, form.code.data),
        page=lambda _records: _security_page(codes=form),
        done=_codes_page,
        refusal_commits=True,
    )


@bp.route("/profile/security/off", methods=["POST"])
@login_required
def two_factor_off():
    """Turn the two-step login off (an applicant's choice; the department's roles cannot)."""
    form = ReauthForm(prefix="off")
    return run_form(
        form,
        lambda: twofactor.disable(current_user, form.password.data, form.code.data),
        page=lambda _records: _security_page(off=form),
        done=lambda _none: finish(_("The two-step login is off."), url_for("accounts.security")),
        refusal_commits=True,
    )


@bp.route("/profile/security/sessions/end", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out everywhere but here."""
    return run_small_form(
        BaseForm(),
        lambda: sessions.end_sessions(current_user, "everywhere", keep_current=True),
        success=_("You have been signed out everywhere else."),
        back=url_for("accounts.security"),
    )

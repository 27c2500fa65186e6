"""Pages of the final acceptance and the closing: the host's final dossier; the acceptance council formed, opened,
attended and concluded by staff, with its minutes; the members' ratings; the closing steps of the project."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.services import users_with_role
from core.errors import DomainError, StaleObjectError
from core.extensions import db
from core.formatting import local_today, to_local, utcnow
from core.forms import CommentForm, check_version, field_errors_from
from core.paging import page_number
from projects import acceptance_forms as forms
from projects.acceptance_queries import dossier_files, load_council, member_councils, project_councils, seated_council
from projects.models import DOSSIER_STATES, GRADES, AcceptanceCouncil, Project, ProjectFile
from projects.queries import load_project
from projects.services import acceptance, closing
from projects.views import bp, project_files, project_for, send_project_file
from review.councils.forms import AttendanceForm
from review.views import run_small_form


@bp.route("/projects/<int:project_id>/dossier", methods=["GET", "POST"])
@login_required
def dossier(project_id: int):
    """The final dossier: the host submits it while the project runs; everyone who sees the project reads it."""
    project = project_for(project_id, "can_act_as_host" if request.method == "POST" else "can_view")
    form = forms.DossierForm(obj=project if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            acceptance.submit_dossier(project, form.to_data(), request.files.getlist(form.files.name), current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            project = project_for(project_id, "can_act_as_host")
        else:
            db.session.commit()
            flash(_("The final dossier was submitted."), "success")
            return redirect(url_for("projects.detail", project_id=project_id))
    open_ = project.can_act_as_host(current_user) and project.status in DOSSIER_STATES
    return render_template(
        "projects/dossier.html",
        project=project,
        form=form,
        open=open_,
        today=local_today(),
        documents=dossier_files(project_files(project.id)),
    ), (400 if form.errors else 200)


def _council_form(**kwargs: object) -> forms.AcceptanceCouncilForm:
    form = forms.AcceptanceCouncilForm(**kwargs)
    form.offer_people(users_with_role("staff"), users_with_role("reviewer"))
    return form


def _forming_council(project: Project) -> AcceptanceCouncil | None:
    """The council being formed for the project (None when a new one is to be formed)."""
    latest = next(iter(project_councils(project.id)), None)
    return load_council(latest.id) if latest is not None and latest.status == "forming" else None


@bp.route("/staff/projects/<int:project_id>/acceptance-council", methods=["GET", "POST"])
@login_required
def acceptance_council_form(project_id: int):
    """Form the acceptance council of a project whose dossier is in (or a re-evaluation), or change it."""
    project = project_for(project_id, "can_manage")
    council = _forming_council(project)
    form = _council_form()
    if request.method == "GET" and council is not None:
        form.fill(council)
    elif request.method == "GET":
        form.name.data = _("Acceptance council of %(code)s", code=project.code)
    elif form.validate_on_submit():
        try:
            if council is not None:
                check_version(council, form)
            council = acceptance.save_council(project, council, form.to_data(), current_user)
        except (DomainError, StaleObjectError) as error:
            db.session.rollback()  # the page is shown again from fresh records, with what was typed
            project = project_for(project_id, "can_manage")
            council = _forming_council(project)
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The acceptance council was saved."), "success")
            return redirect(url_for("projects.acceptance_council", council_id=council.id))
    return render_template(
        "projects/acceptance_council_form.html", project=project, council=council, form=form
    ), 400 if form.errors else 200


def _staff_council(council_id: int, predicate: str) -> tuple[AcceptanceCouncil, Project]:
    """The council and its project, for department users passing the project's predicate (404 for others)."""
    council = load_council(council_id)
    return council, project_for(council.project_id, predicate)


def _council_page(council: AcceptanceCouncil, project: Project, conclusion_form: forms.ConclusionForm | None = None):
    """The council's page: composition, ratings received, attendance and quorum, the grade they give now."""
    return render_template(
        "projects/acceptance_council.html",
        council=council,
        project=project,
        quorum=acceptance.council_quorum(council, project.regime),
        rating=acceptance.council_rating(council, project),
        action_form=CommentForm(),
        conclusion_form=conclusion_form or forms.ConclusionForm(),
    ), 400 if conclusion_form is not None and conclusion_form.errors else 200


@bp.route("/staff/acceptance/<int:council_id>")
@login_required
def acceptance_council(council_id: int):
    """The acceptance council, for staff and leaders."""
    return _council_page(*_staff_council(council_id, "can_decide"))


@bp.route("/staff/acceptance/<int:council_id>/open", methods=["POST"])
@login_required
def acceptance_open(council_id: int):
    """Open the rating: the members are mailed."""
    council, project = _staff_council(council_id, "can_manage")
    form = CommentForm()
    run_small_form(form, lambda: acceptance.open_rating(council, project, current_user), _("The rating is open."))
    return redirect(url_for("projects.acceptance_council", council_id=council_id))


@bp.route("/staff/acceptance/<int:council_id>/attendance", methods=["POST"])
@login_required
def acceptance_attendance(council_id: int):
    """Record who attended the council's meeting."""
    council, _project = _staff_council(council_id, "can_manage")
    form = AttendanceForm()
    act = lambda: acceptance.record_attendance(council, set(form.present.data or []), current_user)  # noqa: E731
    run_small_form(form, act, _("Attendance recorded."))
    return redirect(url_for("projects.acceptance_council", council_id=council_id))


@bp.route("/staff/acceptance/<int:council_id>/conclude", methods=["POST"])
@login_required
def acceptance_conclude(council_id: int):
    """Record the council's conclusion: the grade moves the project to accepted or not accepted."""
    council, project = _staff_council(council_id, "can_manage")
    form = forms.ConclusionForm()
    if form.validate_on_submit():
        try:
            rating = acceptance.conclude(council, project, form.conclusions.data.strip(), current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            council, project = _staff_council(council_id, "can_manage")
        else:
            db.session.commit()
            flash(_("The conclusion was recorded: %(grade)s.", grade=GRADES[rating.grade]), "success")
            return redirect(url_for("projects.acceptance_council", council_id=council_id))
    return _council_page(council, project, form)


@bp.route("/staff/acceptance/<int:council_id>/minutes")
@login_required
def acceptance_minutes(council_id: int):
    """The minutes of the acceptance council's meeting (biên bản họp hội đồng nghiệm thu), in the official layout."""
    council, project = _staff_council(council_id, "can_decide")
    return render_template(
        "projects/acceptance_minutes.html",
        council=council,
        project=project,
        rating=acceptance.council_rating(council, project),
        quorum=acceptance.council_quorum(council, project.regime),
        dated=to_local(council.meeting_at or utcnow()).date(),
    )


@bp.route("/acceptance")
@role_required("reviewer")
def my_acceptances():
    """The member's acceptance councils and whether the rating is submitted."""
    page = member_councils(current_user.id, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("projects/acceptance_mine.html", page=page)


@bp.route("/acceptance/<int:council_id>/rating", methods=["GET", "POST"])
@login_required
def rating(council_id: int):
    """A member rates the project's products and final report beside the dossier; saved or submitted (locked)."""
    council, seat = seated_council(council_id, current_user)
    project = load_project(council.project_id)
    saved = forms.rating_values(seat) if request.method == "GET" else None
    form = forms.rating_form(project.products, council.rating_rule, saved)
    if form.validate_on_submit():
        submitting = request.form.get("action") == "submit"
        try:
            check_version(seat, form, _("Your rating was changed meanwhile (saved elsewhere)."))
            acceptance.save_rating(council, seat, forms.rating_data(form), submitting, current_user)
        except (DomainError, StaleObjectError) as error:
            db.session.rollback()  # the page is shown again from fresh records, with what was typed
            council, seat = seated_council(council_id, current_user)
            project = load_project(council.project_id)
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Your rating was submitted.") if submitting else _("Draft saved."), "success")
            return redirect(url_for("projects.rating", council_id=council_id))
    return render_template(
        "projects/rating.html",
        council=council,
        seat=seat,
        project=project,
        form=form,
        documents=dossier_files(project_files(project.id)),
    ), 400 if form.errors else 200


@bp.route("/acceptance/<int:council_id>/documents/<int:file_id>")
@login_required
def rating_download(council_id: int, file_id: int):
    """A file of the final dossier, for a member of the council, as an attachment."""
    council, _seat = seated_council(council_id, current_user)
    record = db.get_or_404(ProjectFile, file_id)
    if record.project_id != council.project_id or record.purpose != "dossier":
        abort(404)
    return send_project_file(record)


# step → (form, the project's predicate, service, message)
CLOSING_STEPS = {
    "registration": (forms.RegistrationForm, "can_manage", closing.register_result, _l("The result was registered.")),
    "settlement": (forms.SettlementForm, "can_manage", closing.record_settlement, _l("The settlement was recorded.")),
    "assets": (forms.AssetsForm, "can_manage", closing.record_assets, _l("The asset handling was recorded.")),
    "liquidation": (forms.LiquidationForm, "can_decide", closing.liquidate, _l("The contract was liquidated.")),
    "recovery": (forms.RecoveryForm, "can_decide", closing.decide_recovery, _l("The recovery was decided.")),
}


def _closing_page(project: Project, step: str = "", form: forms.ClosingForm | None = None):
    """The closing page with one form per step; the step sent back keeps what was typed."""
    step_forms = {
        name: (form if name == step else spec[0](formdata=None, obj=project)) for name, spec in CLOSING_STEPS.items()
    }
    return render_template(
        "projects/closing.html", project=project, forms=step_forms, missing=closing.liquidation_blockers(project)
    ), 400 if form and form.errors else 200


@bp.route("/staff/projects/<int:project_id>/closing")
@login_required
def closing_page(project_id: int):
    """Closing the project: result registration, settlement, assets, liquidation; or the recovery of its funds."""
    return _closing_page(project_for(project_id, "can_decide"))


@bp.route("/staff/projects/<int:project_id>/closing/<step>", methods=["POST"])
@login_required
def closing_step(project_id: int, step: str):
    """One closing step; a refusal shows the page again with what was typed and the reason at its field."""
    if step not in CLOSING_STEPS:
        abort(404)
    form_class, predicate, service, message = CLOSING_STEPS[step]
    project = project_for(project_id, predicate)
    form = form_class()
    if form.validate_on_submit():
        try:
            service(project, form.to_data(), current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            project = project_for(project_id, predicate)
        else:
            db.session.commit()
            flash(str(message), "success")
            return redirect(url_for("projects.closing_page", project_id=project_id))
    return _closing_page(project, step, form)

"""Pages of a running project's follow-up: periodic reports (the host writes, staff review), inspections with
their follow-up actions (staff), adjustments (the host asks, staff or a leader decide)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import DomainError
from core.extensions import db
from core.formatting import local_today
from core.forms import CommentForm, check_version, field_errors_from
from core.workflow import allowed_targets
from projects import bp
from projects.contracts.documents import attach_files
from projects.contracts.models import Project
from projects.contracts.views import project_for
from projects.followup import services
from projects.followup.forms import ActionDoneForm, AdjustmentForm, InspectionForm, ReportForm
from projects.followup.models import REPORT_TRANSITIONS, Inspection, PeriodicReport
from projects.followup.queries import adjustment_moves, load_adjustment, load_inspection, load_report, record_files
from review.views import run_small_form


@bp.route("/projects/<int:project_id>/reports/<int:report_id>", methods=["GET", "POST"])
@login_required
def report(project_id: int, report_id: int):
    """A periodic report: the host fills it in, saves a draft or submits it; staff read it and accept or return it."""
    project = project_for(project_id, "can_act_as_host" if request.method == "POST" else "can_view")
    record = load_report(project, report_id)
    form = ReportForm()
    if request.method == "GET":
        form.fill(record)
    elif form.validate_on_submit():
        submitting = request.form.get("action") == "submit"
        try:
            check_version(record, form, _("The report was changed meanwhile (saved elsewhere or reviewed)."))
            services.save_report(record, project, form.to_data(), submitting, current_user)
            attach_files(project, "report", record.id, form.file.data or [], current_user)
        except DomainError as error:
            db.session.rollback()  # the page is shown again from fresh records, with what was typed
            project = project_for(project_id)
            record = load_report(project, report_id)
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The report was submitted.") if submitting else _("Draft saved."), "success")
            return redirect(url_for("projects.report", project_id=project_id, report_id=report_id))
    return _report_page(project, record, form), 400 if form.errors else 200


def _report_page(project: Project, record: PeriodicReport, form: ReportForm) -> str:
    moves = allowed_targets(REPORT_TRANSITIONS, record.status, current_user) if project.can_manage(current_user) else []
    editable = project.can_act_as_host(current_user) and record.status in services.EDITABLE and project.is_running
    shown = form if editable or form.errors else None  # a refused save is shown with its message and values
    # The host's draft stays its own until it is submitted, as an application's does.
    private = not project.is_host(current_user) and record.submitted_at is None
    files = [] if private else record_files(project.id, "report", record.id)
    return render_template(
        "projects/report.html",
        project=project,
        report=record,
        form=shown,
        files=files,
        private=private,
        moves=moves,
        action_form=CommentForm(),
        today=local_today(),
    )


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/transition/<to_state>", methods=["POST"])
@login_required
def report_transition(project_id: int, report_id: int, to_state: str):
    """Staff accept the submitted report or return it with their comments."""
    project = project_for(project_id, "can_manage")
    record = load_report(project, report_id)
    form = CommentForm()
    run_small_form(
        form,
        lambda: services.review_report(record, project, to_state, form.comment.data or "", current_user),
        _("The report was reviewed."),
    )
    return redirect(url_for("projects.report", project_id=project_id, report_id=report_id))


@bp.route("/projects/<int:project_id>/adjustments/new", methods=["GET", "POST"])
@login_required
def new_adjustment(project_id: int):
    """The host asks to change the contract: extension, budget, content or lead, with the reason and documents."""
    project = project_for(project_id, "can_act_as_host")
    form = AdjustmentForm()
    if form.validate_on_submit():
        try:
            record = services.request_adjustment(project, form.to_data(), current_user)
            attach_files(project, "adjustment", record.id, form.file.data or [], current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            project = project_for(project_id, "can_act_as_host")
        else:
            db.session.commit()
            flash(_("Your request was sent to the department."), "success")
            return redirect(url_for("projects.adjustment", project_id=project_id, adjustment_id=record.id))
    return render_template("projects/adjustment_form.html", project=project, form=form), 400 if form.errors else 200


@bp.route("/projects/<int:project_id>/adjustments/<int:adjustment_id>")
@login_required
def adjustment(project_id: int, adjustment_id: int):
    """An adjustment request and its decision; the host may withdraw it, staff or a leader approve or refuse it."""
    project = project_for(project_id)
    record = load_adjustment(project, adjustment_id)
    return render_template(
        "projects/adjustment.html",
        project=project,
        adjustment=record,
        files=record_files(project.id, "adjustment", record.id),
        action_form=CommentForm(),
        moves=adjustment_moves(project, record, current_user),
    )


@bp.route("/projects/<int:project_id>/adjustments/<int:adjustment_id>/transition/<to_state>", methods=["POST"])
@login_required
def adjustment_transition(project_id: int, adjustment_id: int, to_state: str):
    """The host withdraws the request; staff or a leader approve it (an amendment, applied at once) or refuse it."""
    project = project_for(project_id, "can_act_as_host" if to_state == "withdrawn" else "can_decide")
    record = load_adjustment(project, adjustment_id)
    form = CommentForm()
    if to_state == "withdrawn":
        action = lambda: services.withdraw_adjustment(record, current_user)  # noqa: E731
    else:
        action = lambda: services.decide_adjustment(record, project, to_state, form.comment.data or "", current_user)  # noqa: E731, E501
    run_small_form(form, action, _("The request was updated."))
    return redirect(url_for("projects.adjustment", project_id=project_id, adjustment_id=adjustment_id))


@bp.route("/projects/<int:project_id>/inspections/new", methods=["GET", "POST"])
@bp.route("/projects/<int:project_id>/inspections/<int:inspection_id>", methods=["GET", "POST"])
@login_required
def inspection(project_id: int, inspection_id: int | None = None):
    """Staff plan an inspection, then record when it was held, its findings and its follow-up actions."""
    project = project_for(project_id, "can_manage")
    record = load_inspection(project, inspection_id) if inspection_id else Inspection(actions=[])
    form = InspectionForm()
    if request.method == "GET" and record.id:
        form.fill(record)
    elif request.method == "GET":  # a new one is proposed as the year's periodic inspection
        form.kind.data, form.planned_on.data = "periodic", services.next_periodic_on(project.regime, local_today())
    elif form.validate_on_submit():
        try:
            if record.id:
                check_version(record, form, _("The inspection was changed meanwhile; check it and save again."))
            record = services.save_inspection(record, project, form.to_data(), current_user)
        except DomainError as error:
            db.session.rollback()
            project = project_for(project_id, "can_manage")
            record = load_inspection(project, inspection_id) if inspection_id else Inspection(actions=[])
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The inspection was saved."), "success")
            return redirect(url_for("projects.inspection", project_id=project_id, inspection_id=record.id))
    return _inspection_page(project, record, form), 400 if form.errors else 200


def _inspection_page(
    project: Project,
    record: Inspection,
    form: InspectionForm,
    done: ActionDoneForm | None = None,
    done_id: int | None = None,
) -> str:
    blank = ActionDoneForm(formdata=None)
    return render_template(
        "projects/inspection.html",
        project=project,
        inspection=record,
        form=form,
        done_form=done or blank,
        blank_done=blank,
        done_id=done_id,
    )


@bp.route("/projects/<int:project_id>/inspections/<int:inspection_id>/actions/<int:action_id>/done", methods=["POST"])
@login_required
def action_done(project_id: int, inspection_id: int, action_id: int):
    """Staff mark a follow-up action done, with the date and how; a refused form is shown again beside the action."""
    project = project_for(project_id, "can_manage")
    record = load_inspection(project, inspection_id)
    action = next((a for a in record.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    form = ActionDoneForm()
    if form.validate_on_submit():
        try:
            services.complete_action(action, record, form.done_on.data, form.note.data or "", current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
            project, record = project_for(project_id, "can_manage"), load_inspection(project, inspection_id)
        else:
            db.session.commit()
            flash(_("The action was marked done."), "success")
            return redirect(url_for("projects.inspection", project_id=project_id, inspection_id=inspection_id))
    edit_form = InspectionForm(formdata=None)
    edit_form.fill(record)
    return _inspection_page(project, record, edit_form, form, action_id), 400

"""Pages of a running project's follow-up: periodic reports (the host writes, staff review), inspections with
their follow-up actions (staff), adjustments (the host asks, staff or a leader decide)."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.edge import authorized, finish, run_form, run_small_form
from core.formatting import local_today
from core.forms import CommentForm, check_version
from projects import bp
from projects.contracts.models import Project
from projects.contracts.queries import load_project
from projects.followup import services
from projects.followup.forms import ActionDoneForm, AdjustmentForm, InspectionForm, ReportForm
from projects.followup.models import Inspection, PeriodicReport
from projects.followup.queries import load_adjustment, load_inspection, load_report, record_files
from projects.followup.reporting import ReportFigures, report_figures


def _report_records(project_id: int, report_id: int, predicate: str = "can_view") -> tuple[Project, PeriodicReport]:
    """The project, for users passing the predicate, and one of its periodic reports."""
    project = authorized(load_project(project_id), predicate)
    return project, load_report(project, report_id)


@bp.route("/projects/<int:project_id>/reports/<int:report_id>", methods=["GET", "POST"])
@login_required
def report(project_id: int, report_id: int):
    """A periodic report: the host fills it in, saves a draft or submits it; staff read it and accept or return it."""
    writing = request.method == "POST"
    project, record = _report_records(project_id, report_id, "can_act_as_host" if writing else "can_view")
    form = ReportForm()
    figures = report_figures(project, record, prefill=record.can_edit(current_user, project))
    if not writing:
        form.fill(record, figures)
    submitting = request.form.get("action") == "submit"

    def save() -> None:
        check_version(record, form, _("The report was changed meanwhile (saved elsewhere or reviewed)."))
        services.save_report(record, project, form.to_data(), submitting, current_user, form.file.data or [])

    return run_form(
        form,
        save,
        page=lambda shown: _report_page(*shown, form, figures),
        done=lambda _saved: finish(
            _("The report was submitted.") if submitting else _("Draft saved."),
            url_for("projects.report", project_id=project_id, report_id=report_id),
        ),
        records=(project, record),
        reload=lambda: _report_records(project_id, report_id),
        stale_status=400,  # the comparison is beside the form, as on any refusal
    )


def _report_page(project: Project, record: PeriodicReport, form: ReportForm, figures: ReportFigures) -> str:
    """The report, with the host's form while it may be written (a refused save is shown with its message and
    values) or its rows as tables, its files unless they are the host's draft, and the review moves."""
    hidden = record.is_hidden_from(current_user, project)
    return render_template(
        "projects/report.html",
        project=project,
        report=record,
        figures=figures,
        form=form if record.can_edit(current_user, project) or form.errors else None,
        files=[] if hidden else record_files(project.id, "report", record.id),
        private=hidden,
        moves=record.actions_for(current_user, project),
        action_form=CommentForm(),
        today=local_today(),
    )


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/transition/<to_state>", methods=["POST"])
@login_required
def report_transition(project_id: int, report_id: int, to_state: str):
    """Staff accept the submitted report or return it with their comments."""
    project, record = _report_records(project_id, report_id, "can_manage")
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.review_report(record, project, to_state, form.comment.data or "", current_user),
        success=_("The report was reviewed."),
        back=url_for("projects.report", project_id=project_id, report_id=report_id),
    )


@bp.route("/projects/<int:project_id>/adjustments/new", methods=["GET", "POST"])
@login_required
def new_adjustment(project_id: int):
    """The host asks to change the contract: extension, budget, content or lead, with the reason and documents."""
    project = authorized(load_project(project_id), "can_act_as_host")
    form = AdjustmentForm()
    return run_form(
        form,
        lambda: services.request_adjustment(project, form.to_data(), current_user, form.file.data or []),
        page=lambda shown: render_template("projects/adjustment_form.html", project=shown, form=form),
        done=lambda record: finish(
            _("Your request was sent to the department."),
            url_for("projects.adjustment", project_id=project_id, adjustment_id=record.id),
        ),
        records=project,
        reload=lambda: load_project(project_id),
    )


@bp.route("/projects/<int:project_id>/adjustments/<int:adjustment_id>")
@login_required
def adjustment(project_id: int, adjustment_id: int):
    """An adjustment request and its decision; the host may withdraw it, staff or a leader approve or refuse it."""
    project = authorized(load_project(project_id))
    record = load_adjustment(project, adjustment_id)
    return render_template(
        "projects/adjustment.html",
        project=project,
        adjustment=record,
        files=record_files(project.id, "adjustment", record.id),
        action_form=CommentForm(),
        moves=record.actions_for(current_user, project),
    )


@bp.route("/projects/<int:project_id>/adjustments/<int:adjustment_id>/transition/<to_state>", methods=["POST"])
@login_required
def adjustment_transition(project_id: int, adjustment_id: int, to_state: str):
    """The host withdraws the request; staff or a leader approve it (an amendment, applied at once) or refuse it."""
    project = authorized(load_project(project_id), "can_act_as_host" if to_state == "withdrawn" else "can_decide")
    record = load_adjustment(project, adjustment_id)
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.move_adjustment(record, project, to_state, form.comment.data or "", current_user),
        success=_("The request was updated."),
        back=url_for("projects.adjustment", project_id=project_id, adjustment_id=adjustment_id),
    )


def _inspection_records(project_id: int, inspection_id: int | None) -> tuple[Project, Inspection]:
    """The project, for staff following it, and one of its inspections with its actions (a new one without id)."""
    project = authorized(load_project(project_id), "can_manage")
    return project, load_inspection(project, inspection_id) if inspection_id else Inspection(actions=[])


@bp.route("/projects/<int:project_id>/inspections/new", methods=["GET", "POST"])
@bp.route("/projects/<int:project_id>/inspections/<int:inspection_id>", methods=["GET", "POST"])
@login_required
def inspection(project_id: int, inspection_id: int | None = None):
    """Staff plan an inspection, then record when it was held, its findings and its follow-up actions."""
    project, record = _inspection_records(project_id, inspection_id)
    form = InspectionForm()
    if request.method == "GET" and record.id:
        form.fill(record)
    elif request.method == "GET":
        form.propose(services.next_periodic_on(project.regime, local_today()))

    def save() -> Inspection:
        if record.id:
            check_version(record, form, _("The inspection was changed meanwhile; check it and save again."))
        return services.save_inspection(record, project, form.to_data(), current_user)

    return run_form(
        form,
        save,
        page=lambda shown: _inspection_page(*shown, form),
        done=lambda saved: finish(
            _("The inspection was saved."),
            url_for("projects.inspection", project_id=project_id, inspection_id=saved.id),
        ),
        records=(project, record),
        reload=lambda: _inspection_records(project_id, inspection_id),
        stale_status=400,  # the comparison is beside the form, as on any refusal
    )


def _inspection_page(
    project: Project,
    record: Inspection,
    form: InspectionForm,
    done: ActionDoneForm | None = None,
    done_id: int | None = None,
) -> str:
    """The inspection's page: its form, and a form to mark each open action done (`done` beside action `done_id`)."""
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
    project, record = _inspection_records(project_id, inspection_id)
    action = next((a for a in record.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    form = ActionDoneForm()
    return run_form(
        form,
        lambda: services.complete_action(action, record, form.done_on.data, form.note.data or "", current_user),
        page=lambda shown: _done_refused(*shown, form, action_id),
        done=lambda _done: finish(
            _("The action was marked done."),
            url_for("projects.inspection", project_id=project_id, inspection_id=inspection_id),
        ),
        records=(project, record),
        reload=lambda: _inspection_records(project_id, inspection_id),
    )


def _done_refused(project: Project, record: Inspection, form: ActionDoneForm, action_id: int) -> tuple[str, int]:
    """The inspection's page again, the refused form beside its action with what was typed."""
    edit_form = InspectionForm(formdata=None)
    edit_form.fill(record)
    return _inspection_page(project, record, edit_form, form, action_id), 400

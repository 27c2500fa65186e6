"""The project page (host and department), its moves and its documents; the other pages of a project are in
contract_views, follow_views, acceptance_views and portfolio_views, on the same blueprint."""

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from core.extensions import db
from core.forms import CommentForm
from projects.acceptance_queries import acceptance_section
from projects.follow_queries import follow_section
from projects.models import Project, ProjectFile
from projects.portfolio import health_section
from projects.queries import is_draft_report_file, load_project
from projects.services import contracts
from proposals import files
from review.views import run_small_form

bp = Blueprint("projects", __name__)


def send_project_file(record: ProjectFile) -> object:
    """A stored document of a project, always as an attachment under its original name."""
    return send_file(
        files.stored_path(record.stored_name),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.original_name,
    )


def project_for(project_id: int, predicate: str = "can_view") -> Project:
    """The project if the user passes the predicate: 404 for those who may not see it (outsiders must not learn
    it exists), 403 for those who see it but may not do this."""
    project = load_project(project_id)
    if not project.can_view(current_user):
        abort(404)
    if not getattr(project, predicate)(current_user):
        abort(403)
    return project


def project_files(project_id: int) -> list[ProjectFile]:
    """Every document of the project, oldest first (the sections pick theirs by purpose and record)."""
    query = select(ProjectFile).where(ProjectFile.project_id == project_id).order_by(ProjectFile.id)
    return list(db.session.execute(query).scalars())


@bp.route("/projects/<int:project_id>")
@login_required
def detail(project_id: int):
    """The project: contract, tranches, reports, inspections, adjustments, acceptance and closing, with the moves
    the user may make."""
    project = project_for(project_id)
    documents = project_files(project.id)
    return render_template(
        "projects/detail.html",
        project=project,
        documents=documents,
        action_form=CommentForm(),
        **health_section(project),
        **follow_section(project, documents),
        **acceptance_section(project, documents),
    )


@bp.route("/projects/<int:project_id>/transition/<to_state>", methods=["POST"])
@login_required
def transition(project_id: int, to_state: str):
    """A project move from its table (start, suspend, resume, call for the dossier, terminate, declare failed)."""
    project = project_for(project_id, "can_decide")
    form = CommentForm()
    run_small_form(
        form,
        lambda: contracts.move_by_hand(project, to_state, current_user, form.comment.data or ""),
        _("The project was updated."),
    )
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.route("/projects/<int:project_id>/documents/<int:file_id>")
@login_required
def download(project_id: int, file_id: int):
    """A document of the project, always as an attachment, for those who may see the project (the files of a report
    the host has not submitted yet only for the host)."""
    project = project_for(project_id)
    record = db.get_or_404(ProjectFile, file_id)
    if record.project_id != project.id or (not project.is_host(current_user) and is_draft_report_file(record)):
        abort(404)
    return send_project_file(record)

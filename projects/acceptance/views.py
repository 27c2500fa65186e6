"""Pages of the final acceptance and the closing: the host's final dossier; the acceptance council formed, opened,
attended and concluded by staff, with its minutes; the members' ratings; the closing steps of the project."""

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from accounts.decorators import role_required
from accounts.models import REVIEWERS
from accounts.services import users_with_role
from core.documents import document_response, print_record
from core.edge import authorized, finish, run_form, run_small_form
from core.extensions import db
from core.formatting import local_today, to_local, utcnow
from core.forms import CommentForm, check_version
from core.paging import page_number
from core.register import suggest
from projects import bp
from projects.acceptance import forms, services
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.acceptance.queries import dossier_files, forming_council, load_council, member_councils, seated_council
from projects.contracts.documents import project_files, send_project_file
from projects.contracts.files import ProjectFile
from projects.contracts.models import GRADES, Project
from projects.contracts.queries import load_project
from projects.followup.reporting import product_summary
from projects.money.closing import final_account
from review.councils.forms import AttendanceForm


def _dossier_form(project: Project) -> forms.DossierForm:
    """The final dossier's form: as the project holds it and, when the host first opens it, the report on the
    products proposed from the latest periodic report's product rows."""
    if request.method != "GET":
        return forms.DossierForm()
    form = forms.DossierForm(obj=project)
    if not project.product_report and project.can_submit_dossier(current_user):
        form.product_report.data = product_summary(project)
    return form


@bp.route("/projects/<int:project_id>/dossier", methods=["GET", "POST"])
@login_required
def dossier(project_id: int):
    """The final dossier: the host submits it while the project runs; everyone who sees the project reads it."""
    project = authorized(load_project(project_id), "can_act_as_host" if request.method == "POST" else "can_view")
    form = _dossier_form(project)

    def page(shown: Project) -> str:
        documents = dossier_files(project_files(shown.id))
        return render_template(
            "projects/dossier.html",
            project=shown,
            form=form,
            open=shown.can_submit_dossier(current_user),
            today=local_today(),
            documents=documents,
        )

    return run_form(
        form,
        lambda: services.submit_dossier(project, form.to_data(), request.files.getlist(form.file.name), current_user),
        page=page,
        done=lambda _submitted: finish(
            _("The final dossier was submitted."), url_for("projects.detail", project_id=project_id)
        ),
        records=project,
        reload=lambda: load_project(project_id),
    )


def _forming(project_id: int) -> tuple[Project, AcceptanceCouncil | None]:
    """The project, for staff following it, and the council being formed (None when a new one is to be formed)."""
    project = authorized(load_project(project_id), "can_manage")
    return project, forming_council(project.id)


def _council_form(project: Project, council: AcceptanceCouncil | None) -> forms.AcceptanceCouncilForm:
    """The council's form offering staff as secretary and reviewers as members; when first shown, the council being
    formed, or the name of a new one."""
    form = forms.AcceptanceCouncilForm()
    form.offer_people(users_with_role("staff"), users_with_role("reviewer"))
    if request.method == "GET" and council is not None:
        form.fill(council)
    elif request.method == "GET":
        form.name.data = _("Acceptance council of %(code)s", code=project.code)
    return form


@bp.route("/staff/projects/<int:project_id>/acceptance-council", methods=["GET", "POST"])
@login_required
def acceptance_council_form(project_id: int):
    """Form the acceptance council of a project whose dossier is in (or a re-evaluation), or change it."""
    project, council = _forming(project_id)
    form = _council_form(project, council)

    def save() -> AcceptanceCouncil:
        if council is not None:
            check_version(council, form)
        return services.save_council(project, council, form.to_data(), current_user)

    def page(shown: tuple[Project, AcceptanceCouncil | None]) -> str:
        return render_template("projects/acceptance_council_form.html", project=shown[0], council=shown[1], form=form)

    return run_form(
        form,
        save,
        page=page,
        done=lambda saved: finish(
            _("The acceptance council was saved."), url_for("projects.acceptance_council", council_id=saved.id)
        ),
        records=(project, council),
        reload=lambda: _forming(project_id),
        stale_status=400,  # the comparison is beside the form, as on any refusal
    )


def _staff_council(council_id: int, predicate: str) -> tuple[AcceptanceCouncil, Project]:
    """The council and its project, for department users passing the project's predicate (404 for others)."""
    council = load_council(council_id)
    return council, authorized(load_project(council.project_id), predicate)


def _council_page(council: AcceptanceCouncil, project: Project, conclusion_form: forms.ConclusionForm | None = None):
    """The council's page: composition, ratings received, attendance and quorum, the grade they give now."""
    return render_template(
        "projects/acceptance_council.html",
        council=council,
        project=project,
        quorum=services.council_quorum(council, project.regime),
        rating=services.council_rating(council, project),
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
    return run_small_form(
        CommentForm(),
        lambda: services.open_rating(council, project, current_user),
        success=_("The rating is open."),
        back=url_for("projects.acceptance_council", council_id=council_id),
    )


@bp.route("/staff/acceptance/<int:council_id>/attendance", methods=["POST"])
@login_required
def acceptance_attendance(council_id: int):
    """Record who attended the council's meeting."""
    council, _project = _staff_council(council_id, "can_manage")
    form = AttendanceForm()
    return run_small_form(
        form,
        lambda: services.record_attendance(council, set(form.present.data or []), current_user),
        success=_("Attendance recorded."),
        back=url_for("projects.acceptance_council", council_id=council_id),
    )


@bp.route("/staff/acceptance/<int:council_id>/conclude", methods=["POST"])
@login_required
def acceptance_conclude(council_id: int):
    """Record the council's conclusion: the grade moves the project to accepted or not accepted."""
    council, project = _staff_council(council_id, "can_manage")
    form = forms.ConclusionForm()
    return run_form(
        form,
        lambda: services.conclude(council, project, form.conclusions.data.strip(), current_user),
        page=lambda shown: _council_page(*shown, form),
        done=lambda rating: finish(
            _("The conclusion was recorded: %(grade)s.", grade=GRADES[rating.grade]),
            url_for("projects.acceptance_council", council_id=council_id),
        ),
        records=(council, project),
        reload=lambda: _staff_council(council_id, "can_manage"),
    )


@bp.route("/staff/acceptance/<int:council_id>/minutes")
@login_required
def acceptance_minutes(council_id: int):
    """The minutes of the acceptance council's meeting (biên bản họp hội đồng nghiệm thu), in the official layout."""
    council, project = _staff_council(council_id, "can_decide")
    return print_record(
        "projects/acceptance_minutes.html",
        council=council,
        project=project,
        rating=services.council_rating(council, project),
        quorum=services.council_quorum(council, project.regime),
        dated=to_local(council.meeting_at or utcnow()).date(),
    )


@bp.route("/acceptance/<int:council_id>/decision", defaults={"form": "html"})
@bp.route("/acceptance/<int:council_id>/decision.<any(pdf, docx):form>")
@login_required
def acceptance_decision(council_id: int, form: str):
    """The decision forming the acceptance council, for the department and the host: print view, PDF or Word file."""
    council, project = _staff_council(council_id, "can_view")
    back = url_for("projects.detail", project_id=project.id)
    name = f"quyet-dinh-hoi-dong-nghiem-thu-{project.code}-{council.round}"
    return document_response(
        "documents/acceptance_decision.html", name, form, council=council, project=project, back=back
    )


@bp.route("/acceptance")
@role_required(*REVIEWERS)
def my_acceptances():
    """The member's acceptance councils and whether the rating is submitted."""
    page = member_councils(current_user.id, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("projects/acceptance_mine.html", page=page)


def _seat(council_id: int) -> tuple[AcceptanceCouncil, AcceptanceMember, Project]:
    """The council, the user's seat on it (404 unless the user sits on it and the rating has opened) and its project."""
    council, seat = seated_council(council_id, current_user)
    return council, seat, load_project(council.project_id)


@bp.route("/acceptance/<int:council_id>/rating", methods=["GET", "POST"])
@login_required
def rating(council_id: int):
    """A member rates the project's products and final report beside the dossier; saved or submitted (locked)."""
    council, seat, project = _seat(council_id)
    saved = forms.rating_values(seat) if request.method == "GET" else None
    form = forms.rating_form(project.products, council.rating_rule, saved)
    submitting = request.form.get("action") == "submit"

    def save() -> None:
        check_version(seat, form, _("Your rating was changed meanwhile (saved elsewhere)."))
        services.save_rating(council, seat, forms.rating_data(form), submitting, current_user)

    return run_form(
        form,
        save,
        page=lambda shown: _rating_page(*shown, form),
        done=lambda _saved: finish(
            _("Your rating was submitted.") if submitting else _("Draft saved."),
            url_for("projects.rating", council_id=council_id),
        ),
        records=(council, seat, project),
        reload=lambda: _seat(council_id),
        stale_status=400,  # the comparison is beside the form, as on any refusal
    )


def _rating_page(council: AcceptanceCouncil, seat: AcceptanceMember, project: Project, form: object) -> str:
    """The member's rating page, beside the final dossier's files; before them, the declaration of interests."""
    if not seat.is_open:  # a rating sent before declaring is refused above the declaration
        return _declaration_page(council, seat, project, forms.InterestForm(formdata=None), refused=form)
    documents = dossier_files(project_files(project.id))
    return render_template(
        "projects/rating.html", council=council, seat=seat, project=project, form=form, documents=documents
    )


def _declaration_page(
    council: AcceptanceCouncil,
    seat: AcceptanceMember,
    project: Project,
    form: forms.InterestForm,
    refused: object | None = None,
) -> str:
    """The project's heading and the member's declaration of interests (or the recusal they declared)."""
    return render_template(
        "projects/acceptance_declare.html", council=council, seat=seat, project=project, form=form, refused=refused
    )


@bp.route("/acceptance/<int:council_id>/declare", methods=["POST"])
@login_required
def acceptance_declare(council_id: int):
    """The member's declaration of interests in the project: the dossier opens, or they are recused."""
    council, seat, project = _seat(council_id)
    form = forms.InterestForm()
    conflicted = form.conflicted.data == "yes"
    recused = _("You are recused from the acceptance of this project; your rating is not expected.")
    return run_form(
        form,
        lambda: services.declare_interest(council, seat, conflicted, form.reason.data or "", current_user),
        page=lambda shown: _declaration_page(*shown, form),
        done=lambda _none: finish(
            recused if conflicted else _("The dossier is open to you."),
            url_for("projects.rating", council_id=council_id),
            "info" if conflicted else "success",
        ),
        records=(council, seat, project),
        reload=lambda: _seat(council_id),
    )


@bp.route("/acceptance/<int:council_id>/documents/<int:file_id>")
@login_required
def rating_download(council_id: int, file_id: int):
    """A file of the final dossier, for a member of the council who declared no conflict, as an attachment."""
    council, seat = seated_council(council_id, current_user)
    record = db.get_or_404(ProjectFile, file_id)
    if not seat.is_open or record.project_id != council.project_id or record.purpose != "dossier":
        abort(404)
    return send_project_file(record)


# step → (form, the project's predicate, service, message)
CLOSING_STEPS = {
    "registration": (forms.RegistrationForm, "can_manage", services.register_result, _l("The result was registered.")),
    "settlement": (forms.SettlementForm, "can_manage", services.record_settlement, _l("The settlement was recorded.")),
    "assets": (forms.AssetsForm, "can_manage", services.record_assets, _l("The asset handling was recorded.")),
    "liquidation": (forms.LiquidationForm, "can_decide", services.liquidate, _l("The contract was liquidated.")),
    "recovery": (forms.RecoveryForm, "can_decide", services.decide_failed_recovery, _l("The recovery was decided.")),
}
# step (a kind of document in core.register) → the field of its form holding the document's number
NUMBER_FIELDS = {"liquidation": "liquidation_number", "recovery": "recovery_decision"}
RECOVERY_PAGE_STATES = ("failed", "terminated", "recovery", "recovered")


def _closing_page(project: Project, step: str = "", form: forms.ClosingForm | None = None):
    """The closing page with one form per step; the step sent back keeps what was typed."""
    step_forms = {
        name: (form if name == step else spec[0](formdata=None, obj=project)) for name, spec in CLOSING_STEPS.items()
    }
    # The page shows the recovery's form once the project failed or was terminated, else the liquidation's; the form
    # sent back keeps what was typed.
    recovering = project.status in RECOVERY_PAGE_STATES
    shown = "recovery" if recovering else "liquidation"
    if shown != step:
        suggest(step_forms[shown][NUMBER_FIELDS[shown]], shown)
    return render_template(
        "projects/closing.html",
        project=project,
        forms=step_forms,
        recovering=recovering,
        missing=services.liquidation_blockers(project),
        account=final_account(project),
    ), 400 if form and form.errors else 200


@bp.route("/staff/projects/<int:project_id>/closing")
@login_required
def closing_page(project_id: int):
    """Closing the project: result registration, settlement, assets, liquidation; or the recovery of its funds."""
    return _closing_page(authorized(load_project(project_id), "can_decide"))


@bp.route("/staff/projects/<int:project_id>/closing/<step>", methods=["POST"])
@login_required
def closing_step(project_id: int, step: str):
    """One closing step; a refusal shows the page again with what was typed and the reason at its field."""
    if step not in CLOSING_STEPS:
        abort(404)
    form_class, predicate, service, message = CLOSING_STEPS[step]
    project = authorized(load_project(project_id), predicate)
    form = form_class()
    return run_form(
        form,
        lambda: service(project, form.to_data(), current_user),
        page=lambda shown: _closing_page(shown, step, form),
        done=lambda _recorded: finish(str(message), url_for("projects.closing_page", project_id=project_id)),
        records=project,
        reload=lambda: load_project(project_id),
    )

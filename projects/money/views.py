"""Finance's pages on a project: a tranche's payment and settlement, money returned on a recovery; the printable
liquidation record."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.documents import document_response
from core.edge import authorized, finish, run_form
from core.formatting import local_today
from core.forms import check_version
from projects import bp
from projects.contracts.models import Project, Tranche
from projects.contracts.queries import load_project, load_tranche
from projects.money import services
from projects.money.closing import final_account
from projects.money.forms import RecoveryReceiptForm, finance_form


def _finance_records(project_id: int, tranche_id: int) -> tuple[Project, Tranche]:
    """The project, for finance, and its tranche awaiting finance's next step (404 for a tranche awaiting none)."""
    project = authorized(load_project(project_id), "can_pay")
    tranche = load_tranche(project, tranche_id)
    if project.finance_step(tranche) is None:
        abort(404)
    return project, tranche


@bp.route("/projects/<int:project_id>/tranches/<int:tranche_id>/payment", methods=["GET", "POST"])
@login_required
def payment(project_id: int, tranche_id: int):
    """Finance records an approved tranche's payment, then its settlement by invoices."""
    project, tranche = _finance_records(project_id, tranche_id)
    paying = project.finance_step(tranche) == "payment"
    form = finance_form(project, tranche, showing=request.method == "GET")

    def record() -> None:
        check_version(tranche, form)
        services.record_finance(tranche, project, form.to_data(), current_user)

    def page(shown: tuple[Project, Tranche]) -> str:
        return render_template("projects/payment.html", project=shown[0], tranche=shown[1], form=form, paying=paying)

    return run_form(
        form,
        record,
        page=page,
        done=lambda _recorded: finish(
            _("The payment was recorded.") if paying else _("The settlement was recorded."),
            url_for("projects.detail", project_id=project_id, _anchor="ledger"),
        ),
        records=(project, tranche),
        reload=lambda: _finance_records(project_id, tranche_id),
        stale_status=400,  # the comparison is beside the form, as on any refusal
    )


def _recovering(project_id: int) -> Project:
    """A project with money left to recover, for finance (404 for one with none)."""
    project = authorized(load_project(project_id), "can_pay")
    if project.left_to_recover_vnd <= 0:
        abort(404)
    return project


@bp.route("/projects/<int:project_id>/recovery", methods=["GET", "POST"])
@login_required
def recovery_receipt(project_id: int):
    """Finance records money returned on a recovery, until the amount decided is back."""
    project = _recovering(project_id)
    form = RecoveryReceiptForm()
    if request.method == "GET":
        form.received_vnd.data, form.received_on.data = project.left_to_recover_vnd, local_today()
    return run_form(
        form,
        lambda: services.receive_recovery(project, form.to_data(), current_user),
        page=lambda shown: render_template("projects/recovery_receipt.html", project=shown, form=form),
        done=lambda _recorded: finish(
            _("The money returned was recorded."), url_for("projects.detail", project_id=project_id, _anchor="ledger")
        ),
        records=project,
        reload=lambda: load_project(project_id),
    )


@bp.route("/projects/<int:project_id>/recovery-decision", defaults={"form": "html"})
@bp.route("/projects/<int:project_id>/recovery-decision.<any(pdf, docx):form>")
@login_required
def recovery_decision(project_id: int, form: str):
    """The decision to recover the support of a failed or terminated project: print view, PDF or Word file."""
    project = authorized(load_project(project_id))
    if project.recovery_decided_on is None:
        abort(404)
    back = url_for("projects.detail", project_id=project.id, _anchor="ledger")
    return document_response(
        "documents/recovery_decision.html", f"thu-hoi-{project.code}", form, project=project, back=back
    )


@bp.route("/projects/<int:project_id>/liquidation-record", defaults={"form": "html"})
@bp.route("/projects/<int:project_id>/liquidation-record.<any(pdf, docx):form>")
@login_required
def liquidation_record(project_id: int, form: str):
    """The liquidation record (biên bản thanh lý hợp đồng) with the final account: print view, PDF or Word file."""
    project = authorized(load_project(project_id))
    if project.liquidated_on is None:
        abort(404)
    return document_response(
        "documents/liquidation.html",
        f"thanh-ly-{project.code}",
        form,
        project=project,
        account=final_account(project),
        back=url_for("projects.detail", project_id=project.id, _anchor="ledger"),
    )

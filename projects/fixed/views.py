"""The department's pages of fixed-amount support (DOMAIN §6): batch decisions of a call, drafted by staff, approved
by a leader, each award paid by finance; no council, no contract."""

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES
from core.documents import document_response
from core.edge import authorized, finish, run_form, run_small_form
from core.extensions import db
from core.formatting import local_today
from core.forms import CommentForm, check_version
from core.register import suggest
from policies.models import Call
from projects import bp
from projects.fixed import queries, services
from projects.fixed.forms import AwardPaymentForm, BatchForm
from projects.fixed.models import BATCH_STATES, BatchDecision, FixedAward


@bp.route("/staff/calls/<int:call_id>/batch-decisions")
@role_required(*DEPARTMENT_ROLES)
def batches(call_id: int):
    """The call's batch decisions and its checked fixed-amount applications, with the form staff draft one from."""
    form = BatchForm()
    suggest(form.number, "batch_decision")
    return _batches_page(db.get_or_404(Call, call_id), form)


@bp.route("/staff/calls/<int:call_id>/batch-decisions", methods=["POST"])
@role_required(*DEPARTMENT_ROLES)
def draft_batch(call_id: int):
    """Staff draft a batch decision from the checked applications they ticked."""
    if not BatchDecision.can_draft(current_user):
        abort(403)
    call, form = db.get_or_404(Call, call_id), BatchForm()
    return run_form(
        form,
        lambda: services.draft_batch(call, form.to_data(), current_user),
        page=lambda shown: _batches_page(shown, form),
        done=lambda batch: finish(
            _("The decision was drafted; a leader approves it."), url_for("projects.batch", batch_id=batch.id)
        ),
        records=call,
        reload=lambda: db.get_or_404(Call, call_id),
    )


def _batches_page(call: Call, form: BatchForm) -> tuple[str, int]:
    """The call's batches page; a refused draft keeps what was typed (400)."""
    return render_template(
        "projects/batches.html",
        call=call,
        form=form,
        batches=queries.call_batches(call.id),
        candidates=services.candidate_applications(call.id),
        max_awards=services.MAX_AWARDS,
        can_draft=BatchDecision.can_draft(current_user),
    ), 400 if form.errors else 200


def _batch_page(batch_id: int, failed: tuple[int, AwardPaymentForm] | None = None) -> tuple[str, int]:
    """The batch page, with a payment form per approved award for finance (the one that failed keeps its values)."""
    batch = queries.load_batch(batch_id)
    today = local_today()
    pay_forms = {
        a.id: AwardPaymentForm(formdata=None, prefix=f"award{a.id}", version=a.version, paid_on=today)
        for a in batch.awards
        if a.status == "approved" and a.can_pay(current_user)
    }
    if failed is not None:
        pay_forms[failed[0]] = failed[1]
    return render_template(
        "projects/batch.html",
        batch=batch,
        totals=services.batch_totals(batch),
        official_documents=queries.batch_documents(batch),
        pay_forms=pay_forms,
        actions=batch.actions_for(current_user),
        action_form=CommentForm(),
    ), 400 if failed else 200


@bp.route("/staff/batch-decisions/<int:batch_id>")
@role_required(*DEPARTMENT_ROLES)
def batch(batch_id: int):
    """A batch decision and its awards: a leader approves it or not, finance records each payment."""
    return _batch_page(batch_id)


@bp.route("/staff/batch-decisions/<int:batch_id>/document", defaults={"form": "html"})
@bp.route("/staff/batch-decisions/<int:batch_id>/document.<any(pdf, docx):form>")
@role_required(*DEPARTMENT_ROLES)
def batch_document(batch_id: int, form: str):
    """The batch decision with its table of beneficiaries, as the official document the leader signs."""
    record = authorized(queries.load_batch(batch_id))
    if record.status == "refused":
        abort(404)
    back = url_for("projects.batch", batch_id=batch_id)
    return document_response(
        "documents/batch_decision.html", f"quyet-dinh-dinh-muc-{record.id}", form, batch=record, back=back
    )


@bp.route("/staff/batch-decisions/<int:batch_id>/transition/<to_state>", methods=["POST"])
@role_required(*DEPARTMENT_ROLES)
def transition_batch(batch_id: int, to_state: str):
    """A leader approves the batch (committing its total, telling the applicants) or does not approve it."""
    record = authorized(queries.load_batch(batch_id), "can_decide")
    form = CommentForm()
    return run_small_form(
        form,
        lambda: services.decide_batch(record, to_state, current_user, (form.comment.data or "").strip()),
        success=_("The decision is now: %(state)s.", state=BATCH_STATES.get(to_state, to_state)),
        back=url_for("projects.batch", batch_id=batch_id),
    )


@bp.route("/staff/awards/<int:award_id>/payment", methods=["POST"])
@role_required(*DEPARTMENT_ROLES)
def pay_award(award_id: int):
    """Finance records the payment of an approved award; a repeated or stale form pays nothing."""
    award = authorized(db.get_or_404(FixedAward, award_id), "can_pay")
    batch_id = award.batch_id
    form = AwardPaymentForm(prefix=f"award{award_id}")

    def pay() -> None:
        check_version(award, form, _("This award changed after you opened the page (it may be paid already)."))
        services.pay_award(award, form.paid_on.data, form.payment_reference.data, current_user)

    return run_form(
        form,
        pay,
        page=lambda _records: _batch_page(batch_id, (award_id, form)),
        done=lambda _paid: finish(
            _("The payment was recorded."), url_for("projects.batch", batch_id=batch_id, _anchor=f"award-{award_id}")
        ),
    )

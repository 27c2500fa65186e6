"""The department's pages of fixed-amount support (DOMAIN §6): batch decisions of a call, drafted by staff, approved
by a leader, each award paid by finance; no council, no contract."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, MANAGERS
from core.errors import DomainError
from core.extensions import db
from core.formatting import local_today
from core.forms import CommentForm, check_version, field_errors_from
from core.workflow import allowed_targets
from policies.models import Call
from projects import bp
from projects.fixed import queries, services
from projects.fixed.forms import AwardPaymentForm, BatchForm
from projects.fixed.models import BATCH_STATES, BATCH_TRANSITIONS, FixedAward
from review.views import run_small_form


@bp.route("/staff/calls/<int:call_id>/batch-decisions")
@role_required(*DEPARTMENT_ROLES)
def batches(call_id: int):
    """The call's batch decisions and its checked fixed-amount applications, with the form staff draft one from."""
    return _batches_page(db.get_or_404(Call, call_id), BatchForm())


@bp.route("/staff/calls/<int:call_id>/batch-decisions", methods=["POST"])
@role_required(*MANAGERS)
def draft_batch(call_id: int):
    """Staff draft a batch decision from the checked applications they ticked."""
    call, form = db.get_or_404(Call, call_id), BatchForm()
    if form.validate_on_submit():
        try:
            batch = services.draft_batch(call, form.to_data(), current_user)
        except DomainError as error:
            db.session.rollback()  # the page is shown again from fresh records, with what was typed
            field_errors_from(form, error)
            call = db.get_or_404(Call, call_id)
        else:
            db.session.commit()
            flash(_("The decision was drafted; a leader approves it."), "success")
            return redirect(url_for("projects.batch", batch_id=batch.id))
    return _batches_page(call, form)


def _batches_page(call: Call, form: BatchForm) -> tuple[str, int]:
    """The call's batches page; a refused draft keeps what was typed (400)."""
    return render_template(
        "projects/batches.html",
        call=call,
        form=form,
        batches=queries.call_batches(call.id),
        candidates=services.candidate_applications(call.id),
        max_awards=services.MAX_AWARDS,
        can_draft=current_user.has_role(*MANAGERS),
    ), 400 if form.errors else 200


def _batch_page(batch_id: int, failed: tuple[int, AwardPaymentForm] | None = None) -> tuple[str, int]:
    """The batch page, with a payment form per approved award for finance (the one that failed keeps its values)."""
    batch = queries.load_batch(batch_id)
    today = local_today()
    pay_forms = {
        a.id: AwardPaymentForm(formdata=None, prefix=f"award{a.id}", version=a.version, paid_on=today)
        for a in batch.awards
        if a.status == "approved" and current_user.has_role("finance")
    }
    if failed is not None:
        pay_forms[failed[0]] = failed[1]
    return render_template(
        "projects/batch.html",
        batch=batch,
        totals=services.batch_totals(batch),
        pay_forms=pay_forms,
        actions=allowed_targets(BATCH_TRANSITIONS, batch.status, current_user),
        action_form=CommentForm(),
    ), 400 if failed else 200


@bp.route("/staff/batch-decisions/<int:batch_id>")
@role_required(*DEPARTMENT_ROLES)
def batch(batch_id: int):
    """A batch decision and its awards: a leader approves it or not, finance records each payment."""
    return _batch_page(batch_id)


@bp.route("/staff/batch-decisions/<int:batch_id>/transition/<to_state>", methods=["POST"])
@role_required("leader")
def transition_batch(batch_id: int, to_state: str):
    """A leader approves the batch (committing its total, telling the applicants) or does not approve it."""
    record = queries.load_batch(batch_id)
    form = CommentForm()
    act = lambda: services.decide_batch(record, to_state, current_user, (form.comment.data or "").strip())  # noqa: E731
    run_small_form(form, act, _("The decision is now: %(state)s.", state=BATCH_STATES.get(to_state, to_state)))
    return redirect(url_for("projects.batch", batch_id=batch_id))


@bp.route("/staff/awards/<int:award_id>/payment", methods=["POST"])
@role_required("finance")
def pay_award(award_id: int):
    """Finance records the payment of an approved award; a repeated or stale form pays nothing."""
    award = db.get_or_404(FixedAward, award_id)
    batch_id = award.batch_id
    form = AwardPaymentForm(prefix=f"award{award_id}")
    if form.validate_on_submit():
        try:
            check_version(award, form, _("This award changed after you opened the page (it may be paid already)."))
            services.pay_award(award, form.paid_on.data, form.payment_reference.data, current_user)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("The payment was recorded."), "success")
            return redirect(url_for("projects.batch", batch_id=batch_id, _anchor=f"award-{award_id}"))
    return _batch_page(batch_id, (award_id, form))

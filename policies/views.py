"""Public portal pages (home, calls, support categories, sectors, guide) and the staff's call management."""

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.decorators import role_required
from accounts.models import DEPARTMENT_ROLES, MANAGERS, ORG_TYPES
from core.edge import authorized, comparing, finish, run_form, run_small_form
from core.extensions import db
from core.forms import check_version
from core.paging import page_number
from core.workflow import allowed_targets
from policies import services
from policies.forms import CallForm, ExtendForm, TransitionForm
from policies.models import CALL_STATES, CALL_TRANSITIONS, Call, Regime, SupportCategory

bp = Blueprint("policies", __name__)
CALL_COMPARED = ("code", "title", "title_en", "year", "budget_vnd", "guidance")  # what a stale save's page compares


@bp.route("/")
def home():
    """The portal's front page: open calls, how to apply, support under the current regime."""
    calls = services.public_calls("open", "", 1, 5)
    regimes = [r for r in services.regimes_with_categories() if r.is_current]
    return render_template("policies/home.html", calls=calls, regimes=regimes)


@bp.route("/calls")
def calls():
    """Published calls with their deadlines."""
    phase = request.args.get("phase", "all")
    query = request.args.get("q", "")
    page = services.public_calls(phase, query, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("policies/calls.html", page=page, phase=phase, query=query)


@bp.route("/calls/<int:call_id>")
def call_detail(call_id: int):
    """A call: deadline, categories with their rule, sectors, required documents, guidance."""
    call = authorized(services.load_call(call_id))
    actions = allowed_targets(CALL_TRANSITIONS, call.status, current_user)
    return render_template("policies/call_detail.html", call=call, actions=actions, form=TransitionForm())


@bp.route("/support")
def support():
    """Support categories with their rules and the conditions of each regime."""
    return render_template("policies/support.html", regimes=services.regimes_with_categories(), org_types=ORG_TYPES)


@bp.route("/sectors")
def sectors():
    """The sectors and priority items of Plan 1821."""
    return render_template("policies/sectors.html", sectors=services.sectors_with_items())


@bp.route("/guide")
def guide():
    """How to apply, step by step."""
    return render_template("policies/guide.html")


# --- staff: managing calls -------------------------------------------------------------------------------------


def _call_form(formdata: object = None, **kwargs: object) -> CallForm:
    form = CallForm(formdata=formdata, **kwargs) if formdata is not None else CallForm(**kwargs)
    regimes = db.session.execute(select(Regime).order_by(Regime.is_current.desc(), Regime.start_year.desc())).scalars()
    form.regime_id.choices = [(r.id, f"{r.code} — {r.title[:80]}") for r in regimes]
    categories = db.session.execute(
        select(SupportCategory, Regime.code).join(Regime).order_by(Regime.start_year.desc(), SupportCategory.sort_order)
    ).all()
    form.category_ids.choices = [(c.id, f"{code} · {c.code} — {c.name}") for c, code in categories]
    form.sector_ids.choices = [(s.id, f"{s.number}. {s.name}") for s in services.sectors_in_order()]
    return form


@bp.route("/staff/calls")
@role_required(*DEPARTMENT_ROLES)
def manage_calls():
    """All calls for the department, filtered by state."""
    status = request.args.get("status") or None
    query = request.args.get("q", "")
    page = services.staff_calls(status, query, page_number(), current_app.config["PAGE_SIZE"])
    return render_template(
        "policies/manage_calls.html",
        page=page,
        status=status,
        query=query,
        states=CALL_STATES,
        can_create=current_user.has_role(*MANAGERS),
    )


@bp.route("/staff/calls/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_call():
    """Create a draft call."""
    form = _call_form()
    if request.method == "GET":
        current = db.session.execute(select(Regime).where(Regime.is_current.is_(True)).limit(1)).scalar()
        form.regime_id.data = current.id if current else None
    return run_form(
        form,
        lambda: services.create_call(form.to_data()),
        page=lambda _records: render_template("policies/call_form.html", form=form, call=None, differences=[]),
        done=lambda call: finish(
            _("The call has been created as a draft. Publish it when it is ready."),
            url_for("policies.call_detail", call_id=call.id),
        ),
        refused_status=200,
    )


@bp.route("/staff/calls/<int:call_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_call(call_id: int):
    """Edit a call; a stale save shows what changed and keeps the user's input."""
    call = services.load_call(call_id)
    form = _call_form(obj=call) if request.method == "GET" else _call_form()
    if request.method == "GET":
        form.fill_from(call)
    differences: list[tuple[str, str, str]] = []

    def save() -> None:
        check_version(call, form)
        services.update_call(call, form.to_data())

    return run_form(
        form,
        save,
        page=lambda shown: render_template("policies/call_form.html", form=form, call=shown, differences=differences),
        done=lambda _none: finish(_("The call has been saved."), url_for("policies.call_detail", call_id=call_id)),
        records=call,
        stale=comparing(form, CALL_COMPARED, differences),
        refused_status=200,
    )


@bp.route("/staff/calls/<int:call_id>/transition/<to_state>", methods=["POST"])
@role_required(*MANAGERS)
def transition_call(call_id: int, to_state: str):
    """Publish, close or reopen a call."""
    call = db.get_or_404(Call, call_id)
    form = TransitionForm()
    return run_small_form(
        form,
        lambda: services.transition_call(call, to_state, current_user, form.comment.data or ""),
        success=_("The call is now: %(state)s.", state=CALL_STATES.get(to_state, to_state)),
        back=url_for("policies.call_detail", call_id=call_id),
    )


@bp.route("/staff/calls/<int:call_id>/extend", methods=["GET", "POST"])
@role_required(*MANAGERS)
def extend_call(call_id: int):
    """Give a call a later closing time (reopening it if closed)."""
    call = db.get_or_404(Call, call_id)
    form = ExtendForm()
    return run_form(
        form,
        lambda: services.extend_call(call, form.closes_at_utc(), current_user, form.comment.data),
        page=lambda shown: render_template("policies/extend.html", form=form, call=shown),
        done=lambda _none: finish(_("The call has been extended."), url_for("policies.call_detail", call_id=call_id)),
        records=call,
        refused_status=200,
    )

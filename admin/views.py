"""The administration area: users and roles, agency settings, regimes, categories, conditions, sectors, score sheets,
evaluation rules, outbox, audit."""

from collections.abc import Callable

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from accounts import services as account_services
from accounts import sessions, twofactor
from accounts.decorators import guard_blueprint_roles
from accounts.forms import UserAdminForm
from accounts.models import ADMINS, ROLE_LABELS, User
from admin import services
from admin.audit import AuditFilterForm, audit_page
from admin.forms import SettingsForm
from core.edge import finish, run_form, run_small_form
from core.extensions import db
from core.forms import BaseForm, VersionedForm, check_version, stale_differences
from core.models import OUTBOX_STATUSES, AgencySettings, OutboxMessage
from core.paging import page_number
from policies.evaluation import COUNCIL_ROLES, MECHANICS, SHEET_TOTAL, ZERO_RULES, EvaluationRule, ScoreSheetTemplate
from policies.evaluation_forms import EvaluationRuleForm, ScoreSheetForm
from policies.forms import CategoryForm, ConditionForm, PriorityItemForm, RegimeForm, SectorForm
from policies.models import PriorityItem, Regime, RegimeCondition, Sector, SupportCategory
from policies.services import regimes_with_categories, sectors_with_items

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(guard_blueprint_roles(*ADMINS))


def _edit(
    form: BaseForm,
    record: object,
    save: Callable[[dict], object],
    title: str,
    back: str,
    page: str = "admin/record_form.html",
    differ: Callable[[object], list] | None = None,
    **context: object,
) -> ResponseReturnValue:
    """The edit cycle of the reference-data pages through the request edge: version check → save → commit → back; a
    refusal keeps the input, a stale save (409) shows what differs from the saved record (`differ`, given the record
    after the rollback; by default the form's own fields)."""
    differences: list[tuple[str, str, str]] = []

    def act() -> object:
        if isinstance(form, VersionedForm) and record.id is not None:
            check_version(record, form)
        return save(form.to_data())

    def compare(saved: object) -> object:
        differences.extend(differ(saved) if differ else stale_differences(form, saved, tuple(form.to_data())))
        return saved

    return run_form(
        form,
        act,
        page=lambda _records: render_template(
            page, form=form, title=title, back=back, differences=differences, **context
        ),
        done=lambda _saved: finish(_("Saved."), back),
        records=record,
        stale=compare,
        refused_status=200,
    )


@bp.route("/")
def index():
    """The administration menu."""
    return render_template("admin/index.html")


@bp.route("/users")
def users():
    """Users, searched without regard to diacritics, filtered by role."""
    query, role = request.args.get("q", ""), request.args.get("role") or None
    page = account_services.search_users(query, role, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", page=page, query=query, role=role, roles=ROLE_LABELS)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    """A user's roles and activation."""
    person = db.get_or_404(User, user_id)
    form = UserAdminForm(obj=person if request.method == "GET" else None)
    if request.method == "GET":
        form.roles.data = sorted(person.roles)

    def save() -> None:
        check_version(person, form)
        account_services.set_roles(person, form.roles.data or [], form.active.data)

    return run_form(
        form,
        save,
        page=lambda shown: _user_page(shown, form),
        done=lambda _none: finish(_("The user has been saved."), url_for("admin.users")),
        records=person,
        refused_status=200,
    )


def _user_page(person: User, form: UserAdminForm) -> str:
    return render_template(
        "admin/user.html", person=person, form=form, live=sessions.live_sessions(person), small_form=BaseForm()
    )


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
def end_user_sessions(user_id: int):
    """End every session of the user, on every device."""
    person = db.get_or_404(User, user_id)
    return run_small_form(
        BaseForm(),
        lambda: sessions.end_sessions(person, "admin"),
        success=_("Every session of %(name)s has ended.", name=person.full_name),
        back=url_for("admin.user", user_id=user_id),
    )


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
def reset_user_two_factor(user_id: int):
    """Clear the user's two-step login (a lost phone and lost recovery codes)."""
    person = db.get_or_404(User, user_id)
    return run_small_form(
        BaseForm(),
        lambda: twofactor.reset(person),
        success=_("The two-step login of %(name)s has been reset.", name=person.full_name),
        back=url_for("admin.user", user_id=user_id),
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The agency's names and letterhead."""
    record = AgencySettings.current()
    form = SettingsForm(obj=record if request.method == "GET" else None)
    return _edit(
        form, record, lambda data: services.save_settings(record, data), _("Agency settings"), url_for("admin.index")
    )


@bp.route("/regimes")
def regimes():
    """Policy regimes with their categories and conditions."""
    return render_template("admin/regimes.html", regimes=regimes_with_categories())


@bp.route("/regimes/new", methods=["GET", "POST"], defaults={"regime_id": None})
@bp.route("/regimes/<int:regime_id>", methods=["GET", "POST"])
def regime(regime_id: int | None):
    """Create or edit a regime."""
    record = db.get_or_404(Regime, regime_id) if regime_id else Regime()
    form = RegimeForm(obj=record if request.method == "GET" and regime_id else None)
    return _edit(
        form, record, lambda data: services.save_regime(record, data), _("Policy regime"), url_for("admin.regimes")
    )


@bp.route("/regimes/<int:regime_id>/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/regimes/<int:regime_id>/categories/<int:category_id>", methods=["GET", "POST"])
def category(regime_id: int, category_id: int | None):
    """Create or edit a support category and its rule."""
    parent = db.get_or_404(Regime, regime_id)
    record = _child(SupportCategory, category_id, regime_id=regime_id)
    form = CategoryForm(obj=record if request.method == "GET" and category_id else None)
    return _edit(
        form,
        record,
        lambda data: services.save_category(record, parent, data),
        _("Support category of %(code)s", code=parent.code),
        url_for("admin.regimes"),
    )


@bp.route("/regimes/<int:regime_id>/conditions/new", methods=["GET", "POST"], defaults={"condition_id": None})
@bp.route("/regimes/<int:regime_id>/conditions/<int:condition_id>", methods=["GET", "POST"])
def condition(regime_id: int, condition_id: int | None):
    """Create or edit a regime condition."""
    parent = db.get_or_404(Regime, regime_id)
    record = _child(RegimeCondition, condition_id, regime_id=regime_id)
    form = ConditionForm(obj=record if request.method == "GET" and condition_id else None)
    return _edit(
        form,
        record,
        lambda data: services.save_condition(record, parent, data),
        _("Condition of %(code)s", code=parent.code),
        url_for("admin.regimes"),
    )


@bp.route("/sectors")
def sectors():
    """Sectors and their priority items."""
    return render_template("admin/sectors.html", sectors=sectors_with_items())


@bp.route("/sectors/new", methods=["GET", "POST"], defaults={"sector_id": None})
@bp.route("/sectors/<int:sector_id>", methods=["GET", "POST"])
def sector(sector_id: int | None):
    """Create or edit a sector."""
    record = db.get_or_404(Sector, sector_id) if sector_id else Sector()
    form = SectorForm(obj=record if request.method == "GET" and sector_id else None)
    return _edit(form, record, lambda data: services.save_sector(record, data), _("Sector"), url_for("admin.sectors"))


@bp.route("/sectors/<int:sector_id>/items/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/sectors/<int:sector_id>/items/<int:item_id>", methods=["GET", "POST"])
def priority_item(sector_id: int, item_id: int | None):
    """Create or edit a priority item."""
    parent = db.get_or_404(Sector, sector_id)
    record = _child(PriorityItem, item_id, sector_id=sector_id)
    form = PriorityItemForm(obj=record if request.method == "GET" and item_id else None)
    return _edit(
        form,
        record,
        lambda data: services.save_priority_item(record, parent, data),
        _("Priority item of sector %(number)d", number=parent.number),
        url_for("admin.sectors"),
    )


@bp.route("/evaluation")
def evaluation():
    """Score-sheet templates with their criteria, and evaluation rules with their figures."""
    templates = services.score_sheets_with_criteria()
    return render_template(
        "admin/evaluation.html",
        templates=templates,
        rules=services.evaluation_rules(),
        in_use=services.sheets_using([t.id for t in templates]),
        mechanics=MECHANICS,
        zero_rules=ZERO_RULES,
        roles=COUNCIL_ROLES,
        total=SHEET_TOTAL,
    )


@bp.route("/score-sheets/new", methods=["GET", "POST"], defaults={"template_id": None})
@bp.route("/score-sheets/<int:template_id>", methods=["GET", "POST"])
def score_sheet(template_id: int | None):
    """Create or edit a score-sheet template and its criteria."""
    record = services.load_score_sheet(template_id) if template_id else ScoreSheetTemplate(criteria=[])
    form = ScoreSheetForm(obj=record if request.method == "GET" and template_id else None)
    if request.method == "GET":
        form.add_blank_rows()
    in_use = services.sheets_using([template_id]).get(template_id, 0) if template_id else 0
    return _edit(
        form,
        record,
        lambda data: services.save_score_sheet(record, data),
        _("Score sheet"),
        url_for("admin.evaluation"),
        "admin/score_sheet.html",
        # only a saved sheet can be stale: compared with its criteria as saved now
        lambda _saved: form.differences(services.load_score_sheet(template_id)),
        in_use=in_use,
        total=SHEET_TOTAL,
    )


@bp.route("/evaluation-rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/evaluation-rules/<int:rule_id>", methods=["GET", "POST"])
def evaluation_rule(rule_id: int | None):
    """Create or edit an evaluation rule; a new one starts from the figures of the first rule."""
    record = db.get_or_404(EvaluationRule, rule_id) if rule_id else EvaluationRule()
    source = record if rule_id else services.first_evaluation_rule()
    form = EvaluationRuleForm(obj=source if request.method == "GET" else None)
    if request.method == "GET" and not rule_id:
        form.code.data = form.name.data = form.name_en.data = form.version.data = ""
    return _edit(
        form,
        record,
        lambda data: services.save_evaluation_rule(record, data),
        _("Evaluation rule"),
        url_for("admin.evaluation"),
        "admin/evaluation_rule.html",
        form.differences,
    )


def _child(model: type, record_id: int | None, **parent: int) -> object:
    """The record under its parent (404 when it belongs to another), or a new one."""
    if record_id is None:
        return model()
    return db.one_or_404(
        select(model).where(model.id == record_id, *(getattr(model, k) == v for k, v in parent.items()))
    )


@bp.route("/outbox")
def outbox():
    """Mails written by the system and their delivery state."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    status = request.args.get("status") if request.args.get("status") in OUTBOX_STATUSES else None
    if status:
        statement = statement.where(OutboxMessage.status == status)
    page = db.paginate(statement, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/outbox.html", page=page, status=status, statuses=OUTBOX_STATUSES)


@bp.route("/audit")
def audit():
    """The audit log, newest first, in the reader's words: filtered by who, kind of action, record and dates."""
    form = AuditFilterForm(request.args)
    page, rows = audit_page(form.filters(), page_number(), current_app.config["PAGE_SIZE"])
    return render_template("admin/audit.html", form=form, page=page, rows=rows)

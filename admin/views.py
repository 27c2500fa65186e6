"""The administration area: users and roles, agency settings, regimes, categories, conditions, sectors, score sheets,
evaluation rules, outbox, audit."""

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from accounts import services as account_services
from accounts.decorators import guard_blueprint_roles
from accounts.forms import UserAdminForm
from accounts.models import ROLE_LABELS, User
from admin import services
from admin.forms import SettingsForm
from core.errors import DomainError, StaleObjectError
from core.extensions import db
from core.forms import BaseForm, VersionedForm, check_version, field_errors_from, stale_differences
from core.models import AgencySettings, AuditEvent, OutboxMessage
from core.paging import page_number
from policies.evaluation import COUNCIL_ROLES, MECHANICS, SHEET_TOTAL, ZERO_RULES, EvaluationRule, ScoreSheetTemplate
from policies.evaluation_forms import EvaluationRuleForm, ScoreSheetForm
from policies.forms import CategoryForm, ConditionForm, PriorityItemForm, RegimeForm, SectorForm
from policies.models import PriorityItem, Regime, RegimeCondition, Sector, SupportCategory
from policies.services import regimes_with_categories, sectors_with_items

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(guard_blueprint_roles("admin"))


def _edit(
    form: BaseForm,
    record: object,
    save: Callable[[dict], object],
    title: str,
    back: str,
    page: str = "admin/record_form.html",
    differ: Callable[[], list] | None = None,
    **context: object,
):
    """Shared edit cycle: validate → version check → save → commit → back; errors keep the input."""
    differences = []
    if form.validate_on_submit():
        try:
            if isinstance(form, VersionedForm) and record.id is not None:
                check_version(record, form)
            save(form.to_data())
        except StaleObjectError as error:
            differences = differ() if differ else stale_differences(form, record, tuple(form.to_data()))
            form.form_errors.append(error.message)
        except DomainError as error:
            db.session.rollback()
            field_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(back)
    status = 409 if differences else 200
    return render_template(page, form=form, title=title, back=back, differences=differences, **context), status


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
    if form.validate_on_submit():
        try:
            check_version(person, form)
            account_services.set_roles(person, form.roles.data or [], form.active.data)
        except StaleObjectError as error:
            form.form_errors.append(error.message)
            form.version.data = str(person.version)
        else:
            db.session.commit()
            flash(_("The user has been saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", person=person, form=form)


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
    save = lambda data: services.save_category(record, parent, data)  # noqa: E731
    return _edit(form, record, save, _("Support category of %(code)s", code=parent.code), url_for("admin.regimes"))


@bp.route("/regimes/<int:regime_id>/conditions/new", methods=["GET", "POST"], defaults={"condition_id": None})
@bp.route("/regimes/<int:regime_id>/conditions/<int:condition_id>", methods=["GET", "POST"])
def condition(regime_id: int, condition_id: int | None):
    """Create or edit a regime condition."""
    parent = db.get_or_404(Regime, regime_id)
    record = _child(RegimeCondition, condition_id, regime_id=regime_id)
    form = ConditionForm(obj=record if request.method == "GET" and condition_id else None)
    save = lambda data: services.save_condition(record, parent, data)  # noqa: E731
    return _edit(form, record, save, _("Condition of %(code)s", code=parent.code), url_for("admin.regimes"))


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
    save = lambda data: services.save_priority_item(record, parent, data)  # noqa: E731
    return _edit(
        form, record, save, _("Priority item of sector %(number)d", number=parent.number), url_for("admin.sectors")
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
    save = lambda data: services.save_score_sheet(record, data)  # noqa: E731
    differ = lambda: form.differences(record)  # noqa: E731
    back = url_for("admin.evaluation")
    page = "admin/score_sheet.html"
    return _edit(form, record, save, _("Score sheet"), back, page, differ, in_use=in_use, total=SHEET_TOTAL)


@bp.route("/evaluation-rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/evaluation-rules/<int:rule_id>", methods=["GET", "POST"])
def evaluation_rule(rule_id: int | None):
    """Create or edit an evaluation rule; a new one starts from the figures of the first rule."""
    record = db.get_or_404(EvaluationRule, rule_id) if rule_id else EvaluationRule()
    source = record if rule_id else services.first_evaluation_rule()
    form = EvaluationRuleForm(obj=source if request.method == "GET" else None)
    if request.method == "GET" and not rule_id:
        form.code.data = form.name.data = form.name_en.data = form.version.data = ""
    save = lambda data: services.save_evaluation_rule(record, data)  # noqa: E731
    differ = lambda: form.differences(record)  # noqa: E731
    back = url_for("admin.evaluation")
    return _edit(form, record, save, _("Evaluation rule"), back, "admin/evaluation_rule.html", differ)


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
    status = request.args.get("status") or None
    if status:
        statement = statement.where(OutboxMessage.status == status)
    page = db.paginate(statement, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/outbox.html", page=page, status=status)


@bp.route("/audit")
def audit():
    """The audit log, newest first."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc())
    object_type = request.args.get("type") or None
    if object_type:
        statement = statement.where(AuditEvent.object_type == object_type)
    page = db.paginate(statement, page=page_number(), per_page=50, error_out=False)
    return render_template("admin/audit.html", page=page, object_type=object_type)

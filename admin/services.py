"""Administration of reference data and settings; every change is audited."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.models import AgencySettings
from policies.evaluation import CRITERION_FIELDS, SHEET_TOTAL, Criterion, EvaluationRule, ScoreSheetTemplate
from policies.models import PriorityItem, Regime, RegimeCondition, Sector, SupportCategory
from review.models import Assignment, Council, CouncilMember, ScoreSheet, SheetScore

SETTINGS_FIELDS = tuple(AgencySettings.DEFAULTS)


def save_settings(settings: AgencySettings, data: dict) -> None:
    """Save the agency's names and letterhead (the first save creates the row)."""
    for key in SETTINGS_FIELDS:
        setattr(settings, key, data[key])
    db.session.add(settings)
    db.session.flush()
    record_event("update", "agency_settings", settings.id)


def _unique(model: type, column: str, value: object, exclude_id: int | None, **scope: object) -> None:
    query = select(model.id).where(getattr(model, column) == value, *(getattr(model, k) == v for k, v in scope.items()))
    if exclude_id:
        query = query.where(model.id != exclude_id)
    if db.session.execute(query).first():
        raise DomainError(_("This value is already used."), column)


def save_record(record: object, data: dict, unique: str, object_type: str, **scope: object) -> object:
    """Create or update a reference record (regime, category, condition, sector) with a unique key in its scope."""
    _unique(type(record), unique, data[unique], record.id, **scope)
    for key, value in {**data, **scope}.items():
        setattr(record, key, value)
    if record.id is None:
        db.session.add(record)
    db.session.flush()
    record_event("save", object_type, record.id)
    return record


def save_regime(regime: Regime, data: dict) -> Regime:
    """Save a regime."""
    return save_record(regime, data, "code", "regime")


def save_category(category: SupportCategory, regime: Regime, data: dict) -> SupportCategory:
    """Save a support category of a regime."""
    return save_record(category, data, "code", "support_category", regime_id=regime.id)


def save_condition(condition: RegimeCondition, regime: Regime, data: dict) -> RegimeCondition:
    """Save a condition of a regime."""
    return save_record(condition, data, "code", "regime_condition", regime_id=regime.id)


def save_sector(sector: Sector, data: dict) -> Sector:
    """Save a sector."""
    return save_record(sector, data, "number", "sector")


def save_priority_item(item: PriorityItem, sector: Sector, data: dict) -> PriorityItem:
    """Save a priority item of a sector."""
    return save_record(item, data, "number", "priority_item", sector_id=sector.id)


def score_sheets_with_criteria() -> list[ScoreSheetTemplate]:
    """Every score-sheet template with its criteria, by code."""
    statement = select(ScoreSheetTemplate).options(selectinload(ScoreSheetTemplate.criteria))
    return list(db.session.execute(statement.order_by(ScoreSheetTemplate.code)).scalars())


def evaluation_rules() -> list[EvaluationRule]:
    """Every evaluation rule, by code."""
    return list(db.session.execute(select(EvaluationRule).order_by(EvaluationRule.code)).scalars())


def first_evaluation_rule() -> EvaluationRule | None:
    """The rule a new one starts from: the seeded default, else the first by code."""
    statement = select(EvaluationRule).order_by(EvaluationRule.code != "default", EvaluationRule.code).limit(1)
    return db.session.execute(statement).scalar_one_or_none()


def load_score_sheet(template_id: int) -> ScoreSheetTemplate:
    """A score-sheet template with its criteria, or 404."""
    return db.one_or_404(
        select(ScoreSheetTemplate)
        .where(ScoreSheetTemplate.id == template_id)
        .options(selectinload(ScoreSheetTemplate.criteria))
    )


def sheets_using(template_ids: list[int]) -> dict[int, int]:
    """Template id → number of members' score sheets written on it (through the councils that use it)."""
    if not template_ids:
        return {}
    statement = (
        select(Council.template_id, func.count())
        .join(CouncilMember, CouncilMember.council_id == Council.id)
        .join(Assignment, Assignment.member_id == CouncilMember.id)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Council.template_id.in_(template_ids))
        .group_by(Council.template_id)
    )
    return dict(db.session.execute(statement).tuples().all())


def _scored_criteria(template_id: int) -> dict[int, int]:
    """Criterion id → number of sheets that scored it (sheet scores refer to criteria, ON DELETE RESTRICT)."""
    statement = (
        select(SheetScore.criterion_id, func.count())
        .join(Criterion, Criterion.id == SheetScore.criterion_id)
        .where(Criterion.template_id == template_id)
        .group_by(SheetScore.criterion_id)
    )
    return dict(db.session.execute(statement).tuples().all())


def _check_criteria(rows: list[dict]) -> None:
    if not rows:
        raise DomainError(_("Give the sheet at least one criterion."))
    if len({row["code"].lower() for row in rows}) != len(rows):
        raise DomainError(_("Two criteria of the sheet have the same code."))
    total = sum(row["max_points"] for row in rows)
    if total != SHEET_TOTAL:
        raise DomainError(
            _("The maxima add up to %(total)d; they must add up to %(expected)d.", total=total, expected=SHEET_TOTAL)
        )


def _check_use(template: ScoreSheetTemplate, data: dict, existing: dict[int, Criterion]) -> None:
    """What sheets already rely on cannot change: scored criteria stay, and so do the mechanic and the maxima."""
    kept = {row["id"]: row for row in data["criteria"] if row["id"] in existing}
    scored = _scored_criteria(template.id)
    for criterion_id, count in scored.items():
        if criterion_id not in kept:
            raise DomainError(
                ngettext(
                    "The criterion “%(code)s” is already scored on %(num)d score sheet and cannot be removed. "
                    "Type its name again to keep it.",
                    "The criterion “%(code)s” is already scored on %(num)d score sheets and cannot be removed. "
                    "Type its name again to keep it.",
                    count,
                    code=existing[criterion_id].code,
                )
            )
    if not scored and not sheets_using([template.id]):
        return
    if data["mechanic"] != template.mechanic:
        raise DomainError(_("Score sheets already use this template: its scoring can no longer change."), "mechanic")
    maxima = {row["id"]: (row["max_points"], row["min_points"]) for row in kept.values()}
    if len(kept) != len(data["criteria"]) or maxima != {c.id: (c.max_points, c.min_points) for c in existing.values()}:
        raise DomainError(
            _(
                "Score sheets already use this template: criteria can no longer be added or removed and their "
                "maxima and minima can no longer change. Create a new template instead."
            )
        )


def _sync_criteria(template: ScoreSheetTemplate, rows: list[dict], existing: dict[int, Criterion]) -> None:
    """Update the criteria in place (sheets refer to their ids), add the new ones, drop those left out."""
    kept_ids = {row["id"] for row in rows if row["id"] in existing}
    removed = [c for c in existing.values() if c.id not in kept_ids]
    recoded = [existing[row["id"]] for row in rows if row["id"] in existing and existing[row["id"]].code != row["code"]]
    if removed or recoded:
        # (template, code) is unique and the unit of work updates and inserts before it deletes: free the old codes
        # first, so that two criteria may swap codes or a new one take the code of a removed one.
        for criterion in removed:
            template.criteria.remove(criterion)
        for criterion in recoded:
            criterion.code = f"~{criterion.id}"
        db.session.flush()
    criteria = []
    for position, row in enumerate(rows, start=1):
        criterion = existing.get(row["id"]) or Criterion()
        for key in CRITERION_FIELDS:
            setattr(criterion, key, row[key])
        criterion.position = position
        criteria.append(criterion)
    template.criteria = criteria


def save_score_sheet(template: ScoreSheetTemplate, data: dict) -> ScoreSheetTemplate:
    """Create or update a score-sheet template and its criteria (criteria must be loaded); criteria keep their rows,
    and what sheets already use is refused."""
    _unique(ScoreSheetTemplate, "code", data["code"], template.id)
    _check_criteria(data["criteria"])
    existing = {c.id: c for c in template.criteria} if template.id else {}
    if template.id is not None:
        _check_use(template, data, existing)
    _sync_criteria(template, data["criteria"], existing)
    for key in ("code", "name", "name_en", "mechanic"):
        setattr(template, key, data[key])
    if template.id is None:
        db.session.add(template)
    else:
        # A change of criteria alone must still move the template's version, which guards the whole form.
        flag_modified(template, "name")
    db.session.flush()
    record_event("save", "score_sheet_template", template.id)
    return template


def save_evaluation_rule(rule: EvaluationRule, data: dict) -> EvaluationRule:
    """Create or update an evaluation rule; one that a council has scored under is the record of its results and
    stays as it is (a new rule is made instead)."""
    if rule.id is not None and _councils_past_forming(Council.rule_id == rule.id):
        raise DomainError(_("A council has scored under this rule: it can no longer change. Create a new rule."))
    return save_record(rule, data, "code", "evaluation_rule")


def _councils_past_forming(condition: object) -> bool:
    statement = select(Council.id).where(condition, Council.status != "forming").limit(1)
    return db.session.execute(statement).first() is not None

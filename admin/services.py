"""Administration of reference data and settings; every change is audited."""

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.models import AgencySettings
from policies.models import PriorityItem, Regime, RegimeCondition, Sector, SupportCategory

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

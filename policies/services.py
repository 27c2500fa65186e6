"""Rules about calls and reference data: creating, editing, publishing, closing and extending calls; public holidays
and the working days they leave."""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import extract, select
from sqlalchemy.orm import selectinload

from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import add_working_days, utcnow
from core.text import like_pattern
from core.workflow import perform_transition
from policies import signals
from policies.models import CALL_TRANSITIONS, Call, CallDocument, PublicHoliday, Regime, Sector, SupportCategory

CALL_FIELDS = (
    "regime_id",
    "code",
    "title",
    "title_en",
    "year",
    "opens_at",
    "closes_at",
    "budget_vnd",
    "guidance",
    "guidance_en",
)


def _check_call(data: dict, call_id: int | None = None) -> tuple[list[SupportCategory], list[Sector]]:
    committed = db.session.execute(select(Call.committed_vnd).where(Call.id == call_id)).scalar() if call_id else 0
    if data["budget_vnd"] < (committed or 0):
        raise DomainError(_("The budget cannot be less than the support already approved."), "budget_vnd")
    if data["closes_at"] is not None and data["closes_at"] <= data["opens_at"]:
        raise DomainError(_("The closing time must be after the opening time."), "closes_at")
    duplicate = select(Call.id).where(Call.code == data["code"])
    if call_id:
        duplicate = duplicate.where(Call.id != call_id)
    if db.session.execute(duplicate).first():
        raise DomainError(_("Another call already uses this code."), "code")
    categories = list(
        db.session.execute(select(SupportCategory).where(SupportCategory.id.in_(data["category_ids"]))).scalars()
    )
    if not categories:
        raise DomainError(_("Choose at least one support category."), "category_ids")
    if any(c.regime_id != data["regime_id"] for c in categories):
        raise DomainError(_("Every category must belong to the call's policy regime."), "category_ids")
    sectors = list(db.session.execute(select(Sector).where(Sector.id.in_(data["sector_ids"]))).scalars())
    if not sectors:
        raise DomainError(_("Choose at least one sector."), "sector_ids")
    return categories, sectors


def _sync_documents(call: Call, required: list[str], optional: list[str]) -> None:
    """Keep the checklist rows (applications' files refer to them): a name that did not change keeps its row, a new
    name takes over a row whose name went away (a rename, in order), and only what is left is added or dropped."""
    wanted = [(name, True) for name in required] + [(name, False) for name in optional]
    existing = {doc.name: doc for doc in call.documents}
    kept_names = {name for name, _required in wanted}
    renamed = [doc for doc in call.documents if doc.name not in kept_names]
    call.documents = []
    for position, (name, is_required) in enumerate(wanted, start=1):
        doc = existing.pop(name, None) or (renamed.pop(0) if renamed else CallDocument())
        doc.name, doc.position, doc.required = name, position, is_required
        call.documents.append(doc)


def create_call(data: dict) -> Call:
    """Create a draft call."""
    categories, sectors = _check_call(data)
    call = Call(**{k: data[k] for k in CALL_FIELDS}, categories=categories, sectors=sectors, documents=[])
    _sync_documents(call, data["required_documents"], data["optional_documents"])
    db.session.add(call)
    db.session.flush()
    record_event("create", "call", call.id, to_state=call.status)
    return call


def update_call(call: Call, data: dict) -> None:
    """Save a call's details (the form's version was checked by the caller)."""
    categories, sectors = _check_call(data, call.id)
    budget_edited = data["budget_vnd"] != call.budget_vnd
    for key in CALL_FIELDS:
        setattr(call, key, data[key])
    call.categories, call.sectors = categories, sectors
    _sync_documents(call, data["required_documents"], data["optional_documents"])
    record_event("update", "call", call.id)
    if budget_edited:
        db.session.flush()
        signals.budget_changed.send(call)


def transition_call(call: Call, to_state: str, user: object, comment: str = "") -> None:
    """Publish, close or reopen a call through its transition table."""
    if to_state == "open" and call.status == "closed" and call.closes_at is not None and call.closes_at <= utcnow():
        raise DomainError(_("The closing time has passed: extend the call with a new closing time instead."))
    perform_transition(call, CALL_TRANSITIONS, to_state, user, "call", comment, signals.call_changed)


def extend_call(call: Call, new_closes_at: datetime, user: object, comment: str) -> None:
    """Move the closing time later; a closed call is reopened."""
    if call.status == "draft":
        raise DomainError(_("A draft call is edited, not extended."))
    if call.closes_at is None:
        raise DomainError(_("A rolling call has no closing time to extend."))
    if new_closes_at <= max(call.closes_at, utcnow()):
        raise DomainError(_("The new closing time must be later than the current one and in the future."), "closes_at")
    old = call.closes_at
    call.closes_at = new_closes_at
    record_event(
        "extend", "call", call.id, comment=f"{old:%Y-%m-%d %H:%M} → {new_closes_at:%Y-%m-%d %H:%M} UTC. {comment}"
    )
    if call.status == "closed":
        perform_transition(call, CALL_TRANSITIONS, "open", user, "call", comment, signals.call_changed)


def public_calls(phase: str | None, query: str, page: int, per_page: int) -> object:
    """Published calls, newest first, optionally only those open now, matching the text."""
    now = utcnow()
    statement = (
        select(Call)
        .where(Call.status != "draft")
        .options(selectinload(Call.regime))
        .order_by(Call.opens_at.desc(), Call.id.desc())
    )
    if phase == "open":
        statement = statement.where(
            Call.status == "open", Call.opens_at <= now, (Call.closes_at.is_(None)) | (Call.closes_at > now)
        )
    if query.strip():
        statement = statement.where(Call.search_text.like(like_pattern(query), escape="\\"))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def staff_calls(status: str | None, query: str, page: int, per_page: int) -> object:
    """Every call for the department, filtered by state and text."""
    statement = (
        select(Call).options(selectinload(Call.regime)).order_by(Call.year.desc(), Call.opens_at.desc(), Call.id.desc())
    )
    if status in ("draft", "open", "closed"):
        statement = statement.where(Call.status == status)
    if query.strip():
        statement = statement.where(Call.search_text.like(like_pattern(query), escape="\\"))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def load_call(call_id: int) -> Call:
    """A call with everything its page shows, or 404."""
    return db.one_or_404(
        select(Call)
        .where(Call.id == call_id)
        .options(
            selectinload(Call.regime).selectinload(Regime.conditions),
            selectinload(Call.categories),
            selectinload(Call.sectors).selectinload(Sector.items),
            selectinload(Call.documents),
        )
    )


def load_call_filters(call_id: int) -> Call:
    """A call with the lists its applications are filtered by (sectors, categories), or 404: the queue's page, which
    shows none of the call's documents, conditions or priority items."""
    return db.one_or_404(
        select(Call).where(Call.id == call_id).options(selectinload(Call.categories), selectinload(Call.sectors))
    )


def regimes_newest_first() -> list[Regime]:
    """All regimes, the latest to start first (the filters of the project lists)."""
    return list(db.session.execute(select(Regime).order_by(Regime.start_year.desc())).scalars())


def sectors_in_order() -> list[Sector]:
    """The sectors of Plan 1821 by their number (the filters and charts by sector)."""
    return list(db.session.execute(select(Sector).order_by(Sector.number)).scalars())


def regimes_with_categories() -> list[Regime]:
    """All regimes, current first, with categories and conditions loaded."""
    return list(
        db.session.execute(
            select(Regime)
            .options(selectinload(Regime.categories), selectinload(Regime.conditions))
            .order_by(Regime.is_current.desc(), Regime.start_year.desc())
        ).scalars()
    )


def sectors_with_items() -> list[Sector]:
    """The sectors in order with their priority items."""
    return list(
        db.session.execute(select(Sector).options(selectinload(Sector.items)).order_by(Sector.number)).scalars()
    )


def holidays_between(first: date, last: date) -> frozenset[date]:
    """The public holidays from first to last, both included."""
    statement = select(PublicHoliday.day).where(PublicHoliday.day.between(first, last))
    return frozenset(db.session.execute(statement).scalars())


def working_days_after(start: date, days: int) -> date:
    """The date `days` working days after start, skipping weekends and the public holidays of the table."""
    span = 2 * days + 14  # calendar days that hold `days` working days unless holidays crowd them
    while True:
        last = start + timedelta(days=span)
        due = add_working_days(start, days, holidays_between(start, last))
        if due <= last:
            return due
        span *= 2


def holidays_of_year(year: int) -> list[PublicHoliday]:
    """A year's public holidays in date order."""
    statement = select(PublicHoliday).where(PublicHoliday.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.execute(statement.order_by(PublicHoliday.day)).scalars())


def holiday_years(*also: int) -> list[int]:
    """The years that have public holidays, with the given ones, in order."""
    years = db.session.execute(select(extract("year", PublicHoliday.day)).distinct()).scalars()
    return sorted({int(year) for year in years} | set(also))


def save_holiday(holiday: PublicHoliday, data: dict) -> PublicHoliday:
    """Add or change a public holiday; two cannot share a day."""
    taken = select(PublicHoliday.id).where(PublicHoliday.day == data["day"])
    if holiday.id is not None:
        taken = taken.where(PublicHoliday.id != holiday.id)
    if db.session.execute(taken).first():
        raise DomainError(_("Another public holiday is already on this date."), "day")
    for key in ("day", "name", "name_en"):
        setattr(holiday, key, data[key])
    db.session.add(holiday)
    db.session.flush()
    record_event("save", "public_holiday", holiday.id, comment=f"{holiday.day:%d/%m/%Y} {holiday.name}")
    return holiday


def delete_holiday(holiday: PublicHoliday) -> None:
    """Remove a public holiday: deadlines counted from now on count that day as a working day."""
    record_event("delete", "public_holiday", holiday.id, comment=f"{holiday.day:%d/%m/%Y} {holiday.name}")
    db.session.delete(holiday)
    db.session.flush()

"""Policy regimes, support categories, conditions, sectors and priority items, and calls."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from accounts.models import APPLICANTS, DEPARTMENT_ROLES, MANAGERS, holds_role
from core.extensions import db
from core.formatting import utcnow
from core.i18n import register_status_labels
from core.text import normalize_search
from core.workflow import Transition, TransitionTable

RULE_KINDS = {"rate_cap": _l("Percentage of eligible cost, with a cap"), "fixed": _l("Fixed amount")}
CONDITION_KINDS = {
    "requirement": _l("Requirement"),
    "limit_per_year": _l("Limit of supported contents per applicant per year"),
    "exclusion": _l("Exclusion"),
}


def percents_text(percents: list[int]) -> str:
    """Percents written as the admin form takes them: "50, 30, 20"."""
    return ", ".join(str(percent) for percent in percents)


def day_months_text(pairs: list[tuple[int, int]]) -> str:
    """(day, month) pairs written as the admin form takes them: "15/3, 15/9"."""
    return ", ".join(f"{day}/{month}" for day, month in pairs)


class DayMonthList(TypeDecorator):
    """A list of (day, month) pairs, stored as JSON [[day, month], ...] and read back as tuples."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list | None, dialect: object) -> list[list[int]] | None:
        return None if value is None else [[int(day), int(month)] for day, month in value]

    def process_result_value(self, value: list | None, dialect: object) -> list[tuple[int, int]] | None:
        return None if value is None else [(day, month) for day, month in value]


class Regime(db.Model):
    """A policy regime: a provincial resolution under which support is given."""

    __tablename__ = "regimes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    legal_basis_en: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date | None]
    effective_from: Mapped[date | None]
    start_year: Mapped[int]
    end_year: Mapped[int]
    is_current: Mapped[bool] = mapped_column(default=False)
    figures_illustrative: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # The figures below have no default here: they come from policies/data/regimes.yaml (`defaults`), their one source.
    supplement_working_days: Mapped[int]
    # How its funded projects are followed (DOMAIN §7; defaults, editable).
    tranche_split: Mapped[list[int]] = mapped_column(JSON)  # percents of the support by tranche, adding up to 100
    report_dates: Mapped[list[tuple[int, int]]] = mapped_column(DayMonthList)  # (day, month) reports fall due on
    final_dossier_days: Mapped[int]
    reminder_days_before: Mapped[int]
    inspection_month: Mapped[int]
    acceptance_rule: Mapped[str] = mapped_column(String(16))
    acceptance_share: Mapped[str] = mapped_column(String(8))
    points_excellent: Mapped[int]
    points_pass: Mapped[int]
    acceptance_council_min: Mapped[int]
    acceptance_council_max: Mapped[int]
    acceptance_quorum: Mapped[str] = mapped_column(String(8))
    spending_lag_percent: Mapped[int]
    # A council member who worked for the applicant organization within this many years may not judge it.
    conflict_years: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)

    categories: Mapped[list["SupportCategory"]] = relationship(
        back_populates="regime", lazy="raise", order_by="SupportCategory.sort_order", cascade="all, delete-orphan"
    )
    conditions: Mapped[list["RegimeCondition"]] = relationship(
        back_populates="regime", lazy="raise", order_by="RegimeCondition.sort_order", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("end_year >= start_year", name="years"),
        CheckConstraint("supplement_working_days BETWEEN 1 AND 90", name="supplement_days"),
        CheckConstraint("final_dossier_days BETWEEN 1 AND 365", name="dossier_days"),
        CheckConstraint("reminder_days_before BETWEEN 1 AND 60", name="reminder_days"),
        CheckConstraint("inspection_month BETWEEN 1 AND 12", name="inspection_month"),
        CheckConstraint("acceptance_rule IN ('tt11_2014', 'points')", name="acceptance_rule"),
        CheckConstraint("points_pass BETWEEN 0 AND points_excellent AND points_excellent <= 100", name="points"),
        CheckConstraint("acceptance_council_min BETWEEN 1 AND acceptance_council_max", name="acceptance_council"),
        CheckConstraint("spending_lag_percent BETWEEN 1 AND 100", name="spending_lag"),
        CheckConstraint("conflict_years BETWEEN 0 AND 20", name="conflict_years"),
    )

    @validates("report_dates")
    def _in_the_years_order(self, _key: str, pairs: list) -> list[tuple[int, int]]:
        """Report dates are kept as (day, month) tuples in the order they fall due in a year."""
        return sorted(((int(day), int(month)) for day, month in pairs), key=lambda pair: (pair[1], pair[0]))

    @property
    def tranche_percents(self) -> str:
        """The tranche split as the admin form writes it, "50, 30, 20"."""
        return percents_text(self.tranche_split)


class SupportCategory(db.Model):
    """A content of support (nội dung hỗ trợ) with its rule: rate of eligible cost and cap, or a fixed amount."""

    __tablename__ = "support_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    regime_id: Mapped[int] = mapped_column(ForeignKey("regimes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    rule_kind: Mapped[str] = mapped_column(String(16))
    rate_percent: Mapped[int | None]
    cap_vnd: Mapped[int | None] = mapped_column(BigInteger)
    fixed_amount_vnd: Mapped[int | None] = mapped_column(BigInteger)
    eligible_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    illustrative: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    regime: Mapped[Regime] = relationship(back_populates="categories", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("regime_id", "code"),
        CheckConstraint(
            "(rule_kind = 'rate_cap' AND rate_percent BETWEEN 1 AND 100 AND cap_vnd > 0)"
            " OR (rule_kind = 'fixed' AND fixed_amount_vnd > 0)",
            name="rule",
        ),
    )

    def max_support(self, eligible_cost: int) -> int:
        """The most this category may give for an eligible cost, in VND."""
        if self.rule_kind == "fixed":
            return int(self.fixed_amount_vnd or 0)
        return min(eligible_cost * int(self.rate_percent or 0) // 100, int(self.cap_vnd or 0))


class RegimeCondition(db.Model):
    """A regime-wide condition (located in the province, counterpart funds, at most N contents a year...)."""

    __tablename__ = "regime_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    regime_id: Mapped[int] = mapped_column(ForeignKey("regimes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(48))
    kind: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[int | None]
    sort_order: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    regime: Mapped[Regime] = relationship(back_populates="conditions", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("regime_id", "code"),
        CheckConstraint("kind IN ('requirement', 'limit_per_year', 'exclusion')", name="kind"),
        CheckConstraint("kind != 'limit_per_year' OR value >= 1", name="limit_value"),
    )


class Sector(db.Model):
    """A sector of Plan 1821 (lĩnh vực) with its priority items."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    heading: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    version: Mapped[int] = mapped_column(default=1)

    items: Mapped[list["PriorityItem"]] = relationship(
        back_populates="sector", lazy="raise", order_by="PriorityItem.number", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class PriorityItem(db.Model):
    """A priority item of a sector, in the plan's official words."""

    __tablename__ = "priority_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")

    sector: Mapped[Sector] = relationship(back_populates="items", lazy="raise")

    __table_args__ = (UniqueConstraint("sector_id", "number"),)


class PublicHoliday(db.Model):
    """A public holiday (ngày nghỉ lễ, Tết), which deadlines counted in working days skip."""

    __tablename__ = "public_holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


call_categories = Table(
    "call_categories",
    db.metadata,
    Column("call_id", ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("support_categories.id", ondelete="CASCADE"), primary_key=True),
)
call_sectors = Table(
    "call_sectors",
    db.metadata,
    Column("call_id", ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)

CALL_STATES = {"draft": _l("Draft"), "open": _l("Published"), "closed": _l("Closed")}
register_status_labels("call", CALL_STATES)
CALL_PHASES = {
    "draft": _l("Draft"),
    "upcoming": _l("Opens soon"),
    "open": _l("Open for applications"),
    "closed": _l("Closed"),
}
register_status_labels("call_phase", CALL_PHASES)
CALL_TRANSITIONS: TransitionTable = {
    ("draft", "open"): Transition(MANAGERS, _l("Publish")),
    ("open", "closed"): Transition(MANAGERS, _l("Close now"), comment_required=True),
    ("closed", "open"): Transition(MANAGERS, _l("Reopen"), comment_required=True),
}


class Call(db.Model):
    """A call for applications (đợt tiếp nhận hồ sơ) under a regime."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    regime_id: Mapped[int] = mapped_column(ForeignKey("regimes.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255), default="")
    year: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime | None]  # None: a rolling call, decided in batches
    budget_vnd: Mapped[int] = mapped_column(BigInteger)
    guidance: Mapped[str] = mapped_column(Text, default="")
    guidance_en: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)
    # The last reference number given to an application of this call, raised by one conditional update.
    last_proposal_number: Mapped[int] = mapped_column(default=0)
    # Support approved by decisions so far, raised by one conditional update that never passes budget_vnd.
    committed_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    regime: Mapped[Regime] = relationship(lazy="raise")
    categories: Mapped[list[SupportCategory]] = relationship(
        secondary=call_categories, lazy="raise", order_by=SupportCategory.sort_order
    )
    sectors: Mapped[list[Sector]] = relationship(secondary=call_sectors, lazy="raise", order_by=Sector.number)
    documents: Mapped[list["CallDocument"]] = relationship(
        back_populates="call", lazy="raise", order_by="CallDocument.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("closes_at IS NULL OR closes_at > opens_at", name="dates"),
        CheckConstraint("budget_vnd >= 0", name="budget"),
        CheckConstraint("committed_vnd BETWEEN 0 AND budget_vnd", name="committed"),
        Index("ix_calls_status_closes_at", "status", "closes_at"),
    )

    @property
    def is_rolling(self) -> bool:
        return self.closes_at is None

    def phase(self, now: datetime | None = None) -> str:
        """draft, upcoming, open or closed, as the public sees it now."""
        now = now or utcnow()
        if self.status == "draft":
            return "draft"
        if self.status == "closed" or (self.closes_at is not None and now >= self.closes_at):
            return "closed"
        return "upcoming" if now < self.opens_at else "open"

    def is_accepting(self, now: datetime | None = None) -> bool:
        """True while applications may be submitted."""
        return self.phase(now) == "open"

    def can_view(self, user: object) -> bool:
        """Published calls are public; drafts only for department staff."""
        return self.status != "draft" or holds_role(user, DEPARTMENT_ROLES)

    def can_edit(self, user: object) -> bool:
        return holds_role(user, MANAGERS)

    def can_apply(self, user: object) -> bool:
        """True when the user may start an application to this call: an applicant acting for an organization (the
        call's own state, open or not, is the service's to check and explain)."""
        return holds_role(user, APPLICANTS) and user.membership is not None


class CallDocument(db.Model):
    """One entry of a call's required-documents checklist."""

    __tablename__ = "call_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    required: Mapped[bool] = mapped_column(default=True)

    call: Mapped[Call] = relationship(back_populates="documents", lazy="raise")


@event.listens_for(Call, "before_insert")
@event.listens_for(Call, "before_update")
def _call_search_text(mapper: object, connection: object, call: Call) -> None:
    call.search_text = normalize_search(call.code, call.title, call.title_en)

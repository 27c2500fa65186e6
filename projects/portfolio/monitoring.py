"""The staff's monitoring page: every project with its health, filtered and paged, and the money approved, paid and
settled per call and per sector."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from core.extensions import db
from core.i18n import localized
from core.search import contains
from policies.models import Call, Sector
from policies.services import regimes_newest_first
from projects.contracts.models import LEGACY_AREAS, PROJECT_STATES, Project
from projects.portfolio.health import HEALTH_LEVELS
from projects.portfolio.models import PortfolioSum
from projects.portfolio.queries import project_rows


@dataclass(frozen=True)
class MonitoringFilter:
    """The monitoring page's filters, read from the query string (anything unknown is ignored)."""

    regime_id: int | None = None
    call_id: int | None = None
    sector_id: int | None = None
    state: str = ""
    area: str = ""
    health: str = ""
    query: str = ""

    @classmethod
    def from_args(cls, args: MultiDict) -> "MonitoringFilter":
        """The filters of a request's arguments."""

        def known(name: str, choices: dict) -> str:
            value = args.get(name, "")
            return value if value in choices else ""

        return cls(
            regime_id=args.get("regime", type=int),
            call_id=args.get("call", type=int),
            sector_id=args.get("sector", type=int),
            state=known("state", PROJECT_STATES),
            area=known("area", LEGACY_AREAS),
            health=known("health", HEALTH_LEVELS),
            query=args.get("q", "").strip(),
        )

    def args(self) -> dict:
        """The filters as query-string arguments, for the pager's links."""
        values = {
            "regime": self.regime_id,
            "call": self.call_id,
            "sector": self.sector_id,
            "state": self.state,
            "area": self.area,
            "health": self.health,
            "q": self.query,
        }
        return {name: value for name, value in values.items() if value}

    def apply(self, statement: Select, source: type = Project) -> Select:
        """The statement (over Project, or PortfolioSum, which has the same columns) restricted by every filter
        except health (the money totals leave it aside); the search reads the projects themselves."""
        columns = (
            (source.regime_id, self.regime_id),
            (source.call_id, self.call_id),
            (source.sector_id, self.sector_id),
            (source.status, self.state),
            (source.legacy_area, self.area),
        )
        for column, value in columns:
            if value:
                statement = statement.where(column == value)
        if self.query:
            statement = statement.where(contains(Project.search_text, self.query))
        return statement


def monitoring_statement(filters: MonitoringFilter) -> Select:
    """The filtered projects, soonest end first; the health filter reads the stored health through
    ix_projects_health (health, end_on, id), in that order."""
    statement = filters.apply(select(Project))
    if filters.health:
        statement = statement.where(Project.health == filters.health)
    return statement.order_by(Project.end_on, Project.id)


def monitoring_page(filters: MonitoringFilter, page: int, per_page: int, today: date) -> tuple[Pagination, list]:
    """A page of the filtered projects with their health, paged in SQL."""
    statement = monitoring_statement(filters).options(joinedload(Project.organization))
    pagination = db.paginate(statement, page=page, per_page=per_page, error_out=False)
    return pagination, project_rows(pagination.items, today)


@dataclass(frozen=True)
class MoneyTotal:
    """Support approved, paid and settled over a group of projects (a call or a sector; None: without one)."""

    group: object
    projects: int
    approved_vnd: int
    paid_vnd: int
    settled_vnd: int


def money_statement(filters: MonitoringFilter, by: str) -> Select:
    """The sums per call or per sector (group_id, projects, approved, paid, settled): added up from the stored sums
    of portfolio_sums (a few rows per call), or from the projects themselves when a search narrows them."""
    source = Project if filters.query else PortfolioSum
    column = source.call_id if by == "call" else source.sector_id
    count = func.count() if filters.query else func.sum(PortfolioSum.projects)
    sums = (func.sum(getattr(source, name)) for name in ("approved_vnd", "paid_vnd", "settled_vnd"))
    statement = select(column.label("group_id"), count.label("projects"), *sums).group_by(column)
    return filters.apply(statement, source)


def money_totals(filters: MonitoringFilter, by: str) -> list[MoneyTotal]:
    """Approved, paid and settled support of the filtered projects (health aside), per call or per sector."""
    group = Call if by == "call" else Sector
    sums = money_statement(filters, by).subquery()
    query = select(group, *list(sums.c)[1:]).select_from(sums).outerjoin(group, group.id == sums.c.group_id)
    order = Call.code if by == "call" else Sector.number
    rows = db.session.execute(query.order_by(order))
    return [MoneyTotal(row[0], *(int(value or 0) for value in row[1:])) for row in rows]


def filter_selects() -> list[tuple[str, str, list[tuple[object, str]]]]:
    """The monitoring page's select filters as (argument, label for "all", [(value, label)]): regimes, calls that
    have projects, sectors, states, legacy areas and health levels."""
    regimes = regimes_newest_first()
    calls = db.session.execute(
        select(Call).where(Call.id.in_(select(Project.call_id))).order_by(Call.year.desc(), Call.code)
    ).scalars()
    sectors = db.session.execute(select(Sector).order_by(Sector.number)).scalars()
    sector_options = [(sector.id, f"{sector.number}. {localized(sector, 'name')}") for sector in sectors]
    return [
        ("regime", _("All regimes"), [(regime.id, regime.code) for regime in regimes]),
        ("call", _("All calls"), [(call.id, call.code) for call in calls]),
        ("sector", _("All sectors"), sector_options),
        ("state", _("All states"), list(PROJECT_STATES.items())),
        ("area", _("All areas"), [(key, label) for key, label in LEGACY_AREAS.items() if key]),
        ("health", _("Any health"), list(HEALTH_LEVELS.items())),
    ]

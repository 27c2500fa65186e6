"""What was funded, for the public: every project the department supports (they all come from a signed contract),
with what the public may know of it, and every fixed amount a batch decision approved (DOMAIN §6).

A recipient that is a person (an individual or a household business, whose tax code may be the owner's personal
number) is not named, after the 360Giving guidance for grants to individuals: the lists and the page say "an
individual or household business", show nothing typed by or about the person (the lead, the contract's parties),
and a search never finds such a project or amount (its words hold the lead's name)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.datastructures import MultiDict

from accounts.models import PERSONAL_ID_TYPES, Organization
from core.extensions import db
from core.search import contains
from policies.models import Call, PriorityItem
from policies.services import regimes_newest_first, sectors_in_order
from projects.contracts.models import LEGACY_AREAS, PROJECT_STATES, Project
from projects.fixed.models import BatchDecision, FixedAward
from proposals.models import Proposal, proposal_priority_items
from reports import in_year, years_of

FUNDED_AWARDS = ("approved", "paid")  # a fixed amount its batch decision approved, paid or to be paid


@dataclass(frozen=True)
class PublicFilter:
    """The public list's filters, read from the query string (anything unknown is ignored)."""

    year: int | None = None
    sector_id: int | None = None
    regime_id: int | None = None
    area: str = ""
    state: str = ""
    query: str = ""

    @classmethod
    def from_args(cls, args: MultiDict) -> "PublicFilter":
        """The filters of a request's arguments."""
        year = args.get("year", type=int)
        area, state = args.get("area", ""), args.get("state", "")
        return cls(
            year=year if year and 1900 < year < 3000 else None,
            sector_id=args.get("sector", type=int),
            regime_id=args.get("regime", type=int),
            area=area if area in LEGACY_AREAS and area else "",
            state=state if state in PROJECT_STATES else "",
            query=args.get("q", "").strip()[:200],
        )

    def args(self) -> dict:
        """The filters as query-string arguments, for the pager's links."""
        values = {
            "year": self.year,
            "sector": self.sector_id,
            "regime": self.regime_id,
            "area": self.area,
            "state": self.state,
            "q": self.query,
        }
        return {name: value for name, value in values.items() if value}


def recipient_name(organization: Organization) -> str:
    """The recipient as the public reads it: the organization's name, or no name for a person."""
    if organization.org_type in PERSONAL_ID_TYPES:
        return _("An individual or household business")
    return organization.name


def _searched(statement: Select, organization_id: ColumnElement, words: ColumnElement, query: str) -> Select:
    """The rows whose words (a search column) or organization's name hold the query, of organizations only."""
    people = select(Organization.id).where(Organization.org_type.in_(PERSONAL_ID_TYPES))
    named = select(Organization.id).where(contains(Organization.search_text, query))
    return statement.where(organization_id.not_in(people), or_(contains(words, query), organization_id.in_(named)))


def public_statement(filters: PublicFilter) -> Select:
    """The funded projects the filters select, the latest contract first. A search reads the projects' words (code,
    contract number, title, lead) and the organizations' names, among the projects of organizations only."""
    statement = select(Project).options(joinedload(Project.organization), joinedload(Project.sector))
    statement = in_year(statement, Project.signed_on, filters.year)
    for column, value in (
        (Project.sector_id, filters.sector_id),
        (Project.regime_id, filters.regime_id),
        (Project.legacy_area, filters.area),
        (Project.status, filters.state),
    ):
        if value:
            statement = statement.where(column == value)
    if filters.query:
        statement = _searched(statement, Project.organization_id, Project.search_text, filters.query)
    return statement.order_by(Project.signed_on.desc(), Project.id.desc())


def public_page(filters: PublicFilter, page: int, per_page: int) -> Pagination:
    """A page of the funded projects."""
    return db.paginate(public_statement(filters), page=page, per_page=per_page, error_out=False)


def public_project(project_id: int) -> Project:
    """A funded project with its organization, sector and regime, or 404."""
    return db.one_or_404(
        select(Project)
        .where(Project.id == project_id)
        .options(joinedload(Project.organization), joinedload(Project.sector), joinedload(Project.regime))
    )


def priority_items(project: Project) -> list[PriorityItem]:
    """The priority items of Plan 1821 the project's application named (none for a project without one)."""
    if project.proposal_id is None:
        return []
    named = proposal_priority_items.c
    statement = (
        select(PriorityItem)
        .join(proposal_priority_items, named.priority_item_id == PriorityItem.id)
        .where(named.proposal_id == project.proposal_id)
        .order_by(PriorityItem.number)
    )
    return list(db.session.execute(statement).scalars())


def awards_statement(filters: PublicFilter) -> Select:
    """The fixed amounts approved by a batch decision (paid or to be paid) the filters select (year of the decision,
    sector, regime, search), the latest decision first."""
    statement = (
        select(FixedAward)
        .join(FixedAward.batch)
        .join(FixedAward.proposal)
        .where(FixedAward.status.in_(FUNDED_AWARDS))
        .options(
            contains_eager(FixedAward.batch),
            contains_eager(FixedAward.proposal).options(
                joinedload(Proposal.organization), joinedload(Proposal.sector), joinedload(Proposal.category)
            ),
        )
    )
    statement = in_year(statement, BatchDecision.signed_on, filters.year)
    if filters.sector_id:
        statement = statement.where(Proposal.sector_id == filters.sector_id)
    if filters.regime_id:
        statement = statement.where(Proposal.call_id.in_(select(Call.id).where(Call.regime_id == filters.regime_id)))
    if filters.query:
        statement = _searched(statement, Proposal.organization_id, Proposal.search_text, filters.query)
    return statement.order_by(BatchDecision.signed_on.desc(), FixedAward.id.desc())


def awards_page(filters: PublicFilter, page: int, per_page: int) -> Pagination:
    """A page of the fixed amounts."""
    return db.paginate(awards_statement(filters), page=page, per_page=per_page, error_out=False)


def award_filter_options() -> dict:
    """The choices of the fixed amounts' filters: the years of their decisions, sectors, regimes."""
    return {
        "years": years_of(BatchDecision.signed_on),
        "sectors": sectors_in_order(),
        "regimes": regimes_newest_first(),
    }


def filter_options() -> dict:
    """The choices of the list's filters: the years contracts were signed in, sectors, regimes, areas, states."""
    return {
        "years": years_of(Project.signed_on),
        "sectors": sectors_in_order(),
        "regimes": regimes_newest_first(),
        "areas": {key: label for key, label in LEGACY_AREAS.items() if key},
        "states": PROJECT_STATES,
    }

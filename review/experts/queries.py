"""Reading expertise: one profile for its page, the reviewers listed, and the expertise of many members and the
topics of many applications for the matching, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from accounts.models import REVIEWERS, User, UserRole
from core.extensions import db
from core.search import contains
from proposals.models import Proposal, proposal_priority_items
from review.councils.models import Assignment, CouncilMember
from review.experts.affinity import Affinity, Expertise, Topic, affinity, flat
from review.experts.models import ExpertProfile


def _profiles() -> Select:
    return select(ExpertProfile).options(
        selectinload(ExpertProfile.sectors),
        selectinload(ExpertProfile.priority_items),
        selectinload(ExpertProfile.history),
    )


def load_profile(user_id: int) -> ExpertProfile | None:
    """The user's profile with its sectors, items and history, or None."""
    return db.session.execute(_profiles().where(ExpertProfile.user_id == user_id)).scalar_one_or_none()


def expertise_of(user_ids: list[int]) -> dict[int, Expertise]:
    """Each user's expertise (empty without a profile)."""
    found = {user_id: Expertise.of(profile) for user_id, profile in profiles_of(user_ids).items()}
    return {user_id: found.get(user_id, Expertise()) for user_id in user_ids}


def topics_of(proposal_ids: list[int]) -> dict[int, Topic]:
    """Each application's sector, priority items and normalized text."""
    items: dict[int, set[int]] = defaultdict(set)
    for proposal_id, item_id in db.session.execute(
        select(proposal_priority_items.c.proposal_id, proposal_priority_items.c.priority_item_id).where(
            proposal_priority_items.c.proposal_id.in_(proposal_ids)
        )
    ):
        items[proposal_id].add(item_id)
    rows = db.session.execute(
        select(Proposal.id, Proposal.sector_id, Proposal.match_text).where(Proposal.id.in_(proposal_ids))
    )
    return {pid: Topic(sector_id, frozenset(items[pid]), flat(text)) for pid, sector_id, text in rows}


def experts_page(query: str, page: int, per_page: int) -> object:
    """The active users who may sit on councils, by name, matching the query if given."""
    listed = (
        select(User)
        .where(User.active, User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(REVIEWERS))))
        .order_by(User.full_name, User.id)
    )
    if query:
        listed = listed.where(contains(User.search_text, query))
    return db.paginate(listed, page=page, per_page=per_page, max_per_page=100, error_out=False)


def profiles_of(user_ids: list[int]) -> dict[int, ExpertProfile]:
    """The profiles of these users that exist, with their sectors, items and history."""
    rows = db.session.execute(_profiles().where(ExpertProfile.user_id.in_(user_ids))).scalars()
    return {profile.user_id: profile for profile in rows}


@dataclass(frozen=True)
class Fit:
    """Why a member suits an application: their affinity, and their reviews in the council against their limit."""

    affinity: Affinity
    reviews: int
    max_reviews: int | None
    has_profile: bool


def member_fits(seats: list[CouncilMember], proposal: Proposal) -> dict[int, Fit]:
    """Each seat's fit for the application (its priority items loaded), by seat id."""
    expertise = expertise_of([seat.user_id for seat in seats])
    topic = Topic.of(proposal)
    reviews = dict(
        db.session.execute(
            select(Assignment.member_id, func.count())
            .where(Assignment.member_id.in_([seat.id for seat in seats]), Assignment.is_reviewer)
            .group_by(Assignment.member_id)
        ).all()
    )
    return {
        seat.id: Fit(
            affinity(expertise[seat.user_id], topic),
            reviews.get(seat.id, 0),
            expertise[seat.user_id].max_reviews,
            expertise[seat.user_id].has_profile,
        )
        for seat in seats
    }

"""Keeping an expert's profile; the councils being formed that seat the expert detect conflicts and propose reviewers
again with it."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.audit import record_event
from core.errors import DomainError
from core.extensions import db
from core.formatting import utcnow
from policies.models import PriorityItem, Sector
from review.councils.assignments import sync_assignments
from review.councils.models import Council, CouncilMember
from review.councils.queries import load_council
from review.experts.models import ExpertAffiliation, ExpertProfile


def save_profile(expert: User, profile: ExpertProfile | None, data: dict, actor: User) -> ExpertProfile:
    """Create or replace the expert's profile (the saved one with its sectors, items and history loaded)."""
    sectors = list(db.session.execute(select(Sector).where(Sector.id.in_(data["sector_ids"]))).scalars())
    items = list(
        db.session.execute(
            select(PriorityItem)
            .where(PriorityItem.id.in_(data["priority_item_ids"]))
            .options(joinedload(PriorityItem.sector))
        ).scalars()
    )
    if len(sectors) != len(set(data["sector_ids"])) or len(items) != len(set(data["priority_item_ids"])):
        raise DomainError(_("Choose sectors and priority items from the lists."), "sector_ids")
    if profile is None:
        profile = ExpertProfile(user_id=expert.id, sectors=[], priority_items=[], history=[])
        db.session.add(profile)
    profile.sectors, profile.priority_items = sectors, items
    profile.keywords, profile.max_reviews = data["keywords"], data["max_reviews"]
    profile.history = [ExpertAffiliation(position=n, **row) for n, row in enumerate(data["history"])]
    profile.updated_at = utcnow()  # the profile's own row changes (and its version moves) whatever part changed
    db.session.flush()
    record_event("expertise", "user", expert.id, comment=_summary(profile), actor=actor)
    forming = select(Council.id).join(CouncilMember, CouncilMember.council_id == Council.id)
    forming = forming.where(CouncilMember.user_id == expert.id, Council.status == "forming")
    for council_id in db.session.execute(forming).scalars().all():
        # Once scoring is open the member declares per application instead (a sheet may already stand).
        sync_assignments(load_council(council_id))
    return profile


def _summary(profile: ExpertProfile) -> str:
    """What the audit log keeps of the saved profile."""
    sectors = ", ".join(str(s.number) for s in profile.sectors)
    items = ", ".join(f"{i.sector.number}.{i.number}" for i in profile.priority_items)
    places = ", ".join(p.organization_name for p in profile.history)
    return f"sectors [{sectors}]; items [{items}]; max {profile.max_reviews}; history [{places}]"[:2000]

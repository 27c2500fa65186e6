"""How well a member's expertise fits an application, and the conflicts their work history makes.

The affinity is a whole number of points, each reason worth a fixed amount: the application's sector among the
member's sectors (2), each of its priority items among theirs (3), each of the member's keywords found in its title,
objectives or technology, whole words, ignoring case and accents (1, at most 5 counted)."""

from dataclasses import dataclass

from flask_babel import gettext as _

from core.text import normalize_search
from proposals.models import Proposal
from review.experts.models import ExpertAffiliation, ExpertProfile

SECTOR_POINTS = 2
ITEM_POINTS = 3
KEYWORD_POINTS = 1
KEYWORDS_COUNTED = 5


@dataclass(frozen=True)
class Expertise:
    """A member's profile as the matching reads it (no profile: no expertise, no limit, no history)."""

    sector_ids: frozenset[int] = frozenset()
    item_ids: frozenset[int] = frozenset()
    keywords: tuple[str, ...] = ()  # as typed
    max_reviews: int | None = None
    history: tuple[ExpertAffiliation, ...] = ()
    has_profile: bool = False
    folded: tuple[str, ...] = ()  # the keywords normalized (core.text), padded with spaces to match whole words

    @classmethod
    def of(cls, profile: ExpertProfile | None) -> "Expertise":
        """The profile's expertise; its sectors, items and history must be loaded."""
        if profile is None:
            return cls()
        return cls(
            frozenset(s.id for s in profile.sectors),
            frozenset(i.id for i in profile.priority_items),
            tuple(profile.keyword_list),
            profile.max_reviews,
            tuple(profile.history),
            True,
            tuple(f" {normalize_search(k)} " for k in profile.keyword_list),
        )


@dataclass(frozen=True)
class Topic:
    """What an application is about: its sector, priority items and normalized text."""

    sector_id: int | None
    item_ids: frozenset[int]
    text: str

    @classmethod
    def of(cls, proposal: Proposal) -> "Topic":
        """The topic of a loaded application (its priority items loaded)."""
        return cls(proposal.sector_id, frozenset(i.id for i in proposal.priority_items), flat(proposal.match_text))


def flat(text: str | None) -> str:
    """The normalized text on one line (match_text keeps the title on a line of its own)."""
    return " ".join((text or "").split())


@dataclass(frozen=True)
class Affinity:
    """The points and their reasons: whether the sector matched, the priority items and keywords that matched."""

    points: int = 0
    sector: bool = False
    item_ids: tuple[int, ...] = ()
    keywords: tuple[str, ...] = ()


def affinity(expertise: Expertise, topic: Topic) -> Affinity:
    """The member's affinity for the application."""
    sector = topic.sector_id is not None and topic.sector_id in expertise.sector_ids
    items = tuple(sorted(topic.item_ids & expertise.item_ids))
    padded = f" {topic.text} "
    keywords = tuple(k for k, folded in zip(expertise.keywords, expertise.folded, strict=True) if folded in padded)
    points = SECTOR_POINTS * sector + ITEM_POINTS * len(items) + KEYWORD_POINTS * min(len(keywords), KEYWORDS_COUNTED)
    return Affinity(points, sector, items, keywords)


def history_conflict(expertise: Expertise, name: str, tax_code: str, this_year: int, years: int) -> str:
    """Why the member's history forbids judging this organization ('' when it does not)."""
    for past in expertise.history:
        if past.is_recent(this_year, years) and past.is_with(name, tax_code):
            if past.to_year is None:
                return _("Works for the applicant organization (%(name)s).", name=past.organization_name)
            return _(
                "Worked for the applicant organization (%(name)s) until %(year)d, within the last %(years)d years.",
                name=past.organization_name,
                year=past.to_year,
                years=years,
            )
    return ""

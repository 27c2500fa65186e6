"""The automatic checks: the category's rule and cap, completeness, regime conditions, possible duplicates."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import selectinload

from accounts.models import ORG_TYPES, Organization
from core.extensions import db
from core.formatting import format_money
from core.search import ranked_ids
from policies.models import RegimeCondition, SupportCategory
from proposals.models import Proposal

# States in which an application counts against the applicant's yearly limit and can be a duplicate of another.
ACTIVE_STATES = ("submitted", "under_check", "needs_supplement", "valid")
CANDIDATES = 50  # how many applications the index proposes to the duplicate check, which scores only those


@dataclass
class Finding:
    """One result of a check: ok or not, with a sentence that says why."""

    ok: bool
    message: str


def budget_finding(category: SupportCategory | None, support: int, counterpart: int) -> Finding | None:
    """Whether the support requested fits the category's rule; None while no category is chosen."""
    if category is None:
        return None
    limit = category.max_support(support + counterpart)
    if category.rule_kind == "fixed":
        rule = _("fixed amount of %(amount)s", amount=format_money(category.fixed_amount_vnd))
    else:
        rule = _(
            "%(rate)d%% of the total cost of %(cost)s, at most %(cap)s",
            rate=category.rate_percent,
            cost=format_money(support + counterpart),
            cap=format_money(category.cap_vnd),
        )
    if support <= limit:
        return Finding(
            True,
            _(
                "The support requested, %(amount)s, fits the limit of %(limit)s (%(rule)s).",
                amount=format_money(support),
                limit=format_money(limit),
                rule=rule,
            ),
        )
    return Finding(
        False,
        _(
            "The support requested, %(amount)s, exceeds the limit of %(limit)s (%(rule)s) by %(over)s.",
            amount=format_money(support),
            limit=format_money(limit),
            rule=rule,
            over=format_money(support - limit),
        ),
    )


def eligibility_finding(category: SupportCategory | None, organization: Organization) -> Finding | None:
    """Whether the organization's type may receive this category of support."""
    if category is None or not category.eligible_types or organization.org_type in category.eligible_types:
        return None
    return Finding(
        False,
        _(
            "This category does not support applicants of the type “%(type)s”.",
            type=ORG_TYPES.get(organization.org_type, organization.org_type),
        ),
    )


def missing_items(proposal: Proposal) -> list[str]:
    """What still has to be filled in or attached (or what prevents it) before the application can be submitted."""
    closed = proposal.status == "draft" and not proposal.call.is_accepting()
    missing = [_("The call has closed: applications can no longer be submitted.")] if closed else []
    missing += [
        str(label)
        for name, label in (
            ("title", _("Title")),
            ("category", _("Support category")),
            ("sector", _("Sector")),
            ("lead_name", _("Project lead")),
            ("objectives", _("Objectives")),
            ("necessity", _("Necessity")),
            ("technology", _("Technology or solution")),
            ("technology_origin", _("Origin of the technology")),
            ("place", _("Place of implementation")),
            ("duration_months", _("Duration (months)")),
            ("effects", _("Socio-economic and environmental effects")),
            ("replication_plan", _("Replication plan")),
        )
        if not getattr(proposal, name)
    ]
    if proposal.sector is not None and not proposal.priority_items:
        missing.append(_("At least one priority item of the sector"))
    if not proposal.work_packages:
        missing.append(_("At least one work package"))
    if not proposal.products:
        missing.append(_("At least one expected product"))
    if not proposal.budget_lines or proposal.support_total_vnd <= 0:
        missing.append(_("Budget lines with an amount of support requested"))
    attached = {f.call_document_id for f in proposal.active_files}
    missing += [
        _("Document: %(name)s", name=doc.name)
        for doc in proposal.call.documents
        if doc.required and doc.id not in attached
    ]
    for finding in (
        budget_finding(proposal.category, proposal.support_total_vnd, proposal.counterpart_total_vnd),
        eligibility_finding(proposal.category, proposal.organization),
    ):
        if finding is not None and not finding.ok:
            missing.append(finding.message)
    return missing


def condition_findings(
    proposal: Proposal, conditions: list[RegimeCondition]
) -> list[tuple[RegimeCondition, Finding | None]]:
    """Each regime condition with what the system could check about it (None: staff judge it from the dossier)."""
    results: list[tuple[RegimeCondition, Finding | None]] = []
    for condition in conditions:
        finding = None
        if condition.kind == "limit_per_year" and condition.value:
            others = db.session.execute(
                select(func.count())
                .select_from(Proposal)
                .where(
                    Proposal.organization_id == proposal.organization_id,
                    Proposal.year == proposal.year,
                    Proposal.status.in_(ACTIVE_STATES),
                    Proposal.id != proposal.id,
                )
            ).scalar_one()
            count = others + 1
            finding = Finding(
                count <= condition.value,
                _(
                    "%(count)d application(s) of this organization in %(year)d, this one included; the limit is "
                    "%(limit)d.",
                    count=count,
                    year=proposal.year,
                    limit=condition.value,
                ),
            )
        results.append((condition, finding))
    return results


@dataclass
class RuleChecks:
    """The rule checks shown to the applicant and to staff."""

    budget: Finding | None
    eligibility: Finding | None
    conditions: list[tuple[RegimeCondition, Finding | None]]


def rule_checks(proposal: Proposal) -> RuleChecks:
    """Budget against the category's rule, eligibility of the applicant's type, the regime's conditions."""
    return RuleChecks(
        budget_finding(proposal.category, proposal.support_total_vnd, proposal.counterpart_total_vnd),
        eligibility_finding(proposal.category, proposal.organization),
        condition_findings(proposal, proposal.call.regime.conditions),
    )


@dataclass
class SimilarRecord:
    """Another application that may duplicate this one, with how alike they are and why it is listed."""

    proposal: Proposal
    title_similarity: int
    content_similarity: int
    reasons: list[str] = field(default_factory=list)


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(max(len(words) - 2, 0))}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _title_similarity(title: list[str], other: list[str], threshold: float) -> float:
    """How alike two normalized titles are (0–1), word by word and in order; the cheap upper bound skips the
    exact ratio when it cannot reach the threshold."""
    if not title or not other:
        return 0.0
    matcher = SequenceMatcher(None, title, other, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= threshold else 0.0


def _candidates(proposal: Proposal, title_words: list[str]) -> Select:
    """The other applications worth scoring, a bounded number: the ones whose text has most of the title's words in
    order (through the index, most relevant first) and the organization's of the same category and year."""
    others = (Proposal.id != proposal.id, Proposal.status.not_in(("draft", "withdrawn")))
    same_organization = (
        select(Proposal.id)
        .where(
            Proposal.organization_id == proposal.organization_id,
            Proposal.year == proposal.year,
            Proposal.category_id == proposal.category_id,
            *others,
        )
        .limit(CANDIDATES)
    )
    if not title_words:
        return same_organization
    similar = ranked_ids(Proposal.match_text, title_words, CANDIDATES, *others).subquery()
    return union(select(similar.c.id), select(same_organization.subquery().c.id))


def similar_proposals(proposal: Proposal, limit: int = 10) -> list[SimilarRecord]:
    """Applications (of any call, funded ones included) with a similar title or content, or the same
    organization and category in the same year: possible duplicates or double funding."""
    threshold = current_app.config["SIMILARITY_THRESHOLD"]
    title, _sep, content_text = (proposal.match_text or "").partition("\n")
    title_words, content = title.split(), _shingles(content_text.split())
    rows = db.session.execute(
        select(Proposal.id, Proposal.match_text, Proposal.organization_id, Proposal.category_id, Proposal.year)
        .where(Proposal.id.in_(_candidates(proposal, title_words)))
        .order_by(Proposal.id)
    ).all()
    found: dict[int, tuple[int, int, list[str]]] = {}
    for row in rows:
        other_title, _sep, other_content = row.match_text.partition("\n")
        title_ratio = _title_similarity(title_words, other_title.split(), threshold)
        content_ratio = _jaccard(content, _shingles(other_content.split())) if content else 0.0
        reasons = []
        if title_ratio >= threshold:
            reasons.append(_("similar title"))
        if content_ratio >= threshold:
            reasons.append(_("similar content"))
        same_org = row.organization_id == proposal.organization_id and row.year == proposal.year
        if same_org and proposal.category_id and row.category_id == proposal.category_id:
            reasons.append(_("same organization and support category in %(year)d", year=row.year))
        if reasons:
            found[row.id] = (round(title_ratio * 100), round(content_ratio * 100), reasons)
    ranked = sorted(found, key=lambda pid: -max(found[pid][0], found[pid][1]))[:limit]
    if not ranked:
        return []
    loaded = {
        p.id: p
        for p in db.session.execute(
            select(Proposal)
            .where(Proposal.id.in_(ranked))
            .options(selectinload(Proposal.organization), selectinload(Proposal.call))
        ).scalars()
    }
    return [SimilarRecord(loaded[pid], *found[pid]) for pid in ranked]

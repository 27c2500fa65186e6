"""Frozen copies of an application and the field-by-field difference between two of them."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core.formatting import format_money
from proposals.models import BUDGET_KINDS, Proposal, ProposalVersion

# The sections of a copy, in the order of the application form: key → label.
SECTIONS = {
    "title": _l("Title"),
    "category": _l("Support category"),
    "sector": _l("Sector"),
    "priority_items": _l("Priority items"),
    "lead": _l("Project lead"),
    "objectives": _l("Objectives"),
    "necessity": _l("Necessity"),
    "technology": _l("Technology or solution"),
    "technology_origin": _l("Origin of the technology"),
    "work_packages": _l("Work packages"),
    "products": _l("Expected products"),
    "place": _l("Place of implementation"),
    "duration_months": _l("Duration (months)"),
    "effects": _l("Socio-economic and environmental effects"),
    "replication_plan": _l("Replication plan"),
    "budget_lines": _l("Budget lines"),
    "support_total": _l("Support requested"),
    "counterpart_total": _l("Counterpart funds"),
    "documents": _l("Documents"),
}


def content_of(proposal: Proposal) -> dict[str, str | list[str]]:
    """The application's contents as plain text per section (children and files must be loaded)."""
    category = proposal.category
    lead = " · ".join(
        p for p in (proposal.lead_name, proposal.lead_title, proposal.lead_phone, proposal.lead_email) if p
    )
    return {
        "title": proposal.title,
        "category": f"{category.code} — {category.name}" if category else "",
        "sector": f"{proposal.sector.number}. {proposal.sector.name}" if proposal.sector else "",
        "priority_items": [f"{proposal.sector.number}.{item.number} {item.text}" for item in proposal.priority_items]
        if proposal.sector
        else [],
        "lead": lead,
        "objectives": proposal.objectives,
        "necessity": proposal.necessity,
        "technology": proposal.technology,
        "technology_origin": proposal.technology_origin,
        "work_packages": [
            f"{w.name} · {w.month_from or '?'}–{w.month_to or '?'} · {w.products}".rstrip(" ·")
            for w in proposal.work_packages
        ],
        "products": [
            f"{p.name} · {p.quantity if p.quantity is not None else '?'} {p.unit} · {p.quality_target}".rstrip(" ·")
            for p in proposal.products
        ],
        "place": proposal.place,
        "duration_months": "" if proposal.duration_months is None else str(proposal.duration_months),
        "effects": proposal.effects,
        "replication_plan": proposal.replication_plan,
        "budget_lines": [
            f"{BUDGET_KINDS.get(b.kind, b.kind)} · {b.description} · {format_money(b.support_vnd)}"
            f" + {format_money(b.counterpart_vnd)}"
            for b in proposal.budget_lines
        ],
        "support_total": format_money(proposal.support_total_vnd),
        "counterpart_total": format_money(proposal.counterpart_total_vnd),
        "documents": [
            f"{f.call_document.name if f.call_document else '—'}: {f.original_name}"
            f" ({format_size(f.size_bytes)}, sha256 {f.sha256[:12]})"
            for f in proposal.active_files
        ],
    }


def format_size(size_bytes: int) -> str:
    """A file size the way people read it: 12 KB, 3,4 MB."""
    if size_bytes < 1024 * 1024:
        return f"{max(1, round(size_bytes / 1024))} KB"
    return f"{size_bytes / 1024 / 1024:.1f} MB".replace(".", ",")


def chosen_versions(
    versions: list[ProposalVersion], older: int | None, newer: int | None
) -> tuple[ProposalVersion, ProposalVersion] | None:
    """The two versions to compare: the numbers asked for, by default the last two (the only one, twice); None when
    there is no version or a number asked for is not one."""
    if not versions:
        return None
    numbers = [v.number for v in versions]
    by_number = {v.number: v for v in versions}
    older = older or (numbers[-2] if len(numbers) > 1 else numbers[0])
    newer = newer or numbers[-1]
    if older not in by_number or newer not in by_number:
        return None
    return by_number[older], by_number[newer]


def comparison(versions: list[ProposalVersion], older: int | None, newer: int | None) -> dict | None:
    """What the version picker (proposals/_version_picker.html) shows: the versions, the two chosen and their
    difference; None when a number asked for is not a version."""
    chosen = chosen_versions(versions, older, newer)
    if chosen is None:
        return None
    first, second = chosen
    return {
        "versions": versions,
        "older": first,
        "newer": second,
        "changes": differences(first.snapshot, second.snapshot),
    }


@dataclass
class Shown:
    """What a reader sees of an application: its contents and documents, and the version they come from."""

    content: dict
    files: list
    version: ProposalVersion | None = None


def shown_to(proposal: Proposal, versions: list[ProposalVersion], user: object) -> Shown:
    """The live application for its organization; for the department, while the organization prepares a supplement,
    the last submitted version (its working copy is not submitted yet)."""
    if proposal.status == "needs_supplement" and versions and not proposal.is_member(user):
        last = versions[-1]
        return Shown(last.snapshot, proposal.files_at(last.submitted_at), last)
    return Shown(content_of(proposal), proposal.active_files)


@dataclass
class Difference:
    """One section of two copies: the old and new text, or the lines removed and added for a list."""

    key: str
    label: str
    old: str | list[str]
    new: str | list[str]

    @property
    def is_list(self) -> bool:
        return isinstance(self.new, list) or isinstance(self.old, list)

    @property
    def removed(self) -> list[str]:
        return [line for line in self.old if line not in self.new] if self.is_list else []

    @property
    def added(self) -> list[str]:
        return [line for line in self.new if line not in self.old] if self.is_list else []


def differences(old: dict, new: dict) -> list[Difference]:
    """The sections that differ between two copies, in form order."""
    return [
        Difference(key, str(label), old.get(key, ""), new.get(key, ""))
        for key, label in SECTIONS.items()
        if old.get(key, "") != new.get(key, "")
    ]

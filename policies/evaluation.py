"""Score-sheet templates (criteria and their maxima) and evaluation rules (pass, quorum, agreement, tie-breaks)."""

from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db, in_list
from core.i18n import register_status_labels

MECHANICS = {
    "levels": _l("Level 0–4 ticked per criterion × coefficient (maximum ÷ 4)"),
    "points": _l("Points given directly, from 0 to the maximum"),
}
ZERO_RULES = {
    "share": _l("Fails when more than a share of the members give 0 to a criterion"),
    "any": _l("Fails when any member gives 0 to any criterion"),
    "none": _l("Zero scores have no special effect"),
}
register_status_labels("zero_rule", ZERO_RULES)
COUNCIL_ROLES = {
    "chair": _l("Chair"),
    "vice_chair": _l("Vice-chair"),
    "reviewer": _l("Reviewer (phản biện)"),
    "scientific_secretary": _l("Scientific secretary"),
    "member": _l("Member"),
}
SHEET_TOTAL = 100  # the maxima of a template's criteria add up to this (the national forms' scale)


class ScoreSheetTemplate(db.Model):
    """A score sheet (phiếu đánh giá): criteria with their maxima, scored by levels or by points."""

    __tablename__ = "score_sheet_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    mechanic: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="template", lazy="raise", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint(f"mechanic IN {in_list(MECHANICS)}", name="mechanic"),)

    @property
    def total_points(self) -> int:
        """The sum of the criteria's maxima (criteria must be loaded)."""
        return sum(c.max_points for c in self.criteria)


# A criterion's fields that its template's admin form edits (and compares when the save is stale).
CRITERION_FIELDS = (
    "code",
    "name",
    "name_en",
    "description",
    "description_en",
    "max_points",
    "min_points",
    "shows_priorities",
)


class Criterion(db.Model):
    """One criterion of a score sheet, with its maximum and an optional minimum required score."""

    __tablename__ = "score_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("score_sheet_templates.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[int]
    min_points: Mapped[int | None]
    # The criterion about alignment with the sector priorities: the sheet shows the priority items beside it.
    shows_priorities: Mapped[bool] = mapped_column(default=False)

    template: Mapped[ScoreSheetTemplate] = relationship(back_populates="criteria", lazy="raise")

    __table_args__ = (
        UniqueConstraint("template_id", "code"),
        CheckConstraint("max_points BETWEEN 1 AND 100", name="max_points"),
        CheckConstraint("min_points IS NULL OR min_points BETWEEN 0 AND max_points", name="min_points"),
    )


class EvaluationRule(db.Model):
    """How a council's sheets become a conclusion: composition, quorum, pass rule, ties and what members see.
    Shares are kept as exact fractions written "2/3"."""

    __tablename__ = "evaluation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    # The figures below have no default here: they come from policies/data/evaluation.yaml (`rule_defaults`).
    pass_threshold: Mapped[int]
    zero_rule: Mapped[str] = mapped_column(String(16))
    zero_share: Mapped[str] = mapped_column(String(16))
    use_criterion_minimum: Mapped[bool]
    tiebreak_criterion_code: Mapped[str] = mapped_column(String(32))
    tiebreak_chair: Mapped[bool]
    council_min_size: Mapped[int]
    council_max_size: Mapped[int]
    # Council role → how many members must hold it, e.g. {"chair": 1, "reviewer": 2, "scientific_secretary": 1}.
    required_roles: Mapped[dict[str, int]] = mapped_column(JSON)
    quorum_share: Mapped[str] = mapped_column(String(16))
    quorum_needs_chair_or_vice: Mapped[bool]
    quorum_needs_reviewers: Mapped[bool]
    agreement_share: Mapped[str] = mapped_column(String(16))
    show_scores_before_submit: Mapped[bool]
    # Flags (review/results/scoring.py): an application's standard deviation from which its members disagree, and
    # the share of the council's usual one it must reach too (in percent); a member's median offset from the others
    # that makes them an outlier, over at least outlier_min_sheets applications.
    disagreement_stdev_points: Mapped[int]
    disagreement_council_percent: Mapped[int]
    outlier_offset_points: Mapped[int]
    outlier_min_sheets: Mapped[int]
    documents_days_before: Mapped[int]
    reviewers_per_application: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("pass_threshold BETWEEN 0 AND 100", name="pass_threshold"),
        CheckConstraint(f"zero_rule IN {in_list(ZERO_RULES)}", name="zero_rule"),
        CheckConstraint("council_min_size >= 1 AND council_max_size >= council_min_size", name="council_size"),
        CheckConstraint("reviewers_per_application BETWEEN 0 AND 5", name="reviewers"),
        CheckConstraint("documents_days_before BETWEEN 0 AND 60", name="documents_days"),
    )

    def share(self, field: str) -> Fraction:
        """One of the shares (quorum_share, agreement_share, zero_share) as an exact fraction."""
        return Fraction(getattr(self, field))

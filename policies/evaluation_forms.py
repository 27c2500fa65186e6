"""Forms for the score-sheet templates and evaluation rules edited by administrators."""

from collections import Counter
from fractions import Fraction

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Regexp, ValidationError

from core.forms import (
    BaseForm,
    VersionedForm,
    field_values,
    input_required,
    max_length,
    optional,
    required,
    stale_differences,
)
from policies.evaluation import COUNCIL_ROLES, CRITERION_FIELDS, MECHANICS, SHEET_TOTAL, ZERO_RULES
from policies.fields import StartsFromDefaults
from policies.loader import evaluation_rule_defaults

MAX_CRITERIA = 30
BLANK_ROWS = 3  # empty rows offered for new criteria when the page works without JavaScript
NEW_SHEET_ROWS = 8


def between(low: int, high: int) -> NumberRange:
    """A number from low to high, with a translated message."""
    return NumberRange(min=low, max=high, message=_l("Between %(min)s and %(max)s."))


def _text(field: object) -> str:
    return (field.data or "").strip()


class _SubForm(Form):
    """A form nested in another (criterion rows, role counts): translated messages, no token of its own."""

    class Meta(BaseForm.Meta):
        csrf = False


class CriterionRow(_SubForm):
    """One criterion of a score sheet; a row without a name is dropped (that is how a criterion is removed)."""

    id = HiddenField()
    code = StringField(
        _l("Code"),
        [optional(), max_length(32), Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Only letters, digits, . - and _."))],
    )
    name = TextAreaField(_l("Name (Vietnamese)"), render_kw={"rows": 3})
    name_en = TextAreaField(_l("Name (English)"), render_kw={"rows": 2})
    description = TextAreaField(_l("Description (Vietnamese)"), render_kw={"rows": 3})
    description_en = TextAreaField(_l("Description (English)"), render_kw={"rows": 3})
    max_points = IntegerField(_l("Maximum"), [optional(), between(1, SHEET_TOTAL)])
    min_points = IntegerField(_l("Minimum"), [optional(), between(0, SHEET_TOTAL)])
    shows_priorities = BooleanField(_l("Shows the sector priorities"))

    def is_dropped(self) -> bool:
        return not _text(self.name)

    def validate_code(self, field: StringField) -> None:
        if not self.is_dropped() and not _text(field):
            raise ValidationError(_l("Give the criterion a code."))

    def validate_max_points(self, field: IntegerField) -> None:
        if not self.is_dropped() and field.data is None and not field.errors:
            raise ValidationError(_l("Give the criterion a maximum."))

    def validate_min_points(self, field: IntegerField) -> None:
        if field.data is not None and self.max_points.data is not None and field.data > self.max_points.data:
            raise ValidationError(_l("The minimum cannot be above the maximum."))

    def to_data(self) -> dict:
        """The criterion's fields; the id of the row it was loaded from (None for a new one)."""
        raw_id = str(self.id.data or "").strip()
        return {
            "id": int(raw_id) if raw_id.isdigit() else None,
            "code": _text(self.code),
            "name": _text(self.name),
            "name_en": _text(self.name_en),
            "description": _text(self.description),
            "description_en": _text(self.description_en),
            "max_points": self.max_points.data,
            "min_points": self.min_points.data,
            "shows_priorities": bool(self.shows_priorities.data),
        }


SUMMARY_KEYS = ["code", "name", "max_points"]


class ScoreSheetForm(VersionedForm):
    """A score-sheet template and its criteria as repeating rows."""

    code = StringField(_l("Code"), [required(), max_length(32)])
    name = StringField(_l("Name (Vietnamese)"), [required(), max_length(255)])
    name_en = StringField(_l("Name (English)"), [optional(), max_length(255)])
    mechanic = SelectField(_l("Scoring"), choices=list(MECHANICS.items()))
    criteria = FieldList(FormField(CriterionRow), max_entries=MAX_CRITERIA)

    FIELDS = ("code", "name", "name_en", "mechanic")

    def add_blank_rows(self) -> None:
        """Empty rows to add criteria without JavaScript (more for a new sheet)."""
        wanted = BLANK_ROWS if self.criteria.entries else NEW_SHEET_ROWS
        for _row in range(min(wanted, MAX_CRITERIA - len(self.criteria.entries))):
            self.criteria.append_entry()

    def rows(self) -> list[CriterionRow]:
        """The rows that are kept (those with a name)."""
        return [entry.form for entry in self.criteria if not entry.form.is_dropped()]

    def has_row_errors(self) -> bool:
        """Whether a criterion row shows an error (besides those of the sheet as a whole)."""
        return any(field.errors for entry in self.criteria for field in entry.form)

    def total_points(self) -> int:
        """The sum of the maxima typed in the kept rows."""
        return sum(row.max_points.data or 0 for row in self.rows())

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Rows first, then the sheet as a whole: one criterion at least, codes unique, maxima adding up to 100."""
        valid = super().validate(extra_validators)
        rows = self.rows()
        if not rows:
            self.form_errors.append(_("Give the sheet at least one criterion."))
            return False
        counts = Counter(_text(row.code).lower() for row in rows)
        for row in rows:
            if _text(row.code) and counts[_text(row.code).lower()] > 1:
                row.code.errors = [*row.code.errors, _("This code is used twice.")]
                valid = False
        if all(row.max_points.data is not None for row in rows) and self.total_points() != SHEET_TOTAL:
            self.form_errors.append(
                _(
                    "The maxima add up to %(total)d; they must add up to %(expected)d.",
                    total=self.total_points(),
                    expected=SHEET_TOTAL,
                )
            )
            valid = False
        if sum(1 for row in rows if row.shows_priorities.data) > 1:
            self.form_errors.append(_("Only one criterion can show the sector priorities."))
            valid = False
        return valid

    def differences(self, template: object) -> list[tuple[str, str, str]]:
        """(label, saved value, your value) of what differs from the saved sheet (criteria loaded), criteria
        matched by their row; re-arms the form to overwrite."""
        rows = stale_differences(self, template, self.FIELDS)
        criteria = self.to_data()["criteria"]
        yours = {row["id"]: row for row in criteria if row["id"] is not None}
        for criterion in template.criteria:
            theirs = {key: getattr(criterion, key) for key in CRITERION_FIELDS}
            label = _("Criterion %(code)s", code=criterion.code)
            if criterion.id not in yours:
                rows.append((label, _criterion_text(theirs, SUMMARY_KEYS), _("(removed)")))
            elif changed := [
                key for key in CRITERION_FIELDS if _shown(theirs[key]) != _shown(yours[criterion.id][key])
            ]:
                rows.append((label, _criterion_text(theirs, changed), _criterion_text(yours[criterion.id], changed)))
        saved_ids = {criterion.id for criterion in template.criteria}
        for row in criteria:
            if row["id"] not in saved_ids:
                rows.append((_("Criterion %(code)s", code=row["code"]), "", _criterion_text(row, SUMMARY_KEYS)))
        return rows

    def to_data(self) -> dict:
        """The sheet's fields and its kept criteria in order."""
        data = field_values(self, self.FIELDS)
        data.update(code=_text(self.code), name=_text(self.name), name_en=_text(self.name_en))
        data["criteria"] = [row.to_data() for row in self.rows()]
        return data


def _roles_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{COUNCIL_ROLES.get(role, role)}: {n}" for role, n in counts.items())


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def _criterion_text(values: dict, keys: list[str] | None = None) -> str:
    """The named values of a criterion (all by default) as "label: value; …"."""
    labels = {field.short_name: str(field.label.text) for field in CriterionRow()}
    return "; ".join(f"{labels[key]}: {_shown(values[key])}" for key in keys or CRITERION_FIELDS)


class ShareField(StringField):
    """A share written as a fraction, "2/3" (or 0.5), from 0 to 1; kept in lowest terms."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data or ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").replace(" ", "")
        if not text:
            return
        try:
            value = Fraction(text)
        except (ValueError, ZeroDivisionError):
            value = None
        if value is None or not 0 <= value <= 1 or len(str(value)) > 16:
            raise ValueError(_("Write a fraction between 0 and 1, for example 2/3."))
        self.data = str(value)


def _share(label: object, description: object) -> ShareField:
    return ShareField(label, [input_required()], description=description)


def _count(label: object, low: int, high: int, **kwargs: object) -> IntegerField:
    return IntegerField(label, [input_required(), between(low, high)], **kwargs)


# One field per council role (COUNCIL_ROLES), nested in the rule's form as required_roles.
RoleCountsForm = type(
    "RoleCountsForm",
    (_SubForm,),
    {role: IntegerField(label, [optional(), between(0, 9)], default=0) for role, label in COUNCIL_ROLES.items()},
)


class EvaluationRuleForm(StartsFromDefaults):
    """An evaluation rule: pass rule, ties, council composition, quorum, agreement and review flags; a new one, when
    there is no rule to start from, takes the defaults of policies/data/evaluation.yaml."""

    defaults = staticmethod(evaluation_rule_defaults)

    code = StringField(_l("Code"), [required(), max_length(32)])
    name = StringField(_l("Name (Vietnamese)"), [required(), max_length(255)])
    name_en = StringField(_l("Name (English)"), [optional(), max_length(255)])
    pass_threshold = _count(_l("Pass threshold (average total out of 100)"), 0, 100, description=_l("Default: 70."))
    zero_rule = SelectField(_l("Zero scores"), choices=list(ZERO_RULES.items()))
    zero_share = _share(
        _l("Share of members for the zero rule"),
        _l("The application fails when more than this share of the members give 0 to one criterion. Default: 1/3."),
    )
    use_criterion_minimum = BooleanField(_l("Apply the criteria's minimum scores (to the members' average)"))
    tiebreak_criterion_code = StringField(
        _l("Tie-break criterion (its code)"),
        [optional(), max_length(32)],
        description=_l("Equal averages are ranked by this criterion's average; leave empty for none."),
    )
    tiebreak_chair = BooleanField(_l("Then break ties by the chair's total"))
    council_min_size = _count(_l("Smallest council (members)"), 1, 99)
    council_max_size = _count(_l("Largest council (members)"), 1, 99)
    required_roles = FormField(RoleCountsForm, label=_l("Members required in each council role"))
    reviewers_per_application = _count(_l("Reviewers (phản biện) per application"), 0, 5)
    documents_days_before = _count(
        _l("Working days between sending the documents and the session"), 0, 60, description=_l("Default: 3.")
    )
    quorum_share = _share(
        _l("Quorum (share of the members present)"),
        _l("A session is valid with at least this share of the members present. Legal rule: 2/3."),
    )
    quorum_needs_chair_or_vice = BooleanField(_l("The quorum needs the chair or the vice-chair"))
    quorum_needs_reviewers = BooleanField(_l("The quorum needs every reviewer (phản biện)"))
    agreement_share = _share(
        _l("Agreement (share of the members present)"),
        _l("A conclusion needs more than this share of the members present. Legal rule: 3/4."),
    )
    show_scores_before_submit = BooleanField(_l("Members see the others' scores before submitting their own sheet"))
    disagreement_stdev_points = _count(
        _l("Disagreement flag: standard deviation (points)"),
        1,
        50,
        description=_l("An application is flagged when its totals have at least this standard deviation. Default: 12."),
    )
    disagreement_council_percent = _count(
        _l("Disagreement flag: share of the council's usual spread (%)"),
        100,
        500,
        description=_l(
            "And at least this share of the standard deviation usual in the council, once it has scored five "
            "applications. Default: 150."
        ),
    )
    outlier_offset_points = _count(
        _l("Outlier flag: median gap (points)"),
        1,
        50,
        description=_l(
            "A member is flagged whose totals sit, as a median, at least this far from the others'. Default: 10."
        ),
    )
    outlier_min_sheets = _count(
        _l("Outlier flag: applications at least"),
        1,
        100,
        description=_l("A member is judged over at least this many applications scored by three members. Default: 5."),
    )

    FIELDS = (
        "code",
        "name",
        "name_en",
        "pass_threshold",
        "zero_rule",
        "zero_share",
        "use_criterion_minimum",
        "tiebreak_criterion_code",
        "tiebreak_chair",
        "council_min_size",
        "council_max_size",
        "reviewers_per_application",
        "documents_days_before",
        "quorum_share",
        "quorum_needs_chair_or_vice",
        "quorum_needs_reviewers",
        "agreement_share",
        "show_scores_before_submit",
        "disagreement_stdev_points",
        "disagreement_council_percent",
        "outlier_offset_points",
        "outlier_min_sheets",
    )
    GROUPS = (
        (_l("Code and names"), ("code", "name", "name_en")),
        (_l("Pass rule"), ("pass_threshold", "zero_rule", "zero_share", "use_criterion_minimum")),
        (_l("Ranking of equal averages"), ("tiebreak_criterion_code", "tiebreak_chair")),
        (
            _l("Council"),
            (
                "council_min_size",
                "council_max_size",
                "reviewers_per_application",
                "required_roles",
                "documents_days_before",
            ),
        ),
        (
            _l("Quorum and conclusions"),
            ("quorum_share", "agreement_share", "quorum_needs_chair_or_vice", "quorum_needs_reviewers"),
        ),
        (
            _l("What members see, and flags for the department"),
            (
                "show_scores_before_submit",
                "disagreement_stdev_points",
                "disagreement_council_percent",
                "outlier_offset_points",
                "outlier_min_sheets",
            ),
        ),
    )

    def validate_council_max_size(self, field: IntegerField) -> None:
        if field.data is None:
            return
        if self.council_min_size.data and field.data < self.council_min_size.data:
            raise ValidationError(_l("The largest council cannot be smaller than the smallest."))
        # Checked here because a nested form (required_roles) takes no validator of the outer form.
        if sum(self.role_counts().values()) > field.data:
            raise ValidationError(_l("The required roles need more members than the largest council has."))

    def role_counts(self) -> dict[str, int]:
        """Council role → members required, roles required by nobody left out."""
        return {role: n for role, n in self.required_roles.data.items() if n}

    def differences(self, rule: object) -> list[tuple[str, str, str]]:
        """(label, saved value, your value) of what differs from the saved rule; re-arms the form to overwrite."""
        rows = stale_differences(self, rule, self.FIELDS)
        theirs, yours = dict(rule.required_roles or {}), self.role_counts()
        if theirs != yours:
            rows.append((str(self.required_roles.label.text), _roles_text(theirs), _roles_text(yours)))
        return rows

    def to_data(self) -> dict:
        """The rule's fields with the required roles as a mapping."""
        data = field_values(self, self.FIELDS)
        data.update(code=_text(self.code), name=_text(self.name), name_en=_text(self.name_en))
        data["tiebreak_criterion_code"] = _text(self.tiebreak_criterion_code)
        data["required_roles"] = self.role_counts()
        return data

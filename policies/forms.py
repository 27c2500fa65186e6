"""Forms for calls and for the reference data edited by administrators."""

from datetime import datetime
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from accounts.models import ORG_TYPES
from core.formatting import local_to_utc, to_local
from core.forms import (
    BaseForm,
    MoneyField,
    VersionedForm,
    at_least,
    field_values,
    input_required,
    max_length,
    optional,
    required,
)
from policies.fields import DayField, DayMonthsField, PercentsField, StartsFromDefaults
from policies.loader import REGIME_FIELDS, regime_defaults
from policies.models import CONDITION_KINDS, RULE_KINDS


def _checkboxes(label: object, **kwargs: object) -> SelectMultipleField:
    return SelectMultipleField(
        label, coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False), **kwargs
    )


def _lines(text: str | None) -> list[str]:
    seen: list[str] = []
    for line in (text or "").splitlines():
        name = line.strip(" -•\t")[:255]
        if name and name not in seen:
            seen.append(name)
    return seen


class CallForm(VersionedForm):
    """A call's details. Times are entered in Asia/Ho_Chi_Minh and stored in UTC."""

    regime_id = SelectField(_l("Policy regime"), coerce=int)
    code = StringField(_l("Code"), [required(), max_length(32)], description=_l("For example TN-2026-01"))
    title = StringField(_l("Title (Vietnamese)"), [required(), max_length(255)])
    title_en = StringField(_l("Title (English)"), [optional(), max_length(255)])
    year = IntegerField(
        _l("Year"),
        [input_required(), NumberRange(min=2000, max=2100, message=_l("Enter a year between 2000 and 2100."))],
    )
    opens_at = DateTimeLocalField(_l("Opens at"), [required()], format="%Y-%m-%dT%H:%M")
    rolling = BooleanField(_l("Rolling call: no closing date, decided in batches"))
    closes_at = DateTimeLocalField(_l("Closes at"), [optional()], format="%Y-%m-%dT%H:%M")
    budget_vnd = MoneyField(_l("Budget envelope (VND)"), [input_required()])
    category_ids = _checkboxes(_l("Support categories in scope"))
    sector_ids = _checkboxes(_l("Sectors in scope"))
    required_documents = TextAreaField(_l("Required documents, one per line"), [required()], render_kw={"rows": 7})
    optional_documents = TextAreaField(_l("Optional documents, one per line"), render_kw={"rows": 3})
    guidance = TextAreaField(_l("Guidance for applicants (Vietnamese)"), render_kw={"rows": 6})
    guidance_en = TextAreaField(_l("Guidance for applicants (English)"), render_kw={"rows": 4})

    def validate(self, extra_validators: dict | None = None) -> bool:
        """Field validation, then the closing time against the rolling flag and the opening time."""
        valid = super().validate(extra_validators)
        if self.rolling.data or self.closes_at.errors:
            return valid
        if self.closes_at.data is None:
            self.closes_at.errors.append(_l("Give a closing time, or tick 'rolling call'."))
        elif self.opens_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors.append(_l("The closing time must be after the opening time."))
        else:
            return valid
        return False

    def fill_from(self, call: object) -> None:
        """Show a stored call in local time."""
        self.opens_at.data = to_local(call.opens_at).replace(tzinfo=None)
        self.closes_at.data = to_local(call.closes_at).replace(tzinfo=None) if call.closes_at else None
        self.rolling.data = call.closes_at is None
        self.category_ids.data = [c.id for c in call.categories]
        self.sector_ids.data = [s.id for s in call.sectors]
        self.required_documents.data = "\n".join(d.name for d in call.documents if d.required)
        self.optional_documents.data = "\n".join(d.name for d in call.documents if not d.required)

    def to_data(self) -> dict:
        """The call's fields with times in UTC."""
        return {
            "regime_id": self.regime_id.data,
            "code": self.code.data.strip(),
            "title": self.title.data.strip(),
            "title_en": (self.title_en.data or "").strip(),
            "year": self.year.data,
            "opens_at": local_to_utc(self.opens_at.data),
            "closes_at": None if self.rolling.data else local_to_utc(self.closes_at.data),
            "budget_vnd": self.budget_vnd.data,
            "category_ids": self.category_ids.data or [],
            "sector_ids": self.sector_ids.data or [],
            "required_documents": _lines(self.required_documents.data),
            "optional_documents": _lines(self.optional_documents.data),
            "guidance": self.guidance.data or "",
            "guidance_en": self.guidance_en.data or "",
        }


class TransitionForm(BaseForm):
    """A state change with an optional or required comment."""

    comment = TextAreaField(_l("Comment / reason"), [optional(), max_length(2000)], render_kw={"rows": 2})


class ExtendForm(BaseForm):
    """A later closing time for a call."""

    closes_at = DateTimeLocalField(_l("New closing time"), [required()], format="%Y-%m-%dT%H:%M")
    comment = TextAreaField(_l("Reason"), [required(), max_length(2000)], render_kw={"rows": 2})

    def closes_at_utc(self) -> datetime:
        """The entered local time as UTC."""
        return local_to_utc(self.closes_at.data)


def _check_share(field: StringField) -> None:
    """A share typed as a fraction between 0 and 1 (3/4, 2/3)."""
    try:
        share = Fraction(field.data.strip())
    except (ValueError, ZeroDivisionError):
        share = None
    if share is None or not 0 < share <= 1:
        raise ValidationError(_l("A fraction between 0 and 1, e.g. 3/4."))


class RegimeForm(StartsFromDefaults):
    """A policy regime; a new one starts from the defaults of policies/data/regimes.yaml."""

    defaults = staticmethod(regime_defaults)

    code = StringField(_l("Code"), [required(), max_length(32)])
    title = TextAreaField(_l("Title (Vietnamese)"), [required()], render_kw={"rows": 2})
    title_en = TextAreaField(_l("Title (English)"), render_kw={"rows": 2})
    legal_basis = TextAreaField(_l("Legal basis (Vietnamese)"), render_kw={"rows": 2})
    legal_basis_en = TextAreaField(_l("Legal basis (English)"), render_kw={"rows": 2})
    issued_on = DateField(_l("Issued on"), [optional()])
    effective_from = DateField(_l("In force from"), [optional()])
    start_year = IntegerField(_l("First year"), [input_required()])
    end_year = IntegerField(_l("Last year"), [input_required()])
    is_current = BooleanField(_l("Current regime (new calls are opened under it)"))
    figures_illustrative = BooleanField(_l("Figures are illustrative (not yet the official ones)"))
    description = TextAreaField(_l("Description (Vietnamese)"), render_kw={"rows": 4})
    description_en = TextAreaField(_l("Description (English)"), render_kw={"rows": 4})
    supplement_working_days = IntegerField(
        _l("Working days given to supplement an application"),
        [input_required(), NumberRange(min=1, max=90, message=_l("Between 1 and 90."))],
    )
    # The typed lists keep the names their inputs have always had on the page.
    tranche_split = PercentsField(
        _l("Default tranche split of funded projects, in percent (e.g. 50, 30, 20)"),
        [input_required()],
        name="tranche_percents",
    )
    report_dates = DayMonthsField(
        _l("Periodic reports fall due each year on (day/month, e.g. 15/3, 15/9)"),
        [input_required()],
        name="report_due_dates",
    )
    final_dossier_days = IntegerField(
        _l("Days after the end to submit the final dossier"), [input_required(), NumberRange(min=1, max=365)]
    )
    reminder_days_before = IntegerField(
        _l("Days before a due date that the host is reminded"), [input_required(), NumberRange(min=1, max=60)]
    )
    inspection_month = IntegerField(
        _l("Month of the periodic inspection (1–12)"), [input_required(), NumberRange(min=1, max=12)]
    )
    acceptance_rule = SelectField(
        _l("Acceptance rating rule"),
        choices=[
            ("tt11_2014", _l("Levels per product, TT 11/2014")),
            ("points", _l("Points (mean of the members present)")),
        ],
    )
    acceptance_share = StringField(
        _l("Share of the members present needed for a rating (e.g. 3/4)"), [required(), max_length(8)]
    )
    points_excellent = IntegerField(_l("Points rule: excellent from"), [input_required(), NumberRange(0, 100)])
    points_pass = IntegerField(_l("Points rule: pass from"), [input_required(), NumberRange(0, 100)])
    acceptance_council_min = IntegerField(
        _l("Acceptance council: fewest members"), [input_required(), NumberRange(1, 30)]
    )
    acceptance_council_max = IntegerField(
        _l("Acceptance council: most members"), [input_required(), NumberRange(1, 30)]
    )
    acceptance_quorum = StringField(
        _l("Acceptance council: share of members present for a valid session (e.g. 2/3)"),
        [required(), max_length(8)],
    )
    spending_lag_percent = IntegerField(
        _l("A project is at risk when its share of time elapsed passes its share of support paid by (points)"),
        [input_required(), NumberRange(1, 100)],
    )
    conflict_years = IntegerField(
        _l("A council member who worked for the applicant organization within this many years has a conflict"),
        [input_required(), NumberRange(0, 20)],
    )

    FIELDS = ("code", *REGIME_FIELDS)

    def validate_acceptance_share(self, field: StringField) -> None:
        _check_share(field)

    def validate_acceptance_quorum(self, field: StringField) -> None:
        _check_share(field)

    def validate_acceptance_council_max(self, field: IntegerField) -> None:
        low = self.acceptance_council_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The most members cannot be fewer than the fewest."))

    def validate_points_pass(self, field: IntegerField) -> None:
        if (
            self.points_excellent.data is not None
            and field.data is not None
            and field.data > self.points_excellent.data
        ):
            raise ValidationError(_l("The pass mark cannot be above the excellent mark."))

    def validate_end_year(self, field: IntegerField) -> None:
        if self.start_year.data and field.data is not None and field.data < self.start_year.data:
            raise ValidationError(_l("The last year cannot be before the first year."))

    def to_data(self) -> dict:
        """The regime's fields."""
        return field_values(self, self.FIELDS)


class CategoryForm(VersionedForm):
    """A support category and its rule."""

    code = StringField(_l("Code"), [required(), max_length(32)])
    name = StringField(_l("Name (Vietnamese)"), [required(), max_length(255)])
    name_en = StringField(_l("Name (English)"), [optional(), max_length(255)])
    description = TextAreaField(_l("Description (Vietnamese)"), render_kw={"rows": 3})
    description_en = TextAreaField(_l("Description (English)"), render_kw={"rows": 3})
    rule_kind = SelectField(_l("Rule"), choices=list(RULE_KINDS.items()))
    rate_percent = IntegerField(
        _l("Rate of eligible cost (%)"), [optional(), NumberRange(min=1, max=100, message=_l("Between 1 and 100."))]
    )
    cap_vnd = MoneyField(_l("Cap (VND)"), [optional()])
    fixed_amount_vnd = MoneyField(_l("Fixed amount (VND)"), [optional()])
    eligible_types = SelectMultipleField(
        _l("Eligible applicant types"),
        choices=list(ORG_TYPES.items()),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    illustrative = BooleanField(_l("Figures are illustrative"))
    sort_order = IntegerField(_l("Order"), [optional()], default=0)

    FIELDS = (
        "code",
        "name",
        "name_en",
        "description",
        "description_en",
        "rule_kind",
        "rate_percent",
        "cap_vnd",
        "fixed_amount_vnd",
        "eligible_types",
        "illustrative",
        "sort_order",
    )

    def validate_rule_kind(self, field: SelectField) -> None:
        if field.data == "rate_cap" and not (self.rate_percent.data and self.cap_vnd.data):
            raise ValidationError(_l("A percentage rule needs a rate and a cap."))
        if field.data == "fixed" and not self.fixed_amount_vnd.data:
            raise ValidationError(_l("A fixed-amount rule needs the amount."))

    def to_data(self) -> dict:
        """The category's fields; figures not used by the chosen rule are cleared."""
        data = field_values(self, self.FIELDS)
        data["sort_order"] = data["sort_order"] or 0
        if data["rule_kind"] == "fixed":
            data["rate_percent"] = data["cap_vnd"] = None
        else:
            data["fixed_amount_vnd"] = None
        return data


class ConditionForm(VersionedForm):
    """A regime-wide condition."""

    code = StringField(_l("Code"), [required(), max_length(48)])
    kind = SelectField(_l("Kind"), choices=list(CONDITION_KINDS.items()))
    value = IntegerField(_l("Limit (for a yearly limit)"), [optional(), at_least(1)])
    text = TextAreaField(_l("Text (Vietnamese)"), [required()], render_kw={"rows": 2})
    text_en = TextAreaField(_l("Text (English)"), render_kw={"rows": 2})
    sort_order = IntegerField(_l("Order"), [optional()], default=0)

    FIELDS = ("code", "kind", "value", "text", "text_en", "sort_order")

    def validate_kind(self, field: SelectField) -> None:
        if field.data == "limit_per_year" and not self.value.data:
            raise ValidationError(_l("A yearly limit needs a number."))

    def to_data(self) -> dict:
        """The condition's fields."""
        data = field_values(self, self.FIELDS)
        data["sort_order"] = data["sort_order"] or 0
        return data


class SectorForm(VersionedForm):
    """A sector's names."""

    number = IntegerField(_l("Number"), [input_required(), at_least(1)])
    heading = StringField(_l("Heading in the plan"), [optional(), max_length(255)])
    name = StringField(_l("Name (Vietnamese)"), [required(), max_length(255)])
    name_en = StringField(_l("Name (English)"), [optional(), max_length(255)])

    FIELDS = ("number", "heading", "name", "name_en")

    def to_data(self) -> dict:
        """The sector's fields."""
        return field_values(self, self.FIELDS)


class PriorityItemForm(BaseForm):
    """A priority item of a sector."""

    number = IntegerField(_l("Number"), [input_required(), at_least(1)])
    text = TextAreaField(_l("Official text (Vietnamese)"), [required()], render_kw={"rows": 3})
    text_en = TextAreaField(_l("Text (English)"), render_kw={"rows": 3})

    def to_data(self) -> dict:
        """The item's fields."""
        return {
            "number": self.number.data,
            "text": self.text.data.strip(),
            "text_en": (self.text_en.data or "").strip(),
        }


class HolidayForm(VersionedForm):
    """A public holiday."""

    day = DayField(_l("Date"), [input_required()])
    name = StringField(_l("Name (Vietnamese)"), [required(), max_length(255)])
    name_en = StringField(_l("Name (English)"), [optional(), max_length(255)])

    FIELDS = ("day", "name", "name_en")

    def to_data(self) -> dict:
        """The holiday's fields."""
        return {"day": self.day.data, "name": self.name.data.strip(), "name_en": (self.name_en.data or "").strip()}

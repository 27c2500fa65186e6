"""The expert's profile form: sectors and priority items, keywords, the most applications reviewed per council, and
the organizations worked for."""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError, optional

from core.forms import VersionedForm, max_length
from review.experts.models import ExpertProfile

HISTORY_ROWS = 3  # blank rows offered below the saved ones


def _year() -> IntegerField:
    return IntegerField(validators=[optional(), NumberRange(1950, 2100, message=_l("A year such as 2021."))])


class AffiliationRow(Form):
    """One organization worked for; a row without a name is ignored."""

    organization_name = StringField(_l("Organization"), [optional(), max_length(255)])
    tax_code = StringField(_l("Tax code"), [optional(), max_length(16)])
    from_year = _year()
    to_year = _year()

    def validate_to_year(self, field: IntegerField) -> None:
        if field.data is not None and self.from_year.data is not None and field.data < self.from_year.data:
            raise ValidationError(_l("The last year cannot be before the first year."))


class ExpertProfileForm(VersionedForm):
    """What the expert knows and where they worked."""

    sector_ids = SelectMultipleField(_l("Sectors of Plan 1821"), coerce=int, validate_choice=False)
    priority_item_ids = SelectMultipleField(_l("Priority items"), coerce=int, validate_choice=False)
    keywords = TextAreaField(
        _l("Keywords"),
        [optional(), max_length(2000)],
        description=_l("Separated by commas, e.g. rice, organic fertilizer, cold storage."),
        render_kw={"rows": 2},
    )
    max_reviews = IntegerField(
        _l("Most applications to review (phản biện) in one council"),
        [optional(), NumberRange(0, 1000, message=_l("Between 0 and 1000."))],
        description=_l("Leave empty for no limit."),
    )
    history = FieldList(FormField(AffiliationRow), min_entries=HISTORY_ROWS, max_entries=40)

    def fill(self, profile: ExpertProfile | None) -> None:
        """Show the saved profile (history loaded), then blank rows for more organizations."""
        while len(self.history):
            self.history.pop_entry()
        if profile is not None:
            self.sector_ids.data = [s.id for s in profile.sectors]
            self.priority_item_ids.data = [i.id for i in profile.priority_items]
            self.keywords.data, self.max_reviews.data = profile.keywords, profile.max_reviews
            self.version.data = profile.version
            for past in profile.history:
                self.history.append_entry(
                    {name: getattr(past, name) for name in ("organization_name", "tax_code", "from_year", "to_year")}
                )
        for _blank in range(HISTORY_ROWS):
            self.history.append_entry()

    def to_data(self) -> dict:
        """The values for services.save_profile."""
        return {
            "sector_ids": list(self.sector_ids.data or []),
            "priority_item_ids": list(self.priority_item_ids.data or []),
            "keywords": (self.keywords.data or "").strip(),
            "max_reviews": self.max_reviews.data,
            "history": [
                {
                    "organization_name": row.organization_name.data.strip(),
                    "tax_code": (row.tax_code.data or "").strip(),
                    "from_year": row.from_year.data,
                    "to_year": row.to_year.data,
                }
                for row in self.history
                if (row.organization_name.data or "").strip()
            ],
        }

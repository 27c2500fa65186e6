"""Forms of the application: the contents with their repeating rows, documents, submission and screening."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, ValidationError

from core.forms import BaseForm, MoneyField, VersionedForm, email_address, max_length, optional, required
from proposals.models import BUDGET_KINDS
from proposals.services import TEXT_FIELDS

MAX_ROWS = 60
BLANK_ROWS = 2  # empty rows offered for new lines when the page works without JavaScript


def int_or_none(value: object) -> int | None:
    """Coerce a select's value: '' (nothing chosen) is None."""
    return int(value) if value not in (None, "", "None") else None


class RowForm(Form):
    """One repeating row: translated messages, and a row left entirely empty is ignored."""

    class Meta(BaseForm.Meta):
        csrf = False

    def is_blank(self) -> bool:
        return all(not (f.raw_data or [""])[0].strip() for f in self if f.short_name != "kind")


class WorkPackageRow(RowForm):
    name = StringField(_l("Work package"))
    month_from = IntegerField(_l("From month"), [optional(), NumberRange(min=1, max=120, message=_l("1 to 120."))])
    month_to = IntegerField(_l("To month"), [optional(), NumberRange(min=1, max=120, message=_l("1 to 120."))])
    products = StringField(_l("Products of this work"))

    def validate_month_to(self, field: IntegerField) -> None:
        if field.data and self.month_from.data and field.data < self.month_from.data:
            raise ValidationError(_l("The last month cannot be before the first."))

    def validate_name(self, field: StringField) -> None:
        if not self.is_blank() and not (field.data or "").strip():
            raise ValidationError(_l("Name the work package."))


class ProductRow(RowForm):
    name = StringField(_l("Product"))
    unit = StringField(_l("Unit"), [optional(), max_length(64)])
    quantity = IntegerField(_l("Quantity"), [optional(), NumberRange(min=0, message=_l("Must be at least %(min)s."))])
    quality_target = StringField(_l("Quality target"))

    def validate_name(self, field: StringField) -> None:
        if not self.is_blank() and not (field.data or "").strip():
            raise ValidationError(_l("Name the product."))


class BudgetRow(RowForm):
    kind = SelectField(_l("Kind"), choices=list(BUDGET_KINDS.items()))
    description = StringField(_l("Description"))
    support_vnd = MoneyField(_l("From the support (₫)"), [optional()])
    counterpart_vnd = MoneyField(_l("Counterpart funds (₫)"), [optional()])

    def validate_description(self, field: StringField) -> None:
        if not self.is_blank() and not (field.data or "").strip():
            raise ValidationError(_l("Describe the budget line."))


class ProposalForm(VersionedForm):
    """Everything of DOMAIN §4 but the documents; saved as a draft at any time, however incomplete."""

    title = StringField(_l("Title of the project"), [optional(), max_length(500)])
    category_id = SelectField(_l("Support category"), coerce=int_or_none, validate_choice=False)
    sector_id = SelectField(_l("Sector (Plan 1821)"), coerce=int_or_none, validate_choice=False)
    priority_item_ids = SelectMultipleField(_l("Priority items of the sector"), coerce=int, validate_choice=False)
    lead_name = StringField(_l("Project lead (full name)"), [optional(), max_length(255)])
    lead_title = StringField(_l("Lead's position and degree"), [optional(), max_length(255)])
    lead_phone = StringField(_l("Lead's phone"), [optional(), max_length(32)])
    lead_email = StringField(_l("Lead's email"), [optional(), email_address(), max_length(255)])
    objectives = TextAreaField(_l("Objectives"), render_kw={"rows": 4})
    necessity = TextAreaField(_l("Necessity"), render_kw={"rows": 4})
    technology = TextAreaField(_l("Technology or solution"), render_kw={"rows": 4})
    technology_origin = TextAreaField(
        _l("Origin of the technology"),
        description=_l("The research result being replicated, the transfer contract or the owner's consent."),
        render_kw={"rows": 3},
    )
    place = TextAreaField(_l("Place of implementation"), render_kw={"rows": 2})
    duration_months = IntegerField(
        _l("Duration (months)"), [optional(), NumberRange(min=1, max=120, message=_l("1 to 120."))]
    )
    effects = TextAreaField(_l("Socio-economic and environmental effects"), render_kw={"rows": 4})
    replication_plan = TextAreaField(_l("Replication plan"), render_kw={"rows": 3})
    work_packages = FieldList(FormField(WorkPackageRow), max_entries=MAX_ROWS)
    products = FieldList(FormField(ProductRow), max_entries=MAX_ROWS)
    budget_lines = FieldList(FormField(BudgetRow), max_entries=MAX_ROWS)

    def fill_from(self, proposal: object) -> None:
        """After loading from the saved application: its priority items, and blank rows to add new lines
        without JavaScript."""
        for name in ("work_packages", "products", "budget_lines"):
            for _ in range(BLANK_ROWS):
                self[name].append_entry()
        self.priority_item_ids.data = [item.id for item in proposal.priority_items]

    def _rows(self, name: str) -> list[RowForm]:
        return [entry.form for entry in self[name] if not entry.form.is_blank()]

    def to_data(self) -> dict:
        """The contents as plain values; empty rows dropped, empty amounts counted as zero."""
        data = {name: (self[name].data or "").strip() for name in TEXT_FIELDS}
        data.update(
            category_id=self.category_id.data,
            sector_id=self.sector_id.data,
            priority_item_ids=list(self.priority_item_ids.data or []),
            duration_months=self.duration_months.data,
            work_packages=[
                {
                    "name": f.name.data.strip(),
                    "month_from": f.month_from.data,
                    "month_to": f.month_to.data,
                    "products": (f.products.data or "").strip(),
                }
                for f in self._rows("work_packages")
            ],
            products=[
                {
                    "name": f.name.data.strip(),
                    "unit": (f.unit.data or "").strip(),
                    "quantity": f.quantity.data,
                    "quality_target": (f.quality_target.data or "").strip(),
                }
                for f in self._rows("products")
            ],
            budget_lines=[
                {
                    "kind": f.kind.data,
                    "description": f.description.data.strip(),
                    "support_vnd": f.support_vnd.data or 0,
                    "counterpart_vnd": f.counterpart_vnd.data or 0,
                }
                for f in self._rows("budget_lines")
            ],
        )
        return data


class UploadForm(BaseForm):
    """One document for an entry of the call's checklist."""

    call_document_id = SelectField(_l("Document of the checklist"), coerce=int_or_none)
    file = FileField(_l("File (PDF, DOCX, XLSX, JPG or PNG)"), [FileRequired(message=_l("Choose a file to upload."))])


class SubmitForm(BaseForm):
    """The applicant's declaration on submitting."""

    declaration = BooleanField(
        _l(
            "I declare that the information is true and that the same content has not received and is not "
            "applying for support from other state sources."
        ),
        [required()],
    )


class ScreeningForm(BaseForm):
    """A screening move or a withdrawal: the reason or what is missing, and a deadline for a supplement."""

    comment = TextAreaField(_l("Reason or what is missing"), [optional(), max_length(5000)], render_kw={"rows": 3})
    # Typed as dd/mm/yyyy whatever the browser's language (a date picker would show its own order).
    due_on = DateField(_l("Deadline for the supplement (dd/mm/yyyy)"), [optional()], format=["%d/%m/%Y", "%Y-%m-%d"])


class ChecklistForm(BaseForm):
    """The checklist documents staff found present and in order."""

    document_ids = SelectMultipleField(_l("Documents found in order"), coerce=int)

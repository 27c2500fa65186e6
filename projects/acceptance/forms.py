"""Forms of the acceptance and the closing: the final dossier, the council, a member's declaration of interests and
rating, the conclusion and the closing steps."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, optional

from core.forms import (
    BaseForm,
    LocalDateField,
    MoneyField,
    VersionedForm,
    at_least,
    field_values,
    input_required,
    max_length,
    required,
)
from projects.acceptance.models import LEVELS, AcceptanceMember
from review.councils.forms import CouncilCompositionForm
from review.sheets.forms import DeclarationForm

TEXT = 50000


class InterestForm(DeclarationForm):
    """A member's declaration of interests in the project (the review councils' form, for a project)."""

    conflicted = RadioField(
        _l("Declaration"),
        choices=[
            ("no", _l("I declare that I have no conflict of interest with this project.")),
            ("yes", _l("I have a conflict of interest and withdraw from the acceptance of this project.")),
        ],
        validators=[required()],
    )


class DossierForm(BaseForm):
    """The final dossier (hồ sơ đánh giá nghiệm thu): the reports and the self-assessment, with files."""

    TEXTS = ("final_report", "product_report", "financial_report", "self_assessment")
    final_report = TextAreaField(
        _l("Final report (báo cáo tổng hợp)"), [required(), max_length(TEXT)], render_kw={"rows": 8}
    )
    product_report = TextAreaField(
        _l("Report on the products (báo cáo sản phẩm)"), [required(), max_length(TEXT)], render_kw={"rows": 6}
    )
    financial_report = TextAreaField(_l("Financial report"), [required(), max_length(TEXT)], render_kw={"rows": 6})
    self_assessment = TextAreaField(
        _l("Self-assessment (tự đánh giá)"), [required(), max_length(TEXT)], render_kw={"rows": 6}
    )
    file = MultipleFileField(_l("Files (PDF, DOCX, XLSX, JPG or PNG)"))  # named as the upload checks name their errors

    def to_data(self) -> dict:
        """The values for projects.acceptance.services.submit_dossier."""
        return {name: value.strip() for name, value in field_values(self, self.TEXTS).items()}


class AcceptanceCouncilForm(CouncilCompositionForm):
    """The acceptance council's composition, and the reason when it is a re-evaluation."""

    comment = TextAreaField(_l("Reason for the re-evaluation"), [optional(), max_length(5000)], render_kw={"rows": 2})

    def to_data(self) -> dict:
        """The values for projects.acceptance.services.save_council."""
        return {**super().to_data(), "comment": (self.comment.data or "").strip()}


def rating_form(products: list, rule: str, formdata: object = None) -> BaseForm:
    """A member's rating: a quantity and a quality level per product, the final report's level, points under the
    points rule, a comment."""
    levels = list(LEVELS.items())

    class RatingForm(VersionedForm):
        report_level = RadioField(_l("The final report"), choices=levels, validators=[Optional()])
        comment = TextAreaField(_l("Comment"), [optional(), max_length(10000)], render_kw={"rows": 4})

    if rule == "points":
        RatingForm.points = IntegerField(
            _l("Points (0–100)"), [Optional(), NumberRange(0, 100)], render_kw={"min": 0, "max": 100}
        )
    for product in products:
        setattr(
            RatingForm, f"quantity_{product.id}", RadioField(_l("Quantity"), choices=levels, validators=[Optional()])
        )
        setattr(RatingForm, f"quality_{product.id}", RadioField(_l("Quality"), choices=levels, validators=[Optional()]))
    form = RatingForm(formdata=formdata) if formdata is not None else RatingForm()
    form.products = products
    return form


def rating_values(seat: AcceptanceMember) -> MultiDict:
    """A saved rating as form data, so the form shows it."""
    values = {
        "report_level": seat.report_level or "",
        "comment": seat.comment,
        "version": str(seat.version),
        "points": "" if seat.points is None else str(seat.points),
    }
    for row in seat.ratings:
        values[f"quantity_{row.product_id}"] = row.quantity or ""
        values[f"quality_{row.product_id}"] = row.quality or ""
    return MultiDict(values)


def rating_data(form: BaseForm) -> dict:
    """The values for projects.acceptance.services.save_rating."""
    return {
        "levels": {
            p.id: (form[f"quantity_{p.id}"].data or "", form[f"quality_{p.id}"].data or "") for p in form.products
        },
        "report_level": form.report_level.data or "",
        "points": form.points.data if "points" in form else None,
        "comment": (form.comment.data or "").strip(),
    }


class ConclusionForm(BaseForm):
    """The council's conclusions, typed by staff when recording the conclusion."""

    conclusions = TextAreaField(
        _l("Conclusions of the council"), [required(), max_length(20000)], render_kw={"rows": 5}
    )


class ClosingForm(BaseForm):
    """A closing step: its fields are given by each subclass, to_data returns them."""

    NAMES: tuple[str, ...] = ()

    def to_data(self) -> dict:
        """The step's values, text stripped."""
        return {k: v.strip() if isinstance(v, str) else v for k, v in field_values(self, self.NAMES).items()}


class RegistrationForm(ClosingForm):
    """The registration of the result (TT 14/2014)."""

    NAMES = ("certificate_number", "certificate_on")
    certificate_number = StringField(_l("Registration certificate number"), [required(), max_length(64)])
    certificate_on = LocalDateField(_l("Date of the certificate (dd/mm/yyyy)"), [input_required()])


class SettlementForm(ClosingForm):
    """The final settlement of the funds."""

    NAMES = ("settlement_on", "final_settled_vnd", "recovery_due_on", "settlement_note")
    settlement_on = LocalDateField(_l("Date of the settlement (dd/mm/yyyy)"), [input_required()])
    final_settled_vnd = MoneyField(_l("Spending the settlement accepts (VND)"), [input_required(), at_least(0)])
    recovery_due_on = LocalDateField(
        _l("Money paid beyond it to be returned by (dd/mm/yyyy)"),
        [optional()],
        description=_l("Only when more was paid than the settlement accepts."),
    )
    settlement_note = TextAreaField(_l("Note"), [optional(), max_length(5000)], render_kw={"rows": 2})


class AssetsForm(ClosingForm):
    """The handling of the assets bought with the support."""

    NAMES = ("assets_on", "assets_note")
    assets_on = LocalDateField(_l("Date of the asset handling (dd/mm/yyyy)"), [input_required()])
    assets_note = TextAreaField(_l("Note"), [optional(), max_length(5000)], render_kw={"rows": 2})


class LiquidationForm(ClosingForm):
    """The liquidation of the contract (thanh lý hợp đồng)."""

    NAMES = ("liquidation_number", "liquidated_on")
    liquidation_number = StringField(_l("Liquidation record number"), [required(), max_length(64)])
    liquidated_on = LocalDateField(_l("Date of the liquidation (dd/mm/yyyy)"), [input_required()])


class RecoveryForm(ClosingForm):
    """The decision to recover the funds of a failed or terminated project."""

    NAMES = ("recovery_vnd", "recovery_decision", "recovery_decided_on", "recovery_due_on")
    recovery_vnd = MoneyField(_l("Amount to recover (VND)"), [input_required(), at_least(0)])
    recovery_decision = StringField(_l("Decision number"), [required(), max_length(255)])
    recovery_decided_on = LocalDateField(_l("Date of the decision (dd/mm/yyyy)"), [input_required()])
    recovery_due_on = LocalDateField(_l("To be returned by (dd/mm/yyyy)"), [input_required()])

"""The form of a decision approving support."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import optional

from core.forms import LocalDateField, MoneyField, VersionedForm, at_least, input_required, max_length, required


class DecisionForm(VersionedForm):
    """The decision approving support for one application."""

    number = StringField(_l("Decision number (e.g. 123/QĐ-SKHCN)"), [required(), max_length(64)])
    signed_on = LocalDateField(_l("Date (dd/mm/yyyy)"), [input_required()])
    signer = StringField(_l("Signer"), [required(), max_length(255)])
    approved_vnd = MoneyField(_l("Approved support (VND)"), [input_required(), at_least(1)])
    conditions = TextAreaField(_l("Conditions"), [optional(), max_length(5000)], render_kw={"rows": 3})

    def to_data(self) -> dict:
        """The values for review.decisions.services.save_decision."""
        return {
            "number": self.number.data.strip(),
            "signed_on": self.signed_on.data,
            "signer": self.signer.data.strip(),
            "approved_vnd": self.approved_vnd.data,
            "conditions": (self.conditions.data or "").strip(),
        }

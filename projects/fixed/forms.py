"""Forms of the fixed-amount path: drafting a batch decision and recording an award's payment."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField

from core.forms import BaseForm, LocalDateField, VersionedForm, input_required, max_length, required


class BatchForm(BaseForm):
    """A batch decision (quyết định) approving the fixed amounts of the chosen applications."""

    number = StringField(_l("Decision number (e.g. 45/QĐ-SKHCN)"), [required(), max_length(64)])
    signed_on = LocalDateField(_l("Date (dd/mm/yyyy)"), [input_required()])
    signer = StringField(_l("Signer"), [required(), max_length(255)])
    # The page draws the checkboxes in the table of applications; the service checks every id sent.
    proposal_ids = SelectMultipleField(_l("Applications"), coerce=int, validate_choice=False)

    def to_data(self) -> dict:
        """The values for projects.fixed.services.draft_batch."""
        return {
            "number": self.number.data.strip(),
            "signed_on": self.signed_on.data,
            "signer": self.signer.data.strip(),
            "proposal_ids": list(self.proposal_ids.data or []),
        }


class AwardPaymentForm(VersionedForm):
    """Finance records that an approved award was paid (one form per award on the batch page, prefixed by it)."""

    paid_on = LocalDateField(_l("Paid on (dd/mm/yyyy)"), [input_required()])
    payment_reference = StringField(_l("Payment reference (voucher, transfer)"), [required(), max_length(128)])

"""Forms of finance's records: a tranche's payment and settlement, money returned to the department."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from core.forms import (
    BaseForm,
    LocalDateField,
    MoneyField,
    VersionedForm,
    at_least,
    field_values,
    input_required,
    max_length,
    optional,
    required,
)
from projects.contracts.models import Project, Tranche


class PaymentForm(VersionedForm):
    """Finance records a payment."""

    NAMES = ("paid_on", "paid_vnd", "payment_reference")
    paid_on = LocalDateField(_l("Paid on (dd/mm/yyyy)"), [input_required()])
    paid_vnd = MoneyField(_l("Amount paid (VND)"), [input_required(), at_least(1)])
    payment_reference = StringField(_l("Payment reference (voucher, transfer)"), [required(), max_length(128)])

    def to_data(self) -> dict:
        """The values for projects.money.services.record_finance."""
        return field_values(self, self.NAMES)


class TrancheSettlementForm(VersionedForm):
    """Finance records that a paid tranche is settled by invoices, and for how much."""

    NAMES = ("settled_on", "settled_vnd", "invoices_note")
    settled_on = LocalDateField(_l("Settled on (dd/mm/yyyy)"), [input_required()])
    settled_vnd = MoneyField(
        _l("Amount justified by the invoices (VND)"),
        [optional(), at_least(1)],
        description=_l("Left empty: everything the tranche was paid."),
    )
    invoices_note = TextAreaField(
        _l("Invoices and vouchers received"), [required(), max_length(5000)], render_kw={"rows": 3}
    )

    def to_data(self) -> dict:
        """The values for projects.money.services.record_finance."""
        return field_values(self, self.NAMES)


def finance_form(project: Project, tranche: Tranche, showing: bool) -> PaymentForm | TrancheSettlementForm:
    """The form of finance's next step on the tranche: the payment of an approved one (its planned amount offered,
    within what is left to pay), the settlement of a paid one (its amount offered); carrying the tranche's version
    when first shown."""
    paying = project.finance_step(tranche) == "payment"
    form = PaymentForm() if paying else TrancheSettlementForm()
    if showing:
        form.version.data = tranche.version
        if paying:
            form.paid_vnd.data = min(tranche.amount_vnd, project.left_to_pay_vnd)
        else:
            form.settled_vnd.data = tranche.paid_vnd
    return form


class RecoveryReceiptForm(BaseForm):
    """Money returned to the department on a recovery."""

    NAMES = ("received_vnd", "received_on", "reference")
    received_vnd = MoneyField(_l("Amount returned (VND)"), [input_required(), at_least(1)])
    received_on = LocalDateField(_l("Received on (dd/mm/yyyy)"), [input_required()])
    reference = StringField(_l("Receipt reference (voucher, transfer)"), [required(), max_length(128)])

    def to_data(self) -> dict:
        """The values for projects.money.services.receive_recovery."""
        return field_values(self, self.NAMES)

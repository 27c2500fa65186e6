"""Forms of the contract and its tranches."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, optional

from core.forms import (
    BaseForm,
    LocalDateField,
    MoneyField,
    input_required,
    max_length,
    required,
)
from projects.contracts.models import LEGACY_AREAS, TRANCHE_CONDITIONS

TRANCHE_ROWS = 5  # rows offered in the plan; empty ones are ignored


class TrancheRow(BaseForm):
    """One tranche of the plan: a share or an amount, and its condition."""

    class Meta:
        csrf = False

    percent = IntegerField(_l("Percent"), [Optional(), NumberRange(1, 100)])
    amount_vnd = MoneyField(_l("Amount (VND)"), [Optional()])
    # An empty row sends no condition; check_plan refuses an unknown one on the rows that count.
    condition = SelectField(_l("Condition"), choices=list(TRANCHE_CONDITIONS.items()), validate_choice=False)


class ContractForm(BaseForm):
    """The contract of an approved application, with its disbursement plan."""

    contract_number = StringField(_l("Contract number (e.g. 12/2026/HĐ-KHCN)"), [required(), max_length(64)])
    signed_on = LocalDateField(_l("Signed on (dd/mm/yyyy)"), [input_required()])
    start_on = LocalDateField(_l("Start (dd/mm/yyyy)"), [input_required()])
    end_on = LocalDateField(_l("End (dd/mm/yyyy)"), [input_required()])
    agency_signer = StringField(_l("Signing for the department"), [required(), max_length(255)])
    host_signer = StringField(_l("Signing for the host organization"), [required(), max_length(255)])
    legacy_area = SelectField(_l("Legacy area"), choices=list(LEGACY_AREAS.items()))
    tranches = FieldList(FormField(TrancheRow), min_entries=TRANCHE_ROWS, max_entries=TRANCHE_ROWS)

    def propose(self, plan: list[dict], host_signer: str) -> None:
        """Pre-fill the tranche rows with a plan (the regime's default split) and the host's signer."""
        for row, tranche in zip(self.tranches, plan, strict=False):
            row.percent.data, row.amount_vnd.data = tranche["percent"], tranche["amount_vnd"]
            row.condition.data = tranche["condition"]
        self.host_signer.data = host_signer

    def plan(self, approved_vnd: int) -> list[dict]:
        """The tranches typed: an amount, or a percent of the approved support when no amount is given."""
        plan = []
        for row in self.tranches:
            amount, percent = row.amount_vnd.data, row.percent.data
            if amount is None and percent:
                amount = approved_vnd * percent // 100
            if amount is not None:
                plan.append({"percent": percent, "amount_vnd": amount, "condition": row.condition.data})
        return plan

    def to_data(self) -> dict:
        """The contract's fields for projects.contracts.services.create_project."""
        return {
            "contract_number": self.contract_number.data.strip(),
            "signed_on": self.signed_on.data,
            "start_on": self.start_on.data,
            "end_on": self.end_on.data,
            "agency_signer": self.agency_signer.data.strip(),
            "host_signer": self.host_signer.data.strip(),
            "legacy_area": self.legacy_area.data,
        }


class TrancheRequestForm(BaseForm):
    """The host asks for a tranche's payment, with its documents."""

    note = TextAreaField(
        _l("What the payment is for, what was done"), [optional(), max_length(5000)], render_kw={"rows": 3}
    )
    file = MultipleFileField(_l("Documents"))  # named as the upload checks name their errors

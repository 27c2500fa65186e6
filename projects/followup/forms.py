"""Forms of a running project's follow-up: the periodic report, the inspection and its actions, the adjustment
request."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import optional

from core.forms import BaseForm, LocalDateField, MoneyField, VersionedForm, at_least, max_length, required
from projects.followup.models import ADJUSTMENT_KINDS, INSPECTION_KINDS, Inspection, PeriodicReport
from projects.followup.reporting import ReportFigures

FILES_LABEL = _l("Attach files (PDF, DOCX, XLSX, JPG or PNG)")
ACTION_ROWS = 3  # blank rows offered for new follow-up actions


def _text(field: object) -> str:
    return (field.data or "").strip()


def _row_id(field: HiddenField) -> int | None:
    return int(field.data) if (field.data or "").strip().isdigit() else None


class PackageRow(Form):
    """A work package's progress: the percent done and what was done (the package named by its hidden id)."""

    row_id = HiddenField()
    percent = IntegerField(_l("Percent done"), [optional()], render_kw={"min": 0, "max": 100, "inputmode": "numeric"})
    done = TextAreaField(_l("What was done"), [optional(), max_length(5000)], render_kw={"rows": 2})


class ProductRow(Form):
    """A product's progress: the quantity achieved and the quality reached."""

    row_id = HiddenField()
    quantity = IntegerField(_l("Quantity achieved"), [optional()], render_kw={"min": 0, "inputmode": "numeric"})
    quality = StringField(_l("Quality reached"), [optional(), max_length(2000)])


class SpendingRow(Form):
    """What was spent so far on a budget line."""

    row_id = HiddenField()
    spent_vnd = MoneyField(_l("Spent so far (VND)"), [optional()])


class ReportForm(VersionedForm):
    """The host's periodic report: progress per work package and product, spending per budget line, general
    remarks, problems and proposals."""

    packages = FieldList(FormField(PackageRow), max_entries=200)
    products = FieldList(FormField(ProductRow), max_entries=200)
    spending = FieldList(FormField(SpendingRow), max_entries=200)
    progress = TextAreaField(
        _l("General remarks on the progress"), [optional(), max_length(20000)], render_kw={"rows": 4}
    )
    products_progress = TextAreaField(
        _l("Remarks on the products"), [optional(), max_length(20000)], render_kw={"rows": 3}
    )
    spent_vnd = MoneyField(_l("Money spent so far (VND)"), [optional(), at_least(0)])  # without budget lines
    problems = TextAreaField(_l("Problems met"), [optional(), max_length(10000)], render_kw={"rows": 3})
    proposals = TextAreaField(_l("Proposals to the department"), [optional(), max_length(10000)], render_kw={"rows": 3})
    file = MultipleFileField(FILES_LABEL)  # named as the upload checks name their errors

    def fill(self, report: PeriodicReport, figures: ReportFigures) -> None:
        """Show the saved report and its rows (or the previous report's figures, as `figures` has them)."""
        for name in ("progress", "products_progress", "spent_vnd", "problems", "proposals", "version"):
            self[name].data = getattr(report, name)
        for rows in (self.packages, self.products, self.spending):
            while len(rows):
                rows.pop_entry()
        for row in figures.packages:
            self.packages.append_entry({"row_id": row.package.id, "percent": row.percent, "done": row.done})
        for row in figures.products:
            self.products.append_entry({"row_id": row.product.id, "quantity": row.quantity, "quality": row.quality})
        for row in figures.spending:
            self.spending.append_entry({"row_id": row.line.id, "spent_vnd": row.spent_vnd})

    def to_data(self) -> dict:
        """The values for projects.followup.services.save_report (rows with their contract row's id)."""
        rows = {
            "packages": [
                {"id": _row_id(r.row_id), "percent": r.percent.data, "done": _text(r.done)}
                for r in (entry.form for entry in self.packages)
            ],
            "products": [
                {"id": _row_id(r.row_id), "quantity": r.quantity.data, "quality": _text(r.quality)}
                for r in (entry.form for entry in self.products)
            ],
            "spending": [
                {"id": _row_id(r.row_id), "spent_vnd": r.spent_vnd.data}
                for r in (entry.form for entry in self.spending)
            ],
        }
        texts = {name: _text(self[name]) for name in ("progress", "products_progress", "problems", "proposals")}
        return texts | rows | {"spent_vnd": self.spent_vnd.data}


class ActionRow(Form):
    """One follow-up action: an existing one carries its id; an emptied description removes it."""

    action_id = HiddenField()
    description = StringField(_l("Follow-up action"), [optional(), max_length(2000)])
    due_on = LocalDateField(_l("Due date"), [optional()])


class InspectionForm(VersionedForm):
    """Plan an inspection, then record when it was held, its findings and the actions it asks for."""

    kind = SelectField(_l("Kind of inspection"), choices=list(INSPECTION_KINDS.items()))
    planned_on = LocalDateField(_l("Planned date"), [required()])
    inspectors = StringField(_l("Inspectors"), [optional(), max_length(500)])
    held_on = LocalDateField(_l("Held on"), [optional()])
    findings = TextAreaField(_l("Findings"), [optional(), max_length(20000)], render_kw={"rows": 5})
    actions = FieldList(FormField(ActionRow), min_entries=ACTION_ROWS, max_entries=50)

    def fill(self, inspection: Inspection) -> None:
        """Show the saved inspection, its actions first, then blank rows for new ones."""
        for name in ("kind", "planned_on", "inspectors", "held_on", "findings", "version"):
            self[name].data = getattr(inspection, name)
        while len(self.actions):
            self.actions.pop_entry()
        for action in inspection.actions:
            self.actions.append_entry(
                {"action_id": action.id, "description": action.description, "due_on": action.due_on}
            )
        for _ in range(ACTION_ROWS):
            self.actions.append_entry()

    def propose(self, planned_on: date) -> None:
        """A new inspection, proposed as the year's periodic one."""
        self.kind.data, self.planned_on.data = "periodic", planned_on

    def to_data(self) -> dict:
        """The values for projects.followup.services.save_inspection."""
        rows = [
            {
                "id": int(row.action_id.data) if (row.action_id.data or "").isdigit() else None,
                "description": _text(row.description),
                "due_on": row.due_on.data,
            }
            for row in (entry.form for entry in self.actions)
        ]
        return {
            "kind": self.kind.data,
            "planned_on": self.planned_on.data,
            "held_on": self.held_on.data,
            "inspectors": _text(self.inspectors),
            "findings": _text(self.findings),
            "actions": rows,
        }


class ActionDoneForm(BaseForm):
    """A follow-up action marked done."""

    done_on = LocalDateField(_l("Done on"), [required()])
    note = TextAreaField(_l("How it was done"), [optional(), max_length(5000)], render_kw={"rows": 2})


class AdjustmentForm(BaseForm):
    """The host's request to change the contract."""

    kind = SelectField(_l("What should change"), choices=list(ADJUSTMENT_KINDS.items()))
    reason = TextAreaField(_l("Reason"), [required(), max_length(10000)], render_kw={"rows": 4})
    details = TextAreaField(
        _l("Details of the change (for a budget or content change: the new allocation or content)"),
        [optional(), max_length(20000)],
        render_kw={"rows": 5},
    )
    new_end_on = LocalDateField(_l("New end date (extension)"), [optional()])
    new_lead_name = StringField(_l("Name of the new project lead (change of lead)"), [optional(), max_length(255)])
    file = MultipleFileField(FILES_LABEL)  # named as the upload checks name their errors

    def to_data(self) -> dict:
        """The values for projects.followup.services.request_adjustment."""
        return {
            "kind": self.kind.data,
            "reason": _text(self.reason),
            "details": _text(self.details),
            "new_end_on": self.new_end_on.data,
            "new_lead_name": _text(self.new_lead_name),
        }

"""Forms of the review package: the council, attendance, reviewers, the declaration, the score sheet, decisions."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, optional

from core.formatting import local_to_utc, to_local
from core.forms import (
    BaseForm,
    LocalDateField,
    MoneyField,
    VersionedForm,
    at_least,
    input_required,
    max_length,
    required,
)
from policies.evaluation import COUNCIL_ROLES
from review.models import RECOMMENDATIONS, Council

MEMBER_ROWS = 9  # the largest council of the default rule; more rows appear with the "add" button


class MemberRow(Form):
    """One seat: who and in which council role (a row without a person is ignored)."""

    user_id = SelectField(_l("Member"), coerce=int, validate_choice=False, default=0)
    role = SelectField(_l("Council role"), choices=list(COUNCIL_ROLES.items()), default="member")


class CouncilCompositionForm(VersionedForm):
    """What every council form asks: details, the administrative secretary, members with their council roles (the
    review council of a call and a project's acceptance council)."""

    name = StringField(_l("Name of the council"), [required(), max_length(255)])
    meeting_at = DateTimeLocalField(_l("Meeting date and time"), [optional()], format="%Y-%m-%dT%H:%M")
    place = StringField(_l("Meeting place"), [optional(), max_length(255)])
    admin_secretary_id = SelectField(_l("Administrative secretary (department staff, not voting)"), coerce=int)
    members = FieldList(FormField(MemberRow), min_entries=MEMBER_ROWS, max_entries=30)

    def offer_people(self, staff: list, reviewers: list) -> None:
        """The choices: staff users for the secretary, users with the reviewer role for the seats."""
        self.admin_secretary_id.choices = [(0, _l("— choose —"))] + [(u.id, u.full_name) for u in staff]
        self.seat_choices = [(0, _l("— nobody —"))] + [(u.id, f"{u.full_name} · {u.email}") for u in reviewers]
        self._offer_seats()

    def _offer_seats(self) -> None:
        """Every member row offers the reviewers (rows added later by fill() too)."""
        for row in self.members:
            row.user_id.choices = getattr(self, "seat_choices", [])

    def fill(self, council: object) -> None:
        """Show a saved council."""
        self.name.data, self.place.data, self.version.data = council.name, council.place, council.version
        self.admin_secretary_id.data = council.admin_secretary_id or 0
        self.meeting_at.data = to_local(council.meeting_at).replace(tzinfo=None) if council.meeting_at else None
        while len(self.members):
            self.members.pop_entry()
        for seat in council.members:
            self.members.append_entry({"user_id": seat.user_id, "role": seat.role})
        while len(self.members) < max(MEMBER_ROWS, len(council.members) + 2):
            self.members.append_entry()
        self._offer_seats()

    def to_data(self) -> dict:
        """The composition's values."""
        return {
            "name": self.name.data.strip(),
            "meeting_at": local_to_utc(self.meeting_at.data) if self.meeting_at.data else None,
            "place": (self.place.data or "").strip(),
            "admin_secretary_id": self.admin_secretary_id.data or None,
            "members": [(row.user_id.data, row.role.data) for row in self.members if row.user_id.data],
        }


class CouncilForm(CouncilCompositionForm):
    """The council of a call: its composition, score sheet and rule."""

    template_id = SelectField(_l("Score sheet"), coerce=int)
    rule_id = SelectField(_l("Evaluation rule"), coerce=int)

    def fill(self, council: Council) -> None:
        """Show a saved council."""
        super().fill(council)
        self.template_id.data, self.rule_id.data = council.template_id, council.rule_id

    def to_data(self) -> dict:
        """The values for review.services.save_council."""
        return {**super().to_data(), "template_id": self.template_id.data, "rule_id": self.rule_id.data}


class AttendanceForm(BaseForm):
    """The members present at the session."""

    present = SelectMultipleField(_l("Present"), coerce=int, validate_choice=False)


class ReviewersForm(BaseForm):
    """An application's reviewers (phản biện)."""

    member_ids = SelectMultipleField(_l("Reviewers"), coerce=int, validate_choice=False)


class DeclarationForm(BaseForm):
    """The member's declaration of interests for one application."""

    conflicted = RadioField(
        _l("Declaration"),
        choices=[
            ("no", _l("I declare that I have no conflict of interest with this application.")),
            ("yes", _l("I have a conflict of interest and withdraw from assessing this application.")),
        ],
        validators=[required()],
    )
    reason = TextAreaField(_l("What the conflict is"), [optional(), max_length(2000)], render_kw={"rows": 2})


def sheet_form(criteria: list, mechanic: str, formdata: object = None) -> BaseForm:
    """A score sheet with one value and one comment field per criterion of the template."""

    class SheetForm(VersionedForm):
        recommendation = RadioField(
            _l("Recommendation"), choices=list(RECOMMENDATIONS.items()), validators=[Optional()]
        )
        comment = TextAreaField(_l("Overall comment"), [optional(), max_length(10000)], render_kw={"rows": 4})
        review_text = TextAreaField(
            _l("Detailed review (reviewers)"), [optional(), max_length(50000)], render_kw={"rows": 10}
        )

    for criterion in criteria:
        high = 4 if mechanic == "levels" else criterion.max_points
        if mechanic == "levels":
            field = RadioField(criterion.name, choices=[(str(n), str(n)) for n in range(5)], validators=[Optional()])
        else:
            field = IntegerField(criterion.name, [Optional(), NumberRange(0, high)], render_kw={"min": 0, "max": high})
        setattr(SheetForm, f"value_{criterion.id}", field)
        setattr(
            SheetForm,
            f"comment_{criterion.id}",
            TextAreaField(_l("Comment"), [optional(), max_length(5000)], render_kw={"rows": 2}),
        )
    form = SheetForm(formdata=formdata) if formdata is not None else SheetForm()
    form.criteria = criteria
    return form


def sheet_data(form: BaseForm) -> dict:
    """The values for review.sheets.save_sheet."""
    values, comments = {}, {}
    for criterion in form.criteria:
        raw = form[f"value_{criterion.id}"].data
        values[criterion.id] = int(raw) if raw not in (None, "") else None
        comments[criterion.id] = (form[f"comment_{criterion.id}"].data or "").strip()
    return {
        "values": values,
        "comments": comments,
        "recommendation": form.recommendation.data or "",
        "comment": (form.comment.data or "").strip(),
        "review_text": (form.review_text.data or "").strip(),
    }


class DecisionForm(VersionedForm):
    """The decision approving support for one application."""

    number = StringField(_l("Decision number (e.g. 123/QĐ-SKHCN)"), [required(), max_length(64)])
    signed_on = LocalDateField(_l("Date (dd/mm/yyyy)"), [input_required()])
    signer = StringField(_l("Signer"), [required(), max_length(255)])
    approved_vnd = MoneyField(_l("Approved support (VND)"), [input_required(), at_least(1)])
    conditions = TextAreaField(_l("Conditions"), [optional(), max_length(5000)], render_kw={"rows": 3})

    def to_data(self) -> dict:
        """The values for review.decisions.save_decision."""
        return {
            "number": self.number.data.strip(),
            "signed_on": self.signed_on.data,
            "signer": self.signer.data.strip(),
            "approved_vnd": self.approved_vnd.data,
            "conditions": (self.conditions.data or "").strip(),
        }

"""Forms of a council: its composition (shared with the projects' acceptance councils), attendance, reviewers."""

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, FieldList, Form, FormField, SelectField, SelectMultipleField, StringField
from wtforms.validators import optional

from core.formatting import local_to_utc, to_local
from core.forms import BaseForm, VersionedForm, max_length, required
from policies.evaluation import COUNCIL_ROLES
from review.councils.models import Council

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
        """The values for review.councils.services.save_council."""
        return {**super().to_data(), "template_id": self.template_id.data, "rule_id": self.rule_id.data}


class AttendanceForm(BaseForm):
    """The members present at the session."""

    present = SelectMultipleField(_l("Present"), coerce=int, validate_choice=False)


class CouncilAttendanceForm(AttendanceForm):
    """A review council's session: the members present and the head of the vote-counting committee it elects (a
    seat's id; 0 for none yet), named on the vote-count record."""

    counting_head = SelectField(_l("Head of the vote-counting committee"), coerce=int, validate_choice=False, default=0)


class ReviewersForm(BaseForm):
    """An application's reviewers (phản biện)."""

    member_ids = SelectMultipleField(_l("Reviewers"), coerce=int, validate_choice=False)

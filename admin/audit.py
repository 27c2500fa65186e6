"""The audit log page: its filters (who, kind of action, record, dates) read from the query string, and a page of
events in the reader's words with a link to each record still there."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import NumberRange

from accounts.models import User
from core.audit import (
    AUDIT_KINDS,
    AUDIT_RECORDS,
    action_label,
    event_kind,
    event_state_label,
    kind_condition,
    record_label,
    record_links,
)
from core.extensions import db
from core.formatting import local_to_utc
from core.forms import BaseForm, max_length, optional
from core.models import AuditEvent
from core.paging import ListPagination
from core.search import matching_ids
from core.text import like_pattern
from policies.fields import DayField


@dataclass(frozen=True)
class AuditFilter:
    """The filters of a valid query string."""

    who: str = ""
    kind: str = ""
    record_type: str = ""
    record_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, statement: Select) -> Select:
        """The statement (over AuditEvent) restricted by every filter given."""
        if self.who:
            pattern = like_pattern(self.who)
            people = matching_ids(User.search_text, self.who)
            label = func.lower(AuditEvent.actor_label).like(pattern, escape="\\")
            statement = statement.where(or_(AuditEvent.actor_id.in_(people), label))
        if self.kind:
            statement = statement.where(kind_condition(self.kind))
        if self.record_type:
            statement = statement.where(AuditEvent.object_type == self.record_type)
        if self.record_id is not None:
            statement = statement.where(AuditEvent.object_id == self.record_id)
        if self.date_from:
            statement = statement.where(AuditEvent.created_at >= _day_start(self.date_from))
        if self.date_to:
            statement = statement.where(AuditEvent.created_at < _day_start(self.date_to + timedelta(days=1)))
        return statement


def _day_start(day: date) -> datetime:
    """The first moment of a local day, as stored (naive UTC)."""
    return local_to_utc(datetime.combine(day, time.min))


class AuditFilterForm(BaseForm):
    """The audit log's filters, typed in the query string: what is wrong gets a message, what was typed stays."""

    class Meta:
        csrf = False

    who = StringField(
        _l("Who"),
        [optional(), max_length(255)],
        render_kw={"placeholder": _l("Name or email, with or without diacritics")},
    )
    kind = SelectField(_l("Kind of action"), default="")
    record_type = SelectField(_l("Type of record"), default="")
    record_id = IntegerField(
        _l("Record number"), [optional(), NumberRange(min=1, message=_l("Must be at least %(min)s.", min=1))]
    )
    date_from = DayField(_l("Date from"), [optional()])
    date_to = DayField(_l("Date to"), [optional()])

    def __init__(self, formdata: object) -> None:
        super().__init__(formdata=formdata)
        self.kind.choices = [("", _("Every kind of action")), *((k, str(label)) for k, label in AUDIT_KINDS.items())]
        types = sorted(((t, record_label(t)) for t in AUDIT_RECORDS), key=lambda choice: choice[1])
        self.record_type.choices = [("", _("Every type of record")), *types]

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The fields, then the number needing its type and the dates their order."""
        valid = super().validate(extra_validators)
        if self.record_id.data is not None and not self.record_type.data and not self.record_id.errors:
            self.record_type.errors.append(_("Choose the type of record this number belongs to."))
            valid = False
        if self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors.append(_("The end date is before the start date."))
            valid = False
        return valid

    def filters(self) -> AuditFilter | None:
        """The filters typed, or None when one of them is wrong."""
        if not self.validate():
            return None
        return AuditFilter(
            who=(self.who.data or "").strip(),
            kind=self.kind.data or "",
            record_type=self.record_type.data or "",
            record_id=self.record_id.data,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )

    def args(self) -> dict[str, str]:
        """The filters as typed, for the pager's links."""
        return {f.name: f.raw_data[0].strip() for f in self if f.raw_data and f.raw_data[0].strip()}


@dataclass(frozen=True)
class AuditRow:
    """One event as the page shows it: who (their name when they have an account), the action, the record and
    its page, the states in the reader's words."""

    event: AuditEvent
    actor: str
    action: str
    record: str
    link: str | None
    from_state: str
    to_state: str
    security: bool


def audit_page(filters: AuditFilter | None, page: int, per_page: int) -> tuple[Pagination, list[AuditRow]]:
    """A page of the filtered events, newest first, with their actors' names and their records' pages (one query
    each, whatever the page holds); nothing when the filters are wrong."""
    if filters is None:
        return ListPagination([], 1, per_page), []
    statement = filters.apply(select(AuditEvent)).order_by(AuditEvent.id.desc())
    pagination = db.paginate(statement, page=page, per_page=per_page, error_out=False)
    events = pagination.items
    names = _actor_names({event.actor_id for event in events if event.actor_id is not None})
    links = record_links(events)
    return pagination, [
        AuditRow(
            event=event,
            actor=names.get(event.actor_id, ""),
            action=action_label(event.action, event.object_type),
            record=record_label(event.object_type),
            link=links.get((event.object_type, event.object_id)),
            from_state=event_state_label(event.from_state, event.object_type),
            to_state=event_state_label(event.to_state, event.object_type),
            security=event_kind(event.action, event.object_type) == "security",
        )
        for event in events
    ]


def _actor_names(actor_ids: set[int]) -> dict[int, str]:
    """The names of the people who acted, by id (those with an account still)."""
    if not actor_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(actor_ids))).tuples().all())

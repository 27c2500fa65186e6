"""A work queue (notifications.queues holds the table of them) and how one is read: counted, in its order, a page at
a time."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import CompoundSelect, Row, Select, select, union_all

from accounts.models import holds_role
from core.extensions import db
from core.formatting import to_local
from core.paging import counted_up_to
from notifications.waiting import Item, Viewer

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Queue:
    """One kind of thing waiting for a person: which records, for whom, and where each is acted on."""

    key: str
    label: object  # a lazy translated string
    roles: frozenset[str]
    rows: Callable[[Viewer], Select | CompoundSelect]
    link: Callable[[Row], str]
    note: Callable[[Row], str] | None = None
    dated: str = "since"
    of_organization: bool = False  # the records are the viewer's organization's: only its people see the queue

    def can_view(self, user: object) -> bool:
        """Holders of its roles; for an organization's queue, only people acting for one."""
        return reaches(user, self.roles, self.of_organization)


def reaches(user: object, roles: frozenset[str], of_organization: bool) -> bool:
    return holds_role(user, roles) and (not of_organization or user.membership is not None)


def count(queue: Queue, viewer: Viewer, up_to: int | None = None) -> Select:
    """How many records the queue holds; with `up_to`, each part (of a union) counted no further than up_to + 1,
    which tells that it holds more."""
    rows = queue.rows(viewer)
    parts = rows.selects if isinstance(rows, CompoundSelect) else [rows]
    return counted_up_to(parts, None if up_to is None else up_to + 1)


def _in_order(statement: Select, names: list[str]) -> Select:
    """The statement's records, those waiting longest (or due soonest) first; its columns are named `names` (a
    union's parts are named by its first)."""
    columns = dict(zip(names, statement.selected_columns, strict=True))
    return statement.order_by(columns["on"].asc().nulls_last(), columns["ref"])


def ordered(queue: Queue, viewer: Viewer, limit: int, offset: int = 0) -> Select:
    """Records `offset` to `offset + limit` of the queue, in its order. The parts of a queue of several (a union) are
    each read in order up to the last one wanted, then merged: PostgreSQL does not read a union in its parts' index
    order, and sorted every record of both."""
    rows = queue.rows(viewer)
    names = list(rows.selected_columns.keys())
    if isinstance(rows, CompoundSelect):
        parts = (select(_in_order(part, names).limit(offset + limit).subquery()) for part in rows.selects)
        rows = union_all(*parts)
    return _in_order(select(rows.subquery()), names).limit(limit).offset(offset)


def _day(moment: date | datetime) -> date:
    return to_local(moment).date() if isinstance(moment, datetime) else moment


def item(queue: Queue, row: Row, today: date) -> Item:
    late = queue.dated == "due" and row.on is not None and _day(row.on) < today
    note = queue.note(row) if queue.note else ""
    return Item(row.ref or "", row.title or "", row.on, queue.link(row), note, late)


class QueuePage(Pagination):
    """A page of one queue's items, with the interface of a query's page so the pager macro shows it."""

    def __init__(self, queue: Queue, user: object, page: int, per_page: int) -> None:
        self.queue, self._viewer = queue, Viewer.of(user)
        super().__init__(page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)

    def _query_items(self) -> list[Item]:
        statement = ordered(self.queue, self._viewer, self.per_page, self._query_offset)
        return [item(self.queue, row, self._viewer.today) for row in db.session.execute(statement)]

    def _query_count(self) -> int:
        return db.session.execute(count(self.queue, self._viewer)).scalar_one()

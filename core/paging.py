"""Pagination arguments shared by every list page, pages of a list already computed in Python, pages read key first,
and counts that stop at a bound."""

import operator
from collections.abc import Callable, Sequence
from functools import reduce
from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, select

from core.extensions import CountedPagination, db


def counted_up_to(parts: Sequence[Select], most: int | ColumnElement[int] | None) -> Select:
    """How many rows the parts (the selects of a union) hold together, each counted up to `most` (every row with
    None), so at most len(parts) × most: the caller keeps what it needs of it. Each part is counted alone: a limit
    over their union left PostgreSQL to plan the union whole (hash joins, parallel workers) to count a hundred rows."""
    counts = [select(func.count()).select_from(part.limit(most).subquery()).scalar_subquery() for part in parts]
    return select(reduce(operator.add, counts))


def page_number() -> int:
    """The requested page (?page=N), at least 1; anything unreadable is page 1."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


class ListPagination(Pagination):
    """A page of a list that had to be computed whole (a ranking), with the interface of a query's page, so the
    same pager shows it."""

    def __init__(self, rows: Sequence[Any], page: int, per_page: int) -> None:
        self._rows = rows
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list[Any]:
        start = (self.page - 1) * self.per_page
        return list(self._rows[start : start + self.per_page])

    def _query_count(self) -> int:
        return len(self._rows)


class KeyedPagination(CountedPagination):
    """A page read in two steps: the page's keys sorted and cut by a narrow statement, then the rows of those keys
    loaded with what they show (`load` returns them in the keys' order); counted by its own statement, the narrowest
    that counts the same rows. Sorting thousands of keys is cheap where sorting the whole joined rows was not."""

    def __init__(self, keys: Select, load: Callable[[list], list], count: Select, **kwargs: Any) -> None:
        self._load, self._count = load, count
        super().__init__(select=keys, session=db.session, **kwargs)

    def _query_items(self) -> list[Any]:
        keys = super()._query_items()
        return self._load(keys) if keys else []

    def _count_all(self) -> int:
        return db.session.execute(self._count).scalar_one()

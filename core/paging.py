"""Pagination arguments shared by every list page, and pages of a list already computed in Python."""

from collections.abc import Sequence
from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination


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

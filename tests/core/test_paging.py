"""Pages of a list: a page neither full nor empty is the last one and counts itself."""

from sqlalchemy import event, select

from core.extensions import db
from policies.models import Sector


def _page(number: int, per_page: int) -> tuple[int | None, int, list[str]]:
    seen: list[str] = []
    listen = lambda *args: seen.append(args[2])  # noqa: E731 (the statement of before_cursor_execute)
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        page = db.paginate(select(Sector).order_by(Sector.number), page=number, per_page=per_page, error_out=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return page.total, len(page.items), [statement for statement in seen if "count(" in statement.lower()]


def test_a_short_last_page_is_counted_from_its_rows_and_others_by_a_count(app, reference):
    sectors = db.session.execute(select(Sector)).scalars().all()
    assert len(sectors) == 8  # seed 001
    total, shown, counts = _page(1, 5)
    assert (total, shown, len(counts)) == (8, 5, 1)  # a full page: the rest is counted
    total, shown, counts = _page(2, 5)
    assert (total, shown, counts) == (8, 3, [])  # the last page: 5 before it and its 3
    assert _page(1, 10) == (8, 8, [])
    total, shown, counts = _page(3, 5)
    assert (total, shown, len(counts)) == (8, 0, 1)  # past the end: counted

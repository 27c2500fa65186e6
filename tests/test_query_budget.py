"""Each page sends a bounded number of SQL statements, whatever the number of rows."""

import pytest

from core.extensions import db
from tests.conftest import login
from tests.factories import make_call, make_user

# page → (path, who is logged in, budget)
PAGES = {
    "home": ("/", None, 8),
    "calls": ("/calls", None, 7),
    "call detail": ("/calls/{call_id}", None, 10),
    "staff calls": ("/staff/calls", "staff@s.vn", 9),
    "admin users": ("/admin/users?q=nguoi", "admin@s.vn", 10),
    "admin regimes": ("/admin/regimes", "admin@s.vn", 9),
}


def _measure(app, count_queries, rows: int, path: str, who: str | None) -> int:
    make_user("staff@s.vn", roles=("staff",))
    make_user("admin@s.vn", roles=("admin",))
    calls = [make_call(code=f"Q-{i}") for i in range(rows)]
    for i in range(rows):
        make_user(f"nguoi{i}@example.vn", full_name=f"Người {i}")
    db.session.commit()
    client = app.test_client()
    if who:
        login(client, who)
    url = path.format(call_id=calls[0].id)
    client.get(url)  # warm-up (first-request work is not the page's)
    db.session.expire_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("rows", [3, 60])
def test_query_budget(app, reference, count_queries, page, rows):
    path, who, budget = PAGES[page]
    used = _measure(app, count_queries, rows, path, who)
    assert used <= budget, f"{page} with {rows} rows used {used} queries (budget {budget})"

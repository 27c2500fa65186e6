"""What the query-budget tests share: the bell's cost and the measure of one page."""

from core.extensions import db

# The bell's count of unread notices, in the header of every page a signed-in user sees: one indexed count, added to
# each budget measured for a signed-in user.
BELL = 1


def page_queries(client, url: str, count_queries) -> int:
    """The SQL statements of one GET of url, after a warm-up (first-request work is not the page's) and with the
    session emptied, so that nothing the set-up loaded is counted as free."""
    client.get(url)
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
        response.get_data()  # a streamed page (a record) reads its rows as it is sent
        assert response.status_code == 200
    return counter.count

"""Benchmark of what tells people what waits: `make bench` (or `python -m bench.notifications 100 2000`).

Puts N records in every work queue of every role (tests.notifications.bulk) and N notices under the host's bell,
then times each role's home page, a queue page, and the notices page. Results are written to
bench/results/notifications.txt as plain text. Uses a throwaway SQLite database unless BENCH_DATABASE_URL is set.
"""

import sys
import time
from pathlib import Path

from bench.harness import fresh_app, timed

RESULTS = Path(__file__).resolve().parent / "results"


def run(sizes: list[int]) -> str:
    """Time the pages at each size and return the report."""
    from sqlalchemy import insert, select

    from accounts.models import User
    from core.extensions import db
    from notifications.models import Notification
    from tests.conftest import login
    from tests.notifications.bulk import HOST, PEOPLE, fill_queues

    lines = [f"home, queue and notices pages, {time.strftime('%Y-%m-%d %H:%M')}, median / worst of 5 requests (ms)"]
    for size in sizes:
        with fresh_app() as app:
            fill_queues(app, size)
            host_id = db.session.execute(select(User.id).where(User.email == HOST)).scalar_one()
            notice = {"user_id": host_id, "event": "tranche.paid", "kind": "payments", "link": "/me"}
            db.session.execute(insert(Notification), [{**notice, "subject": f"Đợt {n}"} for n in range(size)])
            db.session.commit()
            pages = [(PEOPLE[role], f"{role}'s home", "/me") for role in PEOPLE]
            pages += [
                (PEOPLE["finance"], "tranches to pay, page 2", "/me/queues/tranches_to_pay?page=2"),
                (HOST, "host's home", "/me"),
                (HOST, "notices, page 2", "/notifications?page=2"),
            ]
            for email, name, path in pages:
                client = app.test_client()  # one person at a time (see bench/projects.py)
                login(client, email)
                median, worst = timed(client, path)
                lines.append(f"{size:>7} waiting  {name:<26} {median:8.1f} / {worst:8.1f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = run([int(size) for size in sys.argv[1:]] or [100, 2000])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "notifications.txt").write_text(report, encoding="utf-8")
    print(report, end="")

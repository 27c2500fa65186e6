"""Benchmark of the login: `python -m bench.logins 10 1000`.

With production's password work factor, times a refused login for an email that has an account and for one that has
none (they must cost the same: no account can be found by timing), and a signed-in page with N open sessions in the
table (the session is found by its key's unique index, whatever their number). Results go to bench/results/logins.txt.
"""

import statistics
import sys
import time
from pathlib import Path

from bench.harness import fresh_app, timed

RESULTS = Path(__file__).resolve().parent / "results"
PRODUCTION_HASH = "pbkdf2:sha256:600000"


def _refused(client: object, email: str, runs: int = 4) -> float:
    """The median time of a refused login (fewer tries than the throttle allows)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        page = client.post("/login", data={"email": email, "password": "not-the-password"})
        times.append((time.perf_counter() - start) * 1000)
        assert page.status_code == 200
    return statistics.median(times)


def run(sizes: list[int]) -> str:
    """Time the logins and a signed-in page at each number of sessions, and return the report."""
    from sqlalchemy import insert

    from accounts.models import UserSession
    from core.extensions import db
    from core.formatting import utcnow
    from tests.conftest import login
    from tests.factories import make_user

    lines = [
        f"logins, {time.strftime('%Y-%m-%d %H:%M')}, {PRODUCTION_HASH}, median of 4 refused logins, of 5 pages (ms)"
    ]
    for size in sizes:
        with fresh_app() as app:
            app.config["PASSWORD_HASH_METHOD"] = PRODUCTION_HASH
            person = make_user("co@bench.vn")
            now = utcnow()
            rows = [
                {
                    "user_id": person.id,
                    "key_hash": f"{n:064x}",
                    "expires_at": now,
                    "created_at": now,
                    "last_seen_at": now,
                }
                for n in range(size)
            ]
            db.session.execute(insert(UserSession), rows)
            db.session.commit()
            client = app.test_client()
            lines.append(f"{size:>7} sessions  refused login, known email   {_refused(client, 'co@bench.vn'):8.1f}")
            lines.append(f"{size:>7} sessions  refused login, unknown email {_refused(client, 'khong@bench.vn'):8.1f}")
            login(client, "co@bench.vn")
            median, worst = timed(client, "/me")
            lines.append(f"{size:>7} sessions  signed-in home page          {median:8.1f} / {worst:8.1f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = run([int(size) for size in sys.argv[1:]] or [10, 1000])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "logins.txt").write_text(report, encoding="utf-8")
    print(report, end="")

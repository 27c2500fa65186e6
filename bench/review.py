"""Benchmark of the review pages at scale: `make bench` (or `python -m bench.review 100 300 1000`).

Generates N valid applications in one call (sectors and topics drawn at random) before a council of 9 members with
expertise profiles (a sector or two and a few keywords each), times forming the council (its assignments and the
exact choice of reviewers over the members' affinities), then has every member submit a sheet (levels drawn at
random, so the aggregation, ranking and outlier checks have real work to do) and times the results and ranking page,
the Excel export, the minutes and a member's score sheet. Results are written to
bench/results/review.txt as plain text. Uses a throwaway SQLite database unless BENCH_DATABASE_URL is set.
"""

import random
import sys
import time
from pathlib import Path

from sqlalchemy import insert, select

from bench.harness import fresh_app, timed
from bench.scale_data import stored_exports

RESULTS = Path(__file__).resolve().parent / "results"
TOPICS = ("lúa", "thanh long", "cơ khí", "vi sinh", "đèn LED", "chuyển đổi số", "sấy lạnh", "thủy sản")
SEATS = ("chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member", "member", "member")


def run(sizes: list[int]) -> str:
    """Time the pages at each size and return the report."""
    from core.extensions import db
    from core.formatting import utcnow
    from core.text import normalize_search
    from policies.models import Sector
    from proposals.models import Proposal
    from review.councils.queries import load_council
    from review.models import Assignment, ScoreSheet, SheetScore
    from review.results.store import refresh_all_results
    from tests.conftest import login
    from tests.factories import make_call, make_council, make_organization, make_profile, make_user, make_valid_proposal

    lines = [f"review pages, 9 members, {time.strftime('%Y-%m-%d %H:%M')}, median / worst of 5 requests (ms)"]
    for size in sizes:
        with fresh_app() as app:
            staff = make_user("staff@bench.vn", roles=("staff",))
            members = [make_user(f"tv{i}@vien{i}.vn", roles=("reviewer",)) for i in range(len(SEATS))]
            call = make_call(code="BENCH-02", budget_vnd=size * 200_000_000)
            rng = random.Random(size)
            sectors = db.session.execute(select(Sector)).scalars().all()
            for member in members:
                make_profile(member, sectors=tuple(rng.sample(sectors, 2)), keywords=", ".join(rng.sample(TOPICS, 3)))
            with app.test_request_context():
                proposal = make_valid_proposal(call, make_user("an@bench.vn", organization=make_organization()))
                organizations = [make_organization().id for _ in range(max(size // 20, 1))]
                titles = [f"Dự án {rng.choice(TOPICS)} và {rng.choice(TOPICS)} số {i}" for i in range(size - 1)]
                db.session.execute(
                    insert(Proposal),
                    [
                        {
                            "call_id": call.id,
                            "organization_id": rng.choice(organizations),
                            "year": call.year,
                            "status": "valid",
                            "sequence": 10 + i,
                            "reference_code": f"BENCH-02-{10 + i:05d}",
                            "title": titles[i],
                            "match_text": normalize_search(titles[i]) + "\n",
                            "submitted_at": utcnow(),
                            "category_id": proposal.category_id,
                            "sector_id": rng.choice(sectors).id,
                            "support_total_vnd": rng.randrange(10**8, 5 * 10**8),
                        }
                        for i in range(size - 1)
                    ],
                )
                started = time.perf_counter()
                council = make_council(call, staff, members, SEATS, open_scoring=True)
                formed = (time.perf_counter() - started) * 1000
            lines.append(f"{size:>7} applications  {'form council, reviewers':<24} {formed:8.1f}")
            criteria = load_council(council.id).template.criteria
            db.session.execute(Assignment.__table__.update().values(conflict="none"))
            assignments = db.session.execute(select(Assignment.id)).scalars().all()
            db.session.execute(
                insert(ScoreSheet),
                [
                    {"assignment_id": a, "status": "submitted", "recommendation": "support", "updated_at": utcnow()}
                    for a in assignments
                ],
            )
            sheets = db.session.execute(select(ScoreSheet.id)).scalars().all()
            for start in range(0, len(sheets), 500):
                db.session.execute(
                    insert(SheetScore),
                    [
                        {"sheet_id": s, "criterion_id": c.id, "value": rng.randint(1, 4), "comment": ""}
                        for s in sheets[start : start + 500]
                        for c in criteria
                    ],
                )
            started = time.perf_counter()
            refresh_all_results()  # the sheets went in by bulk insert, past the services that keep the results
            db.session.commit()
            lines.append(
                f"{size:>7} applications  {'refresh-results':<24} {(time.perf_counter() - started) * 1000:8.1f}"
            )
            stored_exports()  # a council of more than 500 applications has its workbook built by the scheduled job
            db.session.commit()
            # One person at a time: the test clients share this app context, where Flask-Login caches the user.
            for email, pages in (
                (
                    "staff@bench.vn",
                    (
                        ("results and ranking", f"/councils/{council.id}/results"),
                        ("Excel export", f"/councils/{council.id}/results.xlsx"),
                        ("minutes", f"/councils/{council.id}/minutes"),
                    ),
                ),
                (
                    members[1].email,
                    (
                        ("member's score sheet", f"/review/councils/{council.id}/applications/{proposal.id}"),
                        ("member's list", "/review"),
                    ),
                ),
            ):
                client = app.test_client()
                login(client, email)
                for name, path in pages:
                    median, worst = timed(client, path)
                    lines.append(f"{size:>7} applications  {name:<24} {median:8.1f} / {worst:8.1f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = run([int(n) for n in sys.argv[1:]] or [100, 300, 1000])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "review.txt").write_text(report, encoding="utf-8")
    print(report, end="")

"""Benchmark of the application pages at scale: `make bench` (or `python -m bench.applications 1000 10000`).

Generates N submitted applications in one call (titles and contents varied from a vocabulary, so the duplicate
check has real work to do), then times the staff queue, the application page and the check page (which compares
the application with every other one). Results are written to bench/results/applications.txt as plain text.
Uses a throwaway SQLite database unless BENCH_DATABASE_URL is set.
"""

import random
import sys
import time
from pathlib import Path

from sqlalchemy import insert

from bench.harness import fresh_app, timed

RESULTS = Path(__file__).resolve().parent / "results"
WORDS = (  # noqa: SIM905 (a sentence of vocabulary reads better than a list of 70 words)
    "ứng dụng công nghệ tưới nhỏ giọt thanh long lúa gạo sấy lạnh bảo quản chuyển đổi số nhà máy cơ khí chính xác "
    "năng lượng mặt trời xử lý nước thải chăn nuôi bò sữa thủy sản truy xuất nguồn gốc đóng gói tự động cảm biến "
    "độ ẩm đất phân bón hữu cơ vi sinh giống cây trồng nhà màng kiểm soát dịch bệnh tiết kiệm điện"
).split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def run(sizes: list[int]) -> str:
    """Time the pages at each size and return the report."""
    from core.extensions import db
    from core.formatting import utcnow
    from core.text import normalize_search
    from proposals.models import Proposal
    from proposals.services import submit_proposal
    from tests.conftest import login
    from tests.factories import make_call, make_organization, make_proposal, make_user

    lines = [f"application pages, {time.strftime('%Y-%m-%d %H:%M')}, median / worst of 5 requests (ms)"]
    for size in sizes:
        with fresh_app() as app:
            make_user("staff@bench.vn", roles=("staff",))
            applicant = make_user("an@bench.vn", organization=make_organization())
            call = make_call(code="BENCH-01")
            with app.test_request_context():
                proposal = make_proposal(call, applicant)
                submit_proposal(proposal, applicant)
            rng = random.Random(size)
            organizations = [make_organization().id for _ in range(max(size // 20, 1))]
            now = utcnow()
            rows = [
                {
                    "call_id": call.id,
                    "organization_id": rng.choice(organizations),
                    "year": call.year,
                    "status": "valid",
                    "sequence": 10 + i,
                    "reference_code": f"BENCH-01-{10 + i:05d}",
                    "title": _text(rng, 10),
                    "objectives": _text(rng, 60),
                    "technology": _text(rng, 60),
                    "search_text": f"bench-01-{10 + i:05d}",
                    "submitted_at": now,
                    "category_id": proposal.category_id,
                    "sector_id": proposal.sector_id,
                    "support_total_vnd": rng.randrange(10**8, 10**9),
                }
                for i in range(size - 1)
            ]
            for row in rows:  # bulk inserts skip the model's listener that keeps this copy
                row["match_text"] = (
                    normalize_search(row["title"]) + "\n" + normalize_search(row["objectives"], row["technology"])
                )
            for start in range(0, len(rows), 1000):
                db.session.execute(insert(Proposal), rows[start : start + 1000])
            db.session.commit()
            client = app.test_client()
            login(client, "staff@bench.vn")
            for name, path in (
                ("staff queue", f"/staff/calls/{call.id}/applications?q=thanh+long&sort=support&order=desc"),
                ("application page", f"/applications/{proposal.id}"),
                ("check page (duplicates)", f"/staff/applications/{proposal.id}/check"),
            ):
                median, worst = timed(client, path)
                lines.append(f"{size:>7} applications  {name:<26} {median:8.1f} / {worst:8.1f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = run([int(n) for n in sys.argv[1:]] or [1000, 10000])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "applications.txt").write_text(report, encoding="utf-8")
    print(report, end="")

"""Benchmark of the project pages at scale: `make bench` (or `python -m bench.projects 100 1000 2000`).

Generates N running projects of one host (three tranches and two periodic reports each, a third of them with a
late report), then times the staff's monitoring page (unfiltered, filtered by legacy area, searched, filtered by
the stored health) and its export in Excel and CSV, the host's projects and to-do list, a project page, its contract in its three forms (print view,
PDF, Word), and the daily refresh of every project's
stored health (projects.portfolio.stored.refresh_open_health, once, after the health was moved out of date).
Results are written to bench/results/projects.txt as plain text.
Uses a throwaway SQLite database unless BENCH_DATABASE_URL is set.
"""

import sys
import time
from pathlib import Path

from bench.harness import fresh_app, timed

RESULTS = Path(__file__).resolve().parent / "results"


def run(sizes: list[int]) -> str:
    """Time the pages at each size and return the report."""
    from core.extensions import db
    from projects.contracts.models import Project
    from projects.portfolio.stored import refresh_open_health
    from tests.conftest import login
    from tests.factories import bulk_projects, make_organization, make_project, make_user

    lines = [f"project pages, {time.strftime('%Y-%m-%d %H:%M')}, median / worst of 5 requests (ms)"]
    for size in sizes:
        with fresh_app() as app:
            make_user("staff@bench.vn", roles=("staff",))
            host = make_user("host@bench.vn", organization=make_organization())
            with app.test_request_context():
                project = make_project(host)
            bulk_projects(project, size - 1)
            db.session.commit()
            db.session.execute(db.update(Project).values(health="on_track", health_reasons=""))
            start = time.perf_counter()
            changed = refresh_open_health()
            db.session.commit()
            refreshed = (time.perf_counter() - start) * 1000
            lines.append(f"{size:>7} projects  {'daily health refresh':<26} {refreshed:8.1f} ({changed} changed)")
            # One person at a time: the test clients share this app context, where Flask-Login caches the user.
            for email, pages in (
                (
                    "staff@bench.vn",
                    (
                        ("monitoring", "/staff/projects"),
                        ("monitoring, legacy area", "/staff/projects?area=long_an"),
                        ("monitoring, search", "/staff/projects?q=dong+loat+so+17"),
                        ("monitoring, at risk", "/staff/projects?health=at_risk"),
                        ("monitoring, Excel export", "/staff/projects.xlsx"),
                        ("monitoring, CSV export", "/staff/projects.csv"),
                        ("project page (staff)", f"/projects/{project.id}"),
                        ("contract, print view", f"/projects/{project.id}/contract"),
                        ("contract, PDF", f"/projects/{project.id}/contract.pdf"),
                        ("contract, Word", f"/projects/{project.id}/contract.docx"),
                    ),
                ),
                (
                    "host@bench.vn",
                    (("host's projects, to-do", "/projects"), ("project page (host)", f"/projects/{project.id}")),
                ),
            ):
                client = app.test_client()
                login(client, email)
                for name, path in pages:
                    median, worst = timed(client, path)
                    lines.append(f"{size:>7} projects  {name:<26} {median:8.1f} / {worst:8.1f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = run([int(size) for size in sys.argv[1:]] or [100, 1000, 2000])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "projects.txt").write_text(report, encoding="utf-8")
    print(report, end="")

"""The scale benchmark: `make bench-scale` (or `python -m bench.scale 0.1 1`).

For each scale factor, builds the data set of bench.scale_data (at 1: 100,001 applications, 1,008,000 scores,
20,000 projects) with bulk inserts, serves it with gunicorn (one sync worker) and times every key page over HTTP,
each request interleaved with the trivial page /guide in the same run: the median of each, and their ratio (page ÷
/guide, which takes the machine's speed out). The Excel export serves the workbook the build stored, as the scheduled
`flask review build-exports` leaves it (the time that build took is reported). Then the export's peak memory (VmHWM
of a fresh worker), and the staff queue's and /guide's requests per second with 4 workers and 8 concurrent clients
for 10 s. With several scale factors, the growth of each page's ratio from one to the next ("growth for 10×" from
0.1 to 1).

Production's configuration from the environment, two-step login included (the staff's code made with pyotp). A
request taking more than BENCH_TIMEOUT seconds (60) is recorded as "timeout"; repetitions (5) are fewer for slow
pages. SQLite in a temporary file, or BENCH_DATABASE_URL (else TEST_DATABASE_URL) for PostgreSQL; the report goes to
bench/results/scale-<dialect>.txt.
"""

import contextlib
import math
import os
import statistics
import sys
import threading
import time
from pathlib import Path

from bench.scale_server import Client, Server, peak_memory_kb, serve, throughput

RESULTS = Path(__file__).resolve().parent / "results"
REPETITIONS = 5
PAGE_BUDGET_SECONDS = 30  # a slow page gets fewer repetitions, at least one


def pages(fixture: object, scale: float) -> list[tuple[str, str, str]]:
    """(who, name, path) of every timed page."""
    big, proposal, project = fixture.big_council_id, fixture.proposal_id, fixture.project_id
    later = max(2, math.ceil(11_000 * scale / 25) // 2)  # the middle of the big council's ranking
    monitoring = [("monitoring", "/staff/projects")]
    monitoring += [(f"monitoring, {level}", f"/staff/projects?health={level}") for level in HEALTH]
    monitoring += [
        ("monitoring, search", "/staff/projects?q=so+17"),
        ("monitoring, call", f"/staff/projects?call={fixture.project_call_id}"),
    ]
    staff = [
        ("home, what waits (staff)", "/me"),
        (
            "staff queue",
            f"/staff/calls/{fixture.big_call_id}/applications?status=in_review&q=thanh+long&sort=support&order=desc&page=2",
        ),
        ("check page (duplicates)", f"/staff/applications/{proposal}/check"),
        ("application page", f"/applications/{proposal}"),
        ("results, page 1", f"/councils/{big}/results"),
        ("results, a later page", f"/councils/{big}/results?page={later}"),
        ("minutes", f"/councils/{big}/minutes"),
        ("vote count", f"/councils/{big}/vote-count"),
        ("Excel export", f"/councils/{big}/results.xlsx"),
        *monitoring,
        ("project page (staff)", f"/projects/{project}"),
        ("dashboard", "/staff/dashboard"),
        ("dashboard, a year", f"/staff/dashboard?year={time.localtime().tm_year}"),  # the calls' year
        ("payments and settlements", "/staff/tranches"),
        ("payments to make", "/staff/tranches?kind=approved"),
        ("periodic reports, overdue", "/staff/periodic-reports?kind=late"),
        ("ledger", "/staff/ledger"),
    ]
    return [
        ("anonymous", "public home", "/"),
        ("anonymous", "public calls, search", "/calls?q=nong+nghiep"),
        ("anonymous", "public statistics", "/statistics"),
        ("anonymous", "open data, JSON (stored)", "/open-data/grants.json"),
        ("anonymous", "funded projects (public)", "/funded?q=du+an"),
        ("anonymous", "fixed amounts (public)", "/funded/fixed-amounts"),
        *(("staff", name, path) for name, path in staff),
        ("member", "home, what waits (member)", "/me"),  # a seat of the big council: every sheet submitted
        ("member", "member's list (mine)", "/review"),
        ("member", "member's score sheet", f"/review/councils/{big}/applications/{proposal}"),
        ("host", "host's projects", "/projects"),
        ("host", "project page (host)", f"/projects/{project}"),
    ]


HEALTH = ("on_track", "at_risk", "overdue", "closed")


def timed(client: Client, path: str) -> dict:
    """Median milliseconds of the page and of /guide, interleaved (after one warm-up of each, the page's first request
    timed too: a page that keeps its figures computes them then), or "timeout"."""
    client.get("/guide")
    status, first, _body, _location = client.get(path)
    if status != 200:
        return {"status": status, "runs": 0}
    runs = max(1, min(REPETITIONS, int(PAGE_BUDGET_SECONDS * 1000 // max(first, 1))))
    page, guide = [], []
    for _ in range(runs):
        guide.append(client.get("/guide")[1])
        status, elapsed, _body, _location = client.get(path)
        if status != 200:
            return {"status": status, "runs": len(page)}
        page.append(elapsed)
    page_ms, guide_ms = statistics.median(page), statistics.median(guide)
    return {"status": 200, "runs": runs, "first": first, "ms": page_ms, "guide": guide_ms, "ratio": page_ms / guide_ms}


def clients(server: Server, fixture: object) -> dict[str, Client]:
    """One logged-in client per person (the anonymous one too)."""
    from tests.factories import PASSWORD

    found = {"anonymous": Client(server)}
    for who, email, secret in (
        ("staff", fixture.staff_email, fixture.totp_secret),
        ("member", fixture.member_email, None),
        ("host", fixture.host_email, None),
    ):
        found[who] = Client(server)
        found[who].login(email, PASSWORD, secret)
    return found


def export_memory(database_url: str, uploads: str, cookies: dict, path: str) -> tuple[int, int, object]:
    """A fresh worker's peak memory (kB) after /guide, then during the export (sampled while it runs, since a worker
    that times out is killed), and the export's status."""
    with serve(database_url, uploads) as server:
        client, worker = Client(server, dict(cookies)), server.workers()[0]
        client.get("/guide")
        peaks = [peak_memory_kb(worker)]
        running = threading.Event()
        running.set()

        def sample() -> None:
            while running.is_set():
                with contextlib.suppress(OSError):  # the worker is gone once killed
                    peaks.append(peak_memory_kb(worker))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        status = client.get(path)[0]
        running.clear()
        sampler.join()
        return peaks[0], max(peaks), status


def measure(scale: float) -> dict:
    """Build the data at the scale factor and measure everything; the figures."""
    from bench.harness import fresh_app
    from bench.scale_data import build
    from core.extensions import db

    with fresh_app() as app:
        start = time.perf_counter()
        fixture = build(app, scale)
        built = time.perf_counter() - start
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        uploads = app.config["UPLOAD_FOLDER"]
        db.session.remove()
        db.engine.dispose()  # the server alone uses the database while it is measured
        figures = {"scale": scale, "built": built, "counts": fixture.counts, "pages": {}}
        figures["export built"] = fixture.export_seconds
        with serve(url, uploads) as server:
            people = clients(server, fixture)
            for who, name, path in pages(fixture, scale):
                figures["pages"][name] = timed(people[who], path)
                print(f"  {scale:g} {name}: {figures['pages'][name]}", flush=True)
            staff_cookies = dict(people["staff"].cookies)
        export = next(path for _who, name, path in pages(fixture, scale) if name == "Excel export")
        figures["export memory"] = export_memory(url, uploads, staff_cookies, export)
        print(f"  {scale:g} export's peak memory (kB): {figures['export memory']}", flush=True)
        with serve(url, uploads, workers=4) as server:
            queue = next(path for _who, name, path in pages(fixture, scale) if name == "staff queue")
            figures["throughput"] = {
                "/guide": throughput(server, staff_cookies, "/guide"),
                "staff queue": throughput(server, staff_cookies, queue),
            }
            print(f"  {scale:g} requests/s: {figures['throughput']}", flush=True)
    return figures


def _cell(found: dict) -> str:
    if found["status"] != 200:
        return f"{str(found['status']):>36}"
    return f"{found['first']:8.1f} {found['ms']:9.1f} {found['guide']:7.1f} {found['ratio']:7.1f}x{found['runs']:>2}"


def report(runs: list[dict], dialect: str) -> str:
    """The table: per page and scale, the first request's ms, the median ms, /guide's median ms, ratio and
    repetitions; then growth."""
    lines = [
        f"scale benchmark, {dialect}, {time.strftime('%Y-%m-%d %H:%M')}, gunicorn 1 sync worker, production config "
        f"(two-step login done with pyotp), medians interleaved with /guide, timeout {os.environ.get('BENCH_TIMEOUT', '60')} s",
    ]
    for run in runs:
        counts = ", ".join(f"{table} {count:,}" for table, count in run["counts"].items())
        lines.append(f"scale {run['scale']:g}: data built in {run['built']:.0f} s ({counts})")
        lines.append(f"scale {run['scale']:g}: the councils' stored Excel exports built in {run['export built']:.1f} s")
    header = "".join(f" | {'scale ' + format(r['scale'], 'g'):^36}" for r in runs)
    growth = [f"growth {a['scale']:g}→{b['scale']:g}" for a, b in zip(runs, runs[1:], strict=False)]
    lines += ["", f"{'page':<28}{header}" + "".join(f" | {g:>14}" for g in growth)]
    lines.append(f"{'':<28}" + " | ms first  ms page  /guide  ratio  n" * len(runs))
    for name in runs[0]["pages"]:
        cells = "".join(f" | {_cell(r['pages'][name])}" for r in runs)
        ratios = []
        for a, b in zip(runs, runs[1:], strict=False):
            x, y = a["pages"][name], b["pages"][name]
            ratios.append(f"{y['ratio'] / x['ratio']:13.1f}x" if "ratio" in x and "ratio" in y else f"{'-':>14}")
        lines.append(f"{name:<28}{cells}" + "".join(f" | {r}" for r in ratios))
    lines.append("")
    for run in runs:
        before, after, status = run["export memory"]
        rates = run["throughput"]
        lines.append(
            f"scale {run['scale']:g}: Excel export, fresh worker's peak RSS {before / 1024:.0f} MB after /guide, "
            f"{after / 1024:.0f} MB during the export ({status}); 4 workers, 8 clients, 10 s: /guide {rates['/guide']:.1f} req/s, "
            f"staff queue {rates['staff queue']:.1f} req/s ({rates['staff queue'] / rates['/guide']:.3f} of /guide)"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url:
        os.environ["BENCH_DATABASE_URL"] = url
    dialect = "postgresql" if url else "sqlite"
    text = report([measure(float(scale)) for scale in sys.argv[1:] or ("0.1", "1")], dialect)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"scale-{dialect}.txt").write_text(text, encoding="utf-8")
    print(text, end="")

"""What every benchmark shares: a throwaway database with the reference data, and timing a page."""

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask


@contextmanager
def fresh_app() -> Iterator[Flask]:
    """An app on an empty database (a temporary SQLite file unless BENCH_DATABASE_URL is set) with the reference
    data loaded, inside its app context; everything is dropped afterwards."""
    from core import create_app
    from core.extensions import db
    from policies.loader import load_reference_data
    from tests.conftest import make_test_config

    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        app = create_app(make_test_config(url, UPLOAD_FOLDER=f"{folder}/uploads"))
        with app.app_context():
            db.drop_all()
            db.create_all()
            load_reference_data()
            try:
                yield app
            finally:
                db.session.remove()
                db.drop_all()
                db.engine.dispose()


def timed(client: object, url: str, runs: int = 5) -> tuple[float, float]:
    """Median and worst time of a GET with its whole body (a streamed one read to its end), in milliseconds, after
    one warm-up request."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url).get_data()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)

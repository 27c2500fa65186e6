"""A real ClamAV daemon for the upload tests: Debian's /usr/sbin/clamd, in the foreground, on a socket in a temporary
folder, with a signature database of its own that knows only the EICAR test file (nothing is downloaded).

CI installs clamav-daemon (.ci/run); where it is absent locally the tests that need it are skipped with the reason,
and CI fails on any skip.
"""

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

CLAMD = Path("/usr/sbin/clamd")
# The standard anti-virus test file, in two halves so that no scanner flags this source file itself.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# A body signature (.ndb, any file type, at any offset): EICAR appended inside a PDF or a document is found too.
SIGNATURES = f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n"


def _answers(path: Path) -> bool:
    """True once the daemon answers PING on its socket."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(1)
            connection.connect(str(path))
            connection.sendall(b"nPING\n")
            return connection.recv(16).strip() == b"PONG"
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd_socket() -> Iterator[str]:
    """The socket of a clamd started for the session with the EICAR-only database; stopped at the end."""
    if not CLAMD.exists():
        pytest.skip("/usr/sbin/clamd is absent: apt-get install clamav-daemon (CI installs it)")
    with tempfile.TemporaryDirectory(prefix="clamd-") as folder:  # short: a socket path has at most 107 bytes
        root = Path(folder)
        (root / "db").mkdir()
        (root / "db" / "eicar.ndb").write_text(SIGNATURES)
        path = root / "clamd.sock"
        (root / "clamd.conf").write_text(
            f"Foreground yes\nLocalSocket {path}\nDatabaseDirectory {root / 'db'}\n"
            f"TemporaryDirectory {root}\nLogFile {root / 'clamd.log'}\nStreamMaxLength 25M\n"
        )
        daemon = subprocess.Popen(  # noqa: S603 (our own fixed command line)
            [str(CLAMD), "-c", str(root / "clamd.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        try:
            for _ in range(300):
                if _answers(path) or daemon.poll() is not None:
                    break
                time.sleep(0.1)
            log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
            assert daemon.poll() is None and _answers(path), f"clamd did not start:\n{log}"
            yield str(path)
        finally:
            daemon.terminate()
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()


@pytest.fixture
def scanning(app: Flask, clamd_socket: str) -> str:
    """The test's application scans its uploads with the session's clamd."""
    app.config["CLAMD_SOCKET"] = clamd_socket
    return clamd_socket

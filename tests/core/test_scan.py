"""The virus scan's reading of clamd's answers: a verdict, or ScanUnavailable for anything else (the real daemon's
verdicts are tested through the upload pages, with tests/clamd.py)."""

import socket
import struct
import threading

import pytest

from core.scan import ScanUnavailable, virus_in


def _answering(path: str, answer: bytes) -> threading.Thread:
    """A one-connection stand-in for clamd on `path`: reads the INSTREAM command and chunks, then gives `answer`."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()

    def serve() -> None:
        with server, server.accept()[0] as connection, connection.makefile("rb") as stream:
            assert stream.readline() == b"nINSTREAM\n"
            while size := struct.unpack("!L", stream.read(4))[0]:
                stream.read(size)
            connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("answer", "found"),
    [(b"stream: OK\n", None), (b"stream: Win.Test.EICAR_HDB-1 FOUND\n", "Win.Test.EICAR_HDB-1")],
)
def test_a_verdict_is_read(app, tmp_path, answer, found):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "clamd.sock")
    thread = _answering(app.config["CLAMD_SOCKET"], answer)
    with app.app_context():
        assert virus_in(b"%PDF-1.4 " * 500) == found
    thread.join(5)


@pytest.mark.parametrize(
    "answer",
    [b"stream: Can't allocate memory ERROR\n", b"INSTREAM size limit exceeded. ERROR\n", b"", b"something else\n"],
)
def test_anything_but_a_verdict_is_unavailable(app, tmp_path, answer):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "clamd.sock")
    thread = _answering(app.config["CLAMD_SOCKET"], answer)
    with app.app_context(), pytest.raises(ScanUnavailable):
        virus_in(b"%PDF-1.4")
    thread.join(5)


def test_no_socket_configured_means_no_scan(app):
    with app.app_context():
        assert app.config["CLAMD_SOCKET"] is None and virus_in(b"anything") is None

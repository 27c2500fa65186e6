"""Uploads are scanned for viruses by a real clamd and Office files are judged by their unpacked size: refused files
say why at the file field, keep the chosen document and store nothing."""

import io
import logging
import socket
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from core.extensions import db
from policies.models import CallDocument
from proposals.models import ProposalFile
from tests.clamd import EICAR
from tests.conftest import login
from tests.factories import PDF_BYTES, make_call, make_organization, make_proposal, make_user
from tests.proposals.conftest import ooxml, upload

VIRUS = "The file contains a virus (Eicar-Test-Signature.UNOFFICIAL) and was not accepted."
UNAVAILABLE = "The virus scan is not available at the moment, so the file was not accepted. Please try again later."


def docx(*parts: tuple[str, bytes]) -> bytes:
    """A DOCX with its two required parts and the extra ones given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in parts:
            archive.writestr(name, data)
    return buffer.getvalue()


def bomb(megabytes: int) -> bytes:
    """A DOCX with a part of that many MB of zeros, deflated to about a thousandth of it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as part:
            for _ in range(megabytes):
                part.write(bytes(1024 * 1024))
    return buffer.getvalue()


@pytest.fixture
def draft(app, reference):
    """An applicant reading English and their draft application."""
    org = make_organization()
    make_user("en@x.vn", organization=org, locale="en")
    proposal = make_proposal(make_call(), make_user("an@x.vn", organization=org), complete=False)
    db.session.commit()
    return proposal


def refused(app, client, draft, name: str, data: bytes, message: str) -> None:
    """The upload is refused with the message at the file field, the chosen document still chosen, nothing stored."""
    login(client, "en@x.vn")
    document_id = db.session.execute(select(CallDocument.id).order_by(CallDocument.id.desc())).scalars().first()
    response = upload(client, draft.id, name, data, str(document_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<div class="invalid-feedback d-block">{message}</div>' in page
    assert f'<option selected value="{document_id}">' in page
    assert db.session.execute(select(ProposalFile)).first() is None
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())


def accepted(client, draft, name: str, data: bytes) -> None:
    """The upload is stored."""
    login(client, "en@x.vn")
    assert "The document has been attached." in upload(client, draft.id, name, data).get_data(as_text=True)
    assert db.session.execute(select(ProposalFile.original_name)).scalar_one() == name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("eicar.pdf", EICAR),
        ("bao-cao.pdf", PDF_BYTES.replace(b"%%EOF", EICAR + b"\n%%EOF")),
        ("thuyet-minh.docx", docx(("word/media/payload.bin", EICAR))),
    ],
    ids=["eicar-named-pdf", "eicar-inside-a-pdf", "eicar-inside-a-docx"],
)
def test_an_infected_file_is_refused_as_such(app, client, draft, scanning, caplog, name, data):
    with caplog.at_level(logging.WARNING, logger="proposals.files"):
        refused(app, client, draft, name, data, VIRUS)
    assert f"{name} contains Eicar-Test-Signature" in caplog.text


@pytest.mark.parametrize(
    ("name", "data"),
    [("bao-cao.pdf", PDF_BYTES), ("thuyet-minh.docx", ooxml("word/document.xml"))],
    ids=["pdf", "docx"],
)
def test_a_clean_file_passes_the_scan(client, draft, scanning, name, data):
    accepted(client, draft, name, data)


def test_an_unreachable_scan_refuses_the_file_and_says_try_later(app, client, draft, tmp_path, caplog):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd.sock")
    with caplog.at_level(logging.ERROR, logger="core.scan"):
        refused(app, client, draft, "bao-cao.pdf", PDF_BYTES, UNAVAILABLE)
    assert "Virus scan unavailable" in caplog.text


def test_a_daemon_that_never_answers_is_given_up_on(app, client, draft, tmp_path):
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(tmp_path / "silent.sock"))
    silent.listen()  # accepts the connection (in the backlog) and never says anything
    app.config.update(CLAMD_SOCKET=str(tmp_path / "silent.sock"), CLAMD_TIMEOUT_SECONDS=0.2)
    try:
        refused(app, client, draft, "bao-cao.pdf", PDF_BYTES, UNAVAILABLE)
    finally:
        silent.close()


def test_without_a_configured_scan_files_are_not_scanned(app, client, draft):
    assert app.config["CLAMD_SOCKET"] is None
    accepted(client, draft, "bao-cao.pdf", PDF_BYTES)


def test_an_office_file_that_unpacks_past_the_limit_is_refused(app, client, draft):
    data = bomb(app.config["MAX_OFFICE_UNCOMPRESSED_MB"] + 1)
    assert len(data) < 1024 * 1024  # a small upload
    message = "The document would take more than 100 MB once unpacked: it cannot be accepted."
    refused(app, client, draft, "thuyet-minh.docx", data, message)


def test_an_office_file_of_too_many_parts_is_refused(app, client, draft):
    parts = [(f"word/media/image{n}.png", b"x") for n in range(app.config["MAX_OFFICE_MEMBERS"])]
    message = "The document holds too many parts (more than 2000): it cannot be accepted."
    refused(app, client, draft, "thuyet-minh.docx", docx(*parts), message)


def test_an_office_file_within_the_limits_is_accepted(app, client, draft):
    app.config.update(MAX_OFFICE_UNCOMPRESSED_MB=2, MAX_OFFICE_MEMBERS=3)
    accepted(client, draft, "thuyet-minh.docx", bomb(1))

"""Uploads: accepted by content, refused when they lie or name a path, limited in size, served as attachments."""

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from core.extensions import db
from policies.models import CallDocument
from proposals.files import detect_type
from proposals.models import ProposalFile
from tests.conftest import login
from tests.factories import PDF_BYTES, make_call, make_organization, make_proposal, make_user
from tests.proposals.conftest import ooxml, upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def macro_docx() -> bytes:
    """A macro-enabled Word document renamed to .docx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"):
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF_BYTES, "pdf"),
        (PNG, "png"),
        (JPG, "jpg"),
        (ooxml("word/document.xml"), "docx"),
        (ooxml("xl/workbook.xml"), "xlsx"),
        (b"MZ\x90\x00", None),
        (b"PK\x03\x04broken", None),
        (ooxml("ppt/presentation.xml"), None),
        (b"<html><script>", None),
        (macro_docx(), None),
    ],
)
def test_types_are_recognised_by_content(data, kind):
    assert detect_type(data) == kind


@pytest.fixture
def draft(app, reference):
    org = make_organization()
    user = make_user("an@x.vn", organization=org)
    call = make_call()
    proposal = make_proposal(call, user, complete=False)
    db.session.commit()
    return proposal


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-gia.png", PDF_BYTES, "không khớp"),
        ("virus.pdf", b"MZ\x90\x00 not a pdf", "không khớp"),
        ("../../etc/passwd.pdf", PDF_BYTES, "Tên tệp không hợp lệ"),
        ("..\\boot.pdf", PDF_BYTES, "Tên tệp không hợp lệ"),
        (".htaccess.pdf", PDF_BYTES, "Tên tệp không hợp lệ"),
        ("script.html", b"<html>", "Chỉ chấp nhận"),
        ("empty.pdf", b"", "không có dữ liệu"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(app, draft, client, name, data, message):
    login(client, "an@x.vn")
    page = upload(client, draft.id, name, data).get_data(as_text=True)
    assert message in page
    assert db.session.execute(select(ProposalFile)).first() is None
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())


def test_dots_inside_a_name_are_fine(app, draft, client):
    login(client, "an@x.vn")
    upload(client, draft.id, "Bao cao..v2.pdf", PDF_BYTES)
    assert db.session.execute(select(ProposalFile.original_name)).scalar() == "Bao cao..v2.pdf"


def test_a_file_over_the_limit_gets_the_413_page(app, draft, client):
    app.config["MAX_UPLOAD_MB"] = 1
    login(client, "an@x.vn")
    response = upload(client, draft.id, "big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True) or "quá lớn" in response.get_data(as_text=True)


def test_stored_under_a_random_name_and_downloaded_as_an_attachment(app, draft, client):
    login(client, "an@x.vn")
    document_id = db.session.execute(select(CallDocument.id)).scalars().first()
    page = upload(client, draft.id, "Đơn đề nghị.pdf", PDF_BYTES, str(document_id)).get_data(as_text=True)
    assert "The document has been attached" in page or "Đã đính kèm" in page
    record = db.session.execute(select(ProposalFile)).scalar_one()
    assert record.original_name == "Đơn đề nghị.pdf" and record.stored_name != record.original_name
    assert len(record.stored_name) == 32 and record.size_bytes == len(PDF_BYTES)
    assert (Path(app.config["UPLOAD_FOLDER"]) / record.stored_name).read_bytes() == PDF_BYTES
    assert "static" not in app.config["UPLOAD_FOLDER"]
    response = client.get(f"/applications/{draft.id}/documents/{record.id}")
    assert response.data == PDF_BYTES and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    # Removing takes it out of the dossier, but the stored file stays for the versions.
    client.post(f"/applications/{draft.id}/documents/{record.id}/remove")
    db.session.expire_all()
    assert db.session.get(ProposalFile, record.id).removed_at is not None
    assert (Path(app.config["UPLOAD_FOLDER"]) / record.stored_name).exists()


def test_a_file_of_another_application_is_not_served_through_this_one(app, draft, client):
    other_user = make_user("b@y.vn", organization=make_organization())
    foreign = make_proposal(make_call(), other_user).active_files[0]
    db.session.commit()
    login(client, "an@x.vn")
    assert client.get(f"/applications/{draft.id}/documents/{foreign.id}").status_code == 404
    assert client.post(f"/applications/{draft.id}/documents/{foreign.id}/remove").status_code == 404

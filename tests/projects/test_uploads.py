"""A project's uploads (payment request, periodic report, final dossier) go through the same checks as an
application's: an infected file, or a scan that cannot be done, is refused on the page again with what was typed."""

import io

import pytest
from sqlalchemy import select

from core.extensions import db
from projects.contracts.files import ProjectFile
from projects.contracts.models import Tranche
from tests.clamd import EICAR
from tests.conftest import login, vi_text
from tests.factories import PDF_BYTES
from tests.projects.conftest import reload_project, report_url

INFECTED = PDF_BYTES.replace(b"%%EOF", EICAR + b"\n%%EOF")
TYPED = "Nội dung đã gõ, không được mất"
DOSSIER = {
    "final_report": TYPED,
    "product_report": "Sản phẩm",
    "financial_report": "Tài chính",
    "self_assessment": "Tự đánh giá",
}


def _first_tranche_id(world) -> int:
    return reload_project(world["project"].id).tranches[0].id


def _forms(world) -> dict:
    """Where each upload is sent, and the fields typed with it."""
    project = world["project"]
    return {
        "tranche": (f"/projects/{project.id}/tranches/{_first_tranche_id(world)}/request", {"note": TYPED}),
        "report": (report_url(world), {"version": "1", "progress": TYPED, "action": "draft"}),
        "dossier": (f"/projects/{project.id}/dossier", DOSSIER),
    }


def _send(client, world, form: str, data: bytes):
    url, fields = _forms(world)[form]
    return client.post(
        url, data={**fields, "file": (io.BytesIO(data), "bao-cao.pdf")}, content_type="multipart/form-data"
    )


def _refused_keeping_the_typed(world, response, message: str) -> None:
    """Refused with the message (as shown) under the file field and the typed text kept; nothing stored or moved."""
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert TYPED in page and f'<div class="invalid-feedback d-block">{message}</div>' in page
    assert db.session.execute(select(ProjectFile)).first() is None
    assert reload_project(world["project"].id).status == "in_progress"
    assert db.session.get(Tranche, _first_tranche_id(world)).status == "eligible"


@pytest.mark.parametrize("form", ["tranche", "report", "dossier"])
def test_an_infected_file_is_refused_and_the_typed_text_kept(app, world, client, scanning, form):
    login(client, "host@congty.vn")
    response = _send(client, world, form, INFECTED)
    message = vi_text(
        app, "The file contains a virus (%(name)s) and was not accepted.", name="Eicar-Test-Signature.UNOFFICIAL"
    )
    _refused_keeping_the_typed(world, response, message)


@pytest.mark.parametrize("form", ["tranche", "dossier"])
def test_a_scan_that_cannot_be_done_refuses_and_keeps_the_typed_text(app, world, client, tmp_path, form):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd.sock")
    login(client, "host@congty.vn")
    response = _send(client, world, form, PDF_BYTES)
    message = "The virus scan is not available at the moment, so the file was not accepted. Please try again later."
    _refused_keeping_the_typed(world, response, vi_text(app, message))


def test_a_clean_payment_request_is_sent_with_the_scan_on(world, client, scanning):
    login(client, "host@congty.vn")
    assert _send(client, world, "tranche", PDF_BYTES).status_code == 302
    assert db.session.execute(select(ProjectFile.original_name)).scalar_one() == "bao-cao.pdf"

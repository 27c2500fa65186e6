"""The official documents in their three forms (print view, PDF, Word): the contract with its annex, the approval
decision and the liquidation record hold the letterhead, the number, the date in words, the amounts and the
signatures; they are Vietnamese whatever the reader's language, and only those who may see the record get them."""

import base64
import hashlib
import re
from datetime import date

import pytest
from sqlalchemy import select, update

from accounts.models import Organization
from core import create_app
from core.extensions import db
from core.formatting import format_amount
from core.models import AgencySettings
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.contracts.models import Project
from projects.contracts.scope import contract_scope
from projects.fixed.models import BatchDecision, FixedAward
from proposals.models import Proposal
from review.decisions.models import Decision
from tests.conftest import login, make_test_config
from tests.documents import docx_text, pdf_text
from tests.factories import make_call, make_council, make_organization, make_project, make_user, make_valid_proposal

LETTERHEAD = ("UBND TỈNH TÂY NINH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


@pytest.fixture
def world(app, reference):
    """A running project from an application approved by a released decision of 123/QĐ-SKHCN."""
    host = make_user("host@cty.vn", organization=make_organization())
    staff = make_user("staff@s.vn", roles=("staff",))
    outsider = make_user("other@khac.vn", organization=make_organization())
    call = make_call()
    with app.test_request_context():
        project = make_project(
            host, staff=staff, call=call, contract_number="12/2026/HĐ-KHCN", start_on=date(2026, 1, 5)
        )
        council = make_council(call, staff)
    decision = Decision(
        council_id=council.id,
        proposal_id=project.proposal_id,
        status="approved",
        number="123/QĐ-SKHCN",
        signed_on=date(2025, 12, 2),
        signer="Trần Văn Giám",
        approved_vnd=project.approved_vnd,
    )
    db.session.add(decision)
    db.session.get(Proposal, project.proposal_id).result_released_at = db.func.now()
    db.session.commit()
    return {"host": host, "staff": staff, "outsider": outsider, "project": project, "decision": decision}


def _as(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def three_forms(client, url: str) -> dict[str, str]:
    """The print view's text and the text of its PDF and Word files, each downloaded as an attachment."""
    forms = {"html": client.get(url)}
    for form in ("pdf", "docx"):
        forms[form] = client.get(f"{url}.{form}")
        assert forms[form].status_code == 200, form
        assert forms[form].headers["Content-Disposition"].startswith("attachment")
    assert forms["html"].status_code == 200
    return {
        "html": forms["html"].get_data(as_text=True),
        "pdf": pdf_text(forms["pdf"].data),
        "docx": docx_text(forms["docx"].data),
    }


def test_the_contract_and_its_annex_in_three_forms(app, world):
    project, client = world["project"], _as(app, world["staff"])
    lines = contract_scope(project.id).lines
    texts = three_forms(client, f"/projects/{project.id}/contract")
    for form, text in texts.items():
        text = " ".join(text.split())
        for expected in (
            *LETTERHEAD,
            "Số: 12/2026/HĐ-KHCN",
            "Tây Ninh, ngày 05 tháng 01 năm 2026",
            "HỢP ĐỒNG THỰC HIỆN NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ",
            "Quyết định số 123/QĐ-SKHCN ngày 02 tháng 12 năm 2025",
            project.organization.name,
            project.title,
            f"{format_amount(project.approved_vnd)} đồng",
            format_amount(lines[0].support_vnd),
            format_amount(project.tranches[0].amount_vnd),
            "PHỤ LỤC HỢP ĐỒNG",
            "ĐẠI DIỆN BÊN A",
            "ĐẠI DIỆN BÊN B",
            "Giám đốc Sở",
        ):
            assert expected in text, (form, expected)
        assert "₫" not in text, form  # official documents write amounts in đồng
    assert "1 / " in texts["pdf"]  # numbered pages
    assert 'w:instrText xml:space="preserve">PAGE' in texts["docx"]
    assert "download-pdf" in texts["html"] and "<nav" not in texts["html"]  # no site chrome


def test_the_print_view_may_apply_its_inline_stylesheet_and_nothing_else(app, world):
    response = _as(app, world["staff"]).get(f"/projects/{world['project'].id}/contract")
    stylesheet = re.search(r"<style>(.*?)</style>", response.get_data(as_text=True), re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(stylesheet.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy and "script-src 'self';" in policy


def test_the_decision_names_the_signer_of_the_settings(app, world):
    settings = AgencySettings(**{**AgencySettings.DEFAULTS, "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"})
    db.session.add(settings)
    db.session.commit()
    decision, client = world["decision"], _as(app, world["staff"])
    texts = three_forms(client, f"/decisions/{decision.id}/document")
    for form, text in texts.items():
        text = " ".join(text.split())
        for expected in (
            *LETTERHEAD,
            "Số: 123/QĐ-SKHCN",
            "Tây Ninh, ngày 02 tháng 12 năm 2025",
            "QUYẾT ĐỊNH",
            "PHÓ GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "Điều 1.",
            f"{format_amount(decision.approved_vnd)} đồng",
            "KT. GIÁM ĐỐC",
            "Trần Văn Giám",
            "Nơi nhận:",
        ):
            assert expected in text, (form, expected)
        assert "DỰ THẢO" not in text


def test_a_document_is_vietnamese_in_the_english_interface(app, world):
    client = _as(app, world["host"])
    client.post("/language", data={"language": "en"})
    page = client.get(f"/projects/{world['project'].id}/contract").get_data(as_text=True)
    assert "Official documents are in Vietnamese" in page and "Download PDF" in page  # the toolbar, never printed
    assert "Điều 1. Đối tượng của hợp đồng." in page and "Article" not in page and "Contract" not in page
    assert "Hợp đồng" in pdf_text(client.get(f"/projects/{world['project'].id}/contract.pdf").data)


def test_only_those_who_see_the_record_get_its_document(app, world):
    project, decision = world["project"], world["decision"]
    outsider, host = _as(app, world["outsider"]), _as(app, world["host"])
    for url in (f"/projects/{project.id}/contract", f"/decisions/{decision.id}/document"):
        for form in ("", ".pdf", ".docx"):
            assert outsider.get(url + form).status_code == 404, url + form
            assert host.get(url + form).status_code == 200, url + form
    assert host.get(f"/projects/{project.id}/contract.xlsx").status_code == 404
    decision.status = "draft"
    db.session.commit()
    assert host.get(f"/decisions/{decision.id}/document.pdf").status_code == 404  # not released to the host
    draft = _as(app, world["staff"]).get(f"/decisions/{decision.id}/document").get_data(as_text=True)
    assert "(DỰ THẢO)" in draft


def test_the_project_page_lists_its_documents(app, world):
    project = world["project"]
    page = _as(app, world["host"]).get(f"/projects/{project.id}").get_data(as_text=True)
    for url in (f"/projects/{project.id}/contract", f"/decisions/{world['decision'].id}/document"):
        for form in ("", ".pdf", ".docx"):
            assert f'href="{url}{form}"' in page, url + form
    assert "12/2026/HĐ-KHCN" in page and "123/QĐ-SKHCN" in page
    assert db.session.execute(select(Decision)).scalar_one().number == "123/QĐ-SKHCN"


def test_the_application_page_lists_its_decision_and_its_projects_documents(app, world):
    project, decision = world["project"], world["decision"]
    for who in ("host", "staff"):
        page = _as(app, world[who]).get(f"/applications/{project.proposal_id}").get_data(as_text=True)
        section = page[page.index('id="official-documents"') :]
        assert section.index("123/QĐ-SKHCN") < section.index("12/2026/HĐ-KHCN"), who  # in the order signed
        for url in (f"/decisions/{decision.id}/document", f"/projects/{project.id}/contract"):
            assert f'href="{url}.pdf"' in section and f'href="{url}.docx"' in section, (who, url)
    db.session.execute(update(Proposal).where(Proposal.id == project.proposal_id).values(result_released_at=None))
    db.session.commit()
    page = _as(app, world["host"]).get(f"/applications/{project.proposal_id}").get_data(as_text=True)
    assert "123/QĐ-SKHCN" not in page and "12/2026/HĐ-KHCN" in page  # the decision is the host's once released


def test_an_administrator_replaces_a_document_template(database_url, tmp_path):
    (tmp_path / "contract.html").write_text("{% extends 'documents/_layout.html' %}", encoding="utf-8")
    replaced = create_app(make_test_config(database_url, DOCUMENT_TEMPLATES=str(tmp_path)))
    assert replaced.jinja_env.get_template("documents/contract.html").filename == str(tmp_path / "contract.html")
    assert replaced.jinja_env.get_template("documents/_layout.html").filename.endswith(
        "templates/documents/_layout.html"
    )
    assert replaced.jinja_env.get_template("base.html")  # the other templates are the application's


def test_the_batch_decision_lists_its_beneficiaries(app, world):
    host = world["host"]
    with app.test_request_context():
        awarded = make_valid_proposal(make_call(code="SHTT-2026"), host)
    batch = BatchDecision(
        call_id=awarded.call_id,
        number="45/QĐ-SKHCN",
        signed_on=date(2026, 3, 9),
        signer="Lê Thị Ký",
        total_vnd=30_000_000,
    )
    batch.awards = [FixedAward(proposal_id=awarded.id, amount_vnd=30_000_000, status="pending")]
    db.session.add(batch)
    db.session.commit()
    texts = three_forms(_as(app, world["staff"]), f"/staff/batch-decisions/{batch.id}/document")
    for form, text in texts.items():
        text = " ".join(text.split())
        for expected in (
            "Số: 45/QĐ-SKHCN",
            "Tây Ninh, ngày 09 tháng 3 năm 2026",
            "(DỰ THẢO)",  # not yet approved
            "DANH SÁCH TỔ CHỨC, CÁ NHÂN ĐƯỢC HỖ TRỢ",
            db.session.get(Organization, awarded.organization_id).name,
            awarded.reference_code,
            "30.000.000",
            "Lê Thị Ký",
        ):
            assert expected in text, (form, expected)
    assert _as(app, host).get(f"/staff/batch-decisions/{batch.id}/document.pdf").status_code == 403
    listed = f'href="/staff/batch-decisions/{batch.id}/document.pdf"'
    assert listed not in _as(app, world["staff"]).get(f"/applications/{awarded.id}").get_data(as_text=True)
    db.session.execute(update(BatchDecision).values(status="approved"))
    db.session.execute(update(Proposal).where(Proposal.id == awarded.id).values(status="approved"))
    db.session.commit()  # the application's page lists the documents of its funding once approved
    assert listed in _as(app, world["staff"]).get(f"/applications/{awarded.id}").get_data(as_text=True)
    assert listed not in _as(app, host).get(f"/applications/{awarded.id}").get_data(as_text=True)


def test_the_acceptance_council_and_recovery_decisions(app, world):
    project, staff = world["project"], world["staff"]
    member = make_user("expert@vien.vn", roles=("reviewer",), full_name="Phạm Chuyên Gia")
    council = AcceptanceCouncil(project_id=project.id, name="Hội đồng nghiệm thu DA-1", rating_rule="tt11_2014")
    council.members = [AcceptanceMember(user_id=member.id, position=1, role="chair")]
    db.session.add(council)
    settings = AgencySettings(**{**AgencySettings.DEFAULTS, "signer_name": "Nguyễn Giám Đốc"})
    db.session.add(settings)
    db.session.commit()
    client = _as(app, staff)
    texts = three_forms(client, f"/acceptance/{council.id}/decision")
    for form, text in texts.items():
        text = " ".join(text.split())
        for expected in (
            "Số: ……/QĐ-SKHCN",
            "ngày …… tháng …… năm ……",
            "Phạm Chuyên Gia",
            "Chủ tịch",
            "Nguyễn Giám Đốc",
        ):
            assert expected in text, (form, expected)
    assert client.get(f"/projects/{project.id}/recovery-decision").status_code == 404  # nothing to recover
    db.session.execute(
        update(Project)
        .where(Project.id == project.id)
        .values(
            paid_vnd=20_000_000,
            recovery_decision="77/QĐ-SKHCN",
            recovery_decided_on=date(2026, 11, 2),
            recovery_vnd=12_345_678,
        )
    )
    db.session.commit()
    texts = three_forms(_as(app, world["host"]), f"/projects/{project.id}/recovery-decision")
    for form, text in texts.items():
        text = " ".join(text.split())
        for expected in ("Số: 77/QĐ-SKHCN", "ngày 02 tháng 11 năm 2026", "12.345.678 đồng", "Nguyễn Giám Đốc"):
            assert expected in text, (form, expected)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'href="/acceptance/{council.id}/decision.pdf"' in page and "77/QĐ-SKHCN" in page

"""The open data: the funded projects as a 360Giving package that the standard's own schema accepts (checked offline),
the same grants as CSV and Excel under the standard's flat titles, a person never named, dateModified moved by a
change of the project and not by its health; the data-dictionary page."""

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select, update

from accounts.models import Organization
from core.extensions import db
from policies.models import PriorityItem, Sector
from projects.contracts.models import Project
from projects.portfolio.stored import refresh_health
from proposals.models import proposal_priority_items
from reports.dictionary import FIELDS
from tests.factories import make_award, make_call, make_organization, make_project, make_user, make_valid_proposal

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture
def world(app, reference):
    staff = make_user("staff@s.vn", roles=("staff",))
    company = make_user("an@org.vn", organization=make_organization(name="Công ty Đồng Lúa", tax_code="0301234567"))
    household = make_organization(name="Hộ kinh doanh Trần Thị Bích", org_type="household_business")
    person = make_user("hkd@gmail.com", organization=household)
    with app.test_request_context():
        call = make_call()
        funded = make_project(company, staff=staff, call=call, title="Máy sấy nông sản năng lượng mặt trời")
        private = make_project(person, staff=staff, call=call, title="Lò sấy chuối", lead_name="Trần Thị Bích")
    db.session.commit()
    return {"funded": funded, "private": private, "person": household, "company": company, "host": person}


def _validator() -> Draft202012Validator:
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    resource = Resource(contents=grant, specification=DRAFT202012)  # its $schema says http://, not https://
    # The package names the grant schema by the URL of release 1.4.2; the file's own $id is 1.4.3's.
    named = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(grant["$id"], resource), (named, resource)])
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_json_package_is_valid_360giving_and_names_no_person(client, world):
    response = client.get("/open-data/grants.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    package = json.loads(response.get_data(as_text=True))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(package)]
    assert errors == []
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/" and package["version"] == "1.4"
    grants = {grant["title"]: grant for grant in package["grants"]}
    assert len(grants) == 2
    funded, private = world["funded"], world["private"]
    company = grants[funded.title]
    assert company["id"] == f"360G-SKHCNTN-{funded.code}" and company["currency"] == "VND"
    assert company["amountAwarded"] == funded.approved_vnd and company["amountDisbursed"] == funded.paid_vnd
    assert company["recipientOrganization"] == [
        {"id": "VN-MST-0301234567", "name": "Công ty Đồng Lúa", "addressCountry": "VN"}
    ]
    assert company["awardDate"] == funded.signed_on.isoformat()
    assert company["url"].endswith(f"/funded/{funded.id}")
    assert datetime.fromisoformat(company["dateModified"]).tzinfo is not None
    person = grants[private.title]
    assert "recipientOrganization" not in person
    assert person["recipientIndividual"] == {
        "id": f"360G-SKHCNTN-IND-{private.code}",
        "name": "Cá nhân hoặc hộ kinh doanh",
    }
    text = json.dumps(person, ensure_ascii=False)
    assert "Trần Thị Bích" not in text and world["person"].tax_code not in text and private.contract_number not in text


def test_the_flat_files_carry_the_same_grants_under_the_standards_titles(client, world):
    titles = [field.title for field in FIELDS]
    response = client.get("/open-data/grants.csv")
    assert response.status_code == 200 and "360giving-grants.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == titles and len(rows) == 3
    by_title = {row[1]: dict(zip(titles, row, strict=True)) for row in rows[1:]}
    company = by_title[world["funded"].title]
    assert company["Recipient Org:Identifier"] == "VN-MST-0301234567" and company["Recipient Ind:Name"] == ""
    assert company["Amount Awarded"] == str(world["funded"].approved_vnd)
    assert by_title[world["private"].title]["Recipient Org:Name"] == ""
    assert "Trần Thị Bích" not in response.get_data(as_text=True)

    response = client.get("/open-data/grants.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == titles and len(values) == 3  # the header first: no title row
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Z3"
    amounts = {row[1]: row[titles.index("Amount Awarded")] for row in values[1:]}
    assert amounts[world["funded"].title] == world["funded"].approved_vnd  # a number, not text


def test_date_modified_follows_changes_of_the_project_not_its_health(app, client, world):
    def modified() -> str:
        package = client.get("/open-data/grants.json").get_json()
        return next(g["dateModified"] for g in package["grants"] if g["url"].endswith(f"/funded/{world['funded'].id}"))

    earlier = datetime(2026, 1, 2, 3, 4, 5)
    db.session.execute(update(Project).where(Project.id == world["funded"].id).values(modified_at=earlier))
    db.session.commit()
    assert modified() == "2026-01-02T03:04:05+00:00"
    db.session.execute(update(Project).where(Project.id == world["funded"].id).values(health="closed"))
    db.session.execute(update(Project).where(Project.id == world["funded"].id).values(modified_at=earlier))
    db.session.commit()
    assert refresh_health([world["funded"].id]) == 1  # the health is stored again, the date stays
    db.session.commit()
    assert modified() == "2026-01-02T03:04:05+00:00"
    project = db.session.get(Project, world["funded"].id)
    project.title = "Máy sấy nông sản, bản sửa"
    db.session.commit()
    assert modified() > "2026-01-02T03:04:05+00:00"


def test_the_data_dictionary_page_in_both_languages(client, world):
    page = client.get("/open-data").get_data(as_text=True)
    assert "Từ điển dữ liệu" in page and "recipientOrganization[0].id" in page and "VN-MST-" in page
    assert 'href="/open-data/grants.json"' in page and "creativecommons.org/licenses/by/4.0/" in page
    assert 'href="/open-data"' in client.get("/funded").get_data(as_text=True)
    client.post("/language", data={"language": "en", "next": "/open-data"})
    page = client.get("/open-data").get_data(as_text=True)
    assert "Data dictionary" in page and "The support paid so far, in đồng." in page


def test_a_file_is_built_once_per_state_of_the_data(app, client, world, count_queries):
    folder = Path(app.config["UPLOAD_FOLDER"])
    first = client.get("/open-data/grants.xlsx").data
    built = sorted(folder.glob("open-data-*.xlsx"))
    assert len(built) == 1
    with count_queries() as counter:
        again = client.get("/open-data/grants.xlsx").data
    assert again == first and sorted(folder.glob("open-data-*.xlsx")) == built
    assert counter.count <= 4  # the agency's names, the stamp of the data, the items' words: no project is read
    organization = db.session.get(Project, world["funded"].id).organization_id
    db.session.get(Organization, organization).name = "Công ty Đồng Lúa Xanh"
    db.session.commit()
    assert "Công ty Đồng Lúa Xanh" in client.get("/open-data/grants.csv").get_data(as_text=True)
    client.get("/open-data/grants.xlsx")
    rebuilt = sorted(folder.glob("open-data-*.xlsx"))
    assert len(rebuilt) == 1 and rebuilt != built  # the earlier state's file is gone


def test_the_files_are_built_ahead_by_a_command_and_served_as_they_are(app, client, world):
    folder = Path(app.config["UPLOAD_FOLDER"])
    app.config.update(SERVER_NAME="skhcn.test", PREFERRED_URL_SCHEME="https", TRUSTED_HOSTS=["skhcn.test"])
    output = app.test_cli_runner().invoke(args=["open-data", "build"]).output
    built = {path.suffix: path.stat().st_mtime_ns for path in folder.glob("open-data-*")}
    assert set(built) == {".json", ".csv", ".xlsx"} and output.count("open-data-") == 3
    # A request, whatever its scheme and host, is served the file the command built: its addresses are the site's.
    response = client.get("/open-data/grants.json", base_url="http://skhcn.test")
    assert response.status_code == 200, response.status
    package = json.loads(response.get_data(as_text=True))
    assert package["downloadURL"] == "https://skhcn.test/open-data/grants.json"
    assert all(grant["url"].startswith("https://skhcn.test/funded/") for grant in package["grants"])
    assert {path.suffix: path.stat().st_mtime_ns for path in folder.glob("open-data-*")} == built


def test_a_grant_is_classified_by_its_sector_and_its_priority_items(client, world):
    funded = world["funded"]
    items = list(db.session.execute(select(PriorityItem).order_by(PriorityItem.id).limit(2)).scalars())
    named = proposal_priority_items
    db.session.execute(named.delete().where(named.c.proposal_id == funded.proposal_id))
    for item in items:
        db.session.execute(named.insert().values(proposal_id=funded.proposal_id, priority_item_id=item.id))
    db.session.commit()
    package = json.loads(client.get("/open-data/grants.json").get_data(as_text=True))
    assert [f"{e.message}" for e in _validator().iter_errors(package)] == []
    grant = next(grant for grant in package["grants"] if grant["title"] == funded.title)
    sector, *chosen = grant["classifications"]
    assert sector["vocabulary"] == "Lĩnh vực ưu tiên của Kế hoạch 1821"
    expected = [(f"{db.session.get(Sector, item.sector_id).number}.{item.number}", item.text) for item in items]
    assert [(c["vocabulary"], c["code"], c["title"]) for c in chosen] == [
        ("Nội dung ưu tiên của Kế hoạch 1821", code, text) for code, text in expected
    ]
    # An item's words edited in the administration are in the next file.
    db.session.get(PriorityItem, items[0].id).text = "Nội dung đã sửa"
    db.session.commit()
    assert "Nội dung đã sửa" in client.get("/open-data/grants.json").get_data(as_text=True)


def test_the_fixed_amounts_are_grants_too(app, client, world):
    with app.test_request_context():
        call = make_call(code="TN-SHTT-2026")
        trademark = make_valid_proposal(call, world["company"], title="Bảo hộ nhãn hiệu Thanh long Tây Ninh")
        own = make_valid_proposal(call, world["host"], title="Bảo hộ nhãn hiệu bánh tráng", lead_name="Trần Thị Bích")
        waiting = make_valid_proposal(call, world["company"], title="Bảo hộ kiểu dáng chờ duyệt")
    make_award(trademark, "approved", 15_000_000, "45/QĐ-SKHCN")
    make_award(own, "paid", 12_000_000, "46/QĐ-SKHCN")
    make_award(waiting, "pending", number="47/QĐ-SKHCN")
    db.session.commit()
    package = json.loads(client.get("/open-data/grants.json").get_data(as_text=True))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(package)] == []
    grants = {grant["title"]: grant for grant in package["grants"]}
    assert waiting.title not in grants and len(grants) == 4
    approved, paid = grants[trademark.title], grants[own.title]
    assert approved["id"] == f"360G-SKHCNTN-{trademark.reference_code}" and approved["awardDate"] == "2026-03-10"
    assert (approved["amountAwarded"], approved["amountDisbursed"]) == (15_000_000, 0)
    assert (
        "45/QĐ-SKHCN" in approved["description"] and approved["recipientOrganization"][0]["name"] == "Công ty Đồng Lúa"
    )
    assert (paid["amountAwarded"], paid["amountDisbursed"]) == (12_000_000, 12_000_000)
    assert paid["recipientIndividual"]["name"] == "Cá nhân hoặc hộ kinh doanh"
    assert "Trần Thị Bích" not in json.dumps(paid, ensure_ascii=False)
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/grants.csv").data.decode("utf-8-sig"))))
    assert {row["Identifier"] for row in rows} >= {approved["id"], paid["id"]} and len(rows) == 4

"""The document register: a number is unique in its series and year, across every kind of document drawing on the
series; numbers start again each year; the form of a new document offers the series' next number; a decision that
was not signed gives its number back; the migration fills the register from the records already numbered."""

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from core.models import AgencySettings, RegisteredNumber
from core.register import claim, next_number, parse_number, release
from tests.conftest import login
from tests.factories import make_call, make_organization, make_project, make_user
from tests.migrating import migrated


def test_a_number_is_read_whatever_its_spacing_case_and_zeros():
    on = date(2026, 3, 1)
    assert parse_number("123/QĐ-SKHCN", on) == (2026, "QĐ-SKHCN", 123, False)
    assert parse_number(" 0123 / qđ-skhcn ", on) == (2026, "QĐ-SKHCN", 123, False)
    assert parse_number("12/2025/HĐ-KHCN", on) == (2025, "HĐ-KHCN", 12, True)
    assert parse_number("Công văn A", on) == (2026, "CÔNGVĂNA", None, False)


def test_a_number_is_unique_in_its_series_and_year_across_kinds(app):
    with app.test_request_context():
        claim("decision", 1, "123/QĐ-SKHCN", date(2026, 2, 3), "number")
        claim("decision", 2, "124/QĐ-SKHCN", date(2026, 2, 4), "number")
        with pytest.raises(DomainError) as refused:
            claim("recovery", 7, "123 / qđ-skhcn", date(2026, 9, 1), "recovery_decision")
        assert refused.value.field == "recovery_decision"
        assert str(refused.value) == (
            "Số 123/QĐ-SKHCN năm 2026 đã được cấp cho một quyết định phê duyệt; số tiếp theo còn trống là 125/QĐ-SKHCN."
        )
        claim("recovery", 7, "123/QĐ-SKHCN", date(2027, 1, 4), "recovery_decision")  # the series starts again
        claim("batch_decision", 3, "123/QĐ-UBND", date(2026, 2, 3), "number")  # another authority's series
        claim("decision", 2, "125/QĐ-SKHCN", date(2026, 2, 4), "number")  # a corrected draft keeps one number
        held = db.session.execute(select(RegisteredNumber.subject, RegisteredNumber.number)).all()
        assert sorted(held) == [
            ("batch_decision", "123/QĐ-UBND"),
            ("decision", "123/QĐ-SKHCN"),
            ("decision", "125/QĐ-SKHCN"),
            ("recovery", "123/QĐ-SKHCN"),
        ]
        release("decision", 1)
        claim("batch_decision", 4, "123/QĐ-SKHCN", date(2026, 5, 5), "number")


def test_the_next_number_follows_the_series_in_use(app, monkeypatch):
    monkeypatch.setattr("core.register.local_today", lambda: date(2026, 6, 1))
    with app.test_request_context():
        settings = AgencySettings.current()
        settings.document_suffix = "SKHCNTN"
        db.session.add(settings)
        assert next_number("decision") == "1/QĐ-SKHCNTN"
        assert next_number("contract") == "1/2026/HĐ-KHCN"
        assert next_number("liquidation") == "1/BB-SKHCNTN"
        claim("contract", 1, "7/2026/HĐ-KHCN", date(2026, 1, 5), "contract_number")
        claim("contract", 2, "3/2025/HĐ-KHCN", date(2025, 12, 1), "contract_number")
        claim("recovery", 1, "44/QĐ-SKHCNTN", date(2026, 5, 1), "recovery_decision")
        assert next_number("contract") == "8/2026/HĐ-KHCN"
        assert next_number("decision") == "45/QĐ-SKHCNTN"  # the series the decisions share
        assert next_number("recovery", date(2027, 1, 1)) == "1/QĐ-SKHCNTN"
        claim("liquidation", 1, "004/TL-SKHCNTN", date(2026, 3, 1), "liquidation_number")
        assert next_number("liquidation") == "005/TL-SKHCNTN"  # its zeros kept


def test_the_closing_forms_offer_the_next_numbers_and_refuse_a_taken_one(app, reference):
    host = make_user("host@cty.vn", organization=make_organization())
    staff = make_user("staff@s.vn", roles=("staff",))
    with app.test_request_context():
        call = make_call()
        first = make_project(host, staff=staff, call=call, contract_number="5/2026/HĐ-KHCN")
        claim("recovery", first.id, "30/QĐ-SKHCN", date(2026, 1, 10), "recovery_decision")
        second = make_project(host, staff=staff, call=call, contract_number="6/2026/HĐ-KHCN")
    second.status = "terminated"
    db.session.commit()
    client = app.test_client()
    assert login(client, staff.email).status_code == 302
    page = client.get(f"/staff/projects/{second.id}/closing").get_data(as_text=True)
    assert 'name="recovery_decision" required type="text" value="31/QĐ-SKHCN"' in page

    typed = {"recovery_vnd": "0", "recovery_decision": "30/QĐ-SKHCN", "recovery_decided_on": "12/01/2026"}
    refused = client.post(
        f"/staff/projects/{second.id}/closing/recovery", data={**typed, "recovery_due_on": "12/03/2026"}
    )
    assert refused.status_code == 400
    assert "Số 30/QĐ-SKHCN năm 2026 đã được cấp cho một quyết định thu hồi" in refused.text
    assert 'value="30/QĐ-SKHCN"' in refused.text and 'value="12/03/2026"' in refused.text  # what was typed is kept
    assert db.session.get(type(second), second.id).status == "terminated"


def test_the_migration_fills_the_register_from_the_numbered_records(database_url, tmp_path):
    with migrated(database_url, tmp_path):
        columns = (RegisteredNumber.subject, RegisteredNumber.subject_id, RegisteredNumber.number)
        seeded = set(db.session.execute(select(*columns)).all())
        assert {subject for subject, _id, _number in seeded} == {
            "contract",
            "recovery",
            "liquidation",
            "batch_decision",
        }
        db.session.commit()
        downgrade(revision="0019_signer_title")
        upgrade()
        assert set(db.session.execute(select(*columns)).all()) == seeded

"""Search through the index (core.search): what it finds, and that every change of a row reaches the index."""

import pytest
from sqlalchemy import delete, insert, select, update

from accounts.models import Organization
from core.extensions import db
from core.search import contains, matching_ids
from tests.factories import make_organization
from tests.plans import query_plan


def _found(query: str) -> set[str]:
    return set(db.session.execute(select(Organization.name).where(contains(Organization.search_text, query))).scalars())


@pytest.fixture
def organizations(app):
    names = ["Công ty TNHH Đồng Xanh", "Hợp tác xã Thanh long Châu Thành", "Công ty 100% vốn_ngoại"]
    found = [make_organization(name, address="", legal_rep_name="") for name in names]
    db.session.commit()
    return found


def test_diacritics_case_and_d_are_ignored(organizations):
    assert _found("ĐỒNG XANH") == _found("dong xanh") == {"Công ty TNHH Đồng Xanh"}
    assert _found("thành") == {"Hợp tác xã Thanh long Châu Thành"}
    assert _found("ng ty") == {"Công ty TNHH Đồng Xanh", "Công ty 100% vốn_ngoại"}  # a substring, across words


def test_short_terms_and_wildcards_are_searched_as_typed(organizations):
    assert _found("xa") == {"Công ty TNHH Đồng Xanh", "Hợp tác xã Thanh long Châu Thành"}  # below the index
    assert _found("%") == {"Công ty 100% vốn_ngoại"}
    assert _found("0% v") == {"Công ty 100% vốn_ngoại"}
    assert _found("n_n") == {"Công ty 100% vốn_ngoại"}
    assert _found('"dong" OR "thanh"') == set()  # no FTS operator is read in a query
    assert _found("dong  xanh") == {"Công ty TNHH Đồng Xanh"}  # spaces as normalized


def test_renames_deletes_and_bulk_inserts_reach_the_index(organizations):
    green, cooperative, _foreign = organizations
    green.name = "Công ty Cổ phần Mặt Trời Đỏ"
    db.session.commit()
    assert _found("dong xanh") == set() and _found("mat troi do") == {"Công ty Cổ phần Mặt Trời Đỏ"}
    db.session.execute(update(Organization).where(Organization.id == cooperative.id).values(search_text="abc xyz"))
    assert _found("thanh long") == set() and _found("abc xy") == {cooperative.name}
    db.session.execute(delete(Organization).where(Organization.id == cooperative.id))
    assert _found("abc xy") == set()
    db.session.execute(
        insert(Organization),
        [
            {
                "name": f"Bulk {n}",
                "tax_code": f"99{n:08d}",
                "org_type": "sme",
                "address": "",
                "legal_rep_name": "",
                "search_text": f"bulk {n}",
            }
            for n in range(3)
        ],
    )
    assert _found("bulk") == {"Bulk 0", "Bulk 1", "Bulk 2"}


def test_the_search_goes_through_the_index(organizations):
    plan = query_plan(select(Organization.id).where(contains(Organization.search_text, "dong xanh")))
    if db.engine.dialect.name == "sqlite":
        assert "fts_organizations_search_text" in plan
    else:
        assert "ix_organizations_search_text_trgm" in plan
    assert matching_ids(Organization.search_text, "xa") is not None

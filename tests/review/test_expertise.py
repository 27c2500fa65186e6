"""Expertise: the profile kept by the member and by staff, reviewers proposed for it and explained, conflicts from
the work history (review councils and acceptance councils), and the warning when limits leave applications short."""

import pytest
from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from core.formatting import local_today
from policies.models import PriorityItem, Regime, Sector
from projects.acceptance import services as acceptance
from projects.contracts.queries import load_project
from review.councils.assignments import sync_assignments
from review.councils.queries import load_assignments, load_council
from review.experts.models import ExpertProfile
from review.experts.queries import load_profile
from tests.conftest import login
from tests.factories import (
    make_call,
    make_council,
    make_organization,
    make_profile,
    make_project,
    make_user,
    make_valid_proposal,
)


def _sector_and_item(number: int) -> tuple[Sector, PriorityItem]:
    sector = db.session.execute(select(Sector).where(Sector.number == number)).scalar_one()
    item = db.session.execute(select(PriorityItem).where(PriorityItem.sector_id == sector.id)).scalars().first()
    return sector, item


def _expert(n: int) -> object:
    """A reviewer-role user at a mail domain of their own (a shared one would be a conflict)."""
    return make_user(f"cg{n}@vien{n}.vn", roles=("reviewer",), full_name=f"Chuyên gia {n}")


def _reviewers(council_id: int) -> dict[int, set[int]]:
    """The reviewers' user ids by application."""
    council = load_council(council_id)
    users = {seat.id: seat.user_id for seat in council.members}
    found: dict[int, set[int]] = {}
    for a in load_assignments(council_id):
        found.setdefault(a.proposal_id, set())
        if a.is_reviewer:
            found[a.proposal_id].add(users[a.member_id])
    return found


def test_the_experts_of_the_application_are_proposed(app, reference):
    with app.test_request_context():
        staff = make_user(roles=("staff",))
        call = make_call()
        proposal = make_valid_proposal(call, make_user(organization=make_organization()))
        sector, item = _sector_and_item(db.session.get(Sector, proposal.sector_id).number)
        members = [_expert(n) for n in range(7)]
        # Seats 5 and 6 are plain members; without profiles the seated reviewers (2, 3) would be taken.
        make_profile(members[5], sectors=(sector,), items=(item,))
        make_profile(members[6], keywords="tưới nhỏ giọt, thanh long, lúa gạo")
        council = make_council(call, staff, members)
        db.session.commit()
        assert _reviewers(council.id)[proposal.id] == {members[5].id, members[6].id}


def test_a_past_job_within_the_regimes_years_is_a_conflict(app, reference):
    with app.test_request_context():
        staff = make_user(roles=("staff",))
        call = make_call()
        org = make_organization("Công ty Cổ phần Nông sản Xanh")
        other = make_organization()
        proposal = make_valid_proposal(call, make_user(organization=org))
        unrelated = make_valid_proposal(call, make_user(organization=other))
        years = db.session.execute(select(Regime.conflict_years).where(Regime.id == call.regime_id)).scalar_one()
        recent, long_ago, by_name = (_expert(n) for n in range(3))
        this_year = local_today().year
        make_profile(
            recent, history=({"organization_name": "NSX", "tax_code": org.tax_code, "to_year": this_year - 1},)
        )
        make_profile(
            long_ago,
            history=({"organization_name": "NSX", "tax_code": org.tax_code, "to_year": this_year - years - 1},),
        )
        make_profile(by_name, history=({"organization_name": "cong ty co phan nong san xanh"},))  # still there
        council = make_council(call, staff, [*[_expert(n) for n in range(3, 7)], recent, long_ago, by_name])
        db.session.commit()
        seats = {seat.user_id: seat.id for seat in load_council(council.id).members}
        rows = {(a.member_id, a.proposal_id): a for a in load_assignments(council.id)}
        past = rows[seats[recent.id], proposal.id]
        assert past.conflict == "detected" and str(this_year - 1) in past.conflict_reason and not past.is_reviewer
        assert rows[seats[by_name.id], proposal.id].conflict == "detected"
        assert "cong ty co phan nong san xanh" in rows[seats[by_name.id], proposal.id].conflict_reason  # as typed
        assert rows[seats[long_ago.id], proposal.id].conflict == "pending"
        assert rows[seats[recent.id], unrelated.id].conflict == "pending"


def test_a_history_saved_while_the_council_is_formed_blocks_at_once(app, reference, client):
    with app.test_request_context():
        staff = make_user(roles=("staff",))
        call = make_call()
        org = make_organization()
        proposal = make_valid_proposal(call, make_user("nop@congty.vn", organization=org))
        members = [_expert(n) for n in range(7)]
        council = make_council(call, staff, members)
        db.session.commit()
        council_id, proposal_id, tax_code = council.id, proposal.id, org.tax_code
    login(client, members[3].email)
    row = {"organization_name": "Công ty", "tax_code": tax_code, "from_year": "2020", "to_year": ""}
    assert client.post("/review/expertise", data=_profile_form(history=[row])).status_code == 302
    seat = next(s.id for s in load_council(council_id).members if s.user_id == members[3].id)
    blocked = next(a for a in load_assignments(council_id) if a.member_id == seat and a.proposal_id == proposal_id)
    assert blocked.conflict == "detected" and not blocked.is_reviewer
    assert len(_reviewers(council_id)[proposal_id]) == 2  # another member proposed in their place


def _profile_form(sector_ids=(), item_ids=(), keywords="", max_reviews="", history=(), version=""):
    data = {"sector_ids": [str(i) for i in sector_ids], "priority_item_ids": [str(i) for i in item_ids]}
    data.update(keywords=keywords, max_reviews=max_reviews, version=version)
    for n, row in enumerate(history):
        for name, value in row.items():
            data[f"history-{n}-{name}"] = value
    return data


def test_the_member_keeps_their_profile_and_bad_years_keep_what_was_typed(app, reference, client):
    with app.test_request_context():
        expert = _expert(1)
        sector, item = _sector_and_item(1)
        db.session.commit()
        sector_id, item_id = sector.id, item.id
    login(client, expert.email)
    page = client.get("/review/expertise")
    assert page.status_code == 200 and 'name="sector_ids"' in page.text
    wrong = _profile_form(
        [sector_id],
        [item_id],
        "lúa gạo, phân hữu cơ",
        "4",
        [{"organization_name": "Viện Lúa ĐBSCL", "tax_code": "", "from_year": "2020", "to_year": "2018"}],
    )
    refused = client.post("/review/expertise", data=wrong)
    assert refused.status_code == 400
    assert "Viện Lúa ĐBSCL" in refused.text and "lúa gạo, phân hữu cơ" in refused.text
    assert db.session.get(ExpertProfile, expert.id) is None
    wrong["history-0-to_year"] = "2023"
    assert client.post("/review/expertise", data=wrong).status_code == 302
    profile = load_profile(expert.id)
    assert [s.id for s in profile.sectors] == [sector_id] and [i.id for i in profile.priority_items] == [item_id]
    assert profile.keyword_list == ["lúa gạo", "phân hữu cơ"] and profile.max_reviews == 4
    assert [(p.organization_name, p.from_year, p.to_year) for p in profile.history] == [("Viện Lúa ĐBSCL", 2020, 2023)]
    # A save from a page loaded before the last one is refused, and keeps what was typed.
    version = profile.version
    stale = client.post("/review/expertise", data={**wrong, "keywords": "cá tra", "version": str(version - 1)})
    assert stale.status_code == 409 and "cá tra" in stale.text
    # Emptying the name removes the row (and moves the version); an unknown sector is refused.
    emptied = {**wrong, "history-0-organization_name": "", "version": str(version)}
    assert client.post("/review/expertise", data=emptied).status_code == 302
    profile = load_profile(expert.id)
    assert profile.history == [] and profile.version == version + 1
    unknown = client.post("/review/expertise", data={**emptied, "sector_ids": ["99999"], "version": str(version + 1)})
    assert unknown.status_code == 400


def test_staff_keep_an_experts_profile_and_the_reviewers_page_says_why(app, reference, client):
    with app.test_request_context():
        staff = make_user("canbo@skhcn.gov.vn", roles=("staff",), locale="en")
        call = make_call()
        proposal = make_valid_proposal(call, make_user("nop@congty.vn", organization=make_organization()))
        sector = db.session.get(Sector, proposal.sector_id)
        members = [_expert(n) for n in range(7)]
        council = make_council(call, staff, members)
        applicant = make_user("khac@congty2.vn", organization=make_organization())
        db.session.commit()
        council_id, proposal_id, sector_id = council.id, proposal.id, sector.id
    login(client, staff.email)
    listing = client.get("/staff/experts?q=chuyen gia 5")
    assert listing.status_code == 200 and "Chuyên gia 5" in listing.text and "Chuyên gia 4" not in listing.text
    saved = client.post(
        f"/staff/experts/{members[5].id}", data=_profile_form([sector_id], keywords="thanh long, cá tra")
    )
    assert saved.status_code == 302
    assert client.get(f"/staff/experts/{applicant.id}").status_code == 404  # not someone who sits on councils
    why = client.get(f"/staff/councils/{council_id}/applications/{proposal_id}/reviewers")
    assert why.status_code == 200
    assert "Knows the sector" in why.text and "Keywords in the application: thanh long" in why.text
    assert "No expertise profile" in why.text
    # With every member's limit reached, a new application gets no reviewer, and the council page says so.
    for member in members:
        version = str(load_profile(member.id).version) if load_profile(member.id) else ""
        client.post(f"/staff/experts/{member.id}", data=_profile_form(max_reviews="0", version=version))
    with app.test_request_context():
        other = make_valid_proposal(call, make_user("nop3@congty3.vn", organization=make_organization()))
        sync_assignments(load_council(council_id))
        db.session.commit()
        assert _reviewers(council_id)[other.id] == set() and len(_reviewers(council_id)[proposal_id]) == 2
    page = client.get(f"/staff/councils/{council_id}")
    assert "1 application has fewer reviewers than the rule's 2" in page.text


def test_an_acceptance_council_refuses_a_member_who_worked_for_the_host(app, reference):
    org = make_organization()
    host = make_user("lead@hostco.vn", organization=org)
    staff = make_user("staff@skhcn.gov.vn", roles=("staff",))
    reviewers = [_expert(n) for n in range(6)]
    with app.test_request_context():
        project = make_project(host, staff=staff)
        make_profile(reviewers[5], history=({"organization_name": org.name, "tax_code": org.tax_code},))
        db.session.commit()
        project = load_project(project.id)
        texts = dict.fromkeys(("final_report", "product_report", "financial_report", "self_assessment"), "Có")
        acceptance.submit_dossier(project, texts, [], host)
        rows = [(reviewers[0].id, "chair")] + [(r.id, "member") for r in reviewers[1:6]]
        data = {"name": "HĐ", "meeting_at": None, "place": "", "admin_secretary_id": staff.id, "members": rows}
        with pytest.raises(DomainError, match="Chuyên gia 5"):
            acceptance.save_council(load_project(project.id), None, {**data, "comment": ""}, staff)

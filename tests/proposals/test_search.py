"""The staff queue's search and organization type-ahead, and the duplicate check's candidates, through indexes."""

from core.extensions import db
from core.search import ranked_ids
from proposals.checks import similar_proposals
from proposals.models import Proposal
from proposals.queries import QueueFilter, call_queue, queue_statement, status_counts_statement
from tests.conftest import login
from tests.factories import make_call, make_organization, make_user
from tests.plans import query_plan
from tests.proposals.conftest import submitted


def _titles(call, **chosen) -> set[str]:
    return {p.title for p in call_queue(call.id, QueueFilter(**chosen), 1, 50).items}


def test_the_queue_searches_titles_codes_and_organizations(app, people):
    call = make_call()
    db.session.commit()
    first = submitted(call, people["applicant"])
    other = make_user("d@dx.vn", organization=make_organization("Công ty TNHH Đồng Xanh"))
    db.session.commit()
    second = submitted(call, other, title="Chuyển đổi số nhà máy đường")
    assert _titles(call, query="ĐƯỜNG") == {second.title}
    assert _titles(call, query="dong xanh") == {second.title}  # the organization's name
    assert _titles(call, query=first.reference_code.lower()) == {first.title}
    assert _titles(call, query="so") == {second.title}  # shorter than a trigram
    assert _titles(call, query="100%") == set()
    assert _titles(call, organization_name="dong xa") == {second.title}  # typed without choosing
    second.title = "Sấy lạnh nông sản"
    db.session.commit()
    assert _titles(call, query="say lanh") == {"Sấy lạnh nông sản"} and _titles(call, query="nha may") == set()


def test_the_type_ahead_offers_a_few_organizations_of_the_call(app, people, client):
    call, elsewhere = make_call(), make_call()
    db.session.commit()
    for n in range(12):
        user = make_user(f"u{n}@ct.vn", organization=make_organization(f"Công ty Cơ khí Đông Á {n:02d}"))
        db.session.commit()
        submitted(call, user)
    outsider = make_user("x@ct.vn", organization=make_organization("Công ty Cơ khí Đông Á khác"))
    db.session.commit()
    submitted(elsewhere, outsider)
    login(client, people["staff"].email)
    found = client.get(f"/staff/calls/{call.id}/organizations?q=co khi dong").get_json()
    assert len(found) == 10 and found[0]["name"] == "Công ty Cơ khí Đông Á 00"
    assert all(set(org) == {"id", "name"} for org in found)
    assert client.get(f"/staff/calls/{call.id}/organizations?q=khac").get_json() == []  # not of this call
    chosen = found[3]
    page = client.get(f"/staff/calls/{call.id}/applications?organization={chosen['id']}").get_data(as_text=True)
    assert f'value="{chosen["name"]}"' in page and "Đông Á 04" not in page
    login(client, people["applicant"].email)
    assert client.get(f"/staff/calls/{call.id}/organizations?q=co").status_code == 403


def test_duplicates_come_from_the_index_ranked_and_bounded(app, people):
    call = make_call()
    db.session.commit()
    first = submitted(call, people["applicant"])
    stranger = make_user("c@dt.vn", organization=make_organization("Công ty Đồng Tháp"))
    db.session.commit()
    near = submitted(call, stranger, title="Ứng dụng công nghệ tưới nhỏ giọt cho cây thanh long ruột đỏ")
    farmer = make_user("f@bs.vn", organization=make_organization("Trang trại Bò sữa"))
    db.session.commit()
    unrelated = submitted(
        call, farmer, title="Chăn nuôi bò sữa", objectives="Bò sữa", technology="Không tưới nhỏ giọt cho thanh long"
    )
    found = {record.proposal.id: record for record in similar_proposals(near)}
    assert set(found) == {first.id} and found[first.id].title_similarity == 87
    assert similar_proposals(unrelated) == []
    words = first.match_text.partition("\n")[0].split()
    ranked = db.session.execute(ranked_ids(Proposal.match_text, words, 50, Proposal.id != first.id)).scalars()
    assert list(ranked) == [near.id]  # the index holds the titles: the farmer's content is not proposed
    assert len(db.session.execute(ranked_ids(Proposal.match_text, words, 1)).all()) == 1  # the bound


def test_duplicate_candidates_share_words_in_order_and_the_most_pairs_come_first(app, people):
    call = make_call()
    db.session.commit()
    titles = {
        "most": "Sấy lạnh (nông sản) cho xuất khẩu",  # four pairs of the title below; brackets part no words
        "one": "Máy sấy lạnh cà phê",  # one pair
        "reversed": "Khẩu xuất sản nông lạnh sấy",  # every word, no two in order
    }
    made = {}
    for number, (key, title) in enumerate(titles.items()):
        owner = make_user(f"o{number}@dn.vn", organization=make_organization(f"Doanh nghiệp {number}"))
        db.session.commit()
        made[key] = submitted(call, owner, title=title).id
    words = ["say", "lanh", "nong", "san", "xuat", "khau"]
    ranked = db.session.execute(ranked_ids(Proposal.match_text, words, 50)).scalars()
    assert list(ranked) == [made["most"], made["one"]]
    alone = db.session.execute(ranked_ids(Proposal.match_text, ["khau"], 50)).scalars()  # a title of one word
    assert set(alone) == {made["most"], made["reversed"]}


def test_the_queue_search_and_the_duplicate_candidates_use_the_indexes(app, people):
    call = make_call()
    db.session.commit()
    first = submitted(call, people["applicant"])
    queue = call_queue(call.id, QueueFilter(query="thanh long"), 1, 10)
    words = first.match_text.partition("\n")[0].split()
    candidates = ranked_ids(Proposal.match_text, words, 50, Proposal.id != first.id)
    assert queue.total == 1
    queue_plan = query_plan(queue_statement(call.id, QueueFilter(status="in_review", query="thanh long")))
    candidate_plan = query_plan(candidates)
    tabs_plan = query_plan(status_counts_statement(call.id))
    if db.engine.dialect.name == "sqlite":
        assert "fts_proposals_search_text" in queue_plan and "fts_organizations_search_text" in queue_plan
        assert "fts_proposals_match_text" in candidate_plan
        assert "COVERING INDEX ix_proposals_call_status" in tabs_plan, tabs_plan
    else:
        assert "ix_proposals_search_text_trgm" in queue_plan and "ix_organizations_search_text_trgm" in queue_plan
        assert "ix_proposals_match_text_words" in candidate_plan
        assert "match_words @@" in candidate_plan and "to_tsvector" not in candidate_plan  # the stored vector
        assert "'thanh_long'" in candidate_plan and "<->" not in candidate_plan  # a pair is one lexeme: no recheck
        assert "Index Only Scan using ix_proposals_call_status" in tabs_plan, tabs_plan  # counted, not read

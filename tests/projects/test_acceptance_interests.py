"""An acceptance council member's declaration of interests: the dossier opens once they declare none; one who declares
a conflict is recused from rating, the quorum and the grade."""

from core.formatting import local_today
from notifications.calendar import feed_entries
from projects.acceptance import services as acceptance
from projects.acceptance.queries import load_council
from projects.contracts.queries import load_project
from tests.conftest import login, vi_text
from tests.projects.test_acceptance import TEXTS, _form_and_open, _rate_all, _seats, _setup


def test_a_member_who_declares_a_conflict_is_recused_from_the_acceptance(app, reference, client):
    project, people, reviewers = _setup(app)
    login(client, people["host"].email)
    assert client.post(f"/projects/{project.id}/dossier", data=TEXTS).status_code == 302
    council = _form_and_open(client, project, people, reviewers)
    recused = reviewers[4]
    login(client, recused.email)
    data = {"conflicted": "yes", "reason": "Từng làm cố vấn cho tổ chức chủ trì"}
    assert client.post(f"/acceptance/{council.id}/declare", data=data).status_code == 302
    page = client.get(f"/acceptance/{council.id}/rating")
    assert "Từng làm cố vấn cho tổ chức chủ trì" in page.text and "Tự đánh giá" not in page.text
    meeting = f"acceptance_council-{council.id}"
    assert meeting not in [e.key for e in feed_entries(recused, local_today())]  # nor is the meeting in their calendar
    assert meeting in [e.key for e in feed_entries(reviewers[3], local_today())]
    seat = next(s for s in _seats(council.id) if s.user_id == recused.id)
    rating = client.post(f"/acceptance/{council.id}/rating", data={"version": str(seat.version), "action": "save"})
    assert rating.status_code == 400 and vi_text(app, "Declare whether you have a conflict of interest first.") in (
        rating.text
    )
    again = client.post(f"/acceptance/{council.id}/declare", data={"conflicted": "no"})
    assert again.status_code == 302 and _seats(council.id)[4].is_open  # a declaration may change before rating
    assert meeting in [e.key for e in feed_entries(recused, local_today())]

    assert client.post(f"/acceptance/{council.id}/declare", data=data).status_code == 302
    _rate_all(client, project, council.id, reviewers[:4], "pass")
    login(client, people["staff"].email)
    page = client.get(f"/staff/acceptance/{council.id}")
    assert vi_text(app, "Conflict declared (recused)") in page.text and "Từng làm cố vấn" in page.text
    everyone = [str(s.id) for s in _seats(council.id)]
    client.post(f"/staff/acceptance/{council.id}/attendance", data={"present": everyone})
    assert _seats(council.id)[4].present is None  # the recused member is neither present nor absent
    quorum = acceptance.council_quorum(load_council(council.id), load_project(project.id).regime)
    assert (quorum.members, quorum.present, quorum.met) == (4, 4, True)
    assert client.post(f"/staff/acceptance/{council.id}/conclude", data={"conclusions": "Đạt"}).status_code == 302
    assert load_project(project.id).grade == "pass"  # four members rated; the recused one was not waited for
    minutes = client.get(f"/staff/acceptance/{council.id}/minutes")
    assert vi_text(app, "Conflict declared (recused)") in minutes.text
    assert vi_text(app, "%(present)d of %(members)d", present=4, members=4) in minutes.text  # counted without them

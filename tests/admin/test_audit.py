"""Administration → Audit log: actions, records and states in the reader's words, links to the records, filters by
who, kind, record and dates, wrong filters explained with what was typed kept, pages keeping the filters."""

import re
from datetime import datetime
from html import unescape

from sqlalchemy import delete, select

from accounts.models import User
from core.extensions import db
from core.models import AuditEvent
from review.models import CouncilMember
from tests.conftest import login
from tests.factories import make_call, make_council, make_organization, make_user, make_valid_proposal, score


def _admin(client):
    """An administrator reading in English, logged in; the log starts empty (without that sign-in)."""
    admin = make_user("admin@s.vn", roles=("admin",), locale="en")
    db.session.commit()
    login(client, "admin@s.vn")
    db.session.execute(delete(AuditEvent))
    db.session.commit()
    return admin


def _event(action: str, object_type: str, object_id: int | None, actor=None, **fields) -> AuditEvent:
    fields.setdefault("actor_label", actor.email if actor else "")
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        **fields,
    )
    db.session.add(event)
    return event


def _page(client, query: str = "") -> str:
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def _rows(page: str) -> list[str]:
    """The table's rows, as text with the tags left in (each row one string)."""
    body = page.split('id="audit-events"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr.*?</tr>", body.split("<tbody>", 1)[1], flags=re.S)


def test_actions_records_and_states_in_the_readers_words_with_links(client, app, reference):
    admin = _admin(client)
    staff = make_user("thu@s.vn", full_name="Nguyễn Thị Thu", roles=("staff",))
    call = make_call(code="TN-AU-1")
    _event("transition", "call", call.id, staff, from_state="draft", to_state="open", comment="Đăng tải")
    _event("login", "user", staff.id, staff)
    _event("set_roles", "user", staff.id, admin, comment="staff → staff,leader")
    db.session.commit()
    page = _page(client)
    transition, login_row, roles_row = reversed(_rows(page))
    assert "Changed the state" in transition and "Draft → Published" in transition
    assert f'<a href="/calls/{call.id}">Call #{call.id}</a>' in transition
    assert "Nguyễn Thị Thu" in transition and "thu@s.vn" in transition and "Đăng tải" in transition
    assert "Signed in" in login_row and "security" in login_row
    assert f'<a href="/admin/users/{staff.id}">User account #{staff.id}</a>' in login_row
    assert "Changed the roles" in roles_row and "security" in roles_row
    assert "transition" not in page.split('id="audit-events"', 1)[1]  # no raw code left


def test_no_link_to_a_record_deleted_since_or_of_an_unknown_type(client, app, reference):
    _admin(client)
    call = make_call(code="TN-AU-2")
    _event("delete", "public_holiday", 987654, comment="02/09/2026 Quốc khánh")
    _event("mystery", "unheard_of", 5)
    _event("update", "call", call.id)
    db.session.commit()
    updated, unknown, deleted = _rows(_page(client))
    assert "Updated" in updated and f'href="/calls/{call.id}"' in updated
    assert "Deleted" in deleted and "Public holiday #987654" in deleted and "href" not in deleted
    assert "mystery" in unknown and "unheard_of #5" in unknown and "href" not in unknown


def test_filter_by_who_ignores_diacritics_and_matches_the_email(client, app, reference):
    _admin(client)
    duc = make_user("duc@example.vn", full_name="Trần Văn Đức")
    hoa = make_user("hoa@example.vn", full_name="Lê Thị Hòa")
    _event("login", "user", duc.id, duc)
    _event("login", "user", hoa.id, hoa)
    _event("login_failed", "user", None, actor_label="")
    db.session.commit()
    for who in ("tran van duc", "Đức", "duc@example"):
        page = _page(client, f"?who={who}")
        assert "Trần Văn Đức" in page and "Lê Thị Hòa" not in page, who
        assert f'value="{who}"' in page  # the typed value stays in the field
    assert len(_rows(_page(client, "?who=example.vn"))) == 2


def test_filter_by_kind_security_only_and_by_record(client, app, reference):
    _admin(client)
    person = make_user("an@example.vn", full_name="Phạm An")
    call = make_call(code="TN-AU-3")
    other = make_call(code="TN-AU-4")
    _event("login", "user", person.id, person)
    _event("totp_enabled", "user", person.id, person)
    _event("update_profile", "user", person.id, person)
    _event("update", "call", call.id, person)
    _event("extend", "call", other.id, person)
    db.session.commit()
    security = _page(client, "?kind=security")
    assert "Signed in" in security and "Turned the two-step login on" in security
    assert "Updated the personal details" not in security and "Extended the closing time" not in security
    assert len(_rows(security)) == 2
    accounts = _page(client, "?kind=accounts")
    assert len(_rows(accounts)) == 1 and "Updated the personal details" in accounts
    assert len(_rows(_page(client, "?kind=applications"))) == 2
    record = _page(client, f"?record_type=call&record_id={other.id}")
    (row,) = _rows(record)
    assert "Extended the closing time" in row
    assert '<option selected value="call">' in record  # the chosen type stays chosen
    assert len(_rows(_page(client, "?record_type=user"))) == 3


def test_filter_by_dates_counts_the_local_day(client, app, reference):
    _admin(client)
    # 17:30 UTC on 1 March is 00:30 on 2 March in Việt Nam: it belongs to the 2nd.
    _event("update", "agency_settings", 1, comment="late", created_at=datetime(2026, 3, 1, 17, 30))
    _event("update", "agency_settings", 1, comment="early", created_at=datetime(2026, 3, 1, 2, 0))
    _event("update", "agency_settings", 1, comment="later", created_at=datetime(2026, 3, 5, 8, 0))
    db.session.commit()
    on_the_second = _page(client, "?date_from=02/03/2026&date_to=02/03/2026")
    assert [("late" in row) for row in _rows(on_the_second)] == [True]
    assert len(_rows(_page(client, "?date_from=2026-03-01"))) == 3  # ISO typed is read too
    assert len(_rows(_page(client, "?date_to=01/03/2026"))) == 1
    assert len(_rows(_page(client, "?date_from=03/03/2026"))) == 1


def test_wrong_filters_are_explained_and_what_was_typed_is_kept(client, app):
    _admin(client)
    _event("login", "user", 1)
    db.session.commit()
    page = _page(client, "?date_from=31/02/2026&who=ai%20do&record_id=abc")
    assert "Enter a real date as dd/mm/yyyy, for example 02/09/2026." in page
    assert "Not a valid integer value." in page
    assert 'value="31/02/2026"' in page and 'value="ai do"' in page and 'value="abc"' in page
    assert 'id="audit-events"' not in page and "Correct the filters marked above" in page
    page = _page(client, "?date_from=05/03/2026&date_to=01/03/2026")
    assert "The end date is before the start date." in page
    page = _page(client, "?record_id=12")
    assert "Choose the type of record this number belongs to." in page
    page = _page(client, "?kind=nonsense")
    assert "Not a valid choice." in page


def test_pages_keep_the_filters(client, app):
    _admin(client)
    person = make_user("binh@example.vn", full_name="Võ Bình")
    for _ in range(30):
        _event("login", "user", person.id, person)
    _event("update_profile", "user", person.id, person)
    db.session.commit()
    page = _page(client, "?who=vo+binh&kind=security&date_from=01/01/2020")
    assert len(_rows(page)) == 25
    second = re.search(r'href="/admin/audit(\?[^"]*page=2[^"]*)"', page).group(1)
    assert "who=vo+binh" in second and "kind=security" in second and "date_from=01/01/2020" in second
    following = _page(client, second)
    assert len(_rows(following)) == 5 and "Updated the personal details" not in following


def test_an_application_through_scoring_reads_in_words_with_its_records_linked(client, app, reference):
    """The events a real lifecycle records (created, documents, submitted, council formed, scoring opened,
    interests declared, sheet submitted), each named, the council member's declaration linked through its seat."""
    _admin(client)
    with app.test_request_context():
        staff = make_user("staff@s.vn", roles=("staff",))
        call = make_call(code="TN-AU-5")
        proposal = make_valid_proposal(call, make_user("an@congty.vn", organization=make_organization()))
        council = make_council(call, staff, open_scoring=True)
        db.session.commit()
    seat = db.session.execute(select(CouncilMember).where(CouncilMember.council_id == council.id)).scalars().first()
    with app.test_request_context():
        score(council, proposal, db.session.get(User, seat.user_id))
        db.session.commit()
    events = db.session.execute(select(AuditEvent)).scalars().all()
    page = _page(client)
    for event in events:  # no event is shown by its code
        assert f"<td>{event.action}</td>" not in page and f">{event.object_type} #" not in page
    assert f'href="/applications/{proposal.id}"' in page and f'href="/staff/councils/{council.id}"' in page
    assert f'href="/staff/councils/{council.id}/applications/{proposal.id}/reviewers"' in page
    assert re.search(r'href="/review/sheets/\d+/print">Score sheet #\d+</a>', page)
    assert "Declared their interests" in page and "Attached a document" in page and "Scoring open" in page

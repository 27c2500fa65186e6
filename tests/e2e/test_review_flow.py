"""Staff form a 7-member council (one conflict detected), members declare and score, staff close scoring, the ranking
allocates the envelope, minutes print, a leader approves the decisions, staff release them and the applicants are told."""

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from core.extensions import db
from core.formatting import to_local, utcnow
from core.outbox import deliver_due
from tests.e2e.conftest import shot
from tests.factories import PASSWORD, make_call, make_organization, make_user, make_valid_proposal

ROLES = ("chair", "vice_chair", "reviewer", "reviewer", "scientific_secretary", "member", "member")
MEMBERS = (
    ("hung@dhct.edu.vn", "Trần Quốc Hùng"),
    ("mai@vienccq.vn", "Lê Thị Mai"),
    ("khoa@hcmuaf.edu.vn", "Phạm Minh Khoa"),
    ("tam@sonnptnt.vn", "Võ Thanh Tâm"),
    ("lan@vienkttl.vn", "Nguyễn Thị Lan"),
    ("phuc@ttkn.vn", "Đặng Văn Phúc"),
    ("chuyengia@congtyxanh.vn", "Huỳnh Ngọc Sơn"),  # shares the mail domain of applicant A: blocked for A
)
# Application title → (level ticked on every criterion, recommendation): means of 100, 75 and 50 out of 100.
TITLES = {
    "Tưới nhỏ giọt thông minh cho thanh long": ("4", "support"),
    "Nhà màng trồng rau thủy canh hồi lưu": ("3", "support"),
    "Dây chuyền sấy lạnh chuối xuất khẩu": ("2", "reject"),
}


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").last.click()
    expect(page.locator("form[action$='/logout']")).to_have_count(1)


def test_council_scoring_ranking_minutes_decisions_release(
    app, reference, smtp_server, live_server: str, page: Page, browser: Browser
):
    with app.test_request_context():  # submitting an application queues its receipt mail, which needs url_for
        staff_user = make_user("chuyenvien@skhcn.vn", full_name="Phạm Thu Hà", roles=("staff",))
        make_user("giamdoc@skhcn.vn", full_name="Lê Minh Tuấn", roles=("leader",))
        call = make_call(code="XC-2026-01", title="Đợt xét chọn dự án năm 2026", budget_vnd=500_000_000)
        applicants = (
            ("Công ty TNHH Nông nghiệp Xanh", "an@congtyxanh.vn", "Trần Văn An"),
            ("Hợp tác xã Rau sạch Đức Hòa", "binh@htxrausach.vn", "Nguyễn Thị Bình"),
            ("Công ty CP Chế biến Nông sản Tây Ninh", "cuong@nongsantn.vn", "Lê Văn Cường"),
        )
        proposals = []
        for (org_name, email, name), title in zip(applicants, TITLES, strict=True):
            user = make_user(email, full_name=name, organization=make_organization(org_name))
            proposals.append(make_valid_proposal(call, user, title=title))
        members = [make_user(email, full_name=name, roles=("reviewer",)) for email, name in MEMBERS]
        db.session.commit()
    call_id, staff_id = call.id, staff_user.id
    a, b, c = ((p.id, p.reference_code, p.title) for p in proposals)
    member_ids = [m.id for m in members]
    contexts = []

    def open_as(email: str) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        contexts.append(context)
        other = context.new_page()
        log_in(other, live_server, email)
        return other

    try:
        # Staff form the council from the councils page (the nav link's label may not be translated yet: by href).
        staff = page
        log_in(staff, live_server, "chuyenvien@skhcn.vn")
        staff.locator("nav a.nav-link[href='/staff/councils']").click()
        staff.locator(f"a[href='/staff/calls/{call_id}/council']").click()
        staff.fill("#name", "Hội đồng tư vấn xét chọn đợt XC-2026-01")
        meeting = to_local(utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT09:00")
        staff.fill("#meeting_at", meeting)
        staff.fill("#place", "Phòng họp số 2, Sở Khoa học và Công nghệ")
        staff.select_option("#admin_secretary_id", str(staff_id))
        for i, (member_id, role) in enumerate(zip(member_ids, ROLES, strict=True)):
            staff.select_option(f"#members-{i}-user_id", str(member_id))
            staff.select_option(f"#members-{i}-role", role)
        shot(staff, "30-council-form")
        staff.locator("main form button.btn-primary").click()

        composition = staff.locator("section").first
        expect(composition.locator(".alert-success")).to_have_count(1)  # the composition meets the rule
        expect(composition.locator(".alert-danger, .alert-warning")).to_have_count(0)
        expect(composition.locator("tbody tr")).to_have_count(7)
        blocked_row = staff.locator("tr", has_text=a[1])
        expect(blocked_row.locator(".text-danger")).to_contain_text("Huỳnh Ngọc Sơn")
        expect(blocked_row.locator(".text-danger")).to_contain_text("@congtyxanh.vn")
        council_url = staff.url
        council_id = int(council_url.rstrip("/").rsplit("/", 1)[-1])
        shot(staff, "31-council")

        staff.locator(f"form[action='/staff/councils/{council_id}/transition/scoring'] button").click()
        expect(staff.locator(".badge.state-scoring")).to_be_visible()
        assert deliver_due().sent >= 7 + 3  # the members told that scoring opened (and the seeded receipts)
        assert {m["to"][0] for m in smtp_server.messages} >= {email for email, _name in MEMBERS}

        # Every member declares and submits a sheet for each application listed, all through the pages (7 × 3 takes
        # well under two minutes); the blocked member sees only B and C and gets 404 on A.
        shots_taken = False
        for email, _name in MEMBERS:
            member = open_as(email)
            member.goto(live_server + "/review")
            expected = [b, c] if email.endswith("@congtyxanh.vn") else [a, b, c]
            expect(member.locator("tbody tr")).to_have_count(len(expected))
            if email.endswith("@congtyxanh.vn"):
                expect(member.locator("tbody")).not_to_contain_text(a[2])
                response = member.goto(f"{live_server}/review/councils/{council_id}/applications/{a[0]}")
                assert response.status == 404
                member.goto(live_server + "/review")
            for proposal_id, code, title in expected:
                level, recommendation = TITLES[title]
                member.locator(f"a[href='/review/councils/{council_id}/applications/{proposal_id}']").click()
                member.check("input[name=conflicted][value=no]")
                if not shots_taken:
                    shot(member, "32-declaration")
                member.locator("form[action$='/declare'] button").click()
                radios = member.locator(f"#sheet-form input[type=radio][name^=value_][value='{level}']")
                expect(radios).to_have_count(8)
                for radio in radios.all():
                    radio.check()
                member.check(f"input[name=recommendation][value={recommendation}]")
                member.fill("#comment", f"Hồ sơ {code}: nội dung rõ ràng, phù hợp với nội dung ưu tiên.")
                if member.locator("#review_text").count():  # a reviewer (phản biện) of this application
                    member.fill("#review_text", f"Nhận xét phản biện chi tiết về {code}: đủ cơ sở khoa học.")
                expect(member.locator("#sheet-total")).to_have_text(str(int(level) * 25))
                if not shots_taken:
                    shot(member, "33-score-sheet")
                member.locator("button[name=action][value=submit]").click()
                expect(member.locator("#sheet-form fieldset[disabled]").first).to_be_attached()
                if not shots_taken:
                    shot(member, "34-score-sheet-submitted")
                    shots_taken = True
                member.goto(live_server + "/review")
            expect(member.locator("tbody .badge.text-bg-success")).to_have_count(len(expected))

        # Staff record attendance, close scoring and read the ranking: A and B fit the 500,000,000 ₫ envelope.
        staff.goto(council_url)
        expect(staff.locator("input[name=present]")).to_have_count(7)
        for box in staff.locator("input[name=present]").all():
            box.check()
        staff.locator(f"form[action='/councils/{council_id}/attendance'] button").click()
        expect(staff.locator("p.text-success")).to_contain_text("7")  # quorum reached
        staff.locator(f"form[action='/staff/councils/{council_id}/transition/closed'] button").click()
        expect(staff.locator(".badge.state-closed")).to_be_visible()
        staff.goto(f"{live_server}/councils/{council_id}/results")
        funded = staff.locator("tbody.outcome-funded")
        expect(funded).to_have_count(2)
        expect(funded.nth(0)).to_contain_text(a[1])
        expect(funded.nth(0)).to_contain_text("100")
        expect(funded.nth(1)).to_contain_text(b[1])
        expect(funded.nth(1)).to_contain_text("75")
        expect(staff.locator("tbody.outcome-failed")).to_contain_text(c[1])
        funded.nth(0).locator("details summary").click()  # its sheets are read from its own result page
        expect(funded.nth(0).locator("details table tbody tr")).to_have_count(6)  # one member was blocked by a conflict
        expect(funded.nth(0).locator("details table")).to_contain_text("Trần Quốc Hùng")
        shot(staff, "35-results")

        staff.goto(council_url)
        staff.locator(f"form[action='/staff/councils/{council_id}/transition/ranked'] button").click()
        expect(staff.locator(".badge.state-ranked")).to_be_visible()
        staff.goto(f"{live_server}/councils/{council_id}/minutes")
        expect(staff.locator("body")).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        expect(staff.locator("body")).to_contain_text("Hội đồng tư vấn xét chọn đợt XC-2026-01")
        expect(staff.locator("body")).to_contain_text("XC-2026-01")
        expect(staff.locator("table.grid tbody tr")).to_have_count(3)
        expect(staff.locator("table.signatures")).to_contain_text("Nguyễn Thị Lan")  # the scientific secretary
        expect(staff.locator("table.signatures")).to_contain_text("Trần Quốc Hùng")  # the chair
        shot(staff, "36-minutes")

        # Staff draft the two decisions; the approved amount comes prefilled with the support requested.
        signed_on = to_local(utcnow()).date()
        staff.goto(f"{live_server}/staff/councils/{council_id}/decisions")
        for number, (proposal_id, _code, _title) in (("12/QĐ-SKHCN", a), ("13/QĐ-SKHCN", b)):
            staff.locator(f"a[href='/staff/councils/{council_id}/decisions/{proposal_id}']").click()
            expect(staff.locator("#approved_vnd")).to_have_value("250.000.000")
            staff.fill("#number", number)
            # The page renders a native date input (whose value is ISO) although its label asks for dd/mm/yyyy, the
            # convention of the other date fields (a text input): type what the field takes either way.
            native = staff.get_attribute("#signed_on", "type") == "date"
            staff.fill("#signed_on", signed_on.strftime("%Y-%m-%d" if native else "%d/%m/%Y"))
            staff.fill("#signer", "Lê Minh Tuấn")
            if number.startswith("12"):
                shot(staff, "37-decision-form")
            staff.locator("main form button.btn-primary").click()
            expect(staff.locator(".alert-success")).to_be_visible()
        expect(staff.locator(".badge.state-draft")).to_have_count(2)
        shot(staff, "38-decisions-drafted")

        # A leader approves both: the envelope is then fully committed.
        leader = open_as("giamdoc@skhcn.vn")
        leader.goto(f"{live_server}/staff/councils/{council_id}/decisions")
        for _turn in range(2):
            leader.locator("form[action$='/transition/approved'] button").first.click()
            expect(leader.locator(".alert-success")).to_be_visible()
        expect(leader.locator(".badge.state-approved")).to_have_count(2)
        expect(leader.locator("main")).to_contain_text("500.000.000")
        shot(leader, "39-decisions-approved")

        # Staff release the decisions; each applicant is told by mail.
        deliver_due()
        before = len(smtp_server.messages)
        staff.reload()
        staff.locator(f"form[action='/staff/councils/{council_id}/transition/released'] button").click()
        expect(staff.locator(".badge.state-released")).to_be_visible()
        shot(staff, "40-council-released")
        assert deliver_due().sent >= 3
        received = {}
        for message in smtp_server.messages[before:]:
            received.setdefault(message["to"][0], []).append(message)
        assert any("12/QĐ-SKHCN" in m["body"] and a[1] in m["subject"] for m in received["an@congtyxanh.vn"])
        assert any("13/QĐ-SKHCN" in m["body"] and b[1] in m["subject"] for m in received["binh@htxrausach.vn"])
        not_selected = received["cuong@nongsantn.vn"]
        assert len(not_selected) == 1 and c[1] in not_selected[0]["subject"]
        assert "QĐ-SKHCN" not in not_selected[0]["body"]

        # The applicant of A sees the approved state and the decision on the application's page.
        applicant = open_as("an@congtyxanh.vn")
        applicant.goto(f"{live_server}/applications/{a[0]}")
        expect(applicant.locator(".badge.state-approved")).to_be_visible()
        expect(applicant.locator("main")).to_contain_text("12/QĐ-SKHCN")
        shot(applicant, "41-applicant-approved")
    finally:
        for context in contexts:
            context.close()

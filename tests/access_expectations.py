"""What every role gets from every route: the expectations the access matrix (tests/test_access_matrix.py) checks;
a route without one fails it."""

ROLES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "conflicted_reviewer",
    "staff",
    "leader",
    "finance",
    "admin",
)
LOGIN = "login"  # a redirect to the login page
DOSSIER = {
    "final_report": "Báo cáo tổng hợp",
    "product_report": "Báo cáo sản phẩm",
    "financial_report": "Quyết toán",
    "self_assessment": "Tự đánh giá đạt",
}


def everyone(code: int) -> dict:
    return dict.fromkeys(ROLES, code)


def logged_in(code: int) -> dict:
    return {**everyone(code), "anonymous": LOGIN}


def only(code: int, *roles: str) -> dict:
    return {**logged_in(403), **dict.fromkeys(roles, code)}


ORG_MEMBERS = {**logged_in(404), "applicant": 200, "other_applicant": 200}
DEPARTMENT = ("staff", "leader", "finance", "admin")


def proposal_route(member: object, department: object) -> dict:
    """An application of the applicant's organization: other organizations and reviewers must not learn it exists."""
    return {**logged_in(404), "applicant": member, **dict.fromkeys(DEPARTMENT, department)}


def member_route(code: int) -> dict:
    """An application before a council, seen only by a member who declared no conflict: the conflicted member and
    everyone else must not learn more about it."""
    return {**logged_in(404), "reviewer": code}


def council_route(chair: int, department: int, staff: int | None = None) -> dict:
    """A council's results and records: the department and the chair (the "reviewer" holds the chair); the
    conflicted member, a plain member, does not oversee them."""
    expected = {**logged_in(404), "reviewer": chair, **dict.fromkeys(DEPARTMENT, department)}
    if staff is not None:
        expected.update(staff=staff, admin=staff)
    return expected


def project_route(host: object, department: object, **roles: object) -> dict:
    """A project of the applicant's organization: other organizations and reviewers must not learn it exists."""
    return {**logged_in(404), "applicant": host, **dict.fromkeys(DEPARTMENT, department), **roles}


# (method, path template, expectations). Path variables are filled from the fixture's records.
MATRIX: dict[str, tuple[str, str, dict]] = {
    "policies.home": ("GET", "/", everyone(200)),
    "policies.calls": ("GET", "/calls", everyone(200)),
    "policies.call_detail": ("GET", "/calls/{call_id}", everyone(200)),
    "policies.support": ("GET", "/support", everyone(200)),
    "policies.sectors": ("GET", "/sectors", everyone(200)),
    "policies.guide": ("GET", "/guide", everyone(200)),
    "policies.manage_calls": ("GET", "/staff/calls", only(200, *DEPARTMENT)),
    "policies.new_call": ("GET", "/staff/calls/new", only(200, "staff", "admin")),
    "policies.edit_call": ("GET", "/staff/calls/{call_id}/edit", only(200, "staff", "admin")),
    "policies.transition_call": ("POST", "/staff/calls/{call_id}/transition/closed", only(302, "staff", "admin")),
    "policies.extend_call": ("GET", "/staff/calls/{call_id}/extend", only(200, "staff", "admin")),
    "accounts.register": ("GET", "/register", {**everyone(302), "anonymous": 200}),
    "accounts.verify_email": ("GET", "/verify/not-a-token", everyone(400)),
    "accounts.resend_verification": ("GET", "/verify/resend", everyone(200)),
    "accounts.login": ("GET", "/login", everyone(200)),
    "accounts.logout": ("POST", "/logout", everyone(302)),
    # Without a login waiting for its second step, both send back to the login page.
    "accounts.login_code": ("GET", "/login/code", everyone(LOGIN)),
    "accounts.login_enrol": ("GET", "/login/enrol", everyone(LOGIN)),
    "accounts.security": ("GET", "/profile/security", logged_in(200)),
    "accounts.two_factor_setup": ("POST", "/profile/security/setup", logged_in(400)),
    "accounts.two_factor_confirm": ("POST", "/profile/security/confirm", logged_in(400)),
    "accounts.recovery_codes": ("POST", "/profile/security/codes", logged_in(400)),
    "accounts.two_factor_off": ("POST", "/profile/security/off", logged_in(400)),
    "accounts.end_other_sessions": ("POST", "/profile/security/sessions/end", logged_in(302)),
    "accounts.forgot_password": ("GET", "/password/forgot", everyone(200)),
    "accounts.reset_password": ("GET", "/password/reset/not-a-token", everyone(400)),
    "accounts.profile": ("GET", "/profile", logged_in(200)),
    "accounts.change_password": ("POST", "/profile/password", logged_in(200)),
    "notifications.index": ("GET", "/notifications", logged_in(200)),
    "notifications.open_notice": ("POST", "/notifications/{notice_id}/open", {**logged_in(404), "applicant": 302}),
    "notifications.read_all": ("POST", "/notifications/read", logged_in(302)),
    "notifications.preferences": ("GET", "/profile/notifications", logged_in(200)),
    "accounts.organization": ("GET", "/organization", ORG_MEMBERS),
    "accounts.invite": ("POST", "/organization/invite", {**ORG_MEMBERS, "applicant": 400, "other_applicant": 400}),
    "accounts.accept_invitation": ("GET", "/invitation/not-a-token", everyone(400)),
    "accounts.set_language": ("POST", "/language", everyone(400)),
    "proposals.start": ("POST", "/calls/{call_id}/apply", only(302, "applicant", "other_applicant")),
    "proposals.mine": ("GET", "/applications", only(200, "applicant", "other_applicant")),
    "proposals.detail": ("GET", "/applications/{proposal_id}", proposal_route(200, 200)),
    "proposals.edit": ("GET", "/applications/{proposal_id}/edit", proposal_route(200, 403)),
    "proposals.upload": ("POST", "/applications/{proposal_id}/documents", proposal_route(400, 403)),
    "proposals.download": ("GET", "/applications/{proposal_id}/documents/{file_id}", proposal_route(200, 200)),
    "proposals.remove_document": (
        "POST",
        "/applications/{proposal_id}/documents/{file_id}/remove",
        proposal_route(302, 403),
    ),
    "proposals.submit": ("GET", "/applications/{proposal_id}/submit", proposal_route(200, 403)),
    "proposals.transition": ("POST", "/applications/{proposal_id}/transition/withdrawn", proposal_route(302, 403)),
    "proposals.print_view": ("GET", "/applications/{proposal_id}/print", proposal_route(200, 200)),
    "proposals.compare": ("GET", "/applications/{proposal_id}/versions", proposal_route(200, 200)),
    "proposals.queue": ("GET", "/staff/calls/{call_id}/applications", only(200, *DEPARTMENT)),
    "proposals.queue_organizations": ("GET", "/staff/calls/{call_id}/organizations?q=cong", only(200, *DEPARTMENT)),
    "proposals.check": ("GET", "/staff/applications/{proposal_id}/check", only(200, *DEPARTMENT)),
    "proposals.checklist": ("POST", "/staff/applications/{proposal_id}/checklist", only(302, "staff", "admin")),
    "review.councils": ("GET", "/staff/councils", only(200, *DEPARTMENT)),
    "review.council_form": ("GET", "/staff/calls/{review_call_id}/council", only(200, "staff", "admin")),
    "review.council": ("GET", "/staff/councils/{council_id}", only(200, *DEPARTMENT)),
    "review.transition_council": (
        "POST",
        "/staff/councils/{council_id}/transition/closed",
        only(302, "staff", "admin"),
    ),
    "review.attendance": ("POST", "/councils/{council_id}/attendance", council_route(302, 403, staff=302)),
    "review.reviewers": (
        "GET",
        "/staff/councils/{council_id}/applications/{review_proposal_id}/reviewers",
        only(200, "staff", "admin"),
    ),
    "review.decisions_page": ("GET", "/staff/councils/{council_id}/decisions", only(200, *DEPARTMENT)),
    "review.decision": (
        "GET",
        "/staff/councils/{council_id}/decisions/{review_proposal_id}",
        only(200, "staff", "admin"),
    ),
    # Refused with a message back on the decisions page (the world's council is not ranked, so no waiting list).
    "review.recommend_waiting": (
        "POST",
        "/staff/councils/{council_id}/waiting-list/{review_proposal_id}",
        only(302, "staff", "admin"),
    ),
    # Refused with a message (the council is not released) and back to the decisions page.
    "review.record_withdrawal": (
        "POST",
        "/staff/councils/{council_id}/decisions/{review_proposal_id}/withdrawal",
        only(302, "staff", "admin"),
    ),
    # A draft decision: the department prints it for the leader; the applicant sees it only once approved and released
    # (its PDF and Word forms, the same view, are tried in tests/projects/test_documents.py).
    "review.decision_document": (
        "GET",
        "/decisions/{decision_id}/document",
        {**logged_in(404), **dict.fromkeys(DEPARTMENT, 200)},
    ),
    "review.transition_decision": ("POST", "/staff/decisions/{decision_id}/transition/approved", only(302, "leader")),
    "review.mine": ("GET", "/review", only(200, "reviewer", "conflicted_reviewer")),
    "review.my_expertise": ("GET", "/review/expertise", only(200, "reviewer", "conflicted_reviewer")),
    "review.experts": ("GET", "/staff/experts", only(200, "staff", "admin")),
    "review.expert_profile": ("GET", "/staff/experts/{expert_id}", only(200, "staff", "admin")),
    "review.sheet": ("GET", "/review/councils/{council_id}/applications/{review_proposal_id}", member_route(200)),
    "review.declare": (
        "POST",
        "/review/councils/{council_id}/applications/{review_proposal_id}/declare",
        member_route(400),
    ),
    "review.changes": (
        "GET",
        "/review/councils/{council_id}/applications/{review_proposal_id}/versions",
        member_route(200),
    ),
    "review.download": (
        "GET",
        "/review/councils/{council_id}/applications/{review_proposal_id}/documents/{review_file_id}",
        member_route(200),
    ),
    "review.print_sheet": ("GET", "/review/sheets/{sheet_id}/print", council_route(200, 200)),
    "review.reopen": ("POST", "/review/sheets/{sheet_id}/reopen", council_route(302, 403, staff=302)),
    "review.results_page": ("GET", "/councils/{council_id}/results", council_route(200, 200)),
    "review.result_page": ("GET", "/councils/{council_id}/results/{review_proposal_id}", council_route(200, 200)),
    "review.export_results": ("GET", "/councils/{council_id}/results.xlsx", council_route(200, 200)),
    "review.minutes": ("GET", "/councils/{council_id}/minutes", council_route(200, 200)),
    "review.vote_count": ("GET", "/councils/{council_id}/vote-count", council_route(200, 200)),
    "projects.contracts_due": ("GET", "/staff/contracts", only(200, *DEPARTMENT)),
    "projects.contract_form": (
        "GET",
        "/staff/applications/{approved_proposal_id}/contract",
        only(200, "staff", "admin"),
    ),
    "projects.detail": ("GET", "/projects/{project_id}", project_route(200, 200)),
    "projects.annex": ("GET", "/projects/{project_id}/annex", project_route(200, 200)),
    "projects.download": ("GET", "/projects/{project_id}/documents/{project_file_id}", project_route(200, 200)),
    "projects.transition": (
        "POST",
        "/projects/{project_id}/transition/suspended",
        project_route(403, 302, finance=403),
    ),
    "projects.request_tranche": (
        "POST",
        "/projects/{project_id}/tranches/{tranche_id}/request",
        project_route(400, 403),
    ),
    "projects.review_tranche": (
        "POST",
        "/projects/{project_id}/tranches/{tranche_id}/review/approved",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.payment": (
        "GET",
        "/projects/{project_id}/tranches/{tranche_id}/payment",
        project_route(403, 403, finance=200),
    ),
    # The matrix's project has nothing to recover and is not liquidated: finance and the readers get 404 (the pages
    # themselves are tried in tests/projects/test_acceptance.py and test_ledger.py).
    "projects.recovery_receipt": ("GET", "/projects/{project_id}/recovery", project_route(403, 403, finance=404)),
    "projects.contract_document": ("GET", "/projects/{project_id}/contract", project_route(200, 200)),
    "projects.recovery_decision": ("GET", "/projects/{project_id}/recovery-decision", project_route(404, 404)),
    "projects.liquidation_record": ("GET", "/projects/{project_id}/liquidation-record", project_route(404, 404)),
    "projects.monitoring": ("GET", "/staff/projects", only(200, *DEPARTMENT)),
    "projects.mine": ("GET", "/projects", only(200, "applicant", "other_applicant")),
    "projects.report": ("GET", "/projects/{project_id}/reports/{report_id}", project_route(200, 200)),
    "projects.report_transition": (
        "POST",
        "/projects/{project_id}/reports/{report_id}/transition/accepted",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.new_adjustment": ("GET", "/projects/{project_id}/adjustments/new", project_route(200, 403)),
    "projects.adjustment": ("GET", "/projects/{project_id}/adjustments/{adjustment_id}", project_route(200, 200)),
    "projects.adjustment_transition": (
        "POST",
        "/projects/{project_id}/adjustments/{adjustment_id}/transition/refused",
        project_route(403, 302, finance=403),
    ),
    "projects.inspection": (
        "GET",
        "/projects/{project_id}/inspections/{inspection_id}",
        project_route(403, 403, staff=200, admin=200),
    ),
    "projects.action_done": (
        "POST",
        "/projects/{project_id}/inspections/{inspection_id}/actions/{action_id}/done",
        project_route(403, 403, staff=400, admin=400),
    ),
    "projects.dossier": ("GET", "/projects/{project_id}/dossier", project_route(200, 200)),
    "projects.acceptance_council_form": (
        "GET",
        "/staff/projects/{acceptance_project_id}/acceptance-council",
        project_route(403, 403, staff=200, admin=200),
    ),
    "projects.acceptance_council": ("GET", "/staff/acceptance/{acceptance_id}", project_route(403, 200, finance=403)),
    "projects.acceptance_open": (
        "POST",
        "/staff/acceptance/{acceptance_id}/open",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.acceptance_attendance": (
        "POST",
        "/staff/acceptance/{acceptance_id}/attendance",
        project_route(403, 403, staff=302, admin=302),
    ),
    "projects.acceptance_conclude": (
        "POST",
        "/staff/acceptance/{acceptance_id}/conclude",
        project_route(403, 403, staff=400, admin=400),
    ),
    "projects.acceptance_minutes": (
        "GET",
        "/staff/acceptance/{acceptance_id}/minutes",
        project_route(403, 200, finance=403),
    ),
    "projects.acceptance_decision": ("GET", "/acceptance/{acceptance_id}/decision", project_route(200, 200)),
    "projects.my_acceptances": ("GET", "/acceptance", only(200, "reviewer", "conflicted_reviewer")),
    "projects.rating": ("GET", "/acceptance/{acceptance_id}/rating", member_route(200)),
    "projects.acceptance_declare": ("POST", "/acceptance/{acceptance_id}/declare", member_route(400)),
    "projects.rating_download": (
        "GET",
        "/acceptance/{acceptance_id}/documents/{dossier_file_id}",
        member_route(200),
    ),
    "projects.closing_page": ("GET", "/staff/projects/{project_id}/closing", project_route(403, 200, finance=403)),
    "projects.closing_step": (
        "POST",
        "/staff/projects/{project_id}/closing/settlement",
        project_route(403, 403, staff=400, admin=400),
    ),
    "projects.batches": ("GET", "/staff/calls/{call_id}/batch-decisions", only(200, *DEPARTMENT)),
    "projects.draft_batch": ("POST", "/staff/calls/{call_id}/batch-decisions", only(400, "staff", "admin")),
    "projects.batch": ("GET", "/staff/batch-decisions/{batch_id}", only(200, *DEPARTMENT)),
    "projects.batch_document": ("GET", "/staff/batch-decisions/{batch_id}/document", only(200, *DEPARTMENT)),
    "projects.transition_batch": ("POST", "/staff/batch-decisions/{batch_id}/transition/refused", only(302, "leader")),
    "projects.pay_award": ("POST", "/staff/awards/{award_id}/payment", only(400, "finance")),
    "notifications.home": ("GET", "/me", logged_in(200)),
    "notifications.queue": ("GET", "/me/queues/tranches_to_pay", only(200, "finance")),
    "admin.index": ("GET", "/admin/", only(200, "admin")),
    "admin.users": ("GET", "/admin/users", only(200, "admin")),
    "admin.user": ("GET", "/admin/users/{user_id}", only(200, "admin")),
    "admin.end_user_sessions": ("POST", "/admin/users/{user_id}/sessions/end", only(302, "admin")),
    "admin.reset_user_two_factor": ("POST", "/admin/users/{user_id}/two-factor/reset", only(302, "admin")),
    "admin.settings": ("GET", "/admin/settings", only(200, "admin")),
    "admin.regimes": ("GET", "/admin/regimes", only(200, "admin")),
    "admin.regime": ("GET", "/admin/regimes/{regime_id}", only(200, "admin")),
    "admin.category": ("GET", "/admin/regimes/{regime_id}/categories/{category_id}", only(200, "admin")),
    "admin.condition": ("GET", "/admin/regimes/{regime_id}/conditions/{condition_id}", only(200, "admin")),
    "admin.sectors": ("GET", "/admin/sectors", only(200, "admin")),
    "admin.sector": ("GET", "/admin/sectors/{sector_id}", only(200, "admin")),
    "admin.priority_item": ("GET", "/admin/sectors/{sector_id}/items/{item_id}", only(200, "admin")),
    "admin.evaluation": ("GET", "/admin/evaluation", only(200, "admin")),
    "admin.score_sheet": ("GET", "/admin/score-sheets/{template_id}", only(200, "admin")),
    "admin.evaluation_rule": ("GET", "/admin/evaluation-rules/{rule_id}", only(200, "admin")),
    "admin.holidays": ("GET", "/admin/holidays", only(200, "admin")),
    "admin.holiday": ("GET", "/admin/holidays/{holiday_id}", only(200, "admin")),
    "admin.delete_holiday": ("POST", "/admin/holidays/{holiday_id}/delete", only(302, "admin")),
    "admin.outbox": ("GET", "/admin/outbox", only(200, "admin")),
    "admin.audit": ("GET", "/admin/audit", only(200, "admin")),
    # The feed answers its signed address only (tests/notifications/test_calendar.py); any other is unknown.
    "notifications.calendar_feed": ("GET", "/calendar/not-a-token.ics", everyone(404)),
    "notifications.calendar_page": ("GET", "/profile/calendar", logged_in(200)),
    "notifications.reset_calendar": ("POST", "/profile/calendar/reset", logged_in(302)),
    "reports.queue_export": ("GET", "/staff/calls/{call_id}/applications.xlsx", only(200, *DEPARTMENT)),
    "reports.monitoring_export": ("GET", "/staff/projects.csv", only(200, *DEPARTMENT)),
    "reports.ledger": ("GET", "/staff/ledger", only(200, *DEPARTMENT)),
    "reports.tranches": ("GET", "/staff/tranches", only(200, *DEPARTMENT)),
    "reports.periodic_reports": ("GET", "/staff/periodic-reports?kind=late", only(200, *DEPARTMENT)),
    "reports.dashboard": ("GET", "/staff/dashboard", only(200, *DEPARTMENT)),
    "reports.funded": ("GET", "/funded", everyone(200)),
    "reports.funded_awards": ("GET", "/funded/fixed-amounts?q=bao+ho", everyone(200)),
    "reports.funded_project": ("GET", "/funded/{project_id}", everyone(200)),
    "reports.open_data": ("GET", "/open-data", everyone(200)),
    "reports.statistics": ("GET", "/statistics", everyone(200)),
    "reports.open_data_file": ("GET", "/open-data/grants.json", everyone(200)),
    "reports.department_list_export": ("GET", "/staff/periodic-reports.csv", only(200, *DEPARTMENT)),
}
# Draft calls are not public: outsiders get 404, the department sees them.
DRAFT_CALL = ("GET", "/calls/{draft_call_id}", {**everyone(404), **dict.fromkeys(DEPARTMENT, 200)})
IGNORED = {"static", "bootstrap.static"}

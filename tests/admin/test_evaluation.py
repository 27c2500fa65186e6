"""Score-sheet templates and evaluation rules: seeding, editing in admin, what sheets in use protect, stale saves."""

from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from policies.evaluation import Criterion, EvaluationRule, ScoreSheetTemplate
from policies.loader import load_reference_data
from review.models import Assignment, Council, CouncilMember, ScoreSheet, SheetScore
from tests.conftest import login
from tests.factories import make_call, make_organization, make_proposal, make_user


def _admin(client):
    # In English, so that the assertions hold once the messages are translated.
    make_user("admin@s.vn", roles=("admin",), locale="en")
    db.session.commit()
    login(client, "admin@s.vn")


def _template(code: str = "default") -> ScoreSheetTemplate:
    db.session.expire_all()
    statement = select(ScoreSheetTemplate).where(ScoreSheetTemplate.code == code)
    return db.session.execute(statement.options(selectinload(ScoreSheetTemplate.criteria))).scalar_one()


def _rule() -> EvaluationRule:
    db.session.expire_all()
    return db.session.execute(select(EvaluationRule).where(EvaluationRule.code == "default")).scalar_one()


def _sheet_form(template: ScoreSheetTemplate, **changes: dict) -> dict:
    """The edit form as the page posts it, with changes by criterion code ({} keeps a row, None clears its name)."""
    data = {
        "code": template.code,
        "name": template.name,
        "name_en": template.name_en,
        "mechanic": template.mechanic,
        "version": str(template.version),
    }
    for i, criterion in enumerate(template.criteria):
        row = {
            "id": criterion.id,
            "code": criterion.code,
            "name": criterion.name,
            "name_en": criterion.name_en,
            "description": criterion.description,
            "description_en": criterion.description_en,
            "max_points": criterion.max_points,
            "min_points": criterion.min_points or "",
            "shows_priorities": "y" if criterion.shows_priorities else "",
        }
        change = changes.get(criterion.code, {})
        row.update(name="") if change is None else row.update(change)
        data.update({f"criteria-{i}-{key}": value for key, value in row.items() if value != ""})
    return data


def _add_row(data: dict, index: int, **row: object) -> dict:
    return {**data, **{f"criteria-{index}-{key}": value for key, value in row.items()}}


def _rule_form(rule: EvaluationRule, **changes: object) -> dict:
    fields = (
        "code",
        "name",
        "name_en",
        "pass_threshold",
        "zero_rule",
        "zero_share",
        "tiebreak_criterion_code",
        "council_min_size",
        "council_max_size",
        "reviewers_per_application",
        "documents_days_before",
        "quorum_share",
        "agreement_share",
        "disagreement_stdev_points",
        "disagreement_council_percent",
        "outlier_offset_points",
        "outlier_min_sheets",
        "version",
    )
    flags = (
        "use_criterion_minimum",
        "tiebreak_chair",
        "quorum_needs_chair_or_vice",
        "quorum_needs_reviewers",
        "show_scores_before_submit",
    )
    data = {name: str(getattr(rule, name)) for name in fields}
    data.update({name: "y" for name in flags if getattr(rule, name)})
    data.update({f"required_roles-{role}": str(n) for role, n in rule.required_roles.items()})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _scored(app, criterion: Criterion) -> None:
    """A council of a call using the default sheet, one member's sheet scoring the criterion."""
    applicant = make_user("an@org.vn", organization=make_organization())
    reviewer = make_user("reviewer@z.vn", roles=("reviewer",))
    call = make_call()
    with app.test_request_context():
        proposal = make_proposal(call, applicant)
    council = Council(call_id=call.id, name="Hội đồng thử", template_id=criterion.template_id, rule_id=_rule().id)
    db.session.add(council)
    db.session.flush()
    member = CouncilMember(council_id=council.id, user_id=reviewer.id, role="reviewer")
    db.session.add(member)
    db.session.flush()
    assignment = Assignment(member_id=member.id, proposal_id=proposal.id, sequence=1, conflict="none")
    db.session.add(assignment)
    db.session.flush()
    sheet = ScoreSheet(assignment_id=assignment.id)
    db.session.add(sheet)
    db.session.flush()
    db.session.add(SheetScore(sheet_id=sheet.id, criterion_id=criterion.id, value=2))
    db.session.commit()


def test_seeding_is_idempotent_and_adds_up_to_100(app):
    first = load_reference_data()
    db.session.commit()
    assert (first["templates"], first["criteria"], first["rules"]) == (1, 8, 1)
    template = _template()
    assert template.mechanic == "levels" and template.total_points == 100
    assert [c.max_points for c in template.criteria] == [20, 20, 15, 10, 15, 10, 5, 5]
    assert [c.code for c in template.criteria if c.shows_priorities] == ["necessity"]
    assert "Kế hoạch 1821" in template.criteria[0].name and all(c.name_en and c.description for c in template.criteria)
    rule = _rule()
    assert (rule.pass_threshold, rule.zero_rule, rule.tiebreak_criterion_code) == (70, "share", "necessity")
    assert rule.share("quorum_share") == Fraction(2, 3) and rule.share("agreement_share") == Fraction(3, 4)
    assert rule.required_roles == {"chair": 1, "reviewer": 2, "scientific_secretary": 1}
    assert (rule.council_min_size, rule.council_max_size, rule.show_scores_before_submit) == (7, 9, False)
    # An administrator's edits survive a second load, which adds nothing.
    _template().criteria[-1].name = "Tiêu chí đã sửa"
    db.session.commit()
    _rule().pass_threshold = 75
    db.session.commit()
    again = load_reference_data()
    db.session.commit()
    assert sum(again.values()) == 0
    assert _template().criteria[-1].name == "Tiêu chí đã sửa" and _rule().pass_threshold == 75
    assert db.session.execute(select(func.count()).select_from(Criterion)).scalar() == 8


def test_list_page_shows_sheets_and_rules(client, app, reference):
    _admin(client)
    page = client.get("/admin/evaluation").get_data(as_text=True)
    assert "Tính cấp thiết và sự phù hợp với nội dung ưu tiên" in page and "Quy tắc xét chọn mặc định" in page
    assert ">100<" in page.replace(" ", "") and "must be 100" not in page
    assert client.get("/admin/").get_data(as_text=True).count("/admin/evaluation") == 1


def test_rename_keeps_the_criterion_row_and_moves_the_version(client, app, reference):
    _admin(client)
    template = _template()
    ids, version = [c.id for c in template.criteria], template.version
    page = client.get(f"/admin/score-sheets/{template.id}").get_data(as_text=True)
    assert f'value="{ids[0]}"' in page and "criteria-10-name" in page  # 8 criteria and 3 empty rows
    data = _sheet_form(template, budget={"name": "Dự toán kinh phí hợp lý", "min_points": "2"})
    assert client.post(f"/admin/score-sheets/{template.id}", data=data).status_code == 302
    template = _template()
    assert [c.id for c in template.criteria] == ids and template.version == version + 1
    assert (template.criteria[-1].name, template.criteria[-1].min_points) == ("Dự toán kinh phí hợp lý", 2)


def test_codes_swap_and_a_removed_code_is_reused(client, app, reference):
    _admin(client)
    template = _template()
    by_code = {c.code: c.id for c in template.criteria}
    data = _sheet_form(template, capacity={"code": "effect"}, effect={"code": "capacity"}, replication=None)
    data = _add_row(data, 8, code="replication", name="Khả năng nhân rộng (mới)", max_points="5")
    assert client.post(f"/admin/score-sheets/{template.id}", data=data).status_code == 302
    criteria = {c.code: c for c in _template().criteria}
    assert criteria["effect"].id == by_code["capacity"] and criteria["capacity"].id == by_code["effect"]
    assert criteria["replication"].id != by_code["replication"] and criteria["replication"].position == 8
    assert _template().total_points == 100


def test_sheet_validation_keeps_what_was_typed(client, app, reference):
    _admin(client)
    template = _template()
    data = _sheet_form(template, necessity={"name": "Tính cấp thiết (đã sửa)", "max_points": "25"})
    response = client.post(f"/admin/score-sheets/{template.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "alert-danger" in page
    assert "add up to 105" in page and "Tính cấp thiết (đã sửa)" in page and 'value="25"' in page
    data = _sheet_form(template, budget={"min_points": "6"}, effect={"code": "capacity"})
    page = client.post(f"/admin/score-sheets/{template.id}", data=data).get_data(as_text=True)
    assert "The minimum cannot be above the maximum." in page and "used twice" in page
    data = _sheet_form(template, effect={"shows_priorities": "y"})
    assert "Only one criterion" in client.post(f"/admin/score-sheets/{template.id}", data=data).get_data(as_text=True)
    empty = {"code": "empty", "name": "Phiếu trống", "mechanic": "points"}
    assert "at least one criterion" in client.post("/admin/score-sheets/new", data=empty).get_data(as_text=True)
    assert _template().criteria[0].name.startswith("Tính cấp thiết và")


def test_new_sheet_by_points(client, app, reference):
    _admin(client)
    assert client.get("/admin/score-sheets/new").status_code == 200
    data = {"code": "short", "name": "Phiếu rút gọn", "mechanic": "points"}
    data = _add_row(data, 0, code="a", name="Tính cấp thiết", max_points="60", shows_priorities="y")
    data = _add_row(data, 1, code="b", name="Tính khả thi", max_points="40", min_points="10")
    data = _add_row(data, 2, code="", name="", max_points="")  # an empty row is ignored
    assert client.post("/admin/score-sheets/new", data=data).status_code == 302
    template = _template("short")
    assert [(c.code, c.max_points, c.position) for c in template.criteria] == [("a", 60, 1), ("b", 40, 2)]
    page = client.post("/admin/score-sheets/new", data=data).get_data(as_text=True)
    assert "already used" in page  # the sheet's code is unique


def test_what_sheets_use_cannot_change(client, app, reference):
    _admin(client)
    template = _template()
    replication = next(c for c in template.criteria if c.code == "replication")
    _scored(app, replication)
    template = _template()
    assert "1 score sheet uses this template" in client.get(f"/admin/score-sheets/{template.id}").get_data(as_text=True)
    data = _sheet_form(template, replication=None, budget={"max_points": "10"})
    response = client.post(f"/admin/score-sheets/{template.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "“replication” is already scored on 1 score sheet" in page
    assert db.session.get(Criterion, replication.id) is not None
    data = _sheet_form(template, necessity={"max_points": "15"}, replication={"max_points": "10"})
    assert "maxima and minima can no longer change" in client.post(
        f"/admin/score-sheets/{template.id}", data=data
    ).get_data(as_text=True)
    data = {**_sheet_form(template), "mechanic": "points"}
    assert "scoring can no longer change" in client.post(f"/admin/score-sheets/{template.id}", data=data).get_data(
        as_text=True
    )
    data = _sheet_form(template, replication={"min_points": "1"})  # a minimum decides who passes
    assert "maxima and minima can no longer change" in client.post(
        f"/admin/score-sheets/{template.id}", data=data
    ).get_data(as_text=True)
    data = _sheet_form(template, replication={"name": "Khả năng nhân rộng mô hình"})
    assert client.post(f"/admin/score-sheets/{template.id}", data=data).status_code == 302
    assert db.session.get(Criterion, replication.id).name == "Khả năng nhân rộng mô hình"


def test_rule_edit_and_shares(client, app, reference):
    _admin(client)
    rule = _rule()
    page = client.get(f"/admin/evaluation-rules/{rule.id}").get_data(as_text=True)
    assert 'value="2/3"' in page and 'name="required_roles-vice_chair"' in page
    response = client.post(f"/admin/evaluation-rules/{rule.id}", data=_rule_form(rule, quorum_share="2/0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Write a fraction between 0 and 1" in page and 'value="2/0"' in page
    page = client.post(f"/admin/evaluation-rules/{rule.id}", data=_rule_form(rule, agreement_share="5/4")).get_data(
        as_text=True
    )
    assert "Write a fraction between 0 and 1" in page
    data = _rule_form(rule, council_min_size="9", council_max_size="7")
    assert "cannot be smaller" in client.post(f"/admin/evaluation-rules/{rule.id}", data=data).get_data(as_text=True)
    data = _rule_form(rule, quorum_share="4/6", zero_share="0.5", pass_threshold="75", tiebreak_chair=None)
    data["required_roles-vice_chair"] = "1"
    assert client.post(f"/admin/evaluation-rules/{rule.id}", data=data).status_code == 302
    rule = _rule()
    assert (rule.quorum_share, rule.zero_share, rule.pass_threshold, rule.tiebreak_chair) == ("2/3", "1/2", 75, False)
    assert rule.required_roles == {"chair": 1, "vice_chair": 1, "reviewer": 2, "scientific_secretary": 1}


def test_new_rule_starts_from_the_default(client, app, reference):
    _admin(client)
    page = client.get("/admin/evaluation-rules/new").get_data(as_text=True)
    assert 'value="3/4"' in page and 'name="code" required type="text" value=""' in page
    data = _rule_form(_rule(), code="strict", name="Quy tắc chặt", version="", pass_threshold="80")
    assert client.post("/admin/evaluation-rules/new", data=data).status_code == 302
    strict = db.session.execute(select(EvaluationRule).where(EvaluationRule.code == "strict")).scalar_one()
    assert strict.pass_threshold == 80 and strict.required_roles == _rule().required_roles


def test_stale_saves_give_409_with_the_differences(client, app, reference):
    _admin(client)
    template = _template()
    old = _sheet_form(template, necessity={"name": "Tên của tôi"})
    assert client.post(f"/admin/score-sheets/{template.id}", data=_sheet_form(template, budget={"name": "Tên của họ"}))
    response = client.post(f"/admin/score-sheets/{template.id}", data=old)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Tên của họ" in page and "Tên của tôi" in page
    assert _template().criteria[0].name != "Tên của tôi"
    rule = _rule()
    old = _rule_form(rule, pass_threshold="80")
    assert client.post(f"/admin/evaluation-rules/{rule.id}", data=_rule_form(rule, pass_threshold="60")).status_code
    response = client.post(f"/admin/evaluation-rules/{rule.id}", data=old)
    assert response.status_code == 409 and _rule().pass_threshold == 60
    again = response.get_data(as_text=True).split('name="version" type="hidden" value="')[1].split('"')[0]
    assert client.post(f"/admin/evaluation-rules/{rule.id}", data={**old, "version": again}).status_code == 302
    assert _rule().pass_threshold == 80

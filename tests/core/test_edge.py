"""The request edge: a form page shown, refused by its validators or by a rule (rolled back, everything typed kept),
refused as stale (409, re-armed), or done (committed once); one-button forms; actions without a form page."""

import pytest
from flask import Flask, get_flashed_messages, render_template_string
from sqlalchemy import func, select
from wtforms import StringField

from core.audit import record_event
from core.edge import attempt, authorized, dry_run, finish, run_form, run_small_form
from core.errors import DomainError
from core.extensions import db
from core.forms import BaseForm, VersionedForm, check_version, required
from core.models import AgencySettings, AuditEvent

PAGE = "{{ form.name.data or '' }}|{{ form.name.errors|join(',') }}|{{ form.form_errors|join(',') }}|{{ shown }}"


class NameForm(BaseForm):
    name = StringField("Name", [required()])


class SettingsNameForm(VersionedForm):
    name = StringField("Name", [required()])


def _events() -> int:
    return db.session.execute(select(func.count()).select_from(AuditEvent)).scalar()


def _record_then(refusal: str | None) -> str:
    """An action that writes a row, then is refused (or not) by a rule."""
    record_event("edge_test", "thing", 1)
    db.session.flush()
    if refusal:
        raise DomainError(refusal, "name" if refusal.startswith("name") else None)
    return "saved"


@pytest.fixture
def edge_app(app: Flask) -> Flask:
    def form_page() -> object:
        form = NameForm()
        return run_form(
            form,
            lambda: _record_then(form.name.data if form.name.data.startswith(("name", "rule")) else None),
            page=lambda shown: render_template_string(PAGE, form=form, shown=shown),
            done=lambda result: finish(f"done: {result}", "/after"),
            records="first",
            reload=lambda: "reloaded",
        )

    def draft_page() -> object:
        form = NameForm()
        return run_form(
            form,
            lambda: None,
            page=lambda _shown: render_template_string(PAGE, form=form, shown=""),
            done=lambda _result: finish("ok", "/after"),
            refused_status=200,
        )

    def settings_page() -> object:
        record = AgencySettings.current()
        form = SettingsNameForm()
        compared = []
        return run_form(
            form,
            lambda: check_version(record, form),
            page=lambda shown: render_template_string(
                PAGE, form=form, shown=f"{shown}:{form.version.data}:{'+'.join(compared)}"
            ),
            done=lambda _result: finish("ok", "/after"),
            records="settings",
            stale=lambda shown: compared.append(shown) or "compared",
        )

    def button() -> object:
        form = NameForm()

        def act() -> str:
            return _record_then(None if form.name.data == "fine" else "refused by a rule")

        return run_small_form(form, act, success="moved", back="/back")

    def flashes() -> str:
        return "|".join(get_flashed_messages())

    for rule, view in (("/form", form_page), ("/draft", draft_page), ("/settings", settings_page), ("/button", button)):
        app.add_url_rule(rule, view.__name__, view, methods=["GET", "POST"])
    app.add_url_rule("/flashes", "flashes", flashes)
    return app


def test_a_form_page_is_shown_then_refused_by_its_validators(edge_app, client):
    assert client.get("/form").status_code == 200
    response = client.post("/form", data={"name": ""})
    assert response.status_code == 400
    assert "This field is required" in response.get_data(as_text=True) or "bắt buộc" in response.get_data(as_text=True)
    assert _events() == 0


def test_a_rule_refusal_rolls_back_and_keeps_what_was_typed(edge_app, client):
    response = client.post("/form", data={"name": "name taken"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert body.startswith("name taken|name taken||")  # typed value kept, message at its field
    assert body.endswith("reloaded")  # the page shows records loaded again after the rollback
    response = client.post("/form", data={"name": "rule without a field"})
    assert response.get_data(as_text=True).startswith("rule without a field||rule without a field|")
    assert _events() == 0  # nothing the refused action wrote was kept


def test_a_done_action_is_committed_once_and_said(edge_app, client):
    response = client.post("/form", data={"name": "fine"})
    assert response.status_code == 302 and response.headers["Location"] == "/after"
    assert _events() == 1
    assert client.get("/flashes").get_data(as_text=True) == "done: saved"


def test_a_draft_page_may_rest_with_errors(edge_app, client):
    assert client.post("/draft", data={"name": ""}).status_code == 200


def test_a_stale_save_answers_409_rearmed_with_the_comparison(edge_app, client):
    settings = AgencySettings(**AgencySettings.DEFAULTS)
    db.session.add(settings)
    db.session.commit()
    settings.address = "changed by someone else"
    db.session.commit()
    assert settings.version == 2
    response = client.post("/settings", data={"name": "mine", "version": "1"})
    assert response.status_code == 409
    assert response.get_data(as_text=True).endswith("compared:2:settings")
    assert client.post("/settings", data={"name": "mine", "version": "2"}).status_code == 302


def test_a_one_button_form_goes_back_and_says_what_happened(edge_app, client):
    response = client.post("/button", data={"name": ""})
    assert response.headers["Location"] == "/back"
    assert client.get("/flashes").get_data(as_text=True) in (
        "The form expired; please try again.",
        "Biểu mẫu đã hết hạn; vui lòng thử lại.",
    )
    client.post("/button", data={"name": "other"})
    assert client.get("/flashes").get_data(as_text=True) == "refused by a rule"
    assert _events() == 0
    client.post("/button", data={"name": "fine"})
    assert client.get("/flashes").get_data(as_text=True) == "moved"
    assert _events() == 1


def test_attempt_commits_or_rolls_back_and_a_refusal_may_be_kept(app):
    result, error = attempt(lambda: _record_then(None))
    assert (result, error) == ("saved", None) and _events() == 1
    result, error = attempt(lambda: _record_then("refused"))
    assert result is None and error.message == "refused" and _events() == 1
    _result, error = attempt(lambda: _record_then("a failed login counts"), refusal_commits=True)
    assert error is not None and _events() == 2


def test_a_dry_run_gives_its_result_and_keeps_nothing(app):
    assert dry_run(lambda: _record_then(None)) == "saved"
    db.session.commit()
    assert _events() == 0


class _Thing:
    def __init__(self, visible: bool, allowed: bool) -> None:
        self.visible, self.allowed = visible, allowed

    def can_view(self, user: object) -> bool:
        return self.visible

    def can_edit(self, user: object) -> bool:
        return self.allowed


def test_authorized_hides_what_may_not_be_known_and_forbids_what_may_not_be_done(app):
    from werkzeug.exceptions import Forbidden, NotFound

    with app.test_request_context():
        thing = _Thing(visible=True, allowed=True)
        assert authorized(thing, "can_edit") is thing
        with pytest.raises(NotFound):
            authorized(_Thing(visible=False, allowed=True), "can_edit")
        with pytest.raises(Forbidden):
            authorized(_Thing(visible=True, allowed=False), "can_edit")

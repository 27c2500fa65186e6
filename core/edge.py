"""The request edge: the one place where a view's action is committed, or rolled back and explained.

A view loads and authorizes its records, builds its form, and hands the rest to `run_form`:

    return run_form(
        form,
        lambda: services.save_thing(thing, form.to_data(), current_user),
        page=lambda _records: render_template("things/edit.html", form=form, thing=thing),
        done=lambda saved: finish(_("Saved."), url_for("things.detail", thing_id=saved.id)),
    )

`run_form` validates the form and runs the action. On success it commits once and returns `done(result)` (usually a
flash and a redirect). When a rule refuses the action (a DomainError) it rolls back, puts the message at its field
and renders the page again with everything the user typed: 400, or 409 when someone saved the record meanwhile. As in
Indico's `RH._process`, nothing below the edge commits: services flush, and a rollback sends no mail (the outbox is in
the same transaction).

A rollback expires every loaded record, and relationships are `lazy="raise"`: a page that shows loaded records gives
them as `records=` with a `reload` that loads them again; `page` receives the ones to show (fresh after a rollback).
"""

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.errors import DomainError, StaleObjectError
from core.extensions import db
from core.forms import BaseForm, field_errors_from, stale_differences

T = TypeVar("T")
R = TypeVar("R")


def attempt(act: Callable[[], T], *, refusal_commits: bool = False) -> tuple[T | None, DomainError | None]:
    """Run the action and commit it; on a DomainError roll back (or, when the refusal is itself a record, such as a
    failed login counted by the throttle, commit it) and give the error instead of the result."""
    try:
        result = act()
    except DomainError as error:
        if refusal_commits:
            db.session.commit()
        else:
            db.session.rollback()
        return None, error
    db.session.commit()
    return result, None


def run_form(
    form: BaseForm,
    act: Callable[[], R],
    *,
    page: Callable[[T | None], ResponseReturnValue],
    done: Callable[[R], ResponseReturnValue],
    records: T | None = None,
    reload: Callable[[], T] | None = None,
    stale: Callable[[T | None], T | None] | None = None,
    refused_status: int = 400,
    stale_status: int = 409,
    refusal_commits: bool = False,
) -> ResponseReturnValue:
    """The page of a form, in one of four outcomes:

    - shown (200);
    - refused by the form's validators or by a rule (a DomainError, its message at its field): `refused_status`, 400
      unless the page is a draft that may rest with errors;
    - refused as stale (`stale_status`, 409 unless the page shows the refusal like any other): the form is re-armed so that saving again goes through, and `stale(records)` may
      prepare the comparison and give the records to show;
    - done: committed, then `done(result)`.

    `refusal_commits` as for `attempt`: a refusal that is itself a record (a wrong password counted) is kept.
    """
    if not form.validate_on_submit():
        return _status(page(records), refused_status if form.errors else 200)
    result, error = attempt(act, refusal_commits=refusal_commits)
    if error is None:
        return done(result)
    if reload is not None:
        records = reload()
    field_errors_from(form, error)
    if isinstance(error, StaleObjectError):
        if stale is not None:
            records = stale(records)
        return _status(page(records), stale_status)
    return _status(page(records), refused_status)


def comparing(
    form: BaseForm, fields: tuple[str, ...], into: list, record: object | None = None
) -> Callable[[T | None], T | None]:
    """A `stale` for `run_form`: (label, saved value, your value) of each field that differs, put in `into`, from
    the records reloaded after the rollback (or from `record`, when the page has no records of its own)."""

    def compare(records: T | None) -> T | None:
        into.extend(stale_differences(form, record if record is not None else records, fields))
        return records

    return compare


def dry_run(act: Callable[[], T]) -> T:
    """What an action would do, without keeping it: run it, then roll back everything it changed (a stale save's
    comparison applies the user's input in memory to see its effect). The caller loads its records again."""
    try:
        return act()
    finally:
        db.session.rollback()


def run_small_form(
    form: BaseForm, act: Callable[[], Any], *, success: str, back: str, onward: str | None = None
) -> ResponseReturnValue:
    """A one-button form shown on another page (a move, attendance, a reopening): commit and say so, or roll back
    and say why; back to that page either way, or on to `onward` once done when the next step is elsewhere."""
    if not form.validate_on_submit():
        return finish(_("The form expired; please try again."), back, "danger")
    _result, error = attempt(act)
    return said(error, success, onward if error is None and onward else back)


def said(error: DomainError | None, success: str, back: str, refused: str = "danger") -> ResponseReturnValue:
    """Back to the page, saying what `attempt` did or why it was refused (`refused`: the flash category)."""
    return finish(success, back) if error is None else finish(error.message, back, refused)


def finish(message: str, url: str, category: str = "success") -> ResponseReturnValue:
    """Say what was done and go on to the next page."""
    flash(message, category)
    return redirect(url)


def authorized(record: T, predicate: str = "can_view", *, visible: str = "can_view") -> T:
    """The record if the current user may act on it (`predicate`): 404 for whoever may not even know it exists
    (`visible`), 403 for whoever sees it but may not do this."""
    if not getattr(record, visible)(current_user):
        abort(404)
    if not getattr(record, predicate)(current_user):
        abort(403)
    return record


def _status(response: ResponseReturnValue, status: int) -> ResponseReturnValue:
    """A rendered page with the status, unless the page callable chose its own response."""
    return (response, status) if isinstance(response, str) else response


STREAM_PIECES = 2000  # pieces of template output sent per chunk of a streamed page


def stream_page(template_name: str, *, locale: str | None = None, **context: Any) -> Iterator[str]:
    """A long page (a record of thousands of rows) rendered as it is sent, STREAM_PIECES of the template's output
    at a time (Jinja's buffered stream): `stream_template` yields every piece alone, and a WSGI server writes each
    one to the socket, so a record of 11,000 rows went out in a million writes. With `locale`, the page is rendered
    in that language whatever the reader's (an official record is Vietnamese)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(template_name)
    with force_locale(locale) if locale else nullcontext():
        app.update_template_context(context)
    stream = template.stream(context)
    stream.enable_buffering(STREAM_PIECES)
    return stream_with_context(_rendered_in(stream, locale))


def _rendered_in(pieces: Iterator[str], locale: str | None) -> Iterator[str]:
    """The pieces, each rendered in the locale (the stream renders after the view has returned)."""
    with force_locale(locale) if locale else nullcontext():
        yield from pieces

"""Temporary: the old one-button form helper that projects/ still imports until its pages move to core.edge
(removed in the last commit of this branch; the pages of review are in its feature subpackages)."""

from collections.abc import Callable

from flask import flash
from flask_babel import gettext as _

from core.errors import DomainError
from core.extensions import db
from core.forms import BaseForm


def run_small_form(form: BaseForm, action: Callable[[], object], success: str) -> None:
    """The action of a one-button form (a move, attendance, a reopening): commit and say so, or roll back and say
    why; the caller redirects back to the page the form was on."""
    try:
        if not form.validate_on_submit():
            raise DomainError(_("The form expired; please try again."))
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")

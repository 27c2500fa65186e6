"""The notification settings form: one choice per kind of event."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from core.forms import BaseForm, input_required
from notifications.events import KINDS
from notifications.models import DELIVERIES


class _DeliveriesForm(BaseForm):
    """One choice per kind of event, its fields added below from the table's kinds."""


for _kind, _label in KINDS.items():
    setattr(
        _DeliveriesForm, _kind, SelectField(_label, choices=list(DELIVERIES.items()), validators=[input_required()])
    )


def deliveries_form(current: dict[str, str]) -> FlaskForm:
    """The form with the person's current choices (what they posted, on a POST)."""
    return _DeliveriesForm(data=current)


def chosen(form: FlaskForm) -> dict[str, str]:
    """The choice of each kind."""
    return {kind: form[kind].data for kind in KINDS}


LEGAL_NOTE = _l(
    "Legal notices always arrive by mail at once, whatever you choose: decisions and the outcome of an application, "
    "requests to supplement a dossier, returned reports, calls for the final dossier and other deadlines."
)

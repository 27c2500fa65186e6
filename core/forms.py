"""Form plumbing shared by every package: translated WTForms messages and a VND money field."""

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from core.formatting import format_money, parse_money

# WTForms' own messages that our forms can show; listed so that extraction puts them in our catalog.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Invalid email address."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid input."),
    _l("Invalid value, must be one of: %(values)s."),
)


class _BabelTranslations:
    """Route WTForms' built-in messages through our Flask-Babel catalog."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class BaseForm(FlaskForm):
    """FlaskForm with translated built-in messages."""

    class Meta:
        def get_translations(self, form: object) -> _BabelTranslations:
            return _BabelTranslations()


class VersionedForm(BaseForm):
    """A form that carries the record's version so that a stale save is detected."""

    version = HiddenField()


def required() -> DataRequired:
    """A required field, with a translated message."""
    return DataRequired(message=_l("This field is required."))


def input_required() -> InputRequired:
    """A required field that accepts 0, with a translated message."""
    return InputRequired(message=_l("This field is required."))


def email_address() -> Email:
    """A syntactically valid email address (no DNS lookup)."""
    return Email(message=_l("Enter a valid email address."), check_deliverability=False)


def max_length(n: int) -> Length:
    """At most n characters."""
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def at_least(n: int) -> NumberRange:
    """A number not below n."""
    return NumberRange(min=n, message=_l("Must be at least %(min)s.", min=n))


optional = Optional


class CommentForm(BaseForm):
    """A move that may need a reason."""

    comment = TextAreaField(_l("Reason"), [optional(), max_length(5000)], render_kw={"rows": 2})


class LocalDateField(DateField):
    """A date typed as dd/mm/yyyy whatever the browser's language (a date picker would show its own order); ISO
    yyyy-mm-dd is accepted too."""

    def __init__(self, label: object = None, validators: list | None = None, **kwargs: object) -> None:
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        super().__init__(label, validators, format=["%d/%m/%Y", "%Y-%m-%d"], widget=TextInput(), **kwargs)


class MoneyField(StringField):
    """Integer VND; accepts 1.234.567, 1234567 and 1,234,567; shows 1.234.567 ₫ style grouping."""

    MAXIMUM = 10**15  # a million billion đồng: far above any budget, far below the database's integer limit

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_money(self.data).replace(" ₫", "") if self.data is not None else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_money(valuelist[0])
            except ValueError:
                raise ValueError(gettext("Enter an amount in VND, for example 1.234.567.")) from None
            if self.data > self.MAXIMUM:
                self.data = None
                raise ValueError(gettext("This amount is too large."))


def field_values(form: BaseForm, names: tuple[str, ...]) -> dict:
    """The named fields' data; text fields left out of the request count as empty text, not None."""
    values = {}
    for name in names:
        field = form[name]
        is_text = isinstance(field, StringField) and not isinstance(field, MoneyField)
        values[name] = "" if field.data is None and is_text else field.data
    return values


def field_errors_from(form: BaseForm, error: Exception) -> None:
    """Attach a DomainError's message to the named field (or the form) so the page shows it in place. A save refused
    as stale re-arms the form with the record's current version (call this after the rollback, which refreshes it):
    once the user has read what changed, saving again goes through instead of being refused for ever."""
    from core.errors import StaleObjectError

    field = _named_field(form, getattr(error, "field", None) or "")
    message = getattr(error, "message", str(error))
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
    record = getattr(error, "record", None)
    if isinstance(error, StaleObjectError) and record is not None and isinstance(form, VersionedForm):
        form.version.data = str(record.version)


def _named_field(form: BaseForm, name: str) -> Field | None:
    """The form's field of that name, or a row's field of a list of subforms named as it is rendered
    ("packages-2-percent": row 2 of `packages`, its field `percent`), or None."""
    field = getattr(form, name, None) if name else None
    if field is not None or name.count("-") != 2:
        return field
    rows, index, subfield = name.split("-")
    entries = getattr(getattr(form, rows, None), "entries", None)
    if entries is None or not index.isdigit() or int(index) >= len(entries):
        return None
    return getattr(getattr(entries[int(index)], "form", None), subfield, None)


def check_version(record: object, form: VersionedForm, message: str | None = None) -> None:
    """Refuse a save made from a form loaded before the record's last change (with the page's own words, if the
    page shows no comparison)."""
    from core.errors import StaleObjectError

    if str(record.version) != (form.version.data or "").strip():
        raise StaleObjectError(
            message
            or gettext(
                "Someone else saved this record after you opened it. Compare the values below, then save again."
            ),
            record=record,
        )


def stale_differences(form: VersionedForm, record: object, fields: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(label, saved value, your value) for fields that differ; re-arms the form to overwrite on the next save."""
    rows = []
    for name in fields:
        theirs, yours = getattr(record, name), form[name].data
        if (theirs or "") != (yours or ""):
            rows.append(
                (str(form[name].label.text), "" if theirs is None else str(theirs), "" if yours is None else str(yours))
            )
    form.version.data = str(record.version)
    return rows

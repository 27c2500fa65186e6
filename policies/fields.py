"""Fields and a base form for the reference data's forms: lists typed as text and kept typed, and forms that start
from the defaults of policies/data."""

from collections.abc import Callable
from datetime import date

from flask_babel import gettext
from wtforms import StringField

from core.forms import LocalDateField, VersionedForm
from policies.models import day_months_text, percents_text


class StartsFromDefaults(VersionedForm):
    """The form of a reference record whose figures have defaults in policies/data: shown for a new record, before
    anything is typed, it starts from them (`defaults()`), so that each default is written in one place."""

    defaults: Callable[[], dict]

    def __init__(self, *args: object, **kwargs: object) -> None:
        if kwargs.get("obj") is None and not self.is_submitted():
            kwargs = {**self.defaults(), **kwargs}
        super().__init__(*args, **kwargs)


class PercentsField(StringField):
    """Whole percents typed "50, 30, 20" (commas or semicolons), kept as [50, 30, 20]: positive, adding up to 100."""

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else percents_text(self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        self.data = None
        try:
            parts = [int(part) for part in valuelist[0].replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise ValueError(gettext("Whole percents separated by commas, e.g. 50, 30, 20.")) from None
        if not parts or any(part <= 0 for part in parts) or sum(parts) != 100:
            raise ValueError(gettext("The percents must be positive and add up to 100."))
        self.data = parts


class DayMonthsField(StringField):
    """Days of the year typed "15/3, 15/9" (day/month, commas or semicolons), kept as [(15, 3), (15, 9)]."""

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else day_months_text(self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        self.data = None
        pairs = []
        try:
            for part in valuelist[0].replace(";", ",").split(","):
                day, month = (int(number) for number in part.strip().split("/"))
                date(2024, month, day)  # a real day of a leap year: 29/2 is one
                pairs.append((day, month))
        except ValueError:
            raise ValueError(gettext("Day/month pairs separated by commas, e.g. 15/3, 15/9.")) from None
        self.data = pairs


class DayField(LocalDateField):
    """A day typed dd/mm/yyyy; what is not a real day gets a message that says how to write one."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(gettext("Enter a real date as dd/mm/yyyy, for example 02/09/2026.")) from None

"""Forms of a member's work: the declaration of interests and the score sheet built from the council's template."""

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import NumberRange, Optional, optional

from core.forms import BaseForm, VersionedForm, max_length, required
from review.sheets.models import RECOMMENDATIONS, ScoreSheet


class DeclarationForm(BaseForm):
    """The member's declaration of interests for one application."""

    conflicted = RadioField(
        _l("Declaration"),
        choices=[
            ("no", _l("I declare that I have no conflict of interest with this application.")),
            ("yes", _l("I have a conflict of interest and withdraw from assessing this application.")),
        ],
        validators=[required()],
    )
    reason = TextAreaField(_l("What the conflict is"), [optional(), max_length(2000)], render_kw={"rows": 2})


def sheet_form(criteria: list, mechanic: str, formdata: object = None) -> BaseForm:
    """A score sheet with one value and one comment field per criterion of the template."""

    class SheetForm(VersionedForm):
        recommendation = RadioField(
            _l("Recommendation"), choices=list(RECOMMENDATIONS.items()), validators=[Optional()]
        )
        comment = TextAreaField(_l("Overall comment"), [optional(), max_length(10000)], render_kw={"rows": 4})
        review_text = TextAreaField(
            _l("Detailed review (reviewers)"), [optional(), max_length(50000)], render_kw={"rows": 10}
        )

    for criterion in criteria:
        high = 4 if mechanic == "levels" else criterion.max_points
        if mechanic == "levels":
            field = RadioField(criterion.name, choices=[(str(n), str(n)) for n in range(5)], validators=[Optional()])
        else:
            field = IntegerField(criterion.name, [Optional(), NumberRange(0, high)], render_kw={"min": 0, "max": high})
        setattr(SheetForm, f"value_{criterion.id}", field)
        setattr(
            SheetForm,
            f"comment_{criterion.id}",
            TextAreaField(_l("Comment"), [optional(), max_length(5000)], render_kw={"rows": 2}),
        )
    form = SheetForm(formdata=formdata) if formdata is not None else SheetForm()
    form.criteria = criteria
    return form


def sheet_data(form: BaseForm) -> dict:
    """The values for review.sheets.services.save_sheet."""
    values, comments = {}, {}
    for criterion in form.criteria:
        raw = form[f"value_{criterion.id}"].data
        values[criterion.id] = int(raw) if raw not in (None, "") else None
        comments[criterion.id] = (form[f"comment_{criterion.id}"].data or "").strip()
    return {
        "values": values,
        "comments": comments,
        "recommendation": form.recommendation.data or "",
        "comment": (form.comment.data or "").strip(),
        "review_text": (form.review_text.data or "").strip(),
    }


def sheet_values(record: ScoreSheet) -> MultiDict:
    """A saved sheet as form data, so the form shows it."""
    values = MultiDict(
        {
            "recommendation": record.recommendation,
            "comment": record.comment,
            "review_text": record.review_text,
            "version": str(record.version),
        }
    )
    for score in record.scores:
        values[f"value_{score.criterion_id}"] = str(score.value)
        values[f"comment_{score.criterion_id}"] = score.comment
    return values

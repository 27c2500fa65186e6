"""The words of a decision as the applicant reads them in the result mail and the application's history."""

from flask_babel import force_locale
from flask_babel import gettext as _

from core.formatting import format_date, format_money
from review.decisions.models import Decision


def decision_text(decision: Decision) -> str:
    """The decision as the applicant reads it in the result mail and the application's history (Vietnamese, the
    language of the record)."""
    with force_locale("vi"):
        if decision.status == "refused":
            text = _(
                "Decision No. %(number)s of %(date)s: support not approved.",
                number=decision.number,
                date=format_date(decision.signed_on),
            )
        else:
            text = _(
                "Decision No. %(number)s of %(date)s, signed by %(signer)s: approved support %(amount)s.",
                number=decision.number,
                date=format_date(decision.signed_on),
                signer=decision.signer,
                amount=format_money(decision.approved_vnd),
            )
        if decision.conditions:
            text += "\n" + _("Conditions:") + " " + decision.conditions
    return text

"""Mails of the review package: members are told that scoring opened (never which application concerns whom)."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.formatting import format_date, format_money
from core.outbox import queue_mail
from review.models import Council, Decision


def send_scoring_open(council: Council) -> None:
    """Each member learns the council opened scoring: declare conflicts, then score."""
    link = url_for("review.mine", _external=True)
    people = db.session.execute(select(User).where(User.id.in_([s.user_id for s in council.members]))).scalars()
    for person in people:
        with force_locale(person.locale):
            subject = _("Council %(name)s: scoring is open", name=council.name)
        queue_mail(
            person.email,
            subject,
            "review/scoring_open",
            locale=person.locale,
            person=person,
            council=council,
            link=link,
        )


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

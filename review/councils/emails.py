"""Mails of a council: members are told that scoring opened (never which application concerns whom)."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.outbox import queue_mail
from review.councils.models import Council


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

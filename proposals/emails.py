"""Mails of the proposals package, one function per message, written to the outbox in each reader's language."""

from collections.abc import Callable

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import Membership, User, UserRole
from core.extensions import db
from core.outbox import queue_mail
from proposals.models import Proposal


def _members(proposal: Proposal) -> list[User]:
    """The active people acting for the applicant organization."""
    return list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == proposal.organization_id, User.active.is_(True))
        ).scalars()
    )


def _screeners(proposal: Proposal) -> list[User]:
    """The staff member checking the application if still active, else every active staff member."""
    active = select(User).where(User.active.is_(True))
    if proposal.checked_by_id:
        checker = db.session.execute(active.where(User.id == proposal.checked_by_id)).scalars().all()
        if checker:
            return list(checker)
    staff = active.join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "staff")
    return list(db.session.execute(staff).scalars())


def _send(people: list[User], subject: Callable[[], str], template: str, proposal: Proposal, **context: object) -> None:
    """Queue the mail to each person, the subject translated in their language."""
    link = url_for("proposals.detail", proposal_id=proposal.id, _external=True)
    for person in people:
        with force_locale(person.locale):
            translated = subject()
        queue_mail(
            person.email,
            translated,
            f"proposals/{template}",
            locale=person.locale,
            person=person,
            proposal=proposal,
            link=link,
            **context,
        )


def send_receipt(proposal: Proposal, version_number: int) -> None:
    """The receipt of a submission, with its reference code and version."""
    subject = lambda: _("Application %(code)s received", code=proposal.reference_code)  # noqa: E731
    _send(_members(proposal), subject, "receipt", proposal, version_number=version_number)


def send_resubmitted(proposal: Proposal, version_number: int) -> None:
    """Tell the staff member who asked for a supplement that the new version is in."""
    subject = lambda: _("Application %(code)s resubmitted with a supplement", code=proposal.reference_code)  # noqa: E731
    _send(_screeners(proposal), subject, "resubmitted", proposal, version_number=version_number)


def send_withdrawn(proposal: Proposal, comment: str) -> None:
    """Tell the department that a submitted application was withdrawn, and why if said."""
    subject = lambda: _("Application %(code)s withdrawn", code=proposal.reference_code)  # noqa: E731
    _send(_screeners(proposal), subject, "withdrawn", proposal, comment=comment)


def send_supplement_request(proposal: Proposal) -> None:
    """What is missing and by when."""
    subject = lambda: _("Application %(code)s: supplement requested", code=proposal.reference_code)  # noqa: E731
    _send(_members(proposal), subject, "supplement", proposal)


def send_screening_result(proposal: Proposal, comment: str) -> None:
    """The dossier was found valid (it goes to the council) or invalid (with the reason)."""
    subject = lambda: _("Application %(code)s: result of the dossier check", code=proposal.reference_code)  # noqa: E731
    _send(_members(proposal), subject, "screened", proposal, comment=comment)


def send_result(proposal: Proposal, comment: str) -> None:
    """The outcome once the decisions are released: approved with its decision, not approved, or not selected."""
    subject = lambda: _("Application %(code)s: result of the review", code=proposal.reference_code)  # noqa: E731
    _send(_members(proposal), subject, "result", proposal, comment=comment)

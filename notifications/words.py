"""The words of each event of the table (events.py): the mail's subject, which is also the notice's line, given the
record; called in the reader's language."""

from collections.abc import Callable

from flask_babel import gettext as _

from core.formatting import format_date
from notifications.audiences import project_of, proposal_of


def _code(record: object) -> str:
    return project_of(record).code


SUBJECTS: dict[str, Callable[[object], str]] = {
    "application.received": lambda p: _("Application %(code)s received", code=p.reference_code),
    "application.resubmitted": lambda p: _("Application %(code)s resubmitted with a supplement", code=p.reference_code),
    "application.supplement": lambda p: _("Application %(code)s: supplement requested", code=p.reference_code),
    "application.screened": lambda p: _("Application %(code)s: result of the dossier check", code=p.reference_code),
    "application.withdrawn": lambda p: _("Application %(code)s withdrawn", code=p.reference_code),
    "application.result": lambda p: _("Application %(code)s: result of the review", code=p.reference_code),
    "council.scoring_open": lambda c: _("Council %(name)s: scoring is open", name=c.name),
    "sheet.reopened": lambda s: _(
        "Your score sheet of application %(code)s was reopened: please review and submit it again",
        code=proposal_of(s).reference_code,
    ),
    "decision.awaiting": lambda p: _("Decision for application %(code)s awaits your approval", code=p.reference_code),
    "decision.decided": lambda d: _("Decision No. %(number)s was decided by the leader", number=d.number),
    "batch.awaiting": lambda b: _("Batch decision No. %(number)s awaits your approval", number=b.number),
    "batch.approved": lambda b: _("Batch decision No. %(number)s approved: its awards are to be paid", number=b.number),
    "award.paid": lambda _award: _("The fixed-amount support of your application was paid"),
    "project.contracted": lambda p: _(
        "Contract %(number)s recorded: project %(code)s", number=p.contract_number, code=p.code
    ),
    "project.started": lambda p: _("Project %(code)s: the work has started", code=p.code),
    "project.suspended": lambda p: _("Project %(code)s was suspended", code=p.code),
    "project.resumed": lambda p: _("Project %(code)s resumed", code=p.code),
    "project.terminated": lambda p: _("Project %(code)s was terminated", code=p.code),
    "project.dossier_called": lambda p: _(
        "Project %(code)s: submit the final dossier by %(date)s", code=p.code, date=format_date(p.dossier_due_on)
    ),
    "project.dossier_submitted": lambda p: _("Project %(code)s: final dossier submitted", code=p.code),
    "project.accepted": lambda p: _("Project %(code)s passed its acceptance", code=p.code),
    "project.not_accepted": lambda p: _("Project %(code)s did not pass its acceptance", code=p.code),
    "project.failed": lambda p: _("Project %(code)s was declared failed", code=p.code),
    "project.recovery": lambda p: _("Project %(code)s: recovery of funds decided", code=p.code),
    "project.recovered": lambda p: _("Project %(code)s: the funds are recovered and the file closed", code=p.code),
    "project.liquidated": lambda p: _("Project %(code)s: the contract is liquidated and the file closed", code=p.code),
    "tranche.eligible": lambda t: _(
        "Project %(code)s: tranche %(number)d may be requested", code=_code(t), number=t.position
    ),
    "tranche.requested": lambda t: _(
        "Project %(code)s: tranche %(number)d requested", code=_code(t), number=t.position
    ),
    "tranche.approved": lambda t: _(
        "Project %(code)s: tranche %(number)d approved, to be paid", code=_code(t), number=t.position
    ),
    "tranche.returned": lambda t: _(
        "Project %(code)s: the request for tranche %(number)d was returned", code=_code(t), number=t.position
    ),
    "tranche.paid": lambda t: _("Project %(code)s: tranche %(number)d paid", code=_code(t), number=t.position),
    "tranche.settled": lambda t: _(
        "Project %(code)s: the settlement of tranche %(number)d was recorded", code=_code(t), number=t.position
    ),
    "report.submitted": lambda r: _(
        "Project %(code)s: periodic report no. %(number)s submitted", code=_code(r), number=r.sequence
    ),
    "report.accepted": lambda r: _(
        "Project %(code)s: periodic report no. %(number)s accepted", code=_code(r), number=r.sequence
    ),
    "report.returned": lambda r: _(
        "Project %(code)s: periodic report no. %(number)s returned for changes", code=_code(r), number=r.sequence
    ),
    "adjustment.requested": lambda a: _("Project %(code)s: adjustment requested", code=_code(a)),
    "adjustment.decided": lambda a: _("Project %(code)s: your adjustment request was decided", code=_code(a)),
    "adjustment.withdrawn": lambda a: _("Project %(code)s: an adjustment request was withdrawn", code=_code(a)),
    "inspection.planned": lambda i: _(
        "Project %(code)s: inspection planned on %(date)s", code=_code(i), date=format_date(i.planned_on)
    ),
    "acceptance.rating_open": lambda c: _("Acceptance council %(name)s: the rating is open", name=c.name),
}

"""Writing the ledger: each entry and the project total it moves, in one step that refuses to pass a ceiling
whatever is written at the same moment elsewhere; and the rules every date of the books follows."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.formatting import format_date, format_money, local_today
from projects.contracts.models import Project, Tranche
from projects.money.models import TOTAL_OF_KIND, LedgerEntry

# Each total's ceiling, as the conditional update and the database's check constraints hold it.
CEILINGS = {
    "paid_vnd": lambda amount: Project.paid_vnd + amount <= Project.approved_vnd,
    "settled_vnd": lambda amount: Project.settled_vnd + amount <= Project.paid_vnd,
    "recovery_vnd": lambda amount: Project.recovery_vnd + amount <= Project.paid_vnd,
    "recovered_vnd": lambda amount: Project.recovered_vnd + amount <= Project.recovery_vnd,
}


def post(
    project: Project,
    kind: str,
    amount: int,
    occurred_on: date,
    user: User | None,
    *,
    tranche: Tranche | None = None,
    document: str = "",
    note: str = "",
) -> bool:
    """Write one entry and move the project's total in the same transaction; False (nothing written) when the total
    would pass its ceiling. The final payment also stays within what the liquidation record leaves to pay."""
    column = TOTAL_OF_KIND.get(kind)
    if column is not None:
        ceiling = CEILINGS[column](amount)
        values = {column: getattr(Project, column) + amount}
        if kind == "final_payment":
            ceiling = ceiling & (Project.final_paid_vnd + amount <= Project.final_due_vnd)
            values["final_paid_vnd"] = Project.final_paid_vnd + amount
        moved = db.session.execute(
            update(Project)
            .where(Project.id == project.id, ceiling)
            .values(values)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            return False
        db.session.refresh(project, [*values, "version"])
    db.session.add(
        LedgerEntry(
            project_id=project.id,
            kind=kind,
            amount_vnd=amount,
            tranche_id=tranche.id if tranche is not None else None,
            occurred_on=occurred_on,
            document=document.strip(),
            note=note.strip(),
            actor_id=getattr(user, "id", None),
        )
    )
    db.session.flush()
    return True


def check_day(day: date, field: str, not_before: date | None = None, what: str = "") -> None:
    """A date of the books: never after today, never before the record it follows (`what` names it)."""
    if day > local_today():
        raise DomainError(_("This date is in the future: it cannot be recorded yet."), field)
    if not_before is not None and day < not_before:
        raise DomainError(
            _("This date cannot be before %(what)s (%(date)s).", what=what, date=format_date(not_before)), field
        )


def check_positive(amount: int, field: str) -> None:
    """Money moves in positive amounts of đồng."""
    if amount <= 0:
        raise DomainError(_("The amount must be positive."), field)


def too_much(amount: int, left: int, field: str) -> DomainError:
    """The refusal of an amount beyond what is left."""
    return DomainError(
        _("%(amount)s is more than what is left: %(left)s.", amount=format_money(amount), left=format_money(left)),
        field,
    )


def ledger_sums(project_id: int) -> dict[str, int]:
    """The ledger's sum of each kind for the project (kinds without an entry are 0)."""
    rows = db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount_vnd))
        .where(LedgerEntry.project_id == project_id)
        .group_by(LedgerEntry.kind)
    )
    return {kind: int(total or 0) for kind, total in rows}


def ledger_of(project_id: int) -> list[tuple[LedgerEntry, str | None]]:
    """The project's entries in the order they were written, each with its actor's name (None: the system)."""
    query = (
        select(LedgerEntry, User.full_name)
        .outerjoin(User, User.id == LedgerEntry.actor_id)
        .where(LedgerEntry.project_id == project_id)
        .order_by(LedgerEntry.id)
    )
    return [(entry, name) for entry, name in db.session.execute(query)]

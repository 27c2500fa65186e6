"""The ledger of a project (sổ theo dõi kinh phí): every movement of its money is one entry that is never changed or
removed. The project's totals are kept by the same statement that writes the entry (projects.money.ledger), under the
database's check constraints."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db, in_list
from core.formatting import utcnow
from core.i18n import register_status_labels
from projects.contracts.models import Project, Tranche

LEDGER_KINDS = {
    "commitment": _l("Support committed by the decision"),
    "payment": _l("Payment of a tranche"),
    "settlement": _l("Settlement of a tranche (invoices justified)"),
    "final_settlement": _l("Final settlement of the funds"),
    "recovery_decided": _l("Recovery decided"),
    "recovery_received": _l("Recovery received"),
    "final_payment": _l("Final payment per the liquidation record"),
}
register_status_labels("ledger_kind", LEDGER_KINDS)
# The project total each kind adds to (the commitment is the approved support itself; the final settlement is a
# figure the liquidation record states, kept as the project's final_settled_vnd).
TOTAL_OF_KIND = {
    "payment": "paid_vnd",
    "final_payment": "paid_vnd",
    "settlement": "settled_vnd",
    "recovery_decided": "recovery_vnd",
    "recovery_received": "recovered_vnd",
}


class LedgerEntry(db.Model):
    """One movement of a project's money, with its date, document and actor; append-only."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(24))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    tranche_id: Mapped[int | None] = mapped_column(ForeignKey("tranches.id", ondelete="RESTRICT"))
    occurred_on: Mapped[date]
    document: Mapped[str] = mapped_column(String(255), default="")  # decision, voucher, transfer or record number
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(lazy="raise")
    tranche: Mapped[Tranche | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(f"kind IN {in_list(LEDGER_KINDS)}", name="kind"),
        # Every movement moves money; the final settlement may state that nothing was justified.
        CheckConstraint("amount_vnd > 0 OR (kind = 'final_settlement' AND amount_vnd = 0)", name="amount"),
        CheckConstraint(
            "(tranche_id IS NOT NULL) = (kind IN ('payment', 'settlement', 'final_payment'))", name="tranche"
        ),
        Index("ix_ledger_entries_project", "project_id", "id"),
        Index("ix_ledger_entries_occurred", "occurred_on", "id"),  # the department's ledger, newest first
        Index("ix_ledger_entries_tranche", "tranche_id"),
    )


# The database refuses to change or remove an entry (the same statements are in migration 0007_ledger).
APPEND_ONLY = {
    "sqlite": (
        "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
        "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$",
        "CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries "
        "FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()",
    ),
}
for _dialect, _statements in APPEND_ONLY.items():
    for _statement in _statements:
        event.listen(LedgerEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _append_only(mapper: object, connection: object, entry: LedgerEntry) -> None:
    raise RuntimeError("ledger entries are append-only")

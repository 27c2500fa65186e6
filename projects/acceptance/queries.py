"""Loading what the acceptance and closing pages show: councils with their members and ratings, a member's list."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from projects.acceptance.models import AcceptanceCouncil, AcceptanceMember
from projects.acceptance.services import liquidation_blockers
from projects.contracts.files import ProjectFile
from projects.contracts.models import Project


def project_councils(project_id: int) -> list[AcceptanceCouncil]:
    """The project's acceptance councils, latest round first, with members and their users."""
    query = (
        select(AcceptanceCouncil)
        .where(AcceptanceCouncil.project_id == project_id)
        .options(selectinload(AcceptanceCouncil.members).selectinload(AcceptanceMember.user))
        .order_by(AcceptanceCouncil.round.desc())
    )
    return list(db.session.execute(query).scalars())


def load_council(council_id: int) -> AcceptanceCouncil:
    """A council with its secretary, members, their users and ratings, or 404 (the project is loaded apart)."""
    return db.one_or_404(
        select(AcceptanceCouncil)
        .where(AcceptanceCouncil.id == council_id)
        .options(
            selectinload(AcceptanceCouncil.admin_secretary),
            selectinload(AcceptanceCouncil.members).selectinload(AcceptanceMember.user),
            selectinload(AcceptanceCouncil.members).selectinload(AcceptanceMember.ratings),
        )
    )


def forming_council(project_id: int) -> AcceptanceCouncil | None:
    """The council being formed for the project, loaded (None when a new one is to be formed)."""
    latest = next(iter(project_councils(project_id)), None)
    return load_council(latest.id) if latest is not None and latest.status == "forming" else None


def seated_council(council_id: int, user: object) -> tuple[AcceptanceCouncil, AcceptanceMember]:
    """The council and the user's seat on it; 404 unless the user sits on it and the rating has opened (a member
    never learns of other councils)."""
    council = load_council(council_id)
    seat = council.seat_of(user)
    if seat is None or council.status == "forming":
        abort(404)
    return council, seat


def member_councils(user_id: int, page: int, per_page: int) -> object:
    """A member's acceptance councils whose rating has opened, latest first, with the project and the seat."""
    query = (
        select(AcceptanceMember)
        .join(AcceptanceCouncil, AcceptanceCouncil.id == AcceptanceMember.council_id)
        .where(AcceptanceMember.user_id == user_id, AcceptanceCouncil.status != "forming")
        .options(joinedload(AcceptanceMember.council).joinedload(AcceptanceCouncil.project))
        .order_by(AcceptanceCouncil.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, max_per_page=100, error_out=False)


def dossier_files(documents: list[ProjectFile]) -> list[ProjectFile]:
    """The final dossier's files among the project's documents."""
    return [d for d in documents if d.purpose == "dossier"]


def acceptance_section(project: Project, documents: list[ProjectFile]) -> dict:
    """The acceptance part of the project page: the dossier's files, the councils, what closing still needs."""
    return {
        "dossier_documents": dossier_files(documents),
        "acceptance_councils": project_councils(project.id),
        "liquidation_missing": liquidation_blockers(project),
    }

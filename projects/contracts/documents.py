"""The documents of a project: attached to its records (a payment request, a report, the final dossier...), checked
by content and stored like an application's, listed for its pages and sent as attachments."""

from collections.abc import Sequence

from flask import send_file
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from accounts.models import User
from core.extensions import db
from projects.contracts.files import ProjectFile
from projects.contracts.models import Project
from projects.followup.models import PeriodicReport
from proposals.files import check_upload, store_bytes, stored_path


def attach_files(
    project: Project, purpose: str, record_id: int | None, uploads: Sequence[FileStorage], user: User
) -> list[ProjectFile]:
    """Check every upload first (so a refused one stores nothing), then store them all for the record."""
    checked = []
    for upload in uploads:
        if upload is None or not upload.filename:
            continue
        data = upload.read()
        checked.append((*check_upload(upload.filename, data), data))
    records = []
    for name, content_type, data in checked:
        stored_name, digest = store_bytes(data)
        records.append(
            ProjectFile(
                project_id=project.id,
                purpose=purpose,
                record_id=record_id,
                original_name=name,
                stored_name=stored_name,
                content_type=content_type,
                size_bytes=len(data),
                sha256=digest,
                uploaded_by_id=user.id,
            )
        )
    db.session.add_all(records)
    return records


def project_files(project_id: int) -> list[ProjectFile]:
    """Every document of the project, oldest first (the sections pick theirs by purpose and record)."""
    query = select(ProjectFile).where(ProjectFile.project_id == project_id).order_by(ProjectFile.id)
    return list(db.session.execute(query).scalars())


def send_project_file(record: ProjectFile) -> object:
    """A stored document of a project, always as an attachment under its original name."""
    return send_file(
        stored_path(record.stored_name),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.original_name,
    )


def is_draft_report_file(record: ProjectFile) -> bool:
    """True for a file of a periodic report the host has not submitted yet."""
    if record.purpose != "report":
        return False
    submitted = select(PeriodicReport.submitted_at).where(PeriodicReport.id == record.record_id)
    return db.session.execute(submitted).scalar() is None

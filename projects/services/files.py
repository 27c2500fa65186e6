"""Documents attached to a project's records: checked by content and stored like an application's."""

from werkzeug.datastructures import FileStorage

from accounts.models import User
from core.extensions import db
from projects.models import Project, ProjectFile
from proposals.files import check_upload, store_bytes


def attach_files(
    project: Project, purpose: str, record_id: int | None, uploads: list[FileStorage], user: User
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

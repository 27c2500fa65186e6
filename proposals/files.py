"""Uploaded documents: type recognised by content, size limited (an Office file's unpacked size too), scanned for
viruses when a clamd is configured, stored outside static/ under a random name. Every upload of the portal, an
application's or a project's, goes through check_upload."""

import hashlib
import io
import logging
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from core.errors import DomainError
from core.scan import ScanUnavailable, virus_in

log = logging.getLogger(__name__)

# extension → the content type it is served with
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


class UploadTooLarge(DomainError):
    """The file is over the per-file limit; the view answers with the 413 page."""


def detect_type(data: bytes) -> str | None:
    """The file's real kind from its content: pdf, docx, xlsx, jpg or png; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    members = zip_members(data)
    if members is not None:
        names = {member.filename for member in members}
        # Macro-enabled documents renamed to .docx/.xlsx carry a VBA project: refused.
        if "[Content_Types].xml" in names and not any(name.endswith("vbaProject.bin") for name in names):
            return next((kind for kind, part in _OOXML_PART.items() if part in names), None)
    return None


def zip_members(data: bytes) -> list[zipfile.ZipInfo] | None:
    """The entries of a zip's central directory (nothing is unpacked); None when the bytes are no readable zip."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):  # ValueError: a name flagged UTF-8 that is not
        return None


def check_unpacked_size(members: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive (a DOCX or XLSX) whose central directory declares more parts, or more bytes once unpacked,
    than configured: a zip bomb is refused before anything, the virus scan included, unpacks it."""
    config = current_app.config
    if len(members) > config["MAX_OFFICE_MEMBERS"]:
        raise DomainError(
            _(
                "The document holds too many parts (more than %(count)d): it cannot be accepted.",
                count=config["MAX_OFFICE_MEMBERS"],
            ),
            "file",
        )
    if sum(member.file_size for member in members) > config["MAX_OFFICE_UNCOMPRESSED_MB"] * 1024 * 1024:
        raise DomainError(
            _(
                "The document would take more than %(mb)d MB once unpacked: it cannot be accepted.",
                mb=config["MAX_OFFICE_UNCOMPRESSED_MB"],
            ),
            "file",
        )


def check_virus_free(name: str, data: bytes) -> None:
    """Refuse the file when the virus scan finds something in it, or when the scan is configured but cannot be
    done (the user is asked to try again rather than the file being kept unscanned)."""
    try:
        found = virus_in(data)
    except ScanUnavailable as error:
        raise DomainError(
            _("The virus scan is not available at the moment, so the file was not accepted. Please try again later."),
            "file",
        ) from error
    if found is not None:
        log.warning("Upload refused: %s contains %s", name, found)
        raise DomainError(
            _("The file contains a virus (%(name)s) and was not accepted.", name=found),
            "file",
        )


def check_name(name: str) -> str:
    """The original file name, refused when it tries to name a path (../, a folder, a hidden file) or carries
    control characters."""
    name = (name or "").strip()
    if not name or "/" in name or "\\" in name or name.startswith(".") or any(ord(ch) < 32 for ch in name):
        raise DomainError(_("The file name is not acceptable: rename the file and upload it again."), "file")
    if len(name) > 255:
        raise DomainError(_("The file name is too long (at most 255 characters)."), "file")
    return name


def check_upload(name: str, data: bytes) -> tuple[str, str]:
    """(original name, content type) of an acceptable upload; UploadTooLarge or DomainError (at the field "file") when
    refused. The cheap checks come first; an archive's declared size is judged before the scan unpacks it."""
    name = check_name(name)
    limit_mb = current_app.config["MAX_UPLOAD_MB"]
    if len(data) > limit_mb * 1024 * 1024:
        raise UploadTooLarge(_("The file is larger than %(mb)d MB.", mb=limit_mb), "file")
    if not data:
        raise DomainError(_("The file is empty."), "file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise DomainError(_("Only PDF, DOCX, XLSX, JPG and PNG files are accepted."), "file")
    members = zip_members(data)
    if members is not None:
        check_unpacked_size(members)
    # Scanned before its type is judged, so that an infected file is named as such whatever it pretends to be.
    check_virus_free(name, data)
    actual = detect_type(data)
    if actual is None or actual != {"jpeg": "jpg"}.get(extension, extension):
        raise DomainError(
            _(
                "The file's content does not match its type: only genuine PDF, DOCX, XLSX, JPG and "
                "PNG files are accepted."
            ),
            "file",
        )
    return name, ALLOWED_TYPES[extension]


def upload_folder() -> Path:
    """Where uploads live (instance/uploads unless configured), created when missing."""
    folder = Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_bytes(data: bytes) -> tuple[str, str]:
    """Write the bytes under a new random name; return (stored name, sha256)."""
    stored_name = secrets.token_hex(16)
    (upload_folder() / stored_name).write_bytes(data)
    return stored_name, hashlib.sha256(data).hexdigest()


def stored_path(stored_name: str) -> Path:
    """The path of a stored file (stored names are our own random hex, never a user's text)."""
    return upload_folder() / stored_name

"""The virus scan of uploaded bytes by ClamAV's daemon (clamd) over its local socket, when CLAMD_SOCKET names it.

The bytes are streamed to the daemon (INSTREAM) through clamav-client, so clamd needs no access to the upload
folder. A daemon that cannot be reached or gives no verdict is a ScanUnavailable: the caller refuses the file rather
than letting it through unscanned.
"""

import io
import logging

from clamav_client.clamd import ClamdError, ClamdUnixSocket
from flask import current_app

log = logging.getLogger(__name__)


class ScanUnavailable(Exception):
    """The scan is configured but gave no verdict (daemon down, timeout, an error of its own)."""


def virus_in(data: bytes) -> str | None:
    """The name of the signature clamd finds in the bytes, or None when they are clean (or no scan is configured);
    ScanUnavailable, logged, when the daemon gives no verdict."""
    address = current_app.config.get("CLAMD_SOCKET")
    if not address:
        return None
    client = ClamdUnixSocket(address, timeout=current_app.config["CLAMD_TIMEOUT_SECONDS"])
    try:
        # The library lets a refused or timed-out send through as a bare OSError (socket.timeout is one).
        status, detail = client.instream(io.BytesIO(data)).get("stream", ("ERROR", "no answer"))
    except (ClamdError, OSError) as error:
        log.error("Virus scan unavailable (clamd at %s): %s", address, error)
        raise ScanUnavailable(str(error)) from error
    if status == "FOUND":
        return detail or "unknown"
    if status != "OK":
        log.error("Virus scan unavailable (clamd at %s answered %s: %s)", address, status, detail)
        raise ScanUnavailable(f"{status}: {detail}")
    return None

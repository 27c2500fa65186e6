"""Safe redirects: `next` may only point inside this site."""

import unicodedata
from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """True for a local path such as /calls/3; false for other hosts, schemes and protocol-relative URLs, and for a
    target with a control character (a CR or LF would split the Location header: Werkzeug refuses it with a 500)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(ch) == "Cc" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc

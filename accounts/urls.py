"""Safe redirects: `next` may only point inside this site."""

from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """True for a local path such as /calls/3; false for other hosts, schemes and protocol-relative URLs."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc

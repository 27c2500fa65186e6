"""Pagination arguments shared by every list page."""

from flask import request


def page_number() -> int:
    """The requested page (?page=N), at least 1; anything unreadable is page 1."""
    return max(request.args.get("page", 1, type=int) or 1, 1)

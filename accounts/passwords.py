"""Which new passwords are refused: the 10,000 most common ones, one character or a short group repeated, a run of
the digits, the alphabet or a keyboard row, and any that contains the account's email or its organization's name.

The length (10 to 128 characters) is the forms' own validator; the forms' validators call `password_problem`.
"""

from functools import cache
from pathlib import Path
from typing import NamedTuple

from flask_babel import gettext as _

from accounts.models import Organization, User, is_signed_in
from core.extensions import db
from core.text import normalize_search

COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
# Runs a password may not be a piece of, read either way: the digits, the alphabet, the keyboard by rows and columns.
RUNS = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn")
LONGEST_REPEATED_GROUP = 3  # "aaaaaaaaaa", "ababababab", "abcabcabca"
SHORTEST_PERSONAL_WORD = 4  # a shorter email name ("anh@...") is an everyday word, not a clue


class Owner(NamedTuple):
    """Whose password it is: the words it must not contain."""

    email: str = ""
    organization_name: str = ""


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords, lower-case (the file's header names their source)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_guessable(password: str) -> bool:
    """True for a common password (any letter case), a short group repeated, or a piece of a run."""
    text = password.lower()
    if text in common_passwords():
        return True
    if any(text == (text[:size] * len(text))[: len(text)] for size in range(1, LONGEST_REPEATED_GROUP + 1)):
        return True
    return any(text in run or text in run[::-1] for run in RUNS)


def _letters(text: str) -> str:
    """Lower-case letters and digits only, without diacritics (đ as d): "Đức-Hòa 2" → "duchoa2"."""
    return "".join(ch for ch in normalize_search(text) if ch.isalnum())


def is_personal(password: str, owner: Owner) -> bool:
    """True when the password contains the name part of the owner's email or the organization's name, ignoring
    letter case, diacritics, spaces and punctuation."""
    text = _letters(password)
    words = (_letters(owner.email.rpartition("@")[0]), _letters(owner.organization_name))
    return any(len(word) >= SHORTEST_PERSONAL_WORD and word in text for word in words)


def password_problem(password: str, owner: Owner) -> str | None:
    """Why the password may not be chosen, in the user's language, or None."""
    if is_guessable(password):
        return _("This password is among the most common ones or too simple a pattern. Choose one harder to guess.")
    if is_personal(password, owner):
        return _("The password must not contain your email address or your organization's name.")
    return None


def owner_of(user: User | None) -> Owner:
    """The owner words of an account (nothing for the anonymous user)."""
    if not is_signed_in(user):
        return Owner()
    organization = db.session.get(Organization, user.membership.organization_id) if user.membership else None
    return Owner(user.email, organization.name if organization else "")

"""Vietnamese tax codes (mã số thuế): 10 digits with a check digit, 10+'-'+3 for branches,
or a 12-digit personal identification number for household businesses and individuals."""

import re

from flask_babel import lazy_gettext as _l

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_PATTERN = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_PERSONAL = re.compile(r"^\d{12}$")


def check_digit_ok(ten_digits: str) -> bool:
    """The tenth digit equals 10 − (weighted sum of the first nine mod 11)."""
    total = sum(int(d) * w for d, w in zip(ten_digits[:9], _WEIGHTS, strict=True))
    return 10 - total % 11 == int(ten_digits[9])


def tax_code_error(raw: str, personal_id_allowed: bool) -> str | None:
    """None when the tax code is valid, else the reason in the user's language."""
    code = clean_tax_code(raw)
    if personal_id_allowed and _PERSONAL.match(code):
        return None
    match = _PATTERN.match(code)
    if not match:
        if personal_id_allowed:
            return str(
                _l(
                    "A tax code has 10 digits, 10 digits and a 3-digit branch suffix (0123456789-001), or 12 digits (personal identification number)."
                )
            )
        return str(_l("A tax code has 10 digits, or 10 digits and a 3-digit branch suffix (0123456789-001)."))
    if not check_digit_ok(match.group(1)):
        return str(_l("This tax code is not valid: its check digit does not match."))
    if match.group(2) == "000":
        return str(_l("A branch suffix cannot be 000."))
    return None


def clean_tax_code(raw: str) -> str:
    """Strip spaces and dots people type into tax codes."""
    return re.sub(r"[\s.]", "", raw or "")

"""Diacritic-free normalization for search (Vietnamese: đ/Đ → d)."""

import unicodedata


def normalize_search(*parts: str | None) -> str:
    """Join the parts and return a lower-case copy without diacritics, đ mapped to d."""
    text = " ".join(p for p in parts if p)
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def like_pattern(query: str) -> str:
    """A LIKE pattern matching the normalized query anywhere, with wildcards escaped."""
    term = normalize_search(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{term}%"

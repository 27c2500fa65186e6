"""Every UI string is in the Vietnamese catalog, translated, with the same placeholders."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_vietnamese_catalog_is_complete(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "--ignore-dirs=.* __pycache__ instance build",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with open(pot, "rb") as handle:
        wanted = {_singular(m.id) for m in read_po(handle) if m.id}
    with open(ROOT / "translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        # A plural entry's forms are a tuple (Vietnamese has one form); each form must be translated.
        catalog = {
            _singular(m.id): m.string if isinstance(m.string, tuple) else (m.string,) for m in read_po(handle) if m.id
        }
    missing = sorted(i for i in wanted if not all(catalog.get(i, ("",))))
    assert not missing, f"untranslated: {missing[:10]}"
    for msgid in wanted:
        for form in catalog[msgid]:
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(form)), msgid


def _singular(msgid: str | tuple[str, ...]) -> str:
    """A plural entry is known by its singular."""
    return msgid[0] if isinstance(msgid, tuple) else msgid


def test_no_translation_adds_a_bare_percent_sign():
    """Templates format every message they translate (Jinja's new-style gettext), so a "%" the translation adds to
    a message without one breaks the page: it must be written "%%" or left out."""

    def bare(text: str) -> bool:
        return "%" in re.sub(r"%%|%\(\w+\)[sd]", "", text or "")

    for language in ("vi", "en"):
        with open(ROOT / f"translations/{language}/LC_MESSAGES/messages.po", "rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            if not any(bare(i) for i in ids):
                assert not any(bare(t) for t in texts), (message.id, texts)

"""The one gate for user-facing strings, so a catalogue can be added without touching callers."""

from __future__ import annotations

import gettext
import os
from pathlib import Path

_LOCALE_DIR = Path(__file__).parent / "locale"
_translation = gettext.translation(
    "agentdesk",
    localedir=_LOCALE_DIR,
    languages=[os.environ["AGENTDESK_LANG"]] if os.environ.get("AGENTDESK_LANG") else None,
    fallback=True,
)


def _(message: str) -> str:
    """Translate a user-facing string (identity until a catalogue exists)."""
    return _translation.gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The form for `n` ("1 ticket", "2 tickets"); a catalogue gives each language its own."""
    return _translation.ngettext(singular, plural, n)

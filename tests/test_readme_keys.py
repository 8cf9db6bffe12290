"""The README's key table is the app's: every binding id with its default keys, no more."""

from __future__ import annotations

import re
from pathlib import Path

from agentdesk.ui.keys import COMPOSER_KEYS, MAIN_KEYS, key_label

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_key_table_matches_the_bindings():
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (.+?) \| `([a-z_0-9]+)`(?: … `view_9`)? \| (.+) \|$", line)
        if m:
            rows[m.group(2)] = m.group(1).replace("`", "")
    expected = {
        s.id: key_label(s.keys)
        for s in MAIN_KEYS + COMPOSER_KEYS
        if not s.id.startswith("view_") or s.id == "view_1"
    }
    expected["view_1"] = "1 … 9"
    assert rows == expected

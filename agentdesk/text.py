"""Text from customers and platforms is hostile: one sanitizer before anything is shown.

Strips escape sequences (CSI, OSC, DCS, SOS, PM, APC and lone ESC), C0 and C1 control
characters (keeping newline and tab), and bidi overrides that can disguise text.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.cells import cell_len

# ESC-introduced sequences: CSI ... final byte; OSC/DCS/SOS/PM/APC ... ST (ESC \ or BEL).
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]          # CSI
    | \x1b[\]PX^_].*?(?:\x1b\\|\x07|$)  # OSC, DCS, SOS, PM, APC up to the terminator
    | \x9b[0-?]*[ -/]*[@-~]          # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f].*?(?:\x9c|\x07|$)  # 8-bit DCS/SOS/OSC/PM/APC
    | \x1b[@-Z\\-_]?                 # other ESC sequences, and a lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def sanitize(text: str | None) -> str:
    """Remote text made safe for a terminal: no escapes, no controls; newlines and tabs kept."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)


def one_line(text: str | None) -> str:
    """Sanitized and collapsed to a single line, for previews and table cells."""
    return " ".join(sanitize(text).split())


def truncate_cells(text: str, width: int, ellipsis: str = "…") -> str:
    """Cut to at most `width` terminal cells (CJK and emoji take two)."""
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    limit = width - cell_len(ellipsis)
    for ch in text:
        w = cell_len(ch)
        if used + w > limit:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis


def pad_cells(text: str, width: int) -> str:
    """Truncate then pad with spaces to exactly `width` cells."""
    text = truncate_cells(text, width)
    return text + " " * (width - cell_len(text))


# JSON escapes C0 controls and ESC itself, but not C1 controls (U+0080-U+009F, which
# terminals read as escapes: U+009B is CSI), DEL or the bidi overrides. In JSON text they can
# only stand inside strings, so writing them as \uXXXX keeps the data and the terminal safe.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u2028\u2029]")


def json_text(data: Any, **kwargs: Any) -> str:
    """json.dumps for output a person may see: readable UTF-8, but no raw control character."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# A spreadsheet runs a cell that starts with one of these as a formula (=cmd|' /C calc'!A0).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value for a CSV file: remote text sanitized, and a would-be formula made plain text
    with a leading apostrophe, as spreadsheet-safe exporters do. Numbers pass unchanged."""
    if not isinstance(value, str):
        return value
    text = value if value.startswith(_FORMULA_START) else sanitize(value)
    if text.startswith(_FORMULA_START):
        return "'" + sanitize(text)
    return text

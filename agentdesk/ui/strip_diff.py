"""Which cells of a line differ between two drawings of it, so a repaint can send only
those: a minute passing changes an age or a countdown (`12m` to `13m`), not the line."""

from __future__ import annotations

from rich.cells import cell_len
from textual.strip import Strip


def cells(strip: Strip) -> list[tuple[str, object, int]]:
    """(character, style, x) for each character, x being the cell it starts at."""
    out = []
    x = 0
    for segment in strip:
        style = segment.style
        for ch in segment.text:
            out.append((ch, style, x))
            x += cell_len(ch)
    return out


def changed_span(before: Strip, after: Strip) -> tuple[int, int] | None:
    """[start, end) cells of `after` that differ from `before` (both as wide as the line),
    or None when the two look the same."""
    a, b = cells(before), cells(after)
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i][:2] == b[i][:2]:
        i += 1
    if i == len(a) == len(b):
        return None
    j = 0
    while j < n - i and a[-1 - j][:2] == b[-1 - j][:2]:
        j += 1
    start = b[i][2] if i < len(b) else after.cell_length
    end = b[len(b) - j][2] if j else after.cell_length
    return (start, max(start + 1, end))

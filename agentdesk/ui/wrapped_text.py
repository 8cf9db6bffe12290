"""Text broken into lines by Chinese and English rules (agentdesk/line_break.py) instead of
Rich's folding, for the conversation pane and the canned reply's preview."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

from agentdesk.line_break import wrap_spans

# What a wrapped line's continuation is indented by: the message's bar ("│ " for a note)
# or the spaces a body or an event line starts with.
_HANGING = re.compile(r"(?:│ |\s)*")


def broken_lines(text: Text, width: int) -> Text:
    """`text` with its long lines broken by Chinese and English rules (agentdesk.line_break),
    each continuation indented like its line, so Rich has nothing left to fold."""
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        plain = line.plain
        if cell_len(plain) <= width:
            out.append(line)
            continue
        indent = _HANGING.match(plain).end()
        if cell_len(plain[:indent]) * 2 > width:
            indent = 0
        prefix, body = line[:indent], line[indent:]
        room = width - cell_len(prefix.plain)
        for i, (a, b) in enumerate(wrap_spans(body.plain, room)):
            out.append((prefix if i == 0 or indent else Text()) + body[a:b])
    joined = Text("\n", end="").join(out)
    joined.no_wrap = True
    joined.overflow = "crop"
    return joined

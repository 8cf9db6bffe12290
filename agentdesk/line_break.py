"""Where a line of text breaks to fit a width in terminal cells, by the rules Chinese (and
Japanese) typesetting follows, for English too. Pure.

- Between two CJK characters a line may break; Latin words break at spaces.
- No line starts with closing punctuation (。，、；：！？）」』】》… and their half-width
  forms) and none ends with opening punctuation (（「『【《): the character before (or the
  opening mark) goes down to the next line with it. A number keeps its unit (12月31日).
- A word wider than the line (a URL, a tracking link) breaks after a `/`, `?`, `&`, `=`, `-`
  or `.` that leaves the most on the line, else at the width.

Rich folds a CJK run at the width wherever it falls, so a reply wraps as `…发送到您的邮箱`
/ `。`; the conversation pane breaks lines here instead.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rich.cells import cell_len

CLOSING = frozenset("。，、；：！？）」』】》〉〕］｝〗〙〛…‥・々ー～,.;:!?)]}%’”")
OPENING = frozenset("（「『【《〈〔［｛〖〘〚([{‘“")
_URL_BREAKS = "/?&=-._"

# A token is a run of spaces, one wide (CJK) character, or a run of anything else (a Latin
# word with its punctuation, digits, a URL).
_TOKEN = re.compile(r"\s+|[^\s]")


@lru_cache(maxsize=4096)
def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token; narrow non-space characters join into words, except that
    narrow punctuation from CLOSING or OPENING stays with its word as English writes it."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
        elif _wide(ch) or ch in "…‥":
            j = i + 1
        else:
            j = i + 1
            while j < n and not text[j].isspace() and not _wide(text[j]) and text[j] not in "…‥":
                j += 1
        out.append((i, j))
        i = j
    return out


def _cuttable(text: str, at: int) -> bool:
    """Whether a word may break before `at`: not before a closing mark, nor within "://"."""
    if at >= len(text):
        return True
    return text[at] not in CLOSING and text[at] != "/" and text[at - 1] not in OPENING


def _split_long(text: str, start: int, end: int, room: int, width: int) -> list[int]:
    """Break points inside one token too wide for a line: `room` cells are left on the
    current line, `width` on each one after."""
    cuts = []
    pos = start
    space = room
    while cell_len(text[pos:end]) > space:
        fit = pos
        used = 0
        while fit < end and used + cell_len(text[fit]) <= space:
            used += cell_len(text[fit])
            fit += 1
        # The last URL separator within what fits (not inside "://"), if it keeps at least
        # half the line; else the width, moved back so no closing mark begins the next line.
        best = max(
            (k + 1 for k in range(pos, fit) if text[k] in _URL_BREAKS and _cuttable(text, k + 1)),
            default=fit,
        )
        cut = best if cell_len(text[pos:best]) * 2 >= space else fit
        while pos + 1 < cut < end and not _cuttable(text, cut):
            cut -= 1
        if cut <= pos:
            if space < width and (not cuts or cuts[-1] != pos):
                cuts.append(pos)  # nothing fits what is left of this line: the next one
                space = width
                continue
            cut = pos + 1  # a line holds at least one character
        cuts.append(cut)
        pos = cut
        space = width
    return cuts


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """The lines `text` (one paragraph, no newline) breaks into at `width` cells, as (start,
    end) offsets into it; spaces at a break belong to neither line."""
    width = max(2, width)
    if cell_len(text) <= width:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    line_start = 0  # offset where the current line begins
    used = 0  # cells on the current line
    toks = _tokens(text)
    held = _bracketed(toks, text, width)
    k = 0
    while k < len(toks):
        a, b = toks[k]
        piece = text[a:b]
        w = cell_len(piece)
        if piece.isspace():
            if used == 0 and spans:  # spaces at the start of a continuation line go
                line_start = b
            else:
                used += w
            k += 1
            continue
        if used + w <= width:
            used += w
            k += 1
            continue
        if w > width or used == 0:
            # One word longer than a line: break inside it.
            cuts = _split_long(text, a, b, width - used, width)
            for cut in cuts:
                if cut > line_start:
                    spans.append((line_start, _trim_end(text, line_start, cut)))
                line_start = cut
            used = cell_len(text[line_start:b])
            k += 1
            continue
        # The token goes to the next line. Kinsoku: a closing mark may not begin it, so the
        # token before comes along; an opening mark may not end this line, so it comes too.
        first = _chain_start(toks, text, k, line_start, held)
        if toks[first][0] <= line_start and held:
            # A short aside as long as the line: it breaks after all, by the marks' rules.
            first = _chain_start(toks, text, k, line_start, set())
        whole_line = toks[first][0] <= line_start
        if whole_line or _glued(toks, text, first):
            # The mark cannot take a whole token down (the line is one word, or the tail
            # of one cut at the width: "4567）。"): the line's last character goes down
            # with it instead; a line of one character keeps the mark at its start.
            if whole_line:
                # The chain is the whole line: cut inside its first word ("4567）。").
                fb = last = resume = -1
                for i in range(first, k):
                    wa, wb = toks[i]
                    if wb - wa > 1 and not text[wa].isspace():
                        fb, last, resume = wb, wb - 1, i + 1
                        while last > wa + 1 and not _cuttable(text, last):
                            last -= 1
                        break
            else:
                fb = toks[first][0]
                last, resume = fb - 1, first
            if last > line_start and not text[last].isspace():
                spans.append((line_start, last))
                line_start, used = last, cell_len(text[last:fb])
                k = resume
                continue
            first = k
        end = toks[first][0]
        spans.append((line_start, _trim_end(text, line_start, end)))
        line_start = toks[first][0]
        # Spaces at the start of the new line are dropped.
        while first < len(toks) and text[toks[first][0] : toks[first][1]].isspace():
            first += 1
            line_start = toks[first - 1][1]
        used = 0
        k = first
    if line_start < len(text):
        spans.append((line_start, _trim_end(text, line_start, len(text))))
    return spans


def _chain_start(toks, text, k, line_start, held) -> int:
    """The first token that goes down with token `k`: the tokens a closing mark, a unit or
    a short aside hold on to, and an opening mark before them."""
    first = k
    while (first in held or _glued(toks, text, first)) and _joins_previous(
        toks, text, first, line_start
    ):
        first -= 1
    while first > 0 and toks[first - 1][0] >= line_start:
        before = text[toks[first - 1][0] : toks[first - 1][1]]
        if before[-1] not in OPENING:
            break
        first -= 1
    return first


_SHORT_BRACKETS = 12  # cells: a bracketed aside this short stays on one line: （22小时前）
_CLOSING_BRACKETS = frozenset("）」』】》〉〕］｝〗)]}’”")


def _bracketed(toks, text, width) -> set[int]:
    """The tokens inside a short bracketed aside, after its opening mark: none may begin a
    line, so the aside moves down whole rather than break as `（22小时` / `前）`."""
    held: set[int] = set()
    limit = min(_SHORT_BRACKETS, width // 2)
    for i, (a, b) in enumerate(toks):
        if b - a != 1 or text[a] not in OPENING:
            continue
        cells = 0
        for j in range(i + 1, len(toks)):
            piece = text[toks[j][0] : toks[j][1]]
            cells += cell_len(piece)
            if cells > limit or piece.isspace():
                break
            if piece[-1] in _CLOSING_BRACKETS:
                held.update(range(i + 1, j + 1))
                break
    return held


def _glued(toks, text, k) -> bool:
    """Whether no line may begin with token `k`: a closing mark, the unit after a number
    (the 日 of 12月31日, the 天 of 2天16时), or the number after such a unit."""
    ch = text[toks[k][0]]
    if ch in CLOSING:
        return True
    if k == 0:
        return False
    before = text[toks[k - 1][1] - 1]
    if _wide(ch) and ch not in OPENING and before.isdigit():
        return True  # 31日, 2天
    # The next number of a date or a duration: 12月|31日, 2天|16小时.
    return (
        ch.isdigit()
        and k > 1
        and _wide(before)
        and before not in CLOSING | OPENING
        and text[toks[k - 2][1] - 1].isdigit()
    )


def _joins_previous(toks, text, k, line_start) -> bool:
    """Whether token `k` may take the token before it to the next line: there is one on this
    line and it is not a space (a closing mark after a space may begin a line)."""
    j = k - 1
    return j >= 0 and toks[j][0] >= line_start and not text[toks[j][0] : toks[j][1]].isspace()


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def wrap(text: str, width: int) -> list[str]:
    """The lines of `text` at `width` cells, by wrap_spans."""
    return [text[a:b] for a, b in wrap_spans(text, width)]

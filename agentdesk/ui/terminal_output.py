"""Fewer bytes per repaint, for agents on slow links: what Textual writes for a partial
update, with two savings and the same picture.

Textual writes each changed line from the left edge of the widget to the end of the
change, and each run of one style as `ESC[<every attribute>m text ESC[0m`. Here:
- a change that starts inside a line is written from where it starts (on a character
  boundary, so a wide character is never cut in half), so a minute passing rewrites an age
  (`12m` to `13m`), not the row in front of it;
- a run's style is written as what changes from the run before (a colour, a bold), and
  the pen is reset once at the end of each piece, so a row of ten runs on one background
  costs about half the bytes.

Installed over Textual's own `ChopsUpdate.render_segments` (the partial update every key
press paints through; full-screen layouts are untouched). The attributes it relies on are
checked first: a Textual that has changed them keeps its own writer.
"""

from __future__ import annotations

from rich.color import ColorSystem
from rich.console import Console
from rich.control import Control
from rich.style import Style
from textual.strip import Strip

from agentdesk.ui.strip_diff import cells
from agentdesk.ui.textual_patch import install_over, installed

# Rich's text attributes: the SGR code that turns each on, and the one that turns it off
# (one "off" may end two attributes: 22 ends both bold and dim).
_ATTRIBUTES = (
    ("bold", "1", "22"),
    ("dim", "2", "22"),
    ("italic", "3", "23"),
    ("underline", "4", "24"),
    ("blink", "5", "25"),
    ("blink2", "6", "25"),
    ("reverse", "7", "27"),
    ("conceal", "8", "28"),
    ("strike", "9", "29"),
    ("underline2", "21", "24"),
    ("frame", "51", "54"),
    ("encircle", "52", "54"),
    ("overline", "53", "55"),
)
_OFF = {on: off for _name, on, off in _ATTRIBUTES}

Pen = tuple[tuple[str, ...], object, object] | None  # (attribute codes, colour, background)


def _pen(style: Style | None) -> Pen:
    if style is None:
        return None
    codes = tuple(on for name, on, _off in _ATTRIBUTES if getattr(style, name))
    if not codes and style.color is None and style.bgcolor is None:
        return None
    return (codes, style.color, style.bgcolor)


def _colour_codes(colour, system: ColorSystem, foreground: bool) -> list[str]:
    if colour is None:
        return ["39" if foreground else "49"]
    return list(colour.downgrade(system).get_ansi_codes(foreground))


def switch(before: Pen, after: Pen, system: ColorSystem) -> str:
    """The shortest SGR sequence that takes the terminal's pen from `before` to `after`."""
    if after == before:
        return ""
    if after is None:
        return "\x1b[0m"
    codes, colour, background = after
    if before is None:
        full = list(codes)
        if colour is not None:
            full += _colour_codes(colour, system, True)
        if background is not None:
            full += _colour_codes(background, system, False)
        return "\x1b[" + ";".join(full) + "m"
    # Attributes to end, then those to start (again, where an "off" ended two at once).
    offs = {_OFF[code] for code in before[0] if code not in codes}
    diff = sorted(offs)
    diff += [code for code in codes if code not in before[0] or _OFF[code] in offs]
    if colour != before[1]:
        diff += _colour_codes(colour, system, True)
    if background != before[2]:
        diff += _colour_codes(background, system, False)
    return "\x1b[" + ";".join(diff) + "m"


def render_strip(strip: Strip, system: ColorSystem) -> str:
    """A strip as terminal text, starting and ending with the default pen."""
    out: list[str] = []
    pen: Pen = None
    for segment in strip:
        text, style = segment.text, segment.style
        if style is not None and style.link:
            # A hyperlink carries its own escape around its text: Textual's own rendering.
            out.append(switch(pen, None, system))
            pen = None
            out.append(Strip.render_style(style, text, system))
            continue
        after = _pen(style)
        out.append(switch(pen, after, system))
        pen = after
        out.append(text)
    out.append(switch(pen, None, system))
    return "".join(out)


def char_boundary(strip: Strip, offset: int) -> int:
    """The last cell at or before `offset` where a character starts."""
    return max((x for _ch, _style, x in cells(strip) if x <= offset), default=0)


def render_update(update, console: Console) -> str:
    """A partial update (a ChopsUpdate's chops, spans and chop ends) as terminal text."""
    system = console._color_system or ColorSystem.TRUECOLOR
    move_to = Control.move_to
    out: list[str] = []
    last_y = update.spans[-1][0]
    for y, x1, x2 in update.spans:
        line = update.chops[y]
        for end, (x, strip) in zip(update.chop_ends[y], line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            start = char_boundary(strip, x1 - x) if x < x1 else 0
            stop = min(end, x2) - x
            if start or stop < strip.cell_length:
                strip = strip.crop(start, stop)
            text = render_strip(strip, system)
            if text:  # an empty piece (a zero-width cut) needs no cursor move either
                out.append(move_to(x + start, y).segment.text)
                out.append(text)
        if y != last_y:
            out.append("\n")
    return "".join(out)


def install() -> bool:
    """Paint partial updates with `render_update`; False (Textual's own kept) when this
    Textual's partial update is not the shape it expects."""
    try:
        from textual._compositor import ChopsUpdate
    except ImportError:
        return False
    if installed(ChopsUpdate, "render_segments"):
        return True
    probe = ChopsUpdate([{}], [(0, 0, 0)], [[]])
    if not all(hasattr(probe, name) for name in ("chops", "spans", "chop_ends")):
        return False

    def render_segments(self, console: Console) -> str:
        return render_update(self, console)

    install_over(ChopsUpdate, "render_segments", render_segments)
    return True

"""The console's partial repaints (agentdesk/ui/terminal_output.py): the screen a terminal
shows afterwards is the one Textual's own writer leaves, in fewer bytes; a change inside a
line is written from where it starts; a minute passing repaints only the cells that
changed. The screens are compared in a terminal emulator (pyte), cell by cell."""

from __future__ import annotations

import random

import pyte
from rich.color import Color
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from snapshot_workspace import FROZEN, build, snapshot_settings
from textual._compositor import ChopsUpdate
from textual.strip import Strip
from ui_support import wait_until

from agentdesk.ui import terminal_output
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.strip_diff import changed_span

COLS, ROWS, LEFT, WIDTH = 60, 12, 4, 40
NARROW = "abcdefgh xyz.·…0123"
WIDE = "退款快递订单发货"


def _styles(rng: random.Random) -> list[Style | None]:
    pool: list[Style | None] = [None]
    for _ in range(8):
        pool.append(
            Style(
                color=Color.from_ansi(rng.randrange(256)) if rng.random() < 0.8 else None,
                bgcolor=Color.from_ansi(rng.choice((233, 235, 215, 16))),
                bold=rng.random() < 0.4,
                italic=rng.random() < 0.2,
                underline=rng.random() < 0.15,
                reverse=rng.random() < 0.1,
            )
        )
    return pool


def _units(rng: random.Random, width: int, pool) -> list[tuple[str, Style | None]]:
    """Characters with styles filling exactly `width` cells, wide ones among them."""
    out, used = [], 0
    style = rng.choice(pool)
    while used < width:
        if rng.random() < 0.3:
            style = rng.choice(pool)
        ch = rng.choice(WIDE) if width - used >= 2 and rng.random() < 0.25 else rng.choice(NARROW)
        out.append((ch, style))
        used += 2 if ch in WIDE else 1
    return out


def _strip(units) -> Strip:
    return Strip([Segment(ch, style) for ch, style in units]).simplify()


def _cell_of(units, i: int) -> int:
    return sum(2 if ch in WIDE else 1 for ch, _ in units[:i])


def _screen(text: str) -> list[list[tuple]]:
    screen = pyte.Screen(COLS, ROWS)
    pyte.Stream(screen).feed(text)
    return [
        [
            (c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.reverse)
            for c in (screen.buffer[y][x] for x in range(COLS))
        ]
        for y in range(ROWS)
    ]


def _case(seed: int):
    """A screen of lines, and an update that changes a stretch of some of them."""
    rng = random.Random(seed)
    pool = _styles(rng)
    console = Console(color_system="256", force_terminal=True, width=COLS)
    old_lines = [_units(rng, WIDTH, pool) for _ in range(ROWS)]
    before = "".join(
        Control.move_to(LEFT, y).segment.text + _strip(units).render(console)
        for y, units in enumerate(old_lines)
    )
    chops, ends, spans = [], [], []
    for y, units in enumerate(old_lines):
        if rng.random() < 0.5:
            new = units
        else:
            i = rng.randrange(len(units))
            j = rng.randrange(i, len(units)) + 1
            width = _cell_of(units, j) - _cell_of(units, i)
            new = units[:i] + _units(rng, width, pool) + units[j:]
            x1 = LEFT + _cell_of(units, i)
            if new[i][0] in WIDE and rng.random() < 0.5:
                x1 += 1  # a region that starts on the second half of a wide character
            spans.append((y, x1, LEFT + _cell_of(units, j)))
        chops.append({LEFT: _strip(new)})
        ends.append([LEFT + WIDTH])
    return console, before, ChopsUpdate(chops, spans or [(0, LEFT, LEFT + 1)], ends)


def test_partial_updates_leave_the_screen_textual_would_in_fewer_bytes():
    theirs = getattr(ChopsUpdate.render_segments, "__wrapped__", ChopsUpdate.render_segments)
    total_theirs = total_ours = 0
    for seed in range(60):
        console, before, update = _case(seed)
        expected = theirs(update, console)
        ours = terminal_output.render_update(update, console)
        assert _screen(before + ours) == _screen(before + expected), f"seed {seed}"
        total_theirs += len(expected.encode())
        total_ours += len(ours.encode())
    assert total_ours < 0.8 * total_theirs


def test_a_change_inside_a_line_is_written_from_where_it_starts_whole_characters_only():
    console = Console(color_system="256", force_terminal=True, width=COLS)
    dim = Style(color=Color.from_ansi(246), bgcolor=Color.from_ansi(233))
    strip = Strip([Segment("退款进度查询 ", dim), Segment(" 12m", Style(bold=True))])
    update = ChopsUpdate([{LEFT: strip}], [(0, LEFT + 3, LEFT + 16)], [[LEFT + 16]])
    out = terminal_output.render_update(update, console)
    # Cell 3 is the second half of 款: the write starts at its first half, cell 2.
    assert out.startswith(Control.move_to(LEFT + 2, 0).segment.text)
    assert "退" not in out and "款进度查询" in out and out.endswith("\x1b[0m")
    # The pen is changed, not reset, from one style to the next.
    assert out.count("\x1b[0m") == 1


def test_a_pen_change_sends_only_what_differs():
    system = Console(color_system="256", force_terminal=True).color_system
    assert system
    on = terminal_output._pen(Style(bold=True, color="color(115)", bgcolor="color(233)"))
    off = terminal_output._pen(Style(color="color(115)", bgcolor="color(233)"))
    dim = terminal_output._pen(Style(dim=True, color="color(115)", bgcolor="color(233)"))
    system = Console(color_system="256", force_terminal=True)._color_system
    assert terminal_output.switch(on, off, system) == "\x1b[22m"
    assert terminal_output.switch(on, dim, system) == "\x1b[22;2m"  # 22 ends bold and dim
    assert terminal_output.switch(off, on, system) == "\x1b[1m"
    assert terminal_output.switch(None, off, system) == "\x1b[38;5;115;48;5;233m"
    assert terminal_output.switch(off, None, system) == "\x1b[0m"


def test_the_changed_cells_of_a_line():
    plain = Style()
    a = Strip([Segment(" 退款  12m  -4h35m ", plain)])
    b = Strip([Segment(" 退款  13m  -4h34m ", plain)])
    assert changed_span(a, b) == (8, 17)  # cells: 退 and 款 are two each
    assert changed_span(a, a) is None


async def test_a_minute_repaints_only_the_cells_whose_text_changed(settings):
    s = snapshot_settings(settings)
    build(s)
    now = [float(FROZEN)]
    app = AgentDeskApp(s, clock=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: getattr(app.screen, "data", None) is not None)
        await pilot.pause(0.2)
        inbox = app.screen.query_one("#inbox")
        rows = [inbox.render_line(y) for y in range(inbox.size.height)]
        painted = []
        original = inbox.refresh
        inbox.refresh = lambda *regions, **kw: (painted.extend(regions), original(*regions, **kw))
        now[0] += 60
        inbox.tick()
        inbox.refresh = original
        after = [inbox.render_line(y) for y in range(inbox.size.height)]
        changed = [y for y in range(len(rows)) if rows[y].text != after[y].text]
        assert changed, "the SLA countdowns move with the minute"
        assert sorted({r.y for r in painted}) == changed
        width = inbox.size.width
        for r in painted:
            assert r.width < 10  # a countdown's cells, not the row
            assert rows[r.y].crop(0, r.x).text == after[r.y].crop(0, r.x).text
            assert rows[r.y].crop(r.right, width).text == after[r.y].crop(r.right, width).text

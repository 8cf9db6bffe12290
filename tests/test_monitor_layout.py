"""The wallboard at 80 columns keeps every agent's figures, and the new-tickets chart is
several rows tall so one busy hour does not flatten the rest."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from test_monitor import LAST_SECOND, history, ready, tile_row  # noqa: F401 (a fixture)
from ui_support import screen_text

from agentdesk.ui.monitor.app import MonitorApp
from agentdesk.ui.monitor.chart import BarChart


def chart_lines(counts, width=78, height=5) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    first = int(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC).timestamp())
    with console.capture() as capture:
        console.print(BarChart(counts, first, height=height, zone=dt.UTC))
    return capture.get().splitlines()


def bar_heights(lines: list[str], slots: int) -> list[float]:
    """How tall each bar is, in rows (an eighth block counts its eighths), read off the text."""
    eighths = " ▁▂▃▄▅▆▇█"
    rows = lines[:-1]  # the last line is the hours
    body = [line.split("┤", 1)[-1] if "┤" in line else line.split("│", 1)[-1] for line in rows]
    step = len(body[0]) // slots
    heights = []
    for slot in range(slots):
        heights.append(sum(eighths.index(row[slot * step]) / 8 for row in body))
    return heights


def test_one_busy_hour_leaves_the_quiet_ones_apart():
    counts = [2, 4, 6, 8] * 5 + [2, 4, 6, 40]
    lines = chart_lines(counts)
    assert len(lines) == 6  # five rows of bars and the hours
    heights = bar_heights(lines, 24)
    assert heights[-1] == 5  # the busy hour fills the chart
    # 2, 4, 6 and 8 tickets still read as four different heights next to 40.
    assert heights[0] < heights[1] < heights[2] < heights[3]
    assert lines[0].startswith("40┤") and lines[4].startswith(" 0┤")


def test_the_chart_fits_its_width_and_labels_the_hours():
    for width in (60, 78, 118):
        lines = chart_lines([3] * 24, width=width)
        assert max(len(line) for line in lines) <= width
        hours = lines[-1].split()
        assert hours[0] == "10:00" and all(h.endswith(":00") for h in hours)
        assert len(hours) >= 4


def test_no_tickets_draws_an_empty_chart():
    lines = chart_lines([0] * 24)
    assert all(set(line.split("┤")[-1].split("│")[-1]) <= {" "} for line in lines[:-1])


async def test_at_80_columns_every_agent_keeps_load_today_and_first_reply(history):  # noqa: F811
    app = MonitorApp(history, clock=lambda: LAST_SECOND)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, app)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if " Agent " in line)
        for heading in ("Load", "Today", "1st"):
            assert heading in header
        bob = next(line for line in text.splitlines() if "● bob" in line or "○ bob" in line)
        assert "3/20" in bob.split("│")[1]
        assert tile_row_today(app, "Handled") == "0" and "…" not in tiles_column(app)
        chart = [line for line in text.splitlines() if "┤" in line]
        assert len(chart) == 2  # 24 rows: a chart three rows tall, scale on two of them


def tile_row_today(app, label: str) -> str:
    for line in tiles_column(app).splitlines():
        if line.strip().startswith(label):
            return line.split()[-1]
    raise AssertionError(label)


def tiles_column(app) -> str:
    return "\n".join(
        line.rsplit("│", 1)[-1] for line in screen_text(app).splitlines() if "│" in line
    )

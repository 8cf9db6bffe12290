"""The wallboard's panels as Rich renderables, built from a Wallboard read (no I/O here)."""

from __future__ import annotations

import datetime as dt

from rich.console import Group
from rich.table import Table
from rich.text import Text

from agentdesk.i18n import _
from agentdesk.kpi.labels import duration_label, share_label
from agentdesk.store.wallboard import Wallboard
from agentdesk.text import one_line, pad_cells, truncate_cells
from agentdesk.ui.format import countdown
from agentdesk.ui.monitor.chart import BarChart


def banner(what: str, now: float, zone: dt.tzinfo | None, frozen: bool = False) -> Text:
    """The line on top of every monitor screen: it is read-only, what it shows, the time."""
    clock = dt.datetime.fromtimestamp(now, zone).strftime("%Y-%m-%d %H:%M")
    text = Text.assemble(
        (" " + _("READ-ONLY") + " ", "bold reverse red"),
        "  " + _("agentdesk monitor") + f" · {what} · {clock}",
    )
    if frozen:  # a copy nothing can write to: it shows the moment it was taken
        text.append("  " + _("a frozen copy of the cache: it does not change"), "bold yellow")
    return text


_PRESENCE = {"online": ("●", "green"), "away": ("◐", "yellow"), "offline": ("○", "dim")}


def queues(wb: Wallboard, narrow: bool = False) -> Text:
    text = Text(_("Queues") + "\n", "bold")
    name_width, count_width = (13, 6) if narrow else (16, 7)
    for n, v in enumerate(wb.views, start=1):
        key = f"{n}" if n <= 9 else " "
        count = wb.queue_counts.get(v.id, 0)
        style = "bold red" if v.id == "at_risk" and count else None
        text.append(f"{key} ")
        text.append(pad_cells(one_line(v.title), name_width))
        text.append(f"{count:>{count_width},}\n", style)
    return text


def agents(wb: Wallboard, narrow: bool = False) -> Table:
    """Presence, load against capacity, handled and first reply today, the ticket open; a
    narrow wallboard drops the ticket (f follows an agent) and keeps the figures."""
    table = Table(
        title=_("Agents"),
        title_justify="left",
        expand=True,
        box=None,
        padding=(0, 0, 0, 1) if narrow else (0, 1),
    )
    table.add_column(_("Agent"), no_wrap=True, max_width=17, ratio=1 if narrow else None)
    table.add_column(_("Load"), justify="right", no_wrap=True)
    table.add_column(_("Today"), justify="right", no_wrap=True)
    table.add_column(_("1st"), justify="right", no_wrap=True)
    auto = any(a.assigned_today for a in wb.agents)
    if auto:  # only where auto-assignment gave out tickets today
        table.add_column(_("Auto"), justify="right", no_wrap=True)
    if not narrow:
        table.add_column(_("Has open"), no_wrap=True, min_width=16, ratio=1)
    for a in wb.agents:
        mark, style = _PRESENCE.get(a.presence, ("?", "dim"))
        load_style = "bold red" if a.open_load > a.capacity else None
        cells = [
            Text.assemble((mark, style), " ", one_line(a.name), overflow="ellipsis"),
            Text(f"{a.open_load}/{a.capacity}", load_style),
            str(a.handled_today),
            duration_label(a.first_reply_today, short=narrow),
        ]
        if auto:
            cells.append(str(a.assigned_today))
        if not narrow:
            cells.append(Text(one_line(a.viewing or ""), "cyan"))
        table.add_row(*cells)
    return table


def _ticket_lines(rows, now: int) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for r in rows:
        text.append(
            countdown(r["due_key"], now).rjust(7), "red" if r["due_key"] < now else "yellow"
        )
        text.append("  " + truncate_cells(one_line(r["subject"]) or "—", 40))
        text.append("  " + one_line(r["assignee_name"] or "—") + "\n", "dim")
    return text


def risk(wb: Wallboard) -> Group:
    head = Text.assemble(
        (_("Breached") + f" {wb.breached_total:,}", "bold red"),
        "   ",
        (_("Due soon") + f" {wb.due_soon_total:,}", "bold yellow"),
    )
    return Group(head, _ticket_lines(wb.breached, wb.now), _ticket_lines(wb.due_soon, wb.now))


TILES = (
    ("handled", _("Handled"), str),
    ("first_response_median", _("First reply"), duration_label),
    ("first_response_p90", _("First reply p90"), duration_label),
    ("next_response_median", _("Next reply"), duration_label),
    ("resolution_median", _("Resolution"), duration_label),
    ("resolution_rate", _("Resolved"), share_label),
    ("reopen_rate", _("Reopened"), share_label),
    ("sla_attainment", _("SLA met"), share_label),
    ("next_reply_sla_attainment", _("Next in SLA"), share_label),
    ("resolution_sla_attainment", _("Solved in SLA"), share_label),
    ("satisfaction", _("CSAT"), lambda v: "—" if v is None else f"{v:.1f}"),
    ("presales_conversion", _("Pre-sales conv."), share_label),
    ("bot_deflection", _("Bot deflection"), share_label),
    ("backlog", _("Backlog"), str),
)


def tiles(wb: Wallboard, narrow: bool = False) -> Table:
    """Today's KPIs and the last 7 days'; a narrow wallboard shows today's."""
    table = Table(
        title=_("KPIs (times: median)"),
        title_justify="left",
        box=None,
        padding=(0, 0, 0, 1) if narrow else (0, 1),
    )
    table.add_column("", no_wrap=True)
    table.add_column(_("Today"), justify="right")
    if not narrow:
        table.add_column(_("7 days"), justify="right")
    for key, label, fmt in TILES:
        values = [fmt(wb.today.get(key))] + ([] if narrow else [fmt(wb.week.get(key))])
        table.add_row(label, *values)
    return table


def hourly(wb: Wallboard, zone: dt.tzinfo | None, height: int = 5) -> Group:
    """New tickets per hour over the last 24 hours, a bar per hour, `height` rows tall."""
    top = max(wb.hourly) if wb.hourly else 0
    title = Text(_("New tickets per hour, last 24 h") + "  " + _("(max {n})").format(n=top), "bold")
    first = (wb.now // 3600 - 23) * 3600
    return Group(title, BarChart(wb.hourly, first, height=height, zone=zone))

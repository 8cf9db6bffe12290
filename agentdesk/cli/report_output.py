"""`agentdesk report`'s outputs: a table for a person, TSV when piped, CSV or JSON.

The table turns the figures on their side (one figure per line, one group per column) so
that any number of groups fits: columns that do not fit the terminal go to a further
table below. Piped output is what `cut` and `awk` want: tab-separated, one header line,
nothing shortened, durations in seconds and shares as fractions, like the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentdesk.i18n import N_, _
from agentdesk.kpi import metrics
from agentdesk.kpi.labels import duration_label, share_label, sparkline
from agentdesk.store.views import channel_title
from agentdesk.text import csv_cell, json_text, one_line

# The figures whose values are seconds: their CSV and TSV columns say so.
DURATIONS = frozenset(
    f"{name}_{stat}"
    for name in ("first_response", "next_response", "resolution")
    for stat in ("median", "p90")
)
GROUP_WIDTH = 20  # a longer agent or team name is cut in the table (never when piped)

GROUPINGS = {"agent": N_("agent"), "team": N_("team"), "channel": N_("channel"), "day": N_("day")}


WEEKDAYS = {
    "Mon": N_("Mon"),
    "Tue": N_("Tue"),
    "Wed": N_("Wed"),
    "Thu": N_("Thu"),
    "Fri": N_("Fri"),
    "Sat": N_("Sat"),
    "Sun": N_("Sun"),
}


def day_title(group: str) -> str:
    """`2026-11-30 Mon` → `11-30 Mon` (the title has the year), the weekday translated."""
    date, _sep, weekday = group.partition(" ")
    return f"{date[5:]} {_(WEEKDAYS.get(weekday, weekday))}".strip()


def group_title(by: str | None, group: str) -> str:
    """A column's heading for people; CSV, TSV and JSON keep the group's key as it is."""
    if by == "channel":
        return channel_title(group)
    if group in metrics.NO_GROUP:
        return _(metrics.NO_GROUP[group])
    return one_line(group)


def _count(key: str) -> Callable[[dict], str]:
    return lambda r: "—" if r[key] is None else str(r[key])


def _duration(key: str) -> Callable[[dict], str]:
    return lambda r: duration_label(r[key])


def _share(key: str) -> Callable[[dict], str]:
    return lambda r: share_label(r[key])


def _csat(r: dict) -> str:
    return "—" if r["satisfaction"] is None else f"{r['satisfaction']:.1f} ({r['ratings']})"


# (label, how the value reads, the number its trend follows)
FIGURES: list[tuple[str, Callable[[dict], str], str]] = [
    (_("Handled"), _count("handled"), "handled"),
    (_("First reply, median"), _duration("first_response_median"), "first_response_median"),
    (_("First reply, p90"), _duration("first_response_p90"), "first_response_p90"),
    (_("Next reply, median"), _duration("next_response_median"), "next_response_median"),
    (_("Next reply, p90"), _duration("next_response_p90"), "next_response_p90"),
    (_("Resolution, median"), _duration("resolution_median"), "resolution_median"),
    (_("Resolution, p90"), _duration("resolution_p90"), "resolution_p90"),
    (_("Resolved of created"), _share("resolution_rate"), "resolution_rate"),
    (_("Reopened"), _share("reopen_rate"), "reopen_rate"),
    (_("SLA met: first reply"), _share("sla_attainment"), "sla_attainment"),
    (_("SLA met: next reply"), _share("next_reply_sla_attainment"), "next_reply_sla_attainment"),
    (_("SLA met: resolution"), _share("resolution_sla_attainment"), "resolution_sla_attainment"),
    (_("Bot answered"), _count("bot_answered"), "bot_answered"),
    (_("Bot deflection"), _share("bot_deflection"), "bot_deflection"),
    (_("Backlog now"), _count("backlog"), "backlog"),
    (_("CSAT (ratings)"), _csat, "satisfaction"),
    (_("Pre-sales conversion"), _share("presales_conversion"), "presales_conversion"),
]


def _iso(ts: int, zone: dt.tzinfo | None) -> str:
    return dt.datetime.fromtimestamp(ts, zone).astimezone(zone).isoformat()


def to_json(rows: list[dict], start: int, end: int, zone: dt.tzinfo | None, by: str | None) -> str:
    return json_text(
        {"start": _iso(start, zone), "end": _iso(end, zone), "by": by, "rows": rows}, indent=2
    )


def _columns() -> list[str]:
    names = list(metrics.Figures("x").as_dict())
    return ["period_start", "period_end"] + [f"{n}_seconds" if n in DURATIONS else n for n in names]


def _flat(row: dict, start: int, end: int, zone: dt.tzinfo | None) -> dict:
    flat = {f"{k}_seconds" if k in DURATIONS else k: v for k, v in row.items()}
    return {"period_start": _iso(start, zone), "period_end": _iso(end, zone), **flat}


def to_csv(rows: list[dict], start: int, end: int, zone: dt.tzinfo | None) -> str:
    """One line per group, with the period's bounds; durations in seconds, shares 0–1."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_columns(), lineterminator="\n")
    writer.writeheader()
    # Group names are platform text: a name may carry escapes, or a formula for a spreadsheet.
    writer.writerows({k: csv_cell(v) for k, v in _flat(r, start, end, zone).items()} for r in rows)
    return out.getvalue()


def to_tsv(rows: list[dict], start: int, end: int, zone: dt.tzinfo | None) -> str:
    """The CSV's columns, tab-separated, for a pipe: an empty field where there is no value."""
    cell = lambda v: "" if v is None else one_line(str(v)).replace("\t", " ")  # noqa: E731
    lines = ["\t".join(_columns())]
    for r in rows:
        lines.append("\t".join(cell(v) for v in _flat(r, start, end, zone).values()))
    return "\n".join(lines) + "\n"


def print_table(
    rows: list[dict], start: int, end: int, zone: dt.tzinfo | None, by: str | None
) -> None:
    console = Console(soft_wrap=False)
    when = lambda ts: dt.datetime.fromtimestamp(ts, zone).astimezone(zone)  # noqa: E731
    zone_name = str(zone) if zone else when(start).tzname() or ""
    title = _("KPIs {start} → {end} ({zone})").format(
        start=when(start).strftime("%Y-%m-%d %H:%M"),
        end=when(end).strftime("%Y-%m-%d %H:%M"),
        zone=zone_name,
    )
    if by:
        title += " " + _("by {grouping}").format(grouping=_(GROUPINGS.get(by, by)))
    console.print(Text(title, style="bold"))
    if not rows:
        console.print(_("Nothing in this period."))
        return
    # Backlog is a figure of now: a past day has none.
    figures = [f for f in FIGURES if not (by == "day" and f[2] == "backlog")]
    labels = [label for label, _show, _key in figures]
    label_width = max(cell_len(label) for label in labels)
    if by == "day":
        # A day's column is headed by its month, day and weekday; the title has the year.
        headers = [day_title(r["group"]) for r in rows]
        trend = [sparkline([r[key] for r in rows]) for _label, _show, key in figures]
    else:
        headers = [group_title(by, r["group"]) for r in rows]
        trend = None
    cells = [[show(r) for _label, show, _key in figures] for r in rows]
    widths = [
        min(GROUP_WIDTH, max(cell_len(h), *(cell_len(v) for v in col)))
        for h, col in zip(headers, cells, strict=True)
    ]
    first_extra = (len(rows) + 2) if trend else 0
    for chunk in _chunks(widths, console.width - label_width - 2, first_extra):
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        table.add_column("", no_wrap=True)
        if trend and chunk[0] == 0:
            table.add_column(_("trend"), no_wrap=True, style="cyan")
        for i in chunk:
            table.add_column(
                Text(headers[i]),
                justify="right",
                no_wrap=True,
                max_width=GROUP_WIDTH,
                overflow="ellipsis",
            )
        for f, label in enumerate(labels):
            line = [label]
            if trend and chunk[0] == 0:
                line.append(trend[f])
            table.add_row(*line, *(cells[i][f] for i in chunk))
        console.print(table)


def _chunks(widths: list[int], room: int, first_extra: int) -> list[list[int]]:
    """Column indexes in runs that fit `room` cells (each column costs its width plus a
    gap); the first run also holds `first_extra` cells of its own. At least one a run."""
    runs: list[list[int]] = [[]]
    used = first_extra
    for i, width in enumerate(widths):
        cost = width + 2
        if runs[-1] and used + cost > room:
            runs.append([])
            used = 0
        runs[-1].append(i)
        used += cost
    return runs

"""Rich tables for the CLI's human-readable output. Remote text is sanitized and never
parsed as markup: cells are Text objects."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentdesk.i18n import _
from agentdesk.store.views import channel_title
from agentdesk.text import one_line
from agentdesk.words import CONNECTOR_STATE, DELIVERY, STATUS, word


def _when(ts: int | None, zone: dt.tzinfo | None) -> str:
    if not ts:
        return ""
    return dt.datetime.fromtimestamp(ts, zone).strftime("%Y-%m-%d %H:%M")


def print_tickets(rows, total: int, zone: dt.tzinfo | None) -> None:
    table = Table(
        title=_("{n} matching tickets (newest first)").format(n=total), title_justify="left"
    )
    for col, width in (
        (_("id"), 6),
        (_("channel"), 7),
        (_("status"), 7),
        (_("customer"), 10),
        (_("subject"), 20),
        (_("assignee"), 8),
        (_("updated"), 16),
    ):
        table.add_column(col, overflow="ellipsis", no_wrap=True, min_width=width)
    for r in rows:
        table.add_row(
            str(r["id"]),
            Text(one_line(channel_title(r["channel"]))),
            Text(word(STATUS, one_line(r["status"]))),
            Text(one_line(r["customer_name"])),
            Text(one_line(r["subject"])),
            Text(one_line(r["assignee_name"])),
            _when(r["updated_at"], zone),
        )
    Console().print(table)


def print_stats(s: dict) -> None:
    console = Console()
    console.print(
        _(
            "{t:,} tickets, {m:,} messages, {c:,} customers, {o:,} orders, {a} agents, {tm} teams, {cr} canned replies"
        ).format(
            t=s["tickets"]["total"],
            m=s["messages"]["total"],
            c=s["customers"],
            o=s["orders"]["total"],
            a=s["agents"],
            tm=s["teams"],
            cr=s["canned_replies"],
        )
    )
    for title, data, word_of in (
        (_("by channel"), s["tickets"]["by_channel"], channel_title),
        (_("by status"), s["tickets"]["by_status"], lambda v: word(STATUS, v)),
        (_("outbox"), s["outbox"], lambda v: word(DELIVERY, v)),
    ):
        parts = [f"{one_line(word_of(k))} {v:,}" for k, v in data.items()]
        console.print(Text(_("{title}: {counts}").format(title=title, counts=", ".join(parts))))
    for name, c in s["connectors"].items():
        state = word(CONNECTOR_STATE, one_line(c["state"]))
        line = Text(_("{title}: {counts}").format(title=one_line(name), counts=state))
        if c["last_error"]:
            line.append(f" ({one_line(c['last_error'])})")
        console.print(line)


def print_bench(results: dict) -> None:
    cache = results["cache"]
    title = _("read queries on {tickets:,} tickets / {messages:,} messages ({runs} runs each)")
    table = Table(title=title.format(**cache))
    if "bytes" in cache:
        table.caption = _(
            "cache: {mb:,.0f} MB, {per_ticket:,} bytes per ticket, {per_message:,} per message"
        ).format(
            mb=cache["bytes"] / 1e6,
            per_ticket=cache["bytes_per_ticket"],
            per_message=cache["bytes_per_message"],
        )
    table.add_column(_("query"))
    for col in ("median ms", "p90 ms", "max ms", "rows"):
        table.add_column(col, justify="right")
    for q in results["queries"]:
        table.add_row(
            q["name"],
            f"{q['median_ms']:.2f}",
            f"{q['p90_ms']:.2f}",
            f"{q['max_ms']:.2f}",
            str(q["rows"]),
        )
    Console().print(table)
    console = results.get("console")
    if console:
        t = Table(title=_("the console"))
        t.add_column(_("measure"))
        t.add_column(_("value"), justify="right")
        t.add_column(_("target"), justify="right")
        rows = [
            (
                _("first inbox paint from process start"),
                _fmt(console.get("first_paint_ms"), "ms"),
                "< 1000 ms",
            ),
            (_("j to paint, p50"), _fmt(_get(console, "j_latency_ms", "p50"), "ms"), "< 10 ms"),
            (_("j to paint, p99"), _fmt(_get(console, "j_latency_ms", "p99"), "ms"), "< 40 ms"),
            (
                _("bytes to the terminal per j (median / max)"),
                _pair(console.get("bytes_per_j")),
                "< 4096",
            ),
            (
                _("open a conversation, p50"),
                _fmt(_get(console, "conversation_open_ms", "p50"), "ms"),
                "",
            ),
            *[
                (_("search: {q}").format(q=q), _fmt(ms, "ms"), "< 50 ms")
                for q, ms in console.get("search_ms", {}).items()
            ],
            (
                _("picker filter, 5,000 replies, p50"),
                _fmt(_get(console, "picker_filter_ms", "p50"), "ms"),
                "< 10 ms",
            ),
            (
                _("picker filter, 5,000 replies, p99"),
                _fmt(_get(console, "picker_filter_ms", "p99"), "ms"),
                "",
            ),
            (_("peak RSS of the console"), _fmt(console.get("peak_rss_mb"), "MB"), "< 200 MB"),
            (
                _("idle: share of one core"),
                _fmt(_get(console, "idle", "cpu_percent"), "%"),
                "< 1 %",
            ),
            (
                _("idle: bytes to the terminal per minute"),
                _fmt(_get(console, "idle", "bytes_per_minute"), "B"),
                "< 2048 B",
            ),
        ]
        for row in rows:
            t.add_row(*row)
        Console().print(t)


def print_bench_compare(old: dict, new: dict, path: str) -> None:
    """Each figure beside a saved run's: red where today's is over 20% slower, green where
    it is over 20% faster (every figure is a time or a size: lower is better)."""
    from agentdesk.cli.bench_compare import compare

    t = Table(title=_("compared with {path}").format(path=path), title_justify="left")
    t.add_column(_("figure"))
    for col in (_("saved"), _("today"), _("ratio")):
        t.add_column(col, justify="right")
    for key, before, now, ratio in compare(old, new):
        style = "red" if ratio and ratio > 1.2 else "green" if ratio and ratio < 1 / 1.2 else ""
        t.add_row(
            Text(key),
            "—" if before is None else f"{before:,.2f}",
            "—" if now is None else f"{now:,.2f}",
            Text("—" if ratio is None else f"{ratio:.2f}×", style),
        )
    Console().print(t)


def _get(d: dict, key: str, sub: str):
    return (d.get(key) or {}).get(sub)


def _fmt(value, unit: str) -> str:
    return "—" if value is None else f"{value:,} {unit}"


def _pair(d: dict | None) -> str:
    return "—" if not d else f"{d['median']:,} / {d['max']:,}"

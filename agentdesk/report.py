"""`agentdesk report`: the KPIs of a period as a rich table, CSV or JSON.

The monitor's tiles call the same `period_figures`, so both always say the same thing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from rich.console import Console
from rich.table import Table

from agentdesk import metrics
from agentdesk.config import Settings
from agentdesk.config_schema import SchemaError, parse_duration
from agentdesk.i18n import _
from agentdesk.store.db import Store
from agentdesk.store.kpi_facts import load_facts


class PeriodError(ValueError):
    """A --since/--until value we cannot read; the message says what is accepted."""


def parse_moment(value: str, zone: dt.tzinfo | None, now: float, option: str) -> int:
    """A duration back from now ("7d", "12h"), "now", "today", or an ISO date or time
    (in the agent's zone unless it carries its own offset)."""
    text = value.strip().lower()
    if text == "now":
        return int(now)
    if text == "today":
        return metrics.day_start(now, zone)
    try:
        return int(now) - parse_duration(text, option)
    except SchemaError:
        pass
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(
            _(
                '{option}: expected a duration such as "7d", "today", "now" or a date such as'
                " 2026-11-16, got {value!r}"
            ).format(option=option, value=value)
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
    return int(moment.timestamp())


def period_figures(
    store: Store, settings: Settings, start: int, end: int, by: str | None = None
) -> list[dict]:
    facts = load_facts(store, start, end, settings.sla_policies, settings.presales_teams)
    return metrics.compute(facts, by)


def duration_label(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600}h"


def share_label(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def to_json(rows: list[dict], start: int, end: int, zone: dt.tzinfo | None, by: str | None) -> str:
    iso = lambda ts: dt.datetime.fromtimestamp(ts, zone).astimezone(zone).isoformat()  # noqa: E731
    return json.dumps(
        {"start": iso(start), "end": iso(end), "by": by, "rows": rows},
        ensure_ascii=False,
        indent=2,
    )


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    fields = list(metrics.Figures("x").as_dict())
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def print_table(
    rows: list[dict], start: int, end: int, zone: dt.tzinfo | None, by: str | None
) -> None:
    when = lambda ts: dt.datetime.fromtimestamp(ts, zone).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    table = Table(
        title=_("KPIs {start} → {end}").format(start=when(start), end=when(end)),
        title_justify="left",
    )
    table.add_column(_(by or "all").capitalize())
    for heading in (
        _("Handled"),
        _("First reply\nmedian / p90"),
        _("Next reply\nmedian / p90"),
        _("Resolution\nmedian / p90"),
        _("Resolved"),
        _("Reopened"),
        _("SLA met\n1st / next / solve"),
        _("Backlog"),
        _("CSAT"),
        _("Pre-sales\nconversion"),
    ):
        table.add_column(heading, justify="right")
    for r in rows:
        table.add_row(
            r["group"],
            str(r["handled"]),
            f"{duration_label(r['first_response_median'])} / {duration_label(r['first_response_p90'])}",
            f"{duration_label(r['next_response_median'])} / {duration_label(r['next_response_p90'])}",
            f"{duration_label(r['resolution_median'])} / {duration_label(r['resolution_p90'])}",
            share_label(r["resolution_rate"]),
            share_label(r["reopen_rate"]),
            " / ".join(
                share_label(r[k])
                for k in (
                    "sla_attainment",
                    "next_reply_sla_attainment",
                    "resolution_sla_attainment",
                )
            ),
            str(r["backlog"]),
            "—" if r["satisfaction"] is None else f"{r['satisfaction']:.1f} ({r['ratings']})",
            share_label(r["presales_conversion"]),
        )
    if not rows:
        table.add_row(_("nothing in this period"), *[""] * 10)
    Console(soft_wrap=True).print(table)

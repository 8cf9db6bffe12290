"""`agentdesk report`'s outputs: a rich table, CSV or JSON of a period's figures."""

from __future__ import annotations

import csv
import datetime as dt
import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentdesk.i18n import _
from agentdesk.kpi import metrics
from agentdesk.kpi.labels import duration_label, share_label
from agentdesk.text import csv_cell, json_text, one_line


def to_json(rows: list[dict], start: int, end: int, zone: dt.tzinfo | None, by: str | None) -> str:
    iso = lambda ts: dt.datetime.fromtimestamp(ts, zone).astimezone(zone).isoformat()  # noqa: E731
    return json_text({"start": iso(start), "end": iso(end), "by": by, "rows": rows}, indent=2)


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    fields = list(metrics.Figures("x").as_dict())
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    # Group names are platform text: a name may carry escapes, or a formula for a spreadsheet.
    writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in rows)
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
            Text(one_line(r["group"])),  # a name is text, never markup
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

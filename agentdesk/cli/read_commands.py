"""`agentdesk search`, `stats` and `report`: reading the cache without writing to it."""

from __future__ import annotations

import sys
import time

import click

from agentdesk.cli.app import Context, Fail, main, open_store, pass_ctx
from agentdesk.i18n import _
from agentdesk.text import json_text


@main.command(
    help=_(
        "Search tickets: free text plus status: channel: assignee: team: tag: from: before: after: order:"
    )
)
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@pass_ctx
def search(c: Context, query: tuple[str, ...], as_json: bool, limit: int) -> None:
    from agentdesk.query import QueryError, parse
    from agentdesk.store.filters import compile_query
    from agentdesk.store.reads import count
    from agentdesk.store.reads import search as run_search

    settings = c.settings()
    text = " ".join(query)
    try:
        f = compile_query(parse(text, settings.agent.zone), settings.agent.email)
    except QueryError as e:
        raise Fail(str(e), 2) from None
    with open_store(settings, readonly=True) as store:
        rows = run_search(store, f, limit)
        total = count(store, f)
    if as_json:
        out = {"query": text, "total": total, "results": [_ticket_json(r) for r in rows]}
        click.echo(json_text(out, indent=2))
        return
    from agentdesk.cli.render import print_tickets

    print_tickets(rows, total, settings.agent.zone)


def _ticket_json(r) -> dict:
    from agentdesk.text import one_line

    return {
        "id": r["id"],
        "connector": r["connector"],
        "remote_id": r["remote_id"],
        "channel": r["channel"],
        "status": r["status"],
        "priority": r["priority"],
        "subject": one_line(r["subject"]),
        "customer": one_line(r["customer_name"]),
        "assignee": r["assignee_name"],
        "team": r["team_name"],
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


@main.command(help=_("Counts of what the cache holds, the outbox and the connectors' states."))
@click.option(
    "--json", "as_json", is_flag=True, help=_("Machine-readable output (a stable shape).")
)
@pass_ctx
def stats(c: Context, as_json: bool) -> None:
    from agentdesk.store.stats import cache_stats

    with open_store(c.settings(), readonly=True) as store:
        s = cache_stats(store)
    if as_json:
        click.echo(json_text(s, indent=2, sort_keys=True))
    else:
        from agentdesk.cli.render import print_stats

        print_stats(s)


@main.command(
    help=_("KPIs of a period: first and next reply, resolution, SLA, backlog, satisfaction.")
)
@click.option(
    "--since",
    default="7d",
    show_default=True,
    help=_('"7d", "1d12h", "today", "yesterday", "this week", "last month", "上周" or a date.'),
)
@click.option(
    "--until",
    default=None,
    help=_(
        '"now" (the default; a period that is over, such as "last week", ends there) or a date.'
    ),
)
@click.option(
    "--by",
    type=click.Choice(["agent", "team", "channel", "day"]),
    default=None,
    help=_("A column per agent, team or channel; per day with a trend."),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "tsv", "csv", "json"]),
    default=None,
    help=_("table on a terminal, tsv when piped (durations in seconds)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("The same as --format json."))
@pass_ctx
def report(
    c: Context, since: str, until: str | None, by: str | None, fmt: str | None, as_json: bool
) -> None:
    from agentdesk.cli import report_output as out
    from agentdesk.kpi.period import PeriodError, parse_period
    from agentdesk.store.kpi_facts import period_figures

    settings = c.settings()
    zone = settings.agent.zone
    try:
        start, end = parse_period(since, until, zone, time.time())
    except PeriodError as e:
        raise Fail(str(e), 2) from None
    from agentdesk.cli.progress import counting, wanted

    with open_store(settings, readonly=True) as store, counting(wanted(as_json)) as progress:
        rows = period_figures(
            store, start, end, settings.sla_policies, settings.presales_teams, by, zone, progress
        )
    if as_json:
        fmt = "json"
    elif fmt is None:
        fmt = "table" if sys.stdout.isatty() else "tsv"
    if fmt == "json":
        click.echo(out.to_json(rows, start, end, zone, by))
    elif fmt == "csv":
        click.echo(out.to_csv(rows, start, end, zone), nl=False)
    elif fmt == "tsv":
        click.echo(out.to_tsv(rows, start, end, zone), nl=False)
    else:
        out.print_table(rows, start, end, zone, by)

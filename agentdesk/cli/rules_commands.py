"""`agentdesk rules test` and `agentdesk rules log`: what the automation would do, without
doing it, and what it did."""

from __future__ import annotations

import json
import time

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentdesk.cli.app import Context, Fail, main, open_store, pass_ctx
from agentdesk.i18n import _
from agentdesk.text import json_text, one_line


@main.group(help=_("Automation rules: what they would do, and what they did."))
def rules() -> None:
    pass  # a group: its commands do the work


@rules.command(
    "test",
    help=_(
        "Which rules would fire on which tickets (those QUERY finds, unsolved ones by default)"
        " and what they would do; nothing is changed."
    ),
)
@click.argument("query", nargs=-1)
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_ctx
def test_rules(c: Context, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    from agentdesk.canned.library import from_files, merge
    from agentdesk.query import QueryError, parse
    from agentdesk.store.actions import ActionContext
    from agentdesk.store.automation import run_rules
    from agentdesk.store.canned import synced_canned
    from agentdesk.store.filters import compile_query
    from agentdesk.store.reads import search

    settings = c.settings()
    text = " ".join(query) or "status:unsolved"
    try:
        f = compile_query(parse(text, settings.agent.zone), settings.agent.email)
    except QueryError as e:
        raise Fail(str(e), 2) from None
    if not settings.rules:
        raise Fail(_("no rules in the config ([[rules]] or the rules folder)"), 2)
    with open_store(settings, readonly=True) as store:
        tickets = [r["id"] for r in search(store, f, limit)]
        local, _problems = from_files(settings.config_dir)
        by_code = {e.shortcode: e for e in merge(local, synced_canned(store)) if e.shortcode}
        fired = run_rules(
            store,
            ActionContext.from_settings(settings),
            settings.rules,
            by_code.get,
            dry_run=True,
            only=tickets,
        )
    if as_json:
        out = [
            {
                "rule": f.rule,
                "ticket": f.ticket,
                "outcome": f.outcome,
                "detail": f.detail,
                "actions": f.actions,
            }
            for f in fired
        ]
        click.echo(json_text({"query": text, "tickets": len(tickets), "fire": out}, indent=2))
        return
    console = Console()
    title = _("{n} of {total} tickets would get a rule's action ({query})").format(
        n=len({f.ticket_id for f in fired if f.outcome == "would"}),
        total=len(tickets),
        query=text,
    )
    table = Table(title=title, title_justify="left")
    for col in (_("rule"), _("ticket"), _("would")):
        table.add_column(col)
    for f in fired:
        what = "; ".join(f.actions) if f.outcome == "would" else f"{f.outcome}: {f.detail}"
        table.add_row(Text(one_line(f.rule)), f.ticket, Text(one_line(what)))
    console.print(table)


@rules.command("log", help=_("What the rules did, newest first."))
@click.option(
    "--since", default="1d", show_default=True, help=_('"7d", "1d12h", "today" or a date.')
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@pass_ctx
def log(c: Context, since: str, as_json: bool) -> None:
    from agentdesk.kpi.period import PeriodError, parse_period
    from agentdesk.store.firings import fired_log

    settings = c.settings()
    try:
        start, _end = parse_period(since, None, settings.agent.zone, time.time())
    except PeriodError as e:
        raise Fail(str(e), 2) from None
    with open_store(settings, readonly=True) as store:
        rows = fired_log(store, start)
    if as_json:
        out = [
            {
                "at": r["at"],
                "rule": r["rule"],
                "ticket": f"#{r['remote_id']}",
                "outcome": r["outcome"],
                "detail": r["detail"],
                "actions": json.loads(r["actions"]),
            }
            for r in rows
        ]
        click.echo(json_text(out, indent=2))
        return
    from agentdesk.cli.render import _when

    table = Table(title=_("{n} rule firings").format(n=len(rows)), title_justify="left")
    for col in (_("at"), _("rule"), _("ticket"), _("outcome"), _("what")):
        table.add_column(col)
    for r in rows:
        what = "; ".join(json.loads(r["actions"]))
        if r["detail"] and r["detail"] not in what:
            what = f"{what} ({r['detail']})" if r["outcome"] == "queued" else r["detail"]
        table.add_row(
            _when(r["at"], settings.agent.zone),
            Text(one_line(r["rule"])),
            f"#{one_line(r['remote_id'])}",
            r["outcome"],
            Text(one_line(what)),
        )
    Console().print(table)

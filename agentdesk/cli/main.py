"""Command line: console (default), demo, sync, monitor, search, stats, report, doctor, login,
bench.

Every expected failure ends in one clear line on stderr: exit 2 for configuration and
usage problems (a bad key, a missing secret), 1 for a cache or runtime problem.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import click

from agentdesk import __version__
from agentdesk.config.settings import ConfigError, Settings, default_data_dir, load_settings
from agentdesk.i18n import _
from agentdesk.secrets import SecretMissing
from agentdesk.store.db import StoreError


class Fail(click.ClickException):
    """A one-line error and an exit code, never a traceback."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"agentdesk: {self.message}", err=True)


@dataclasses.dataclass
class Context:
    config: str | None
    data_dir: str | None
    _settings: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config, self.data_dir)
            except ConfigError as e:
                raise Fail(str(e), 2) from None
        return self._settings


pass_ctx = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    metavar="PATH",
    help=_("Config file (default: the platform's config dir; env AGENTDESK_CONFIG)."),
)
@click.option(
    "--data-dir",
    "data_dir",
    metavar="DIR",
    help=_("Data dir holding the cache (env AGENTDESK_DATA_DIR)."),
)
@click.version_option(__version__, prog_name="agentdesk")
@click.pass_context
def main(ctx: click.Context, config: str | None, data_dir: str | None) -> None:
    """agentdesk: a keyboard-driven console for e-commerce customer service."""
    ctx.obj = Context(config, data_dir)
    if ctx.invoked_subcommand is None:
        ctx.invoke(console)


_theme_option = click.option(
    "--theme", metavar="NAME", default=None, help=_("Theme for this session (see the palette).")
)


@main.command()
@_theme_option
@pass_ctx
def console(c: Context, theme: str | None = None) -> None:
    """Open the agent console (the default command)."""
    _open_console(c.settings(), theme)


def _open_console(settings: Settings, theme: str | None = None) -> None:
    from agentdesk.store.db import Store
    from agentdesk.sync.runner import BackgroundEngine

    try:
        Store.open_dir(settings.data_dir).close()  # fail here, with a clear line, not in the UI
    except StoreError as e:
        raise Fail(str(e)) from None
    engine = BackgroundEngine(settings)
    in_process = engine.start()
    try:
        from agentdesk.ui.app import AgentDeskApp

        AgentDeskApp(settings, engine_in_process=in_process, theme=theme).run()
    finally:
        engine.stop()


@main.command()
@click.option(
    "--tickets",
    type=click.IntRange(min=0),
    default=None,
    help=_("Tickets in the shop's history (default 400)."),
)
@click.option("--seed", type=int, default=None, help=_("Seed: the same seed gives the same shop."))
@click.option(
    "--rate",
    type=click.FloatRange(min=0),
    default=None,
    help=_("New customer messages per minute while running."),
)
@click.option("--no-console", is_flag=True, help=_("Fill the workspace and exit."))
@click.option("--reset", is_flag=True, help=_("Delete the demo workspace first."))
@_theme_option
@pass_ctx
def demo(
    c: Context,
    tickets: int | None,
    seed: int | None,
    rate: float | None,
    no_console: bool,
    reset: bool,
    theme: str | None = None,
) -> None:
    """Open the console on the built-in demo shop (or just fill it with --no-console)."""
    from agentdesk.cli.demo_workspace import DemoMismatch, demo_settings, prepare

    base = c.settings()
    data_dir = (
        Path(c.data_dir)
        if c.data_dir
        else (base.data_dir if base.config_path is None else default_data_dir() / "demo")
    )
    settings = demo_settings(base, data_dir, tickets=tickets, seed=seed, rate=rate)
    try:
        prepare(settings, reset=reset)
    except DemoMismatch as e:
        raise Fail(str(e), 2) from None
    started = time.monotonic()
    summary = _sync_once(settings)
    from agentdesk.store.db import Store
    from agentdesk.store.stats import cache_stats

    with Store.open_dir(settings.data_dir) as store:
        s = cache_stats(store)
    click.echo(
        _(
            "Demo workspace {dir}: {tickets:,} tickets, {messages:,} messages, {customers:,} customers, {orders:,} orders ({secs:.1f}s)"
        ).format(
            dir=settings.data_dir,
            tickets=s["tickets"]["total"],
            messages=s["messages"]["total"],
            customers=s["customers"],
            orders=s["orders"]["total"],
            secs=time.monotonic() - started,
        )
    )
    if summary.errors:
        raise Fail("; ".join(f"{k}: {v}" for k, v in summary.errors.items()))
    if not no_console:
        _open_console(settings, theme)


def _check_secrets(settings: Settings) -> None:
    """A connector without its secret cannot sync: say so before starting, exit 2."""
    from agentdesk.connectors.registry import spec_for
    from agentdesk.secrets import get_secret

    for cs in settings.connectors:
        if cs.enabled and spec_for(cs.type).needs_secret:
            try:
                get_secret(cs.name)
            except SecretMissing as e:
                raise Fail(str(e), 2) from None


def _engine_busy(settings: Settings, e) -> Fail:
    return Fail(
        _("the sync engine for {dir} is already running (pid {pid})").format(
            dir=settings.data_dir, pid=e.pid or "?"
        )
    )


def _sync_once(settings: Settings):
    from agentdesk.sync.runner import EngineBusy, run_once

    _check_secrets(settings)
    try:
        return run_once(settings)
    except EngineBusy as e:
        raise _engine_busy(settings, e) from None
    except StoreError as e:
        raise Fail(str(e)) from None
    except SecretMissing as e:
        raise Fail(str(e), 2) from None


@main.command()
@click.option(
    "--once", is_flag=True, help=_("One pass (pull everything new, push due ops), then exit.")
)
@pass_ctx
def sync(c: Context, once: bool) -> None:
    """Run the sync engine in the foreground (a daemon for a shared host)."""
    settings = c.settings()
    if once:
        summary = _sync_once(settings)
        pulled = (
            ", ".join(f"{k}: {v} batches" for k, v in summary.pulled_batches.items()) or "nothing"
        )
        click.echo(
            _("pulled {pulled}; pushed {pushed} ops, {failed} failed, {waiting} waiting").format(
                pulled=pulled,
                pushed=summary.pushed,
                failed=summary.failed,
                waiting=summary.retrying,
            )
        )
        if summary.errors:
            raise Fail("; ".join(f"{k}: {v}" for k, v in summary.errors.items()))
        return
    import logging
    import signal
    import threading

    from agentdesk.sync.runner import EngineBusy, run_forever

    _check_secrets(settings)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(
        _("agentdesk sync: serving {dir} (Ctrl-C to stop)").format(dir=settings.data_dir), err=True
    )
    try:
        run_forever(settings, stop)
    except EngineBusy as e:
        raise _engine_busy(settings, e) from None
    except StoreError as e:
        raise Fail(str(e)) from None
    except KeyboardInterrupt:
        pass


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@pass_ctx
def search(c: Context, query: tuple[str, ...], as_json: bool, limit: int) -> None:
    """Search tickets: free text plus status: channel: assignee: team: tag: from: before: after: order:"""
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
    with _open_store(settings, readonly=True) as store:
        rows = run_search(store, f, limit)
        total = count(store, f)
    if as_json:
        out = {"query": text, "total": total, "results": [_ticket_json(r) for r in rows]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
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


def _open_store(settings: Settings, readonly: bool = False):
    from agentdesk.store.db import Store

    try:
        return Store.open_dir(settings.data_dir, readonly=readonly)
    except StoreError as e:
        raise Fail(str(e)) from None


@main.command()
@click.option(
    "--json", "as_json", is_flag=True, help=_("Machine-readable output (a stable shape).")
)
@pass_ctx
def stats(c: Context, as_json: bool) -> None:
    """Counts of what the cache holds, the outbox and the connectors' states."""
    from agentdesk.store.stats import cache_stats

    with _open_store(c.settings(), readonly=True) as store:
        s = cache_stats(store)
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        from agentdesk.cli.render import print_stats

        print_stats(s)


@main.command()
@click.option(
    "--follow", "follow", metavar="NAME", default=None, help=_("Mirror what this agent has open.")
)
@_theme_option
@pass_ctx
def monitor(c: Context, follow: str | None, theme: str | None) -> None:
    """The supervisor's read-only wallboard: queues, SLA, agents, KPIs; read any conversation."""
    settings = c.settings()
    _open_store(settings, readonly=True).close()  # a clear line here, not a crash in the UI
    from agentdesk.ui.monitor.app import MonitorApp

    MonitorApp(settings, follow=follow, theme=theme).run()


@main.command()
@click.option("--since", default="7d", show_default=True, help=_('"7d", "today" or a date.'))
@click.option("--until", default="now", show_default=True, help=_('"now" or a date.'))
@click.option("--by", type=click.Choice(["agent", "team", "channel"]), default=None)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@pass_ctx
def report(c: Context, since: str, until: str, by: str | None, fmt: str) -> None:
    """KPIs of a period: first and next reply, resolution, SLA, backlog, satisfaction."""
    from agentdesk.cli import report_output as out
    from agentdesk.kpi.period import PeriodError, parse_moment
    from agentdesk.store.kpi_facts import period_figures

    settings = c.settings()
    zone = settings.agent.zone
    try:
        at = time.time()
        start = parse_moment(since, zone, at, "--since")
        end = parse_moment(until, zone, at, "--until")
    except PeriodError as e:
        raise Fail(str(e), 2) from None
    if end <= start:
        raise Fail(_("--until must come after --since"), 2)
    with _open_store(settings, readonly=True) as store:
        rows = period_figures(store, start, end, settings.sla_policies, settings.presales_teams, by)
    if fmt == "json":
        click.echo(out.to_json(rows, start, end, zone, by))
    elif fmt == "csv":
        click.echo(out.to_csv(rows), nl=False)
    else:
        out.print_table(rows, start, end, zone, by)


@main.command()
@pass_ctx
def doctor(c: Context) -> None:
    """Check the config, the data dir, the keyring and each connector."""
    from agentdesk.cli.doctor import run_doctor

    if not run_doctor(c.config, c.data_dir):
        sys.exit(1)


@main.command()
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help=_("Read the secret from standard input instead of a prompt."),
)
@pass_ctx
def login(c: Context, name: str, password_stdin: bool) -> None:
    """Store a connector's password or token in the keyring."""
    from agentdesk.secrets import store_secret

    settings = c.settings()
    if name not in {cs.name for cs in settings.connectors}:
        known = ", ".join(cs.name for cs in settings.connectors) or "none"
        raise Fail(
            _('no connector named "{name}" in the config (known: {known})').format(
                name=name, known=known
            ),
            2,
        )
    secret = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt(_("Secret for {name}").format(name=name), hide_input=True)
    )
    if not secret:
        raise Fail(_("an empty secret was not stored"), 2)
    try:
        store_secret(name, secret)
    except Exception as e:  # keyring raises backend-specific errors
        raise Fail(_("the keyring refused the secret: {err}").format(err=e)) from None
    click.echo(_("stored the secret for {name} in the keyring").format(name=name))


@main.command()
@click.option("--runs", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option(
    "--tickets",
    type=click.IntRange(min=1),
    default=None,
    help=_("Build (or reuse) a demo workspace of this many tickets and bench the console on it."),
)
@click.option("--no-console", is_flag=True, help=_("Only the read queries; no console process."))
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def bench(c: Context, runs: int, tickets: int | None, no_console: bool, as_json: bool) -> None:
    """Time the console on a cache: queries, first paint, j latency and bytes, picker, memory."""
    from agentdesk.cli.bench_console import console_bench, inprocess_bench
    from agentdesk.cli.bench_queries import run_bench

    settings = c.settings()
    if tickets is not None:
        settings = _bench_workspace(c, settings, tickets)
    with _open_store(settings, readonly=True) as store:
        results = run_bench(store, settings, runs)
        results["console"] = inprocess_bench(store, settings, runs)
    if not no_console:
        results["console"].update(console_bench(settings))
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        from agentdesk.cli.render import print_bench

        print_bench(results)


def _bench_workspace(c: Context, base: Settings, tickets: int) -> Settings:
    """The demo shop of `tickets` tickets (seed 1, no live traffic), built once and reused."""
    from agentdesk.cli.demo_workspace import DemoMismatch, demo_settings, prepare

    data_dir = Path(c.data_dir) if c.data_dir else default_data_dir() / f"bench-{tickets}"
    settings = demo_settings(base, data_dir, tickets=tickets, seed=1, rate=0.0)
    try:
        prepare(settings, reset=False)
    except DemoMismatch as e:
        raise Fail(str(e), 2) from None
    summary = _sync_once(settings)
    if summary.errors:
        raise Fail("; ".join(f"{k}: {v}" for k, v in summary.errors.items()))
    return settings


if __name__ == "__main__":
    main()

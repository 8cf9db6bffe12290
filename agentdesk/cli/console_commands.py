"""`agentdesk` (the console), `agentdesk demo` and `agentdesk monitor`."""

from __future__ import annotations

import gc
import math
import os
import sys
import time
from pathlib import Path

import click

from agentdesk.cli.app import Context, Fail, main, open_store, pass_ctx, theme_option
from agentdesk.cli.sync_commands import sync_once
from agentdesk.config.settings import Settings, default_data_dir
from agentdesk.connectors.demo import MAX_RATE, MAX_TICKETS
from agentdesk.i18n import _
from agentdesk.store.db import StoreError


@main.command(help=_("Open the agent console (the default command)."))
@theme_option
@pass_ctx
def console(c: Context, theme: str | None = None) -> None:
    _open_console(c.settings(), theme)


def _open_console(settings: Settings, theme: str | None = None) -> None:
    from agentdesk.store.db import Store
    from agentdesk.sync.runner import SyncKeeper

    try:
        Store.open_dir(settings.data_dir).close()  # fail here, with a clear line, not in the UI
    except StoreError as e:
        raise Fail(str(e)) from None
    need_terminal(_("the console"))
    keeper = SyncKeeper(settings)
    in_process = keeper.start()
    if not in_process and keeper.problem():
        # Running without syncing is still useful (a daemon may serve the cache); say why.
        click.echo(
            _("agentdesk: this console cannot sync ({why}); a daemon must").format(
                why=keeper.problem()
            ),
            err=True,
        )
    try:
        from agentdesk.ui.app import AgentDeskApp

        app = AgentDeskApp(settings, engine_in_process=in_process, keeper=keeper, theme=theme)
        app.run()
    finally:
        keeper.stop()
    exit_as(app)


def need_terminal(what: str) -> None:
    """A full-screen app writes escape sequences for a terminal and reads keys from one:
    piped or redirected, it would fill a file with codes and wait for keys that never come.
    A browser session of `agentdesk serve` talks through textual-serve's pipes instead."""
    if served():
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise Fail(
            _(
                "{what} needs a terminal, and standard input or output is not one"
                " (over SSH: ssh -t; for scripts: agentdesk search, stats, report)"
            ).format(what=what)
        )


def served() -> bool:
    """Run by `agentdesk serve` for a browser: stdout is textual-serve's channel."""
    return os.environ.get("AGENTDESK_SERVED") == "1"


def exit_as(app) -> None:
    """A crash inside the app (Textual printed its traceback) exits non-zero."""
    if app.return_code:
        sys.exit(app.return_code)


def finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """FloatRange lets nan through (every comparison with nan is false)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(_("expected a number, got {value}").format(value=value))
    return value


@main.command(
    help=_("Open the console on the built-in demo shop (or just fill it with --no-console).")
)
@click.option(
    "--tickets",
    type=click.IntRange(min=0, max=MAX_TICKETS),
    default=None,
    help=_("Tickets in the shop's history (default 400)."),
)
@click.option(
    "--seed",
    type=click.IntRange(min=-(2**63) + 1, max=2**63 - 1),
    default=None,
    help=_("Seed: the same seed gives the same shop."),
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0, max=MAX_RATE),
    callback=finite,
    default=None,
    help=_("New customer messages per minute while running."),
)
@click.option("--no-console", is_flag=True, help=_("Fill the workspace and exit."))
@click.option("--reset", is_flag=True, help=_("Delete the demo workspace first."))
@click.option(
    "--as",
    "as_colleague",
    metavar="NAME",
    default=None,
    help=_(
        "Open the console as one of the shop's colleagues (a name or e-mail: emma), beside"
        " your own in another terminal, to try mentions and transfers between two agents."
    ),
)
@theme_option
@pass_ctx
def demo(
    c: Context,
    tickets: int | None,
    seed: int | None,
    rate: float | None,
    no_console: bool,
    reset: bool,
    as_colleague: str | None = None,
    theme: str | None = None,
) -> None:
    from agentdesk.cli.demo_workspace import DemoMismatch, demo_settings, prepare

    if not no_console:
        need_terminal(_("the console"))  # before filling the shop, not after

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
    from agentdesk.cli.progress import wanted

    # Another console may already run this shop (a colleague's, `--as`): open beside it.
    summary = sync_once(settings, show_progress=wanted(), busy_ok=not no_console)
    from agentdesk.store.db import Store
    from agentdesk.store.stats import cache_counts

    with Store.open_dir(settings.data_dir) as store:
        s = cache_counts(store)
    click.echo(
        _(
            "Demo workspace {dir}: {tickets:,} tickets, {messages:,} messages, {customers:,} customers, {orders:,} orders ({secs:.1f}s)"
        ).format(
            dir=settings.data_dir,
            tickets=s["tickets"],
            messages=s["messages"],
            customers=s["customers"],
            orders=s["orders"],
            secs=time.monotonic() - started,
        ),
        err=served(),  # a browser session's stdout is textual-serve's channel
    )
    if summary is not None and summary.errors:
        raise Fail("; ".join(f"{k}: {v}" for k, v in summary.errors.items()))
    if as_colleague:
        settings = _as_colleague(settings, as_colleague)
    if not no_console:
        gc.collect()  # what the fill left in cycles, before the console's start is frozen
        _open_console(settings, theme)


def _as_colleague(settings: Settings, who: str) -> Settings:
    """The settings of a demo colleague found by e-mail, name or first name."""
    import dataclasses

    from agentdesk.store.db import Store

    with Store.open_dir(settings.data_dir) as store:
        rows = store.query(
            "SELECT name, email FROM agents WHERE email IS NOT NULL AND (email = ? COLLATE NOCASE"
            " OR lower(name) = lower(?) OR instr(lower(name), lower(?)) = 1"
            " OR instr(lower(name), ' ' || lower(?)) > 0) ORDER BY name",
            (who, who, who, who),
        )
    if len(rows) != 1:
        names = ", ".join(r["name"] for r in rows) or _("nobody")
        raise Fail(
            _("--as {who}: expected one colleague of the shop, found {names}").format(
                who=who, names=names
            ),
            2,
        )
    agent = dataclasses.replace(settings.agent, name=rows[0]["name"], email=rows[0]["email"])
    return dataclasses.replace(settings, agent=agent)


@main.command(
    help=_(
        "The supervisor's read-only wallboard: queues, SLA, agents, KPIs; read any conversation."
    )
)
@click.option(
    "--follow", "follow", metavar="NAME", default=None, help=_("Mirror what this agent has open.")
)
@theme_option
@pass_ctx
def monitor(c: Context, follow: str | None, theme: str | None) -> None:
    settings = c.settings()
    open_store(settings, readonly=True).close()  # a clear line here, not a crash in the UI
    need_terminal(_("the monitor"))
    from agentdesk.ui.monitor.app import MonitorApp

    app = MonitorApp(settings, follow=follow, theme=theme)
    app.run()
    exit_as(app)

"""`agentdesk doctor`, `login` and `bench`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from agentdesk.cli.app import Context, Fail, main, open_store, pass_ctx
from agentdesk.cli.sync_commands import sync_once
from agentdesk.config.settings import Settings, default_data_dir
from agentdesk.connectors.demo import MAX_TICKETS
from agentdesk.i18n import _
from agentdesk.text import json_text


@main.command(
    help=_("Check the config, the time zone, the data dir, the keyring and each connector.")
)
@click.option("--json", "as_json", is_flag=True, help=_("One JSON document, for scripts."))
@pass_ctx
def doctor(c: Context, as_json: bool) -> None:
    from rich.console import Console

    from agentdesk.cli.doctor import findings_json, healthy, print_findings, run_doctor

    findings = run_doctor(c.config, c.data_dir)
    if as_json:
        click.echo(json_text(findings_json(findings), indent=2))
    else:
        print_findings(Console(soft_wrap=True), findings)
    if not healthy(findings):
        sys.exit(1)


@main.command(help=_("Store a connector's password or token in the keyring."))
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help=_("Read the secret from standard input instead of a prompt."),
)
@pass_ctx
def login(c: Context, name: str, password_stdin: bool) -> None:
    from agentdesk.secrets import keyring_backend, plaintext_warning, store_secret

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
    info = keyring_backend()
    if info.plaintext:
        click.secho(_("WARNING: ") + plaintext_warning(info), err=True, fg="red", bold=True)
    try:
        store_secret(name, secret)
    except Exception as e:  # keyring raises backend-specific errors
        raise Fail(_("the keyring refused the secret: {err}").format(err=e)) from None
    click.echo(_("stored the secret for {name} in the keyring").format(name=name))


@main.command(
    help=_(
        "Time the console on a cache: queries, first paint, j latency and bytes, picker, memory."
    )
)
@click.option("--runs", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option(
    "--tickets",
    type=click.IntRange(min=1, max=MAX_TICKETS),
    default=None,
    help=_("Build (or reuse) a demo workspace of this many tickets and bench the console on it."),
)
@click.option("--no-console", is_flag=True, help=_("Only the read queries; no console process."))
@click.option(
    "--idle",
    type=click.FloatRange(min=0, max=3600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help=_("How long to watch the console sit without a key (CPU and bytes); 0 skips it."),
)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--compare",
    "compare_to",
    metavar="OLD.json",
    type=click.Path(dir_okay=False),
    help=_("A saved `bench --json` run: each figure beside today's, with the ratio."),
)
@pass_ctx
def bench(
    c: Context,
    runs: int,
    tickets: int | None,
    no_console: bool,
    idle: float,
    as_json: bool,
    compare_to: str | None,
) -> None:
    from agentdesk.cli.bench_console import console_bench, inprocess_bench
    from agentdesk.cli.bench_queries import run_bench

    old = _saved_run(compare_to) if compare_to else None
    settings = c.settings()
    if tickets is not None:
        settings = _bench_workspace(c, settings, tickets)
    with open_store(settings, readonly=True) as store:
        results = run_bench(store, settings, runs)
        results["console"] = inprocess_bench(store, settings, runs)
    if not no_console:
        results["console"].update(console_bench(settings, idle=idle))
    if as_json:
        if old is not None:
            from agentdesk.cli.bench_compare import compare

            results = {**results, "compare": [list(r) for r in compare(old, results)]}
        click.echo(json_text(results, indent=2))
        return
    from agentdesk.cli.render import print_bench, print_bench_compare

    print_bench(results)
    if old is not None:
        print_bench_compare(old, results, compare_to)


def _saved_run(path: str) -> dict:
    """A saved `bench --json` document, or one clear line saying why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Fail(_("{path}: not a saved bench run ({err})").format(path=path, err=e), 2) from None
    if not isinstance(data, dict) or "queries" not in data:
        raise Fail(_("{path}: not a saved bench run (no queries)").format(path=path), 2)
    return data


def _bench_workspace(c: Context, base: Settings, tickets: int) -> Settings:
    """The demo shop of `tickets` tickets (seed 1, no live traffic), built once and reused."""
    from agentdesk.cli.demo_workspace import DemoMismatch, demo_settings, prepare

    data_dir = Path(c.data_dir) if c.data_dir else default_data_dir() / f"bench-{tickets}"
    settings = demo_settings(base, data_dir, tickets=tickets, seed=1, rate=0.0)
    try:
        prepare(settings, reset=False)
    except DemoMismatch as e:
        raise Fail(str(e), 2) from None
    summary = sync_once(settings)
    if summary.errors:
        raise Fail("; ".join(f"{k}: {v}" for k, v in summary.errors.items()))
    return settings

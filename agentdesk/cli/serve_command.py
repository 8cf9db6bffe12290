"""`agentdesk serve`: the same console in a browser, through textual-serve, for an agent on
a machine without a terminal. Every browser session is its own console process, started
with this command's config and data dir; the sessions share the cache as consoles on one
host do (one engine, the others read)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from agentdesk.cli.app import Context, main, pass_ctx
from agentdesk.i18n import _

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def session_command(c: Context, demo: bool) -> str:
    """The command line each browser session runs: this Python, this config, this cache."""
    argv = [sys.executable, "-m", "agentdesk"]
    if c.config:
        argv += ["--config", str(Path(c.config).resolve())]
    if c.data_dir:
        argv += ["--data-dir", str(Path(c.data_dir).resolve())]
    argv.append("demo" if demo else "console")
    return shlex.join(argv)


@main.command(
    help=_(
        "Serve the console to a browser (textual-serve): one console process per browser"
        " session, with your config. Binds to 127.0.0.1 unless --host says otherwise."
    )
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=_("The address to listen on; anything but loopback is reachable by others."),
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help=_("The port.")
)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help=_("The address browsers use, when a reverse proxy or a tunnel is in front."),
)
@click.option("--demo", is_flag=True, help=_("Serve the console on the demo shop."))
@pass_ctx
def serve(c: Context, host: str, port: int, public_url: str | None, demo: bool) -> None:
    if not demo:
        c.settings()  # a broken config fails here, in one line, not in every browser tab
    if host not in LOOPBACK:
        click.echo(
            _(
                "agentdesk: warning: serving on {host}: textual-serve has no login of its own,"
                " so anyone who can reach {host}:{port} gets this console as you. Put it behind"
                " an SSH tunnel or a reverse proxy that asks for a login (see the README)."
            ).format(host=host, port=port),
            err=True,
        )
    from agentdesk.ui.browser import serve_sessions

    # Sessions talk through pipes, not a terminal (need_terminal lets them through).
    os.environ["AGENTDESK_SERVED"] = "1"
    serve_sessions(session_command(c, demo), host, port, public_url)

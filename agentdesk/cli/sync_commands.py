"""`agentdesk sync`: the engine as a foreground daemon, or one pass; and the one pass other
commands (demo, bench) run to fill a workspace."""

from __future__ import annotations

import logging

import click

from agentdesk.cli.app import Context, Fail, main, pass_ctx
from agentdesk.config.settings import Settings
from agentdesk.i18n import _
from agentdesk.secrets import SecretMissing
from agentdesk.store.db import StoreError
from agentdesk.text import sanitize


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


def engine_busy(settings: Settings, e) -> Fail:
    return Fail(
        _("the sync engine for {dir} is already running (pid {pid})").format(
            dir=settings.data_dir, pid=e.pid or "?"
        )
    )


def _refuse_damaged(settings: Settings) -> None:
    """Before an engine writes anything: SQLite's check of every page (seconds on a large
    cache, so only here, where a daemon or an explicit pass starts, and in doctor)."""
    from agentdesk.store import damage
    from agentdesk.store.db import DB_NAME, Store

    detail = damage.marked(settings.data_dir)
    if detail is None and (settings.data_dir / DB_NAME).exists():
        try:
            problem = Store.check_dir(settings.data_dir)
        except StoreError as e:
            raise Fail(str(e)) from None
        if problem is not None:
            detail = str(damage.mark(settings.data_dir, problem).detail)
    if detail is not None:
        raise Fail(str(damage.CacheDamaged(settings.data_dir, detail)))


class SanitizingFormatter(logging.Formatter):
    """Log lines quote what platforms said: no escape sequence reaches the terminal or the
    journal that shows them."""

    def format(self, record: logging.LogRecord) -> str:
        return sanitize(super().format(record))


def sync_once(settings: Settings, *, show_progress: bool = False, busy_ok: bool = False):
    """One pass; None when `busy_ok` and another process already runs the engine."""
    from agentdesk.cli.progress import first_sync
    from agentdesk.sync.runner import EngineBusy, run_once

    _check_secrets(settings)
    try:
        with first_sync(show_progress) as progress:
            return run_once(settings, progress)
    except EngineBusy as e:
        if busy_ok:
            return None
        raise engine_busy(settings, e) from None
    except StoreError as e:
        raise Fail(str(e)) from None
    except SecretMissing as e:
        raise Fail(str(e), 2) from None


@main.command(help=_("Run the sync engine in the foreground (a daemon for a shared host)."))
@click.option(
    "--once", is_flag=True, help=_("One pass (pull everything new, push due ops), then exit.")
)
@pass_ctx
def sync(c: Context, once: bool) -> None:
    settings = c.settings()
    _refuse_damaged(settings)
    if once:
        from agentdesk.cli.progress import wanted

        summary = sync_once(settings, show_progress=wanted())
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
    handler = logging.StreamHandler()
    handler.setFormatter(SanitizingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # One line per HTTP request would bury what the engine says (and fill a journal): the
    # HTTP library speaks only of its warnings.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(
        _("agentdesk sync: serving {dir} (Ctrl-C to stop)").format(dir=settings.data_dir), err=True
    )
    try:
        run_forever(settings, stop)
    except EngineBusy as e:
        raise engine_busy(settings, e) from None
    except StoreError as e:
        raise Fail(str(e)) from None
    except KeyboardInterrupt:
        pass

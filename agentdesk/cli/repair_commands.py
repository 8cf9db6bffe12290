"""`agentdesk salvage` and `agentdesk rebuild`: getting over a damaged cache, losing nothing."""

from __future__ import annotations

import datetime as dt
import os

import click

from agentdesk.cli.app import Context, Fail, main, pass_ctx
from agentdesk.cli.sync_commands import sync_once
from agentdesk.i18n import _
from agentdesk.store import damage
from agentdesk.store import salvage as salvaging
from agentdesk.store.db import DB_NAME, Store, StoreError


def _save(data_dir, *, must: bool = True) -> None:
    try:
        out = salvaging.salvage(data_dir)
    except StoreError as e:
        if e.damage is None:
            raise Fail(str(e)) from None
        if must:
            raise Fail(
                _(
                    "nothing could be read from the cache ({err}); `agentdesk rebuild` makes a"
                    " new one and keeps this file aside"
                ).format(err=e.damage)
            ) from None
        # rebuild goes on: the file is kept aside, for a specialist's tools if it matters
        click.echo(
            _("Nothing could be read from the damaged cache ({err}); it is kept aside.").format(
                err=e.damage
            ),
            err=True,
        )
        return
    if out.path is None:
        click.echo(_("The cache holds no unsent work and no drafts: nothing to save."))
    else:
        click.echo(
            _("Saved {ops} unsent changes and {drafts} drafts to {path}.").format(
                ops=len(out.ops), drafts=len(out.drafts), path=out.path
            )
        )
    if out.unreadable:
        click.echo(
            _("{n} rows could not be read from damaged pages.").format(n=out.unreadable), err=True
        )


@main.command(
    help=_(
        "Save what only the cache holds (unsent replies and changes, drafts) to a file that the next healthy cache takes back; it works on a damaged cache."
    )
)
@pass_ctx
def salvage(c: Context) -> None:
    _save(c.settings().data_dir)


@main.command(
    help=_(
        "Move the cache aside (after saving its unsent work and drafts) and sync a new one from the platforms; the saved work goes back on its tickets."
    )
)
@pass_ctx
def rebuild(c: Context) -> None:
    settings = c.settings()
    data_dir = settings.data_dir
    db = data_dir / DB_NAME
    if db.exists():
        _save(data_dir, must=False)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = data_dir / f"{DB_NAME}.damaged-{stamp}"
        for suffix in ("", "-wal", "-shm"):
            if (data_dir / (DB_NAME + suffix)).exists():
                os.replace(data_dir / (DB_NAME + suffix), f"{aside}{suffix}")
        click.echo(_("Moved the old cache aside: {path}").format(path=aside))
    damage.clear(data_dir)
    summary = sync_once(settings)
    with Store.open_dir(data_dir) as store:
        tickets = store.one("SELECT count(*) FROM tickets")[0]
        queued = store.one("SELECT count(*) FROM outbox WHERE state != 'sent'")[0]
        drafts = store.one("SELECT count(*) FROM drafts")[0]
    click.echo(
        _(
            "A new cache: {t:,} tickets from the platforms. The saved work is back:"
            " {sent} changes delivered now (each checked with its platform first),"
            " {q} in the outbox, {d} drafts."
        ).format(t=tickets, sent=summary.pushed, q=queued, d=drafts)
    )
    waiting = sum(1 for _p in data_dir.glob(salvaging.PATTERN))
    if waiting:
        click.echo(
            _("Some saved work waits for tickets not synced yet; it goes back when they are."),
            err=True,
        )
    if summary.errors:
        raise Fail("; ".join(f"{k}: {v}" for k, v in summary.errors.items()))

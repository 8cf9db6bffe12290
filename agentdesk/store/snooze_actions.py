"""Snoozing as the agent's actions (`z`): recorded in the cache for the agent
(store/snooze.py), and sent as a Snooze op where the ticket's platform snoozes (Chatwoot),
in the same transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from agentdesk.i18n import _
from agentdesk.ops import Change, SetStatus, Snooze
from agentdesk.store import snooze as snoozes
from agentdesk.store.actions import ActionContext, ActionRefused, Outcome, queue_planned
from agentdesk.store.db import Store, now


def snooze(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    until: int,
    note: str = "",
    *,
    action_id: str | None = None,
) -> Outcome:
    """Set tickets aside for this agent until `until` (store/snooze.py); on a platform that
    snoozes, a Snooze op takes it there too, in the same transaction."""
    if until <= now():
        raise ActionRefused(_("that time has already passed"))

    def plan(conn: sqlite3.Connection, ticket: sqlite3.Row) -> list[Change]:
        return [Snooze(until)] if _carries(ctx, ticket, Snooze.kind) else []

    def after(conn: sqlite3.Connection, ticket: sqlite3.Row) -> None:
        snoozes.put(conn, ticket["id"], ctx.actor.key, until, note)

    return queue_planned(store, ctx, ticket_ids, plan, action_id=action_id, after=after)


def wake(
    store: Store, ctx: ActionContext, ticket_ids: Sequence[int], *, action_id: str | None = None
) -> Outcome:
    """Bring snoozed tickets back now; one snoozed on the platform is reopened there."""

    def plan(conn: sqlite3.Connection, ticket: sqlite3.Row) -> list[Change]:
        asleep_there = ticket["status"] == "on_hold" and _carries(ctx, ticket, Snooze.kind)
        return [SetStatus("open")] if asleep_there else []

    def after(conn: sqlite3.Connection, ticket: sqlite3.Row) -> None:
        if not snoozes.remove(conn, ticket["id"], ctx.actor.key):
            raise ActionRefused(_("the ticket is not snoozed"))

    return queue_planned(store, ctx, ticket_ids, plan, action_id=action_id, after=after)


def _carries(ctx: ActionContext, ticket: sqlite3.Row, kind: str) -> bool:
    return ctx.unsupported(ticket["connector"], kind) is None

"""What every automation shares (rules, auto-assignment, the order-status bot): acting on a
ticket once under its own name, with the firing recorded in the ops' own transaction, and
remembering what it read. `agentdesk rules log` reads the firings back."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from agentdesk.ops import Change
from agentdesk.rules.model import ACTOR_PREFIX
from agentdesk.store import actions
from agentdesk.store.actions import ActionContext
from agentdesk.store.db import Store
from agentdesk.store.outbox import Actor

log = logging.getLogger("agentdesk.store.automation")


@dataclass
class Firing:
    rule: str
    ticket_id: int
    ticket: str  # the ticket's number as people say it
    occurrence: str
    outcome: str  # queued, skipped, limited; `would` for a dry run
    detail: str = ""
    actions: list[str] = field(default_factory=list)


def act(
    store: Store,
    ctx: ActionContext,
    firing: Firing,
    plan: Callable[[sqlite3.Connection, sqlite3.Row], list[Change]],
    t: int,
    *,
    action_id: str,
    also: Callable[[sqlite3.Connection, sqlite3.Row], None] | None = None,
    record_skips: bool = True,
) -> Firing:
    """Queue an automation's ops on one ticket under its own name (`rule:<name>`), with the
    firing recorded (and `also` done) in the ops' own transaction. Refused ops: the firing
    says why, and is recorded unless `record_skips` is off (then the next pass tries again)."""

    def record(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        insert_firing(conn, firing, t)
        if also is not None:
            also(conn, row)

    actor = Actor(ACTOR_PREFIX + firing.rule, firing.rule)
    outcome = actions.automated(
        store,
        ActionContext(actor, ctx.policies, ctx.platforms),
        firing.ticket_id,
        plan,
        action_id=action_id,
        after=record,
    )
    if outcome.skipped:
        firing.outcome, firing.detail = "skipped", outcome.skipped[0][2]
        if record_skips:
            log.warning("%s: ticket %s: %s", firing.rule, firing.ticket, firing.detail)
            record_firing(store, firing, t)
    return firing


def fired_before(store: Store, rule: str, ticket_id: int, occurrence: str) -> bool:
    return (
        store.one(
            "SELECT 1 FROM rule_firings WHERE rule = ? AND ticket_id = ? AND occurrence = ?",
            (rule, ticket_id, occurrence),
        )
        is not None
    )


def record_firing(store: Store, firing: Firing, t: int) -> None:
    with store.write() as conn:
        insert_firing(conn, firing, t)


def insert_firing(conn: sqlite3.Connection, firing: Firing, t: int) -> None:
    conn.execute(
        "INSERT INTO rule_firings (rule, ticket_id, occurrence, at, outcome, detail, actions)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule, ticket_id, occurrence) DO NOTHING",
        (
            firing.rule,
            firing.ticket_id,
            firing.occurrence,
            t,
            firing.outcome,
            firing.detail or None,
            json.dumps(firing.actions, ensure_ascii=False),
        ),
    )


def start_cursor(store: Store, name: str, table: str) -> int:
    """A cursor over `table`'s ids; on first use it starts at the end, so an automation
    acts on what happens from then on, not on a cache's history."""
    row = store.one("SELECT value FROM rule_cursors WHERE name = ?", (name,))
    if row is not None:
        return row[0]
    with store.write() as conn:
        conn.execute(
            f"INSERT INTO rule_cursors (name, value) SELECT ?, coalesce(max(id), 0) FROM {table}"
            " WHERE true ON CONFLICT (name) DO NOTHING",  # WHERE: how SQLite reads an upsert here
            (name,),
        )
    return store.one("SELECT value FROM rule_cursors WHERE name = ?", (name,))[0]


def fired_log(store: Store, since: int) -> list[sqlite3.Row]:
    """What rules did since a time, newest first (`agentdesk rules log`)."""
    return store.query(
        "SELECT f.at, f.rule, f.outcome, f.detail, f.actions, f.occurrence, t.remote_id"
        " FROM rule_firings f JOIN tickets t ON t.id = f.ticket_id WHERE f.at >= ?"
        " ORDER BY f.at DESC, f.id DESC",
        (since,),
    )

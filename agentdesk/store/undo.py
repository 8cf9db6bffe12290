"""Taking an action back: a solve, a transfer or a bulk action is held for a few seconds.

Its ops are queued with `next_attempt_at` at the end of the window, so the engine leaves
them alone until then, and what the tickets looked like before is kept beside them. Undo,
inside the window, removes the ops (and a queued note or reply from the thread) and puts
back each ticket's status, priority, assignee, team and tags, then re-applies whatever
else is still waiting to be sent for it. Once the engine has taken an op, it is too late:
it may be on its way to the platform, and undo says so rather than half-undoing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from agentdesk.i18n import _
from agentdesk.store import changes
from agentdesk.store.db import Store, now
from agentdesk.store.derive import Aggregates, MessageFacts, refresh_derived, reindex
from agentdesk.store.outbox_effects import rebase_pending

_FIELDS = ("status", "priority", "assignee_id", "team_id")


class UndoError(Exception):
    """Nothing (more) to take back; the message says why, for the agent."""


@dataclass(frozen=True)
class Held:
    action_id: str
    until: int  # epoch seconds: the ops go out after this


def snapshot(conn: sqlite3.Connection, ticket_id: int) -> dict[str, Any]:
    """What undo puts back on a ticket."""
    row = conn.execute(
        f"SELECT {', '.join(_FIELDS)} FROM tickets WHERE id = ?", (ticket_id,)
    ).fetchone()
    tags = [
        r[0]
        for r in conn.execute(
            "SELECT tag FROM ticket_tags WHERE ticket_id = ? ORDER BY tag", (ticket_id,)
        )
    ]
    return {**{f: row[f] for f in _FIELDS}, "tags": tags}


def record(
    conn: sqlite3.Connection,
    action_id: str,
    agent_key: str,
    until: int,
    op_uuids: list[str],
    before: dict[int, dict],
) -> None:
    conn.execute("DELETE FROM held_actions WHERE release_at <= ?", (now(),))  # closed windows
    conn.execute(
        "INSERT OR REPLACE INTO held_actions (action_id, agent_key, release_at, op_uuids, before)"
        " VALUES (?, ?, ?, ?, ?)",
        (action_id, agent_key, until, json.dumps(op_uuids), json.dumps(before)),
    )


def undo(store: Store, action_id: str, policies=()) -> int:
    """Take a held action back; returns how many tickets it touched. UndoError when its
    window has closed or the engine has already taken one of its ops."""
    with store.write() as conn:
        held = conn.execute(
            "SELECT * FROM held_actions WHERE action_id = ?", (action_id,)
        ).fetchone()
        if held is None:
            raise UndoError(_("nothing to undo"))
        uuids = json.loads(held["op_uuids"])
        marks = ", ".join("?" * len(uuids))
        ops = conn.execute(f"SELECT * FROM outbox WHERE uuid IN ({marks})", uuids).fetchall()
        if len(ops) != len(uuids) or any(op["state"] != "queued" or op["attempts"] for op in ops):
            raise UndoError(_("too late to undo: it has gone to the platform"))
        for op in ops:
            conn.execute("DELETE FROM outbox WHERE id = ?", (op["id"],))
            if op["message_id"] is not None:
                conn.execute("DELETE FROM messages WHERE id = ?", (op["message_id"],))
        before = {int(k): v for k, v in json.loads(held["before"]).items()}
        for tid, fields in before.items():
            _restore(conn, tid, fields, policies)
        conn.execute("DELETE FROM held_actions WHERE action_id = ?", (action_id,))
        changes.record(conn, "ticket", list(before))
        changes.record(conn, "outbox")
    return len(before)


def _restore(conn: sqlite3.Connection, tid: int, fields: dict, policies) -> None:
    conn.execute(
        f"UPDATE tickets SET {', '.join(f'{f} = ?' for f in _FIELDS)}, updated_at = ? WHERE id = ?",
        (*(fields[f] for f in _FIELDS), now(), tid),
    )
    conn.execute("DELETE FROM ticket_tags WHERE ticket_id = ?", (tid,))
    conn.executemany(
        "INSERT INTO ticket_tags (tag, ticket_id) VALUES (?, ?)", [(t, tid) for t in fields["tags"]]
    )
    _recount(conn, tid)
    rebase_pending(conn, tid)  # what else waits to be sent for this ticket shows again
    refresh_derived(conn, tid, policies)
    reindex(conn, tid)


def _recount(conn: sqlite3.Connection, tid: int) -> None:
    """The thread's figures from its messages, now that a queued one may have left it."""
    agg = Aggregates()
    for m in conn.execute(
        "SELECT author_kind, internal, body, created_at FROM messages WHERE ticket_id = ?"
        " ORDER BY created_at, id",
        (tid,),
    ):
        agg.add(MessageFacts(m[0], bool(m[1]), m[2], m[3]))
    conn.execute(f"UPDATE tickets SET {Aggregates.COLUMNS} WHERE id = ?", (*agg.values(), tid))

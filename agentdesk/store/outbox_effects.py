"""The local, optimistic effect of an outbox op on its ticket row.

Applied once when the op is enqueued, and again after every remote update of the ticket
until the op is delivered, so a stale remote state never flips the agent's change back.
"""

from __future__ import annotations

import json
import sqlite3


def apply_effect(conn: sqlite3.Connection, ticket_id: int, kind: str, payload: dict) -> None:
    if kind == "status":
        conn.execute("UPDATE tickets SET status = ? WHERE id = ?", (payload["status"], ticket_id))
    elif kind == "assign":
        conn.execute(
            "UPDATE tickets SET assignee_id = ? WHERE id = ?", (payload.get("agent_id"), ticket_id)
        )
    elif kind == "transfer":
        if "team_id" in payload:
            conn.execute(
                "UPDATE tickets SET team_id = ? WHERE id = ?", (payload["team_id"], ticket_id)
            )
        conn.execute(
            "UPDATE tickets SET assignee_id = ? WHERE id = ?", (payload.get("agent_id"), ticket_id)
        )
    elif kind == "priority":
        conn.execute(
            "UPDATE tickets SET priority = ? WHERE id = ?", (payload["priority"], ticket_id)
        )
    elif kind == "tags":
        conn.executemany(
            "INSERT OR IGNORE INTO ticket_tags (tag, ticket_id) VALUES (?, ?)",
            [(t, ticket_id) for t in payload.get("add", [])],
        )
        conn.executemany(
            "DELETE FROM ticket_tags WHERE tag = ? AND ticket_id = ?",
            [(t, ticket_id) for t in payload.get("remove", [])],
        )
    # reply and note: their effect is the message row written at enqueue time.


def rebase_pending(conn: sqlite3.Connection, ticket_id: int) -> None:
    """Re-apply every undelivered field op of a ticket, oldest first."""
    rows = conn.execute(
        "SELECT kind, payload FROM outbox WHERE ticket_id = ? AND state IN ('queued', 'sending')"
        " AND kind IN ('status', 'assign', 'transfer', 'tags', 'priority') ORDER BY id",
        (ticket_id,),
    ).fetchall()
    for row in rows:
        apply_effect(conn, ticket_id, row["kind"], json.loads(row["payload"]))

"""The local, optimistic effect of an outbox op on its ticket row.

Applied once when the op is queued, and again after every remote update of the ticket
until the op is delivered, so a stale remote state never flips the agent's change back.
"""

from __future__ import annotations

import json
import sqlite3

from agentdesk.ops import (
    FIELD_KINDS,
    Assign,
    Change,
    InvalidOp,
    Note,
    Reply,
    SetPriority,
    SetStatus,
    Snooze,
    Tags,
    Transfer,
    decode,
)


def apply_effect(conn: sqlite3.Connection, ticket_id: int, change: Change) -> None:
    match change:
        case SetStatus(status=status):
            conn.execute("UPDATE tickets SET status = ? WHERE id = ?", (status, ticket_id))
        case SetPriority(priority=priority):
            conn.execute("UPDATE tickets SET priority = ? WHERE id = ?", (priority, ticket_id))
        case Assign(agent=agent):
            conn.execute(
                "UPDATE tickets SET assignee_id = ? WHERE id = ?",
                (agent.local_id if agent else None, ticket_id),
            )
        case Transfer(team=team, agent=agent):
            if team is not None:
                conn.execute(
                    "UPDATE tickets SET team_id = ? WHERE id = ?", (team.local_id, ticket_id)
                )
            conn.execute(
                "UPDATE tickets SET assignee_id = ? WHERE id = ?",
                (agent.local_id if agent else None, ticket_id),
            )
        case Tags(add=add, remove=remove):
            conn.executemany(
                "INSERT OR IGNORE INTO ticket_tags (tag, ticket_id) VALUES (?, ?)",
                [(t, ticket_id) for t in add],
            )
            conn.executemany(
                "DELETE FROM ticket_tags WHERE tag = ? AND ticket_id = ?",
                [(t, ticket_id) for t in remove],
            )
        case Snooze():
            # What the platform shows once it has it (Chatwoot: snoozed, read as on hold).
            conn.execute("UPDATE tickets SET status = 'on_hold' WHERE id = ?", (ticket_id,))
        case Reply() | Note():
            pass  # their effect is the message row written when they are queued


def rebase_pending(conn: sqlite3.Connection, ticket_id: int) -> None:
    """Re-apply every undelivered field op of a ticket, oldest first."""
    kinds = sorted(FIELD_KINDS)
    rows = conn.execute(
        "SELECT kind, payload FROM outbox WHERE ticket_id = ? AND state IN ('queued', 'sending')"
        f" AND kind IN ({', '.join('?' * len(kinds))}) ORDER BY id",
        (ticket_id, *kinds),
    ).fetchall()
    for row in rows:
        try:
            apply_effect(conn, ticket_id, decode(row["kind"], json.loads(row["payload"])))
        except (InvalidOp, KeyError, ValueError):
            continue  # an op this version cannot read fails when claimed, with the reason

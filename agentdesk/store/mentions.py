"""Mentions of colleagues in internal notes, recorded when a note enters the cache (synced
from the platform or queued here), so a colleague's console finds them in its Mentions view
and announces them (agentdesk/mention_names.py reads the names)."""

from __future__ import annotations

import sqlite3

from agentdesk.mention_names import Colleague, mentioned
from agentdesk.store.db import Store


def record(
    conn: sqlite3.Connection, ticket_id: int, message_id: int, body: str, at: int
) -> set[int]:
    """Record whom a note mentions among the agents of the ticket's connector."""
    if "@" not in body:
        return set()
    people = [
        Colleague(r[0], r[1], r[2])
        for r in conn.execute(
            "SELECT a.id, a.name, a.email FROM agents a JOIN tickets t"
            " ON t.connector = a.connector WHERE t.id = ?",
            (ticket_id,),
        )
    ]
    ids = mentioned(body, people)
    conn.executemany(
        "INSERT OR IGNORE INTO mentions (ticket_id, message_id, agent_id, at) VALUES (?, ?, ?, ?)",
        [(ticket_id, message_id, agent_id, at) for agent_id in sorted(ids)],
    )
    return ids


def record_inserted(conn: sqlite3.Connection, notes: list[tuple[int, str, str, int]]) -> None:
    """Mentions in notes just inserted in bulk (ticket, remote id, body, created_at), found
    by their new rows' ids; only a note with an `@` is looked up."""
    for ticket_id, remote_id, body, at in notes:
        if "@" not in body:
            continue
        found = conn.execute(
            "SELECT id FROM messages WHERE ticket_id = ? AND remote_id = ?", (ticket_id, remote_id)
        ).fetchone()
        if found:
            record(conn, ticket_id, found[0], body, at)


def colleagues(store: Store, ticket_id: int, me: str) -> list[str]:
    """The names `@` offers in a note on this ticket: the other agents of its connector."""
    rows = store.query(
        "SELECT a.name FROM agents a JOIN tickets t ON t.connector = a.connector"
        " WHERE t.id = ? AND NOT (a.email = ? COLLATE NOCASE OR a.remote_id = ?)"
        " ORDER BY a.name",
        (ticket_id, me, me),
    )
    return [r[0] for r in rows]

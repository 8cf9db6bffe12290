"""An agent's snoozes: a ticket set aside until a time leaves that agent's views, shows in
their Snoozed view, and comes back as a reminder at the time or as soon as the customer
writes. The snooze is the agent's own (other agents' views are untouched) and lives in the
cache; on a platform that snoozes (Chatwoot) a Snooze op carries it there too
(store/snooze_actions.py).

A snooze is asleep while `woke_at IS NULL AND until > now`; past its time it is back in the
views at once, and the console's notifier marks it woken (`due_to_wake`), so nothing has to
run at the moment itself."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from agentdesk.store.db import Store, now

# The tickets asleep for an agent: a small set, so `t.id NOT IN (…)` is one lookup per row
# that the view's own index already carries (rowid), and counts stay index-only.
ASLEEP = "SELECT ticket_id FROM snoozes WHERE agent_key = ? AND woke_at IS NULL AND until > ?"


@dataclass(frozen=True)
class Woken:
    ticket_id: int
    remote_id: str
    subject: str
    note: str
    reason: str  # time | customer


@dataclass(frozen=True)
class SnoozeState:
    until: int
    note: str
    woke_at: int | None

    def asleep(self, at: int) -> bool:
        return self.woke_at is None and self.until > at


def put(conn: sqlite3.Connection, ticket_id: int, agent_key: str, until: int, note: str) -> None:
    """Snooze (or snooze again, replacing the last one)."""
    conn.execute(
        "INSERT OR REPLACE INTO snoozes (ticket_id, agent_key, until, note, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ticket_id, agent_key, until, note.strip(), now()),
    )


def remove(conn: sqlite3.Connection, ticket_id: int, agent_key: str) -> bool:
    cur = conn.execute(
        "DELETE FROM snoozes WHERE ticket_id = ? AND agent_key = ?", (ticket_id, agent_key)
    )
    return cur.rowcount > 0


def clear_reminder(conn: sqlite3.Connection, ticket_id: int, agent_key: str) -> None:
    """The agent acted on a ticket that came back: the reminder has done its job."""
    conn.execute(
        "DELETE FROM snoozes WHERE ticket_id = ? AND agent_key = ?"
        " AND (woke_at IS NOT NULL OR until <= ?)",
        (ticket_id, agent_key, now()),
    )


def wake_on_customer(conn: sqlite3.Connection, ticket_id: int, written_at: int) -> None:
    """A customer wrote after the ticket was snoozed: it comes back now (ingest calls this
    in the same transaction as the message)."""
    conn.execute(
        "UPDATE snoozes SET woke_at = ?, woke_reason = 'customer' WHERE ticket_id = ?"
        " AND woke_at IS NULL AND until > ? AND created_at <= ?",
        (now(), ticket_id, now(), written_at),
    )


def due_to_wake(store: Store, agent_key: str) -> list[Woken]:
    """Snoozes of the agent that are back and not yet announced: marks them woken and
    announced in one transaction, so a restart announces each once."""
    at = now()
    with store.write() as conn:
        rows = conn.execute(
            "SELECT s.ticket_id, s.note, s.woke_at, s.woke_reason, t.remote_id, t.subject"
            " FROM snoozes s JOIN tickets t ON t.id = s.ticket_id"
            " WHERE s.agent_key = ? AND s.notified = 0 AND (s.woke_at IS NOT NULL OR s.until <= ?)",
            (agent_key, at),
        ).fetchall()
        conn.executemany(
            "UPDATE snoozes SET notified = 1, woke_at = ifnull(woke_at, until),"
            " woke_reason = ifnull(woke_reason, 'time') WHERE ticket_id = ? AND agent_key = ?",
            [(r["ticket_id"], agent_key) for r in rows],
        )
    return [
        Woken(r["ticket_id"], r["remote_id"], r["subject"], r["note"], r["woke_reason"] or "time")
        for r in rows
    ]


def state(store: Store, ticket_id: int, agent_key: str) -> SnoozeState | None:
    row = store.one(
        "SELECT until, note, woke_at FROM snoozes WHERE ticket_id = ? AND agent_key = ?",
        (ticket_id, agent_key),
    )
    return SnoozeState(row["until"], row["note"], row["woke_at"]) if row else None

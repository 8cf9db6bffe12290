"""Saving attachments: the agent asks (one row per attachment), the engine fetches the
content from the platform and writes the file, the conversation shows where it went.

Content is never kept in the cache: a mailbox full of photos would make it gigabytes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from agentdesk.store import changes
from agentdesk.store.db import Store, now


@dataclass(frozen=True)
class SaveRequest:
    id: int
    connector: str
    ticket_remote_id: str
    name: str
    remote_ref: str | None


def request_saves(store: Store, ticket_id: int) -> int:
    """Ask for every attachment of a ticket not saved yet; returns how many were asked for."""
    asked = 0
    with store.write() as conn:
        rows = conn.execute(
            "SELECT m.id, m.attachments, t.connector FROM messages m JOIN tickets t ON t.id = m.ticket_id"
            " WHERE m.ticket_id = ? AND m.attachments != '[]'",
            (ticket_id,),
        ).fetchall()
        for row in rows:
            for part, _a in enumerate(json.loads(row["attachments"])):
                cur = conn.execute(
                    "INSERT INTO attachment_saves (connector, message_id, part, state, created_at, updated_at)"
                    " VALUES (?, ?, ?, 'queued', ?, ?)"
                    " ON CONFLICT (message_id, part) DO UPDATE SET state = 'queued', error = NULL,"
                    " updated_at = excluded.updated_at WHERE attachment_saves.state = 'failed'",
                    (row["connector"], row["id"], part, now(), now()),
                )
                asked += cur.rowcount
        if asked:
            changes.record(conn, "ticket", [ticket_id])
    return asked


def next_save(store: Store, connector: str) -> SaveRequest | None:
    row = store.one(
        "SELECT s.id, s.part, m.attachments, t.remote_id FROM attachment_saves s"
        " JOIN messages m ON m.id = s.message_id JOIN tickets t ON t.id = m.ticket_id"
        " WHERE s.connector = ? AND s.state = 'queued' ORDER BY s.id LIMIT 1",
        (connector,),
    )
    if row is None:
        return None
    listed = json.loads(row["attachments"])
    a = listed[row["part"]] if row["part"] < len(listed) else {}
    return SaveRequest(
        row["id"], connector, row["remote_id"], a.get("name") or "", a.get("remote_ref")
    )


def _finish(store: Store, save_id: int, state: str, path: str | None, error: str | None) -> None:
    with store.write() as conn:
        conn.execute(
            "UPDATE attachment_saves SET state = ?, path = ?, error = ?, updated_at = ? WHERE id = ?",
            (state, path, error, now(), save_id),
        )
        ticket = conn.execute(
            "SELECT m.ticket_id FROM attachment_saves s JOIN messages m ON m.id = s.message_id"
            " WHERE s.id = ?",
            (save_id,),
        ).fetchone()
        if ticket is not None:
            changes.record(conn, "ticket", [ticket[0]])


def mark_saved(store: Store, save_id: int, path: str) -> None:
    _finish(store, save_id, "saved", path, None)


def mark_save_failed(store: Store, save_id: int, error: str) -> None:
    _finish(store, save_id, "failed", None, error)


def saves_for(store: Store, message_ids: list[int]) -> dict[tuple[int, int], sqlite3.Row]:
    """(message id, part) -> the save's state, path and error, for the conversation."""
    if not message_ids:
        return {}
    marks = ", ".join("?" * len(message_ids))
    return {
        (r["message_id"], r["part"]): r
        for r in store.query(
            f"SELECT message_id, part, state, path, error FROM attachment_saves WHERE message_id IN ({marks})",
            tuple(message_ids),
        )
    }

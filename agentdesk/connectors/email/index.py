"""The e-mail connector's own record of tickets: a mailbox has no tickets, so we keep them.

A small SQLite file in the connector's state folder (not the cache: connectors know nothing
of it). It maps every Message-ID seen to its ticket, numbers tickets for the `[#1234]`
subject tag, and holds each ticket's state (status, owner, tags) as a platform would.
Re-reading mail already indexed (a restart, a UIDVALIDITY change) finds the same ticket.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from agentdesk.file_modes import create_private, keep_private, private_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    customer_addr TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    priority TEXT NOT NULL DEFAULT 'normal',
    assignee TEXT,
    team TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0  -- bumped on every change: the index's change log
);
CREATE INDEX IF NOT EXISTS tickets_rev ON tickets (rev);
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_ticket ON messages (ticket_id, seq);
CREATE TABLE IF NOT EXISTS applied_ops (uuid TEXT PRIMARY KEY, remote_id TEXT NOT NULL);
-- Where a reply's SMTP conversation got to, written (and synced) before the step it names:
-- 'data' before the message data goes out, 'accepted' once the server said 250 to it.
CREATE TABLE IF NOT EXISTS sends (
    op_uuid TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('data', 'accepted')),
    at INTEGER NOT NULL
);
"""
_TAG = re.compile(r"\[#(\d{1,9})\]")
_OURS = re.compile(r"<agentdesk-t(\d{1,9})-")
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)


@dataclass
class IndexedTicket:
    id: int
    subject: str
    customer_addr: str
    customer_name: str
    status: str
    priority: str
    assignee: str | None
    team: str | None
    tags: list[str] = field(default_factory=list)
    created_at: int = 0
    updated_at: int = 0
    rev: int = 0


def our_message_id(ticket_id: int, op_uuid: str, domain: str) -> str:
    """Our outgoing Message-ID names the ticket, so a reply threads even without References."""
    return f"<agentdesk-t{ticket_id}-{op_uuid}@{domain}>"


def base_subject(subject: str) -> str:
    """The subject without Re:/Fwd: prefixes and our ticket tag."""
    return _TAG.sub("", _REPLY_PREFIX.sub("", subject)).strip()


class MailIndex:
    def __init__(self, path: Path):
        # Customers' names, addresses and subjects: private, as the cache is (SQLite gives
        # its -wal and -shm files the mode of the file).
        private_dir(path.parent)
        os.close(create_private(path))
        keep_private(path)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        # A send's record must be on disk before the step it announces (see `sends`).
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        # Pull and push run in different threads; one lock keeps their writes whole.
        self._lock = threading.Lock()

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[None]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _next_rev(self) -> int:
        return self._conn.execute("SELECT COALESCE(MAX(rev), 0) + 1 FROM tickets").fetchone()[0]

    def ticket(self, ticket_id: int) -> IndexedTicket | None:
        row = self._conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        return _indexed(row) if row is not None else None

    def changed_since(self, rev: int, limit: int = 500) -> list[IndexedTicket]:
        """Tickets whose state changed after `rev`, oldest change first."""
        rows = self._conn.execute(
            "SELECT * FROM tickets WHERE rev > ? ORDER BY rev LIMIT ?", (rev, limit)
        )
        return [_indexed(r) for r in rows]

    def ticket_of(self, message_id: str) -> int | None:
        row = self._conn.execute(
            "SELECT ticket_id FROM messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        return row[0] if row else None

    def thread_ids(self, ticket_id: int) -> list[str]:
        rows = self._conn.execute(
            "SELECT message_id FROM messages WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
        )
        return [r[0] for r in rows]

    def find_thread(
        self, in_reply_to: list[str], references: list[str], subject: str
    ) -> int | None:
        """In-Reply-To, then References (newest first), then a `[#1234]` tag in the subject."""
        for mid in [*in_reply_to, *reversed(references)]:
            found = self.ticket_of(mid)
            if found is not None:
                return found
            ours = _OURS.match(mid)
            if ours and self.ticket(int(ours.group(1))) is not None:
                return int(ours.group(1))
        tag = _TAG.search(subject)
        if tag and self.ticket(int(tag.group(1))) is not None:
            return int(tag.group(1))
        return None

    def add_message(
        self,
        message_id: str,
        *,
        thread: int | None,
        subject: str,
        addr: str,
        name: str,
        at: int,
        from_customer: bool,
    ) -> tuple[IndexedTicket, bool]:
        """Record a message; returns its ticket and whether the message was new to us."""
        with self._tx():
            known = self.ticket_of(message_id)
            if known is not None:
                return self.ticket(known), False  # type: ignore[return-value]
            if thread is None:
                thread = self._conn.execute(
                    "INSERT INTO tickets (subject, customer_addr, customer_name, created_at,"
                    " updated_at, rev) VALUES (?, ?, ?, ?, ?, ?)",
                    (base_subject(subject) or "(no subject)", addr, name, at, at, self._next_rev()),
                ).lastrowid
            elif from_customer:
                # The customer wrote again: a pending or solved ticket is open again.
                self._conn.execute(
                    "UPDATE tickets SET status = CASE WHEN status IN ('pending', 'on_hold',"
                    " 'solved', 'closed') THEN 'open' ELSE status END,"
                    " updated_at = MAX(updated_at, ?), rev = ? WHERE id = ?",
                    (at, self._next_rev(), thread),
                )
            self._record(message_id, thread)
            return self.ticket(thread), True  # type: ignore[arg-type,return-value]

    def _record(self, message_id: str, ticket_id: int) -> None:
        self._conn.execute(
            "INSERT OR IGNORE INTO messages (message_id, ticket_id, seq)"
            " VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages))",
            (message_id, ticket_id),
        )

    def send_state(self, op_uuid: str) -> str | None:
        """'data' (the message data went out, the server's answer was not seen), 'accepted'
        (the server took it), or None (no message data ever left for this op)."""
        row = self._conn.execute("SELECT state FROM sends WHERE op_uuid = ?", (op_uuid,)).fetchone()
        return row[0] if row else None

    def mark_send(self, op_uuid: str, message_id: str, ticket_id: int, state: str, at: int) -> None:
        with self._tx():
            self._conn.execute(
                "INSERT INTO sends (op_uuid, message_id, ticket_id, state, at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (op_uuid) DO UPDATE SET state = excluded.state, at = excluded.at",
                (op_uuid, message_id, ticket_id, state, at),
            )

    def record_sent(self, message_id: str, ticket_id: int) -> None:
        with self._tx():
            self._record(message_id, ticket_id)

    def update(self, ticket_id: int, at: int, **fields) -> None:
        """Set ticket fields (status, priority, assignee, team, tags) as the platform would."""
        if "tags" in fields:
            fields["tags"] = json.dumps(sorted(set(fields["tags"])), ensure_ascii=False)
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._tx():
            self._conn.execute(
                f"UPDATE tickets SET {sets}, updated_at = MAX(updated_at, ?), rev = ? WHERE id = ?",
                (*fields.values(), at, self._next_rev(), ticket_id),
            )

    def applied(self, op_uuid: str) -> str | None:
        row = self._conn.execute(
            "SELECT remote_id FROM applied_ops WHERE uuid = ?", (op_uuid,)
        ).fetchone()
        return row[0] if row else None

    def mark_applied(self, op_uuid: str, remote_id: str) -> None:
        with self._tx():
            self._conn.execute(
                "INSERT OR REPLACE INTO applied_ops (uuid, remote_id) VALUES (?, ?)",
                (op_uuid, remote_id),
            )


def _indexed(row: sqlite3.Row) -> IndexedTicket:
    d = dict(row)
    d["tags"] = json.loads(d["tags"])
    return IndexedTicket(**d)

"""The change log: what moved since a sequence number, for other processes to catch up.

A reader first compares PRAGMA data_version (free); only when it moved does it read the
few rows of `changes` after the last sequence number it saw.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from agentdesk.store.db import Store, now

KEEP_ROWS = 20_000
# Past this many tickets in one transaction, record one "tickets" row instead of one each:
# a reader then refreshes everything, which is cheaper than reading thousands of rows.
MANY = 500


def record(conn: sqlite3.Connection, kind: str, ref_ids: Iterable[int | None] = (None,)) -> None:
    """Append change rows inside the caller's write transaction."""
    ids = list(ref_ids)
    at = now()
    if kind == "ticket" and len(ids) > MANY:
        conn.execute("INSERT INTO changes (kind, ref_id, at) VALUES ('tickets', NULL, ?)", (at,))
        return
    conn.executemany(
        "INSERT INTO changes (kind, ref_id, at) VALUES (?, ?, ?)", [(kind, i, at) for i in ids]
    )


def prune(conn: sqlite3.Connection) -> None:
    conn.execute(
        "DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?", (KEEP_ROWS,)
    )


@dataclass
class ChangeSet:
    seq: int
    kinds: set[str] = field(default_factory=set)
    ticket_ids: set[int] = field(default_factory=set)
    everything: bool = False  # too far behind, or a bulk change: refresh all

    def __bool__(self) -> bool:
        return bool(self.kinds) or self.everything


def latest_seq(store: Store) -> int:
    return store.one("SELECT ifnull(max(seq), 0) FROM changes")[0]


def changes_since(store: Store, seq: int) -> ChangeSet:
    rows = store.query("SELECT seq, kind, ref_id FROM changes WHERE seq > ? ORDER BY seq", (seq,))
    result = ChangeSet(seq)
    if rows and seq and rows[0]["seq"] > seq + 1:
        result.everything = True  # rows we had not seen were pruned
    for r in rows:
        result.seq = r["seq"]
        result.kinds.add(r["kind"])
        if r["kind"] == "ticket" and r["ref_id"] is not None:
            result.ticket_ids.add(r["ref_id"])
        elif r["kind"] == "tickets":
            result.everything = True
    return result

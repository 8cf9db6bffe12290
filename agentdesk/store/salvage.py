"""What only the cache holds, carried across a damaged cache: unsent ops and drafts.

Everything else in the cache came from the platforms and comes back with a sync. `salvage`
reads the outbox's undelivered ops and every draft out of the cache, row by row where a
damaged page stops a whole read, into `<data dir>/salvage-<time>.json`. The engine takes
such files back (`take_back`) once the tickets they belong to are in a healthy cache again:
each op keeps its uuid and is checked with its platform before it is sent (it may have been
delivered just before the damage), so nothing is sent twice; a draft never overwrites one
written since.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from agentdesk.file_modes import create_private
from agentdesk.ops import FIELD_KINDS, InvalidOp, Note, Reply, decode
from agentdesk.store import changes
from agentdesk.store.db import Store, now
from agentdesk.store.derive import refresh_derived, reindex
from agentdesk.store.outbox import my_agent
from agentdesk.store.outbox_effects import apply_effect

PATTERN = "salvage-*.json"
_CHUNK = 500

_OPS = (
    "SELECT o.uuid, o.kind, o.payload, o.state, o.agent_key, o.created_at, o.last_error,"
    " t.connector, t.remote_id AS ticket FROM outbox o JOIN tickets t ON t.id = o.ticket_id"
    " WHERE o.state IN ('queued', 'sending', 'failed') AND o.rowid BETWEEN ? AND ?"
)
_DRAFTS = (
    "SELECT d.agent_key, d.kind, d.body, d.basis, d.started_at, t.connector,"
    " t.remote_id AS ticket FROM drafts d JOIN tickets t ON t.id = d.ticket_id"
    " WHERE d.rowid BETWEEN ? AND ?"
)


@dataclass
class Salvaged:
    ops: list[dict] = field(default_factory=list)
    drafts: list[dict] = field(default_factory=list)
    unreadable: int = 0  # rows a damaged page kept from us
    path: Path | None = None


def _rows(conn: sqlite3.Connection, table: str, sql: str, out: Salvaged) -> list[dict]:
    """Every row `sql` yields, read a chunk at a time and, where a chunk fails, row by row."""
    try:
        top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = 1_000_000  # the table's b-tree is damaged at its edge: walk as far as it goes
    found: list[dict] = []
    for start in range(1, top + 1, _CHUNK):
        end = start + _CHUNK - 1
        try:
            found += [dict(r) for r in conn.execute(sql, (start, end))]
            continue
        except sqlite3.DatabaseError:
            pass
        for rowid in range(start, end + 1):
            try:
                found += [dict(r) for r in conn.execute(sql, (rowid, rowid))]
            except sqlite3.DatabaseError:
                out.unreadable += 1
    return found


def salvage(data_dir: Path) -> Salvaged:
    """Read the undelivered ops and drafts out of the cache into a salvage file."""
    out = Salvaged()
    with Store.open_dir(data_dir, readonly=True) as store:
        out.ops = _rows(store.conn, "outbox", _OPS, out)
        out.drafts = _rows(store.conn, "drafts", _DRAFTS, out)
    if out.ops or out.drafts:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out.path = Path(data_dir) / f"salvage-{stamp}.json"
        with os.fdopen(create_private(out.path, os.O_WRONLY | os.O_TRUNC), "w") as f:
            json.dump({"version": 1, "ops": out.ops, "drafts": out.drafts}, f, ensure_ascii=False)
    return out


@dataclass
class TakenBack:
    ops: int = 0
    drafts: int = 0
    waiting: int = 0  # for tickets the cache does not hold (yet): kept in their file


def take_back(store: Store, data_dir: Path, policies=()) -> TakenBack:
    """Put salvaged ops and drafts back on their tickets; what cannot be placed yet stays."""
    result = TakenBack()
    for path in sorted(Path(data_dir).glob(PATTERN)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        left = {"version": 1, "ops": [], "drafts": []}
        with store.write() as conn:
            for op in data.get("ops", []):
                placed = _place_op(conn, op, policies)
                result.ops += placed is True
                if placed is None:
                    left["ops"].append(op)
            for d in data.get("drafts", []):
                placed = _place_draft(conn, d)
                result.drafts += placed is True
                if placed is None:
                    left["drafts"].append(d)
        result.waiting += len(left["ops"]) + len(left["drafts"])
        if left["ops"] or left["drafts"]:
            path.write_text(json.dumps(left, ensure_ascii=False), encoding="utf-8")
        else:
            path.unlink()
    return result


def _ticket(conn: sqlite3.Connection, item: dict) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT id, connector, remote_id, status FROM tickets WHERE connector = ? AND remote_id = ?",
        (item["connector"], item["ticket"]),
    ).fetchone()


def _place_op(conn: sqlite3.Connection, op: dict, policies) -> bool | None:
    """True: placed; False: already there, or unreadable; None: its ticket is not here yet."""
    if conn.execute("SELECT 1 FROM outbox WHERE uuid = ?", (op["uuid"],)).fetchone():
        return False
    ticket = _ticket(conn, op)
    if ticket is None:
        return None
    try:
        change = decode(op["kind"], json.loads(op["payload"]))
    except (InvalidOp, KeyError, ValueError):
        return False
    tid, ts = ticket["id"], now()
    message_id = None
    if isinstance(change, Reply | Note):
        me = my_agent(conn, ticket["connector"], op["agent_key"])
        message_id = conn.execute(
            "INSERT INTO messages (ticket_id, op_uuid, author_kind, author_name, agent_id, internal,"
            " body, created_at, delivery) VALUES (?, ?, 'agent', ?, ?, ?, ?, ?, ?)",
            (
                tid,
                op["uuid"],
                me["name"] if me else op["agent_key"],
                me["id"] if me else None,
                int(isinstance(change, Note)),
                change.body,
                op["created_at"],
                "failed" if op["state"] == "failed" else "queued",
            ),
        ).lastrowid
        conn.execute("UPDATE tickets SET message_count = message_count + 1 WHERE id = ?", (tid,))
        reindex(conn, tid)
    elif change.kind in FIELD_KINDS and op["state"] != "failed":
        apply_effect(conn, tid, change)
    # It may have reached its platform just before the damage: asked first (ambiguous).
    conn.execute(
        "INSERT INTO outbox (uuid, connector, ticket_id, kind, payload, state, ambiguous,"
        " next_attempt_at, last_error, message_id, agent_key, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
        (
            op["uuid"],
            ticket["connector"],
            tid,
            op["kind"],
            op["payload"],
            "failed" if op["state"] == "failed" else "queued",
            ts,
            op.get("last_error"),
            message_id,
            op["agent_key"],
            op["created_at"],
            ts,
        ),
    )
    refresh_derived(conn, tid, policies)
    changes.record(conn, "ticket", [tid])
    changes.record(conn, "outbox")
    return True


def _place_draft(conn: sqlite3.Connection, d: dict) -> bool | None:
    ticket = _ticket(conn, d)
    if ticket is None:
        return None
    cur = conn.execute(
        "INSERT INTO drafts (ticket_id, agent_key, kind, body, basis, started_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id, agent_key) DO NOTHING",
        (ticket["id"], d["agent_key"], d["kind"], d["body"], d["basis"], d["started_at"], now()),
    )
    return cur.rowcount > 0

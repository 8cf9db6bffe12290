"""What only the cache holds, carried across a damaged cache: unsent ops and drafts.

Everything else in the cache came from the platforms and comes back with a sync. `salvage`
reads the outbox's undelivered ops and every draft out of the cache, row by row where a
damaged page stops a whole read, into `<data dir>/salvage-<time>.json`. The engine takes
such files back (`take_back`) once the tickets they belong to are in a healthy cache again:
each op keeps its uuid and is checked with its platform before it is sent (it may have been
delivered just before the damage), so nothing is sent twice; of two drafts for one ticket
the newer wins. A console that meets the damage while the agent types sets each draft
aside in its own `salvage-console-<pid>.json` (`keep_draft`), taken back the same way.
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
from agentdesk.store import changes, damage
from agentdesk.store.db import Store, now
from agentdesk.store.derive import refresh_derived, reindex
from agentdesk.store.drafts import save_draft
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
    "SELECT d.agent_key, d.kind, d.body, d.basis, d.started_at, d.updated_at, t.connector,"
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
    """The newest words win: a draft written since (or set aside after the salvage) stays."""
    ticket = _ticket(conn, d)
    if ticket is None:
        return None
    cur = conn.execute(
        "INSERT INTO drafts (ticket_id, agent_key, kind, body, basis, started_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id, agent_key) DO UPDATE SET"
        " kind = excluded.kind, body = excluded.body, basis = excluded.basis,"
        " updated_at = excluded.updated_at WHERE excluded.updated_at > drafts.updated_at",
        (
            ticket["id"],
            d["agent_key"],
            d["kind"],
            d["body"],
            d["basis"],
            d["started_at"],
            d.get("updated_at") or d["started_at"],
        ),
    )
    return cur.rowcount > 0


def keep_draft(
    store: Store, ticket_id: int, agent_key: str, kind: str, body: str, basis: dict
) -> Path | None:
    """Write the draft; on a damaged cache, set it aside in a salvage file of this process
    instead (the rebuilt cache takes it back), so words typed after the damage are kept too.
    Returns that file when it was used."""
    try:
        save_draft(store, ticket_id, agent_key, kind, body, basis)
        return None
    except damage.CacheDamaged:
        return _set_aside(store, ticket_id, agent_key, kind, body, basis)


def _set_aside(
    store: Store, ticket_id: int, agent_key: str, kind: str, body: str, basis: dict
) -> Path:
    try:
        row = store.one(
            "SELECT connector, remote_id, subject FROM tickets WHERE id = ?", (ticket_id,)
        )
    except sqlite3.DatabaseError:
        row = None  # the ticket's own page is damaged: the words are still kept, unplaced
    ts = now()
    draft = {
        "agent_key": agent_key,
        "kind": kind,
        "body": body,
        "basis": json.dumps(basis),
        "started_at": ts,
        "updated_at": ts,
        "connector": row["connector"] if row else None,
        "ticket": row["remote_id"] if row else None,
        "subject": row["subject"] if row else None,
        "local_ticket_id": ticket_id,
    }
    path = store.path.parent / f"salvage-console-{os.getpid()}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))["drafts"]
    except (OSError, ValueError, KeyError):
        kept = []
    kept = [d for d in kept if (d["local_ticket_id"], d["agent_key"]) != (ticket_id, agent_key)] + [
        draft
    ]
    # Written whole to a new file, then renamed over the old: a crash leaves one or the other.
    part = path.with_name(path.name + ".part")
    with os.fdopen(create_private(part, os.O_WRONLY | os.O_TRUNC), "w", encoding="utf-8") as f:
        json.dump({"version": 1, "ops": [], "drafts": kept}, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)
    return path

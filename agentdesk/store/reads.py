"""The read queries the screens need, each bounded: counts, one page, one conversation, search.

Pages use keyset order (the sort key of the last row seen), so page 1,000 costs what
page 1 costs; every view filter starts with columns an index leads with.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from agentdesk.store.attachment_saves import saves_for
from agentdesk.store.db import Store, now
from agentdesk.store.filters import MY_AGENT_IDS, Filter
from agentdesk.store.presence import VIEWING_FRESH

# Sort orders: columns (all in one direction, so a row-value comparison is the keyset).
ORDERS: dict[str, tuple[tuple[str, ...], str]] = {
    "sla": (("t.due_key", "t.created_at", "t.id"), "ASC"),
    "updated": (("t.updated_at", "t.id"), "DESC"),
    "created": (("t.created_at", "t.id"), "DESC"),
    "newest": (("t.id",), "DESC"),
}

_ROW_COLUMNS = f"""
t.id, t.connector, t.remote_id, t.channel, t.subject, t.preview, t.status, t.priority, t.created_at,
t.updated_at, t.due_key, t.unread, t.message_count, t.last_message_at,
c.name AS customer_name, a.name AS assignee_name, tm.name AS team_name,
(SELECT group_concat(v.name || ':' || ifnull(v.viewing_mode, 'viewing'), ', ') FROM agents v
  WHERE v.viewing_ticket_id = t.id AND v.viewing_at > ? AND v.id NOT IN ({MY_AGENT_IDS})) AS viewers,
(SELECT o.kind || ':' || o.state FROM outbox o WHERE o.ticket_id = t.id
  AND o.state IN ('queued', 'sending', 'failed') ORDER BY o.state = 'failed' DESC, o.id DESC LIMIT 1)
  AS pending_op,
(SELECT CASE WHEN s.woke_at IS NULL AND s.until > ? THEN s.until ELSE -1 END FROM snoozes s
  WHERE s.ticket_id = t.id AND s.agent_key = ?) AS snooze
"""
_ROW_JOINS = """
LEFT JOIN customers c ON c.id = t.customer_id
LEFT JOIN agents a ON a.id = t.assignee_id
LEFT JOIN teams tm ON tm.id = t.team_id
"""


def sort_key(row: sqlite3.Row, order: str) -> tuple:
    """The keyset position of a row: pass it back as `after` for the next page."""
    return tuple(row[c.split(".")[1]] for c in ORDERS[order][0])


def count(store: Store, f: Filter) -> int:
    if f.fts and not f.clauses:
        # Words alone: FTS5 counts its own matches (1 ms for refund's 17,000 at 100,000
        # tickets); joined to tickets, each match was a lookup (9 ms). Every indexed row is
        # a ticket's (derive.reindex writes them; tickets are never deleted).
        return store.one("SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH ?", (f.fts,))[0]
    source, clauses, params = _source(f)
    return store.one(f"SELECT count(*) FROM {source} WHERE {' AND '.join(clauses)}", params)[0]


def ticket_ids(store: Store, f: Filter) -> list[int]:
    """The ids of every ticket a filter fits (for a filter already narrowed to a few)."""
    source, clauses, params = _source(f)
    return [
        r[0]
        for r in store.query(f"SELECT t.id FROM {source} WHERE {' AND '.join(clauses)}", params)
    ]


def view_counts(store: Store, filters: dict[str, Filter]) -> dict[str, int]:
    return {key: count(store, f) for key, f in filters.items()}


def _row_params(me: str) -> list:
    """Parameters of the row columns: other agents viewing are those not `me`, recently
    seen; `snooze` is my snooze of the ticket: its time while asleep, -1 once it is back
    (a reminder), NULL for none."""
    t = now()
    return [t - VIEWING_FRESH, me, me, t, me]


def page(
    store: Store,
    f: Filter,
    order: str = "sla",
    *,
    after: Sequence | None = None,
    before: Sequence | None = None,
    last: bool = False,
    limit: int = 50,
    me: str = "",
) -> list[sqlite3.Row]:
    """One page of a view in order. `after`/`before`: a sort_key() to continue from;
    `last`: the final page (read backwards from the end)."""
    columns, direction = _keyset(f, order)
    source, clauses, params = _source(f)
    key = f"({', '.join(columns)})"
    forward = before is None and not last
    for bound, ahead in ((after, True), (before, False)):
        if bound is not None:
            op = ">" if (direction == "ASC") == ahead else "<"
            clauses.append(f"{key} {op} ({', '.join('?' * len(bound))})")
            params += list(bound)
    scan = direction if forward else ("DESC" if direction == "ASC" else "ASC")
    order_sql = ", ".join(f"{c} {scan}" for c in columns)
    sql = f"SELECT {_ROW_COLUMNS} FROM {source} {_ROW_JOINS} WHERE {' AND '.join(clauses)} ORDER BY {order_sql} LIMIT ?"
    rows = store.query(sql, (*_row_params(me), *params, limit))
    return rows if forward else rows[::-1]


def _keyset(f: Filter, order: str) -> tuple[tuple[str, ...], str]:
    """The columns and direction a view is paged and counted by. A search in ticket order
    uses FTS5's own rowid (the ticket's id): FTS5 then walks its index from the bound and
    stops at LIMIT, where bounds and order on t.id made it walk and sort every match (150 ms
    for refund's 173,000 at a million tickets, on every refresh)."""
    columns, direction = ORDERS[order]
    if f.fts and columns == ("t.id",):
        columns = ("ticket_fts.rowid",)
    return columns, direction


def position(store: Store, f: Filter, order: str, key: Sequence) -> int:
    """How many rows of the view sort before `key`: the index of a row with that key."""
    columns, direction = _keyset(f, order)
    op = "<" if direction == "ASC" else ">"
    if columns == ("ticket_fts.rowid",) and not f.clauses:
        # Words alone in ticket order: FTS5 counts the matches before the cursor by itself.
        sql = f"SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH ? AND rowid {op} ?"
        return store.one(sql, (f.fts, *key))[0]
    source, clauses, params = _source(f)
    clauses.append(f"({', '.join(columns)}) {op} ({', '.join('?' * len(key))})")
    sql = f"SELECT count(*) FROM {source} WHERE {' AND '.join(clauses)}"
    return store.one(sql, (*params, *key))[0]


def row(store: Store, ticket_id: int, me: str = "") -> sqlite3.Row | None:
    """One inbox row by ticket id, whatever view it is in."""
    sql = f"SELECT {_ROW_COLUMNS} FROM tickets t {_ROW_JOINS} WHERE t.id = ?"
    return store.one(sql, (*_row_params(me), ticket_id))


def in_view(store: Store, f: Filter, ticket_id: int) -> bool:
    source, clauses, params = _source(f)
    clauses.append("t.id = ?")
    sql = f"SELECT 1 FROM {source} WHERE {' AND '.join(clauses)}"
    return store.one(sql, (*params, ticket_id)) is not None


def _source(f: Filter) -> tuple[str, list[str], list]:
    """FROM clause, WHERE clauses and parameters for a filter, with its full-text part."""
    if f.fts:
        return (
            "ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid",
            ["ticket_fts MATCH ?", f.where()],
            [f.fts, *f.params],
        )
    return "tickets t", [f.where()], list(f.params)


def page_at(
    store: Store, f: Filter, order: str, offset: int, limit: int = 50, me: str = ""
) -> list[sqlite3.Row]:
    """A page at an absolute position, for jumps (G, a scrollbar drag); O(offset) on the index."""
    columns, direction = ORDERS[order]
    source, clauses, params = _source(f)
    order_sql = ", ".join(f"{c} {direction}" for c in columns)
    sql = f"SELECT {_ROW_COLUMNS} FROM {source} {_ROW_JOINS} WHERE {' AND '.join(clauses)} ORDER BY {order_sql} LIMIT ? OFFSET ?"
    return store.query(sql, (*_row_params(me), *params, limit, offset))


def search(store: Store, f: Filter, limit: int = 50, me: str = "") -> list[sqlite3.Row]:
    """Search results, newest first. With text, FTS5 walks its index from the newest
    ticket down and stops at `limit`, so a common word costs what a rare one does."""
    return page(store, f, "newest", limit=limit, me=me)


@dataclass
class Conversation:
    ticket: sqlite3.Row
    customer: sqlite3.Row | None
    handles: dict[str, str]
    orders: list[dict]
    past_tickets: int
    tags: list[str]
    messages: list[sqlite3.Row]
    events: list[sqlite3.Row]
    agent_names: dict[int, str]
    team_names: dict[int, str]
    # (message id, attachment position) -> the save an agent asked for, if any
    saves: dict = field(default_factory=dict)


def conversation(store: Store, ticket_id: int, message_limit: int = 500) -> Conversation | None:
    ticket = store.one(
        "SELECT t.*, t.stage, t.due_key, c.name AS customer_name, a.name AS assignee_name, tm.name AS team_name"
        f" FROM tickets t {_ROW_JOINS} WHERE t.id = ?",
        (ticket_id,),
    )
    if ticket is None:
        return None
    customer = None
    handles: dict[str, str] = {}
    orders: list[dict] = []
    past = 0
    if ticket["customer_id"] is not None:
        customer = store.one("SELECT * FROM customers WHERE id = ?", (ticket["customer_id"],))
        handles = {
            r["channel"]: r["handle"]
            for r in store.query(
                "SELECT channel, handle FROM customer_handles WHERE customer_id = ?",
                (ticket["customer_id"],),
            )
        }
        for r in store.query(
            "SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 20",
            (ticket["customer_id"],),
        ):
            order = dict(r)
            order["items"] = json.loads(order["items"])
            orders.append(order)
        past = store.one(
            "SELECT count(*) FROM tickets WHERE customer_id = ? AND id != ?",
            (ticket["customer_id"], ticket_id),
        )[0]
    # The newest `message_limit` messages, shown oldest first.
    messages = store.query(
        "SELECT * FROM (SELECT * FROM messages WHERE ticket_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)"
        " ORDER BY created_at, id",
        (ticket_id, message_limit),
    )
    events = store.query(
        "SELECT e.*, a.name AS agent_name FROM events e LEFT JOIN agents a ON a.id = e.actor_agent_id"
        " WHERE e.ticket_id = ? AND e.kind NOT IN ('replied', 'noted') ORDER BY e.at, e.id",
        (ticket_id,),
    )
    tags = [
        r[0]
        for r in store.query(
            "SELECT tag FROM ticket_tags WHERE ticket_id = ? ORDER BY tag", (ticket_id,)
        )
    ]
    agent_ids, team_ids = set(), set()
    for e in events:
        data = json.loads(e["data"] or "{}")
        agent_ids.update(v for k in ("from", "to", "agent_id") if isinstance(v := data.get(k), int))
        team_ids.update(
            v for k in ("from_team", "to_team", "team_id") if isinstance(v := data.get(k), int)
        )
    return Conversation(
        ticket,
        customer,
        handles,
        orders,
        past,
        tags,
        messages,
        events,
        _names(store, "agents", agent_ids),
        _names(store, "teams", team_ids),
        saves_for(store, [m["id"] for m in messages if m["attachments"] != "[]"]),
    )


def _names(store: Store, table: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return {
        r[0]: r[1]
        for r in store.query(f"SELECT id, name FROM {table} WHERE id IN ({marks})", tuple(ids))
    }


def connector_states(store: Store) -> list[sqlite3.Row]:
    return store.query("SELECT * FROM connector_state ORDER BY connector")


def references(store: Store, ticket_id: int) -> list[tuple[str, str]]:
    """What an agent copies to quote elsewhere: the ticket's number, then its order's number
    and tracking number (the ticket's own order, else the customer's newest)."""
    t = store.one("SELECT remote_id, order_id, customer_id FROM tickets WHERE id = ?", (ticket_id,))
    if t is None:
        return []
    out = [("ticket", f"#{t['remote_id']}")]
    order = store.one(
        "SELECT number, tracking_number FROM orders WHERE id = ?"
        " UNION ALL SELECT number, tracking_number FROM"
        " (SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 1)",
        (t["order_id"], t["customer_id"]),
    )
    if order is not None:
        out.append(("order", order["number"]))
        if order["tracking_number"]:
            out.append(("tracking number", order["tracking_number"]))
    return out

"""What happened to an agent's own work since the console last looked: tickets given to
them by someone else, customers' answers on their tickets, @mentions, their tickets entering
the SLA warning window, snoozed tickets due back. Read on the console's reader connection,
each query bounded by a cursor (ids only grow) or by the agent's own open tickets.

The cursor starts at the end of the cache when the console opens: what happened before is
in the views already, and a console that opens must not ring for a week of history."""

from __future__ import annotations

from dataclasses import dataclass, field

from agentdesk.notices import Notice
from agentdesk.store.db import Store, now
from agentdesk.store.filters import MY_AGENT_IDS, Filter
from agentdesk.store.reads import ticket_ids

LIMIT = 200  # per kind and read: more than this at once is still one grouped notification


@dataclass
class NoticeCursor:
    event_id: int = 0
    message_id: int = 0
    mention_id: int = 0
    warned: set[tuple[int, int]] = field(default_factory=set)  # (ticket, due) already told


def start(store: Store, me: str, at_risk: Filter) -> NoticeCursor:
    return NoticeCursor(
        store.one("SELECT ifnull(max(id), 0) FROM events")[0],
        store.one("SELECT ifnull(max(id), 0) FROM messages")[0],
        store.one("SELECT ifnull(max(id), 0) FROM mentions")[0],
        _due_soon(store, me, at_risk),
    )


def _due_soon(store: Store, me: str, at_risk: Filter) -> set[tuple[int, int]]:
    f = Filter(list(at_risk.clauses), list(at_risk.params))
    f.add(f"t.assignee_id IN ({MY_AGENT_IDS})", me, me).add("t.due_key > ?", now())
    ids = ticket_ids(store, f)[:LIMIT]
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    rows = store.query(f"SELECT id, due_key FROM tickets WHERE id IN ({marks})", ids)
    return {(r["id"], r["due_key"]) for r in rows}


def _ticket(r) -> tuple[int, str, str]:
    return r["ticket_id"], f"#{r['remote_id']}", r["subject"]


def read(store: Store, me: str, cursor: NoticeCursor, at_risk: Filter) -> list[Notice]:
    """The notices since `cursor`, which moves past them."""
    out: list[Notice] = []
    mine = MY_AGENT_IDS
    rows = store.query(
        "SELECT e.id, e.ticket_id, t.remote_id, t.subject FROM events e"
        " JOIN tickets t ON t.id = e.ticket_id"
        " WHERE e.id > ? AND e.kind IN ('assigned', 'transferred')"
        f" AND coalesce(json_extract(e.data, '$.to'), json_extract(e.data, '$.agent_id')) IN ({mine})"
        f" AND (e.actor_agent_id IS NULL OR e.actor_agent_id NOT IN ({mine}))"
        f" AND t.assignee_id IN ({mine}) ORDER BY e.id LIMIT ?",
        (cursor.event_id, me, me, me, me, me, me, LIMIT),
    )
    out += [Notice("assigned", *_ticket(r)) for r in rows]
    cursor.event_id = max([cursor.event_id, *(r["id"] for r in rows)])
    if len(rows) == LIMIT:  # a flood: the rest are in the views; skip to the end
        cursor.event_id = store.one("SELECT ifnull(max(id), 0) FROM events")[0]

    rows = store.query(
        "SELECT m.id, m.ticket_id, t.remote_id, t.subject FROM messages m"
        " JOIN tickets t ON t.id = m.ticket_id"
        f" WHERE m.id > ? AND m.author_kind = 'customer' AND t.assignee_id IN ({mine})"
        " ORDER BY m.id LIMIT ?",
        (cursor.message_id, me, me, LIMIT),
    )
    out += [Notice("customer_replied", *_ticket(r)) for r in rows]
    newest = store.one("SELECT ifnull(max(id), 0) FROM messages")[0]
    cursor.message_id = newest if len(rows) < LIMIT else max(r["id"] for r in rows)

    rows = store.query(
        "SELECT n.id, n.ticket_id, t.remote_id, t.subject, m.author_name FROM mentions n"
        " JOIN tickets t ON t.id = n.ticket_id JOIN messages m ON m.id = n.message_id"
        f" WHERE n.id > ? AND n.agent_id IN ({mine})"
        f" AND (m.agent_id IS NULL OR m.agent_id NOT IN ({mine})) ORDER BY n.id LIMIT ?",
        (cursor.mention_id, me, me, me, me, LIMIT),
    )
    out += [Notice("mention", *_ticket(r), detail=r["author_name"]) for r in rows]
    cursor.mention_id = max([cursor.mention_id, *(r["id"] for r in rows)])

    due = _due_soon(store, me, at_risk)
    fresh = due - cursor.warned
    if fresh:
        marks = ", ".join("?" * len(fresh))
        rows = store.query(
            f"SELECT id AS ticket_id, remote_id, subject FROM tickets WHERE id IN ({marks})",
            [tid for tid, _due in fresh],
        )
        out += [Notice("sla_warning", *_ticket(r)) for r in rows]
    cursor.warned = due  # a ticket leaving the window and coming back is told again
    return out


def snoozes_due(store: Store, me: str) -> bool:
    """Whether a snooze of mine is back and not yet announced (store/snooze.due_to_wake
    marks and returns them, on the writer)."""
    row = store.one(
        "SELECT 1 FROM snoozes WHERE agent_key = ? AND notified = 0"
        " AND (woke_at IS NOT NULL OR until <= ?) LIMIT 1",
        (me, now()),
    )
    return row is not None

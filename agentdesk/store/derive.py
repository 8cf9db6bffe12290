"""What a ticket row derives from its messages and state: aggregates, SLA, search text, events.

Shared by ingest (remote changes) and the outbox (local changes), so both keep the
derived columns the same way.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from agentdesk.sla import policy as sla
from agentdesk.sla.policy import SLAPolicy
from agentdesk.store.fts import index_text
from agentdesk.text import one_line

PREVIEW_CHARS = 160
# A ticket's search document is capped so a pathological thread cannot make every
# re-index slow; the subject and the newest messages are what agents search for.
DOC_CHARS = 20_000
DONE = ("solved", "closed")


@dataclass(slots=True)
class MessageFacts:
    author_kind: str
    internal: bool
    body: str
    created_at: int


@dataclass(slots=True)
class Aggregates:
    message_count: int = 0
    last_message_at: int | None = None
    last_customer_at: int | None = None
    last_agent_at: int | None = None
    first_response_at: int | None = None
    preview_body: str = ""  # raw text of the newest public message; cleaned once, on read
    preview_at: int | None = None
    unread: bool = False

    @property
    def preview(self) -> str:
        return one_line(self.preview_body)[:PREVIEW_CHARS]

    # The ticket columns these figures are written to, in the order of values().
    COLUMNS = (
        "message_count = ?, last_message_at = ?, last_customer_at = ?, last_agent_at = ?,"
        " first_response_at = ?, preview = ?"
    )

    def values(self) -> tuple:
        return (
            self.message_count,
            self.last_message_at,
            self.last_customer_at,
            self.last_agent_at,
            self.first_response_at,
            self.preview,
        )

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Aggregates:
        return cls(
            message_count=row["message_count"],
            last_message_at=row["last_message_at"],
            last_customer_at=row["last_customer_at"],
            last_agent_at=row["last_agent_at"],
            first_response_at=row["first_response_at"],
            preview_body=row["preview"],
            preview_at=row["last_message_at"],
            unread=bool(row["unread"]),
        )

    def add(self, m: MessageFacts) -> None:
        self.message_count += 1
        at = m.created_at
        if self.last_message_at is None or at >= self.last_message_at:
            self.last_message_at = at
        if m.author_kind == "customer":
            if self.last_customer_at is None or at >= self.last_customer_at:
                self.last_customer_at = at
                self.unread = True
        elif m.author_kind == "agent" and not m.internal:
            if self.last_agent_at is None or at >= self.last_agent_at:
                self.last_agent_at = at
                if self.last_customer_at is None or at >= self.last_customer_at:
                    self.unread = False
            if self.first_response_at is None or at < self.first_response_at:
                self.first_response_at = at
        if (
            not m.internal
            and m.author_kind != "system"
            and (self.preview_at is None or at >= self.preview_at)
        ):
            self.preview_body = m.body
            self.preview_at = at


def clock_for(
    row: sqlite3.Row | dict, team_name: str | None, tags: Sequence[str], agg: Aggregates
) -> sla.TicketClock:
    fields = row["fields"]
    return sla.TicketClock(
        channel=row["channel"],
        team=team_name,
        priority=row["priority"],
        tags=tags,
        status=row["status"],
        created_at=row["created_at"],
        first_response_at=agg.first_response_at,
        last_customer_at=agg.last_customer_at,
        last_agent_at=agg.last_agent_at,
        fields=json.loads(fields) if isinstance(fields, str) else fields,
    )


def search_doc(subject: str, customer_name: str | None, bodies: Sequence[str]) -> str:
    parts = [subject, customer_name or ""]
    size = len(subject)
    for body in reversed(bodies):  # newest first, so the cap keeps the recent ones
        if size > DOC_CHARS:
            break
        parts.append(body)
        size += len(body)
    return index_text("\n".join(parts))


def reindex(conn: sqlite3.Connection, ticket_id: int) -> None:
    """Rebuild one ticket's search document from the cache."""
    row = conn.execute(
        "SELECT t.subject, c.name FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
        (ticket_id,),
    ).fetchone()
    bodies = [
        r[0]
        for r in conn.execute(
            "SELECT body FROM messages WHERE ticket_id = ? ORDER BY created_at, id", (ticket_id,)
        )
    ]
    conn.execute("DELETE FROM ticket_fts WHERE rowid = ?", (ticket_id,))
    conn.execute(
        "INSERT INTO ticket_fts (rowid, doc) VALUES (?, ?)",
        (ticket_id, search_doc(row[0], row[1], bodies)),
    )


def refresh_derived(
    conn: sqlite3.Connection, ticket_id: int, policies: Sequence[SLAPolicy]
) -> None:
    """Recompute the SLA columns of one ticket from its current row."""
    row = conn.execute(
        "SELECT t.*, tm.name AS team_name FROM tickets t LEFT JOIN teams tm ON tm.id = t.team_id WHERE t.id = ?",
        (ticket_id,),
    ).fetchone()
    tags = [
        r[0] for r in conn.execute("SELECT tag FROM ticket_tags WHERE ticket_id = ?", (ticket_id,))
    ]
    clock = clock_for(row, row["team_name"], tags, Aggregates.from_row(row))
    if any(p.pause_when_pending and p.resolution for p in policies):
        clock = dataclasses.replace(clock, paused=paused_seconds(conn, ticket_id))
    due = sla.due_times(policies, clock)
    conn.execute(
        "UPDATE tickets SET sla_policy = ?, sla_first_due = ?, sla_next_due = ?, sla_resolve_due = ? WHERE id = ?",
        (due.policy, due.first, due.next, due.resolve, ticket_id),
    )


def paused_seconds(conn: sqlite3.Connection, ticket_id: int) -> int:
    """Time the ticket spent pending or on hold, from its status events (a wait still going
    on is not counted: no due time shows while it lasts)."""
    total, status, since = 0, None, 0
    for at, data in conn.execute(
        "SELECT at, data FROM events WHERE ticket_id = ? AND kind IN ('status', 'solved', 'reopened')"
        " ORDER BY at, id",
        (ticket_id,),
    ):
        d = json.loads(data or "{}")
        new = d.get("to") or d.get("status")
        if new is None:
            continue
        if status in sla.WAITING:
            total += max(0, at - since)
        status, since = new, at
    return total


def status_events(old_status: str | None, new_status: str) -> str | None:
    """The event kind a status change means, if any."""
    if old_status == new_status:
        return None
    if new_status in DONE and old_status not in DONE:
        return "solved"
    if old_status in DONE and new_status not in DONE:
        return "reopened"
    return "status"


def add_event(
    conn: sqlite3.Connection,
    ticket_id: int,
    kind: str,
    at: int,
    *,
    actor_kind: str = "system",
    actor_agent_id: int | None = None,
    actor_name: str | None = None,
    data: dict | None = None,
    dedupe: str | None = None,
    automation: str | None = None,
) -> None:
    row = event_row(ticket_id, kind, at, actor_kind, actor_agent_id, actor_name, data, dedupe)
    if automation is None:
        conn.execute(EVENT_INSERT, row)
    else:  # a rule's own change: the rule is named, and no rule triggers on its own
        conn.execute(
            "INSERT OR IGNORE INTO events (ticket_id, kind, at, actor_kind, actor_agent_id,"
            " actor_name, data, dedupe, automation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row, automation),
        )


EVENT_INSERT = (
    "INSERT OR IGNORE INTO events (ticket_id, kind, at, actor_kind, actor_agent_id, actor_name, data, dedupe)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def event_row(
    ticket_id,
    kind,
    at,
    actor_kind="system",
    actor_agent_id=None,
    actor_name=None,
    data=None,
    dedupe=None,
) -> tuple:
    """An events row, for callers that insert many at once with EVENT_INSERT."""
    return (
        ticket_id,
        kind,
        at,
        actor_kind,
        actor_agent_id,
        actor_name,
        json.dumps(data, ensure_ascii=False) if data else "{}",
        dedupe,
    )


def json_list(items: list) -> str:
    """A list of flat dataclasses (attachments, order items) as JSON text; "[]" fast, as most
    messages have no attachment. Their fields are plain values, so they are read directly:
    dataclasses.asdict copies each value deeply, a tenth of a fill's time in the profile."""
    if not items:
        return "[]"
    return json.dumps([_flat_dict(i) for i in items], ensure_ascii=False)


def _flat_dict(item) -> dict:
    return {name: getattr(item, name) for name in _field_names(type(item))}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))

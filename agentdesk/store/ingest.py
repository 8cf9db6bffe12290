"""Applying a connector's pull batch to the cache: one transaction, cursor included.

Upserts are keyed by (connector, remote id), so a batch applied twice (a crash after the
remote sent it but before our commit) changes nothing the second time.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from agentdesk.model import Customer, Message, Order, PullBatch, Ticket
from agentdesk.sla import policy as sla
from agentdesk.sla.policy import SLAPolicy
from agentdesk.store import changes, mentions, outbox_effects, presence, snooze
from agentdesk.store.customers_orders import upsert_customer, upsert_order
from agentdesk.store.db import Store, now
from agentdesk.store.derive import (
    DONE,
    EVENT_INSERT,
    Aggregates,
    MessageFacts,
    add_event,
    clock_for,
    event_row,
    json_list,
    refresh_derived,
    reindex,
    search_doc,
    status_events,
)
from agentdesk.store.refs import RemoteRefs

_TICKET_COLUMNS = (
    "connector, remote_id, channel, subject, status, priority, customer_id, assignee_id, team_id,"
    " order_id, created_at, updated_at, first_response_at, solved_at, last_customer_at,"
    " last_agent_at, last_message_at, preview, message_count, unread, sla_policy, sla_first_due,"
    " sla_next_due, sla_resolve_due, satisfaction, fields"
)
_MESSAGE_INSERT = (
    "INSERT INTO messages (ticket_id, remote_id, op_uuid, author_kind, author_name, agent_id,"
    " internal, body, attachments, created_at, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)


@dataclass
class IngestResult:
    tickets_new: int = 0
    tickets_updated: int = 0
    messages_new: int = 0
    orphans: int = 0  # messages for tickets we do not have; skipped
    touched: set[int] = field(default_factory=set)


def apply_batch(
    store: Store, connector: str, batch: PullBatch, policies: Sequence[SLAPolicy]
) -> IngestResult:
    """Write a batch and advance the connector's cursor in the same transaction."""
    with store.write() as conn:
        result = _Ingest(conn, connector, policies).run(batch)
        conn.execute(
            "INSERT INTO connector_state (connector, cursor, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (connector) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            (connector, batch.cursor, now()),
        )
        if result.touched:
            changes.record(conn, "ticket", sorted(result.touched))
            changes.prune(conn)
    return result


class _Ingest:
    def __init__(self, conn: sqlite3.Connection, connector: str, policies: Sequence[SLAPolicy]):
        self.conn = conn
        self.connector = connector
        self.policies = policies
        self.refs = RemoteRefs(conn, connector)
        self.result = IngestResult()
        self._team_names: dict[int, str] = {}
        self._customer_names: dict[int, str] = {}
        # Rows for new tickets, written with one executemany each at the end of the batch.
        self._new_messages: list[tuple] = []
        self._new_tags: list[tuple] = []
        self._new_docs: list[tuple] = []
        self._new_events: list[tuple] = []

    def run(self, batch: PullBatch) -> IngestResult:
        for a in batch.agents:
            self.conn.execute(
                "INSERT INTO agents (connector, remote_id, name, email) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (connector, remote_id) DO UPDATE SET name = excluded.name,"
                " email = coalesce(excluded.email, agents.email)",
                (self.connector, a.remote_id, a.name, a.email),
            )
        for c in batch.customers:
            self._customer(c)
        for o in batch.orders:
            self._order(o)
        by_ticket: dict[str, list[Message]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for m in batch.messages:
            key = (m.ticket_remote_id, m.remote_id)
            if key not in seen:  # a batch that repeats a message must not count it twice
                seen.add(key)
                by_ticket[m.ticket_remote_id].append(m)
        self.refs.prefetch("ticket", [t.remote_id for t in batch.tickets])
        self.refs.prefetch("customer", [t.customer_remote_id for t in batch.tickets])
        self.refs.prefetch("order", [t.order_number for t in batch.tickets if t.order_number])
        self._prefetch_customer_names()
        for t in batch.tickets:
            existing = self.refs.get("ticket", t.remote_id)
            msgs = by_ticket.pop(t.remote_id, [])
            if existing is None:
                self._new_ticket(t, msgs)
            else:
                self._update_ticket(existing, t, msgs)
        for remote_id, msgs in by_ticket.items():
            existing = self.refs.get("ticket", remote_id)
            if existing is None:
                self.result.orphans += len(msgs)
            else:
                self._update_ticket(existing, None, msgs)
        self._flush_new()
        presence.apply_platform_marks(self.conn, self.connector, self.refs, batch.viewing)
        return self.result

    def _flush_new(self) -> None:
        conn = self.conn
        conn.executemany(_MESSAGE_INSERT, self._new_messages)
        mentions.record_inserted(
            conn, [(r[0], r[1], r[7], r[9]) for r in self._new_messages if r[6]]
        )
        conn.executemany(
            "INSERT OR IGNORE INTO ticket_tags (tag, ticket_id) VALUES (?, ?)", self._new_tags
        )
        conn.executemany("INSERT INTO ticket_fts (rowid, doc) VALUES (?, ?)", self._new_docs)
        conn.executemany(EVENT_INSERT, self._new_events)

    def _prefetch_customer_names(self) -> None:
        ids = [i for i in self.refs.known("customer") if i not in self._customer_names]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for cid, name in self.conn.execute(
                f"SELECT id, name FROM customers WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            ):
                self._customer_names[cid] = name

    # -- customers and orders ---------------------------------------------------------

    def _customer(self, c: Customer) -> None:
        cid = upsert_customer(self.conn, self.connector, c)
        self.refs.remember("customer", c.remote_id, cid)
        self._customer_names[cid] = c.name

    def _order(self, o: Order) -> None:
        customer_id = self.refs.get("customer", o.customer_remote_id)
        self.refs.remember(
            "order", o.number, upsert_order(self.conn, self.connector, customer_id, o)
        )

    # -- tickets ----------------------------------------------------------------------

    def _team_name(self, team_id: int | None) -> str | None:
        if team_id is None:
            return None
        if team_id not in self._team_names:
            row = self.conn.execute("SELECT name FROM teams WHERE id = ?", (team_id,)).fetchone()
            self._team_names[team_id] = row[0] if row else ""
        return self._team_names[team_id]

    def _customer_name(self, customer_id: int | None) -> str | None:
        if customer_id is None:
            return None
        if customer_id not in self._customer_names:
            row = self.conn.execute(
                "SELECT name FROM customers WHERE id = ?", (customer_id,)
            ).fetchone()
            self._customer_names[customer_id] = row[0] if row else ""
        return self._customer_names[customer_id]

    def _agent(self, remote_id: str | None, name: str | None = None) -> int | None:
        """The local id of a platform's agent; one the directory has not listed yet (a new
        colleague, or a platform that lists staff only to admins) is added under its id,
        and the next directory refresh gives it its name. Work never shows as unassigned
        because the directory is behind."""
        found = self.refs.get("agent", remote_id)
        if found is not None or remote_id is None:
            return found
        self.conn.execute(
            "INSERT INTO agents (connector, remote_id, name) VALUES (?, ?, ?)"
            " ON CONFLICT (connector, remote_id) DO NOTHING",
            (self.connector, remote_id, name or remote_id),
        )
        found = self.conn.execute(
            "SELECT id FROM agents WHERE connector = ? AND remote_id = ?",
            (self.connector, remote_id),
        ).fetchone()[0]
        self.refs.remember("agent", remote_id, found)
        return found

    def _refs_of(self, t: Ticket) -> dict:
        return {
            "customer_id": self.refs.get("customer", t.customer_remote_id),
            "assignee_id": self._agent(t.assignee_remote_id),
            "team_id": self.refs.get("team", t.team_remote_id),
            "order_id": self.refs.get("order", t.order_number),
        }

    def _new_ticket(self, t: Ticket, msgs: list[Message]) -> None:
        """The fast path: nothing to merge, so compute everything in memory and insert once."""
        refs = self._refs_of(t)
        agg = Aggregates()
        msgs.sort(key=lambda m: m.created_at)
        for m in msgs:
            agg.add(MessageFacts(m.author_kind, m.internal, m.body, m.created_at))
        if t.status in DONE:
            agg.unread = False
        fields = json.dumps(t.fields, ensure_ascii=False)
        row = {
            "channel": t.channel,
            "priority": t.priority,
            "status": t.status,
            "created_at": t.created_at,
            "fields": t.fields,
        }
        due = sla.due_times(
            self.policies, clock_for(row, self._team_name(refs["team_id"]), t.tags, agg)
        )
        solved_at = t.updated_at if t.status in DONE else None
        tid = self.conn.execute(
            f"INSERT INTO tickets ({_TICKET_COLUMNS}) VALUES ({', '.join('?' * 26)})",
            (
                self.connector,
                t.remote_id,
                t.channel,
                t.subject,
                t.status,
                t.priority,
                refs["customer_id"],
                refs["assignee_id"],
                refs["team_id"],
                refs["order_id"],
                t.created_at,
                t.updated_at,
                agg.first_response_at,
                solved_at,
                agg.last_customer_at,
                agg.last_agent_at,
                agg.last_message_at,
                agg.preview,
                agg.message_count,
                int(agg.unread),
                due.policy,
                due.first,
                due.next,
                due.resolve,
                t.satisfaction,
                fields,
            ),
        ).lastrowid
        self.refs.remember("ticket", t.remote_id, tid)
        self._new_tags.extend((g, tid) for g in t.tags)
        self._new_messages.extend(self._message_row(tid, m) for m in msgs)
        self._new_docs.append(
            (
                tid,
                search_doc(
                    t.subject, self._customer_name(refs["customer_id"]), [m.body for m in msgs]
                ),
            )
        )
        events = self._new_events
        events.append(event_row(tid, "created", t.created_at, "customer"))
        if refs["assignee_id"] is not None:
            events.append(
                event_row(tid, "assigned", t.created_at, data={"to": refs["assignee_id"]})
            )
        if t.status in DONE:
            events.append(event_row(tid, "solved", t.updated_at))
        if t.satisfaction is not None:
            events.append(
                event_row(
                    tid,
                    "rated",
                    t.updated_at,
                    "customer",
                    data={"score": t.satisfaction},
                    dedupe=f"rated:{tid}:{t.satisfaction}",
                )
            )
        events.extend(self._message_events(tid, msgs))
        self.result.tickets_new += 1
        self.result.messages_new += len(msgs)
        self.result.touched.add(tid)

    def _update_ticket(self, tid: int, t: Ticket | None, msgs: list[Message]) -> None:
        conn = self.conn
        old = conn.execute(
            "SELECT status, assignee_id, team_id, satisfaction FROM tickets WHERE id = ?", (tid,)
        ).fetchone()
        if t is not None:
            refs = self._refs_of(t)
            conn.execute(
                "UPDATE tickets SET channel = ?, subject = ?, status = ?, priority = ?, customer_id = ?,"
                " assignee_id = ?, team_id = ?, order_id = ?, updated_at = max(updated_at, ?), satisfaction = ?,"
                " fields = ? WHERE id = ?",
                (
                    t.channel,
                    t.subject,
                    t.status,
                    t.priority,
                    refs["customer_id"],
                    refs["assignee_id"],
                    refs["team_id"],
                    refs["order_id"],
                    t.updated_at,
                    t.satisfaction,
                    json.dumps(t.fields, ensure_ascii=False),
                    tid,
                ),
            )
            conn.execute("DELETE FROM ticket_tags WHERE ticket_id = ?", (tid,))
            conn.executemany(
                "INSERT OR IGNORE INTO ticket_tags (tag, ticket_id) VALUES (?, ?)",
                [(g, tid) for g in t.tags],
            )
        inserted = self._merge_messages(tid, msgs)
        # Our own queued changes win over a remote state that has not seen them yet.
        outbox_effects.rebase_pending(conn, tid)
        new = conn.execute(
            "SELECT status, assignee_id, team_id, satisfaction, updated_at FROM tickets WHERE id = ?",
            (tid,),
        ).fetchone()
        at = new["updated_at"]
        kind = status_events(old["status"], new["status"])
        if kind:
            add_event(conn, tid, kind, at, data={"from": old["status"], "to": new["status"]})
            conn.execute(
                "UPDATE tickets SET solved_at = ? WHERE id = ?",
                (at if new["status"] in DONE else None, tid),
            )
        if new["team_id"] != old["team_id"]:
            add_event(
                conn,
                tid,
                "transferred",
                at,
                data={
                    "from_team": old["team_id"],
                    "to_team": new["team_id"],
                    "to": new["assignee_id"],
                },
            )
        elif new["assignee_id"] != old["assignee_id"]:
            add_event(
                conn,
                tid,
                "assigned",
                at,
                data={"from": old["assignee_id"], "to": new["assignee_id"]},
            )
        if new["satisfaction"] is not None and new["satisfaction"] != old["satisfaction"]:
            add_event(
                conn,
                tid,
                "rated",
                at,
                actor_kind="customer",
                data={"score": new["satisfaction"]},
                dedupe=f"rated:{tid}:{new['satisfaction']}",
            )
        refresh_derived(conn, tid, self.policies)
        if t is not None or inserted:
            reindex(conn, tid)
        self.result.tickets_updated += t is not None
        self.result.messages_new += len(inserted)
        self.result.touched.add(tid)

    # -- messages ---------------------------------------------------------------------

    def _message_row(self, tid: int, m: Message) -> tuple:
        attachments = json_list(m.attachments)
        return (
            tid,
            m.remote_id,
            m.op_uuid,
            m.author_kind,
            m.author_name,
            self._agent(m.agent_remote_id, m.author_name),
            int(m.internal),
            m.body,
            attachments,
            m.created_at,
            None,
        )

    def _merge_messages(self, tid: int, msgs: list[Message]) -> list[Message]:
        conn = self.conn
        inserted: list[Message] = []
        msgs.sort(key=lambda m: m.created_at)
        for m in msgs:
            if m.op_uuid:
                # The platform echoing a reply we sent: link it, do not add a second copy.
                cur = conn.execute(
                    "UPDATE messages SET remote_id = ?, delivery = 'sent', error = NULL WHERE op_uuid = ?",
                    (m.remote_id, m.op_uuid),
                )
                if cur.rowcount:
                    continue
            cur = conn.execute(_MESSAGE_INSERT, self._message_row(tid, m))
            if cur.rowcount:
                inserted.append(m)
                if m.internal:
                    mentions.record(conn, tid, cur.lastrowid, m.body, m.created_at)
                elif m.author_kind == "customer":
                    snooze.wake_on_customer(conn, tid, m.created_at)
        if inserted:
            row = conn.execute("SELECT * FROM tickets WHERE id = ?", (tid,)).fetchone()
            agg = Aggregates.from_row(row)
            for m in inserted:
                agg.add(MessageFacts(m.author_kind, m.internal, m.body, m.created_at))
            if row["status"] in DONE:
                agg.unread = False
            conn.execute(
                f"UPDATE tickets SET {Aggregates.COLUMNS}, unread = ?,"
                " updated_at = max(updated_at, ?) WHERE id = ?",
                (*agg.values(), int(agg.unread), agg.last_message_at or 0, tid),
            )
            self.conn.executemany(EVENT_INSERT, self._message_events(tid, inserted))
        return inserted

    def _message_events(self, tid: int, msgs: list[Message]) -> list[tuple]:
        """replied/noted events. Only for messages just inserted, so no dedupe key is needed."""
        return [
            event_row(
                tid,
                "noted" if m.internal else "replied",
                m.created_at,
                "agent",
                self._agent(m.agent_remote_id, m.author_name),
                m.author_name,
            )
            for m in msgs
            if m.author_kind == "agent"
        ]

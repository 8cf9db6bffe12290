"""The outbox: agent actions written locally first, then delivered by the sync engine.

enqueue_* run in the console (one short transaction: the op, its visible effect and a
change row). claim/ack/fail run in the engine. An op left in 'sending' by a crash, or
marked ambiguous after a timeout, is checked with the platform before any resend.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass

from agentdesk.config import SLAPolicy
from agentdesk.i18n import _
from agentdesk.model import Op
from agentdesk.store import changes
from agentdesk.store.db import Store, now
from agentdesk.store.derive import (
    DONE,
    Aggregates,
    MessageFacts,
    add_event,
    refresh_derived,
    reindex,
)
from agentdesk.store.outbox_effects import apply_effect


class OutboxError(Exception):
    """An action the cache refuses, e.g. on a ticket that does not exist."""


@dataclass(frozen=True)
class Actor:
    """The local agent making a change: a stable key for drafts and ops, and a display name."""

    key: str
    name: str


def _ticket(store: Store, ticket_id: int):
    row = store.one(
        "SELECT id, connector, remote_id, status FROM tickets WHERE id = ?", (ticket_id,)
    )
    if row is None:
        raise OutboxError(_("ticket {id} does not exist").format(id=ticket_id))
    return row


def _my_agent(conn, connector: str, agent_key: str):
    """The local agent's account (id, name) on one connector, by e-mail or login."""
    return conn.execute(
        "SELECT id, name FROM agents WHERE connector = ? AND (email = ? COLLATE NOCASE OR remote_id = ?)",
        (connector, agent_key, agent_key),
    ).fetchone()


def _my_agent_id(store: Store, connector: str, actor: Actor) -> int | None:
    row = _my_agent(store.conn, connector, actor.key)
    return row["id"] if row else None


def _insert_op(
    conn,
    ticket,
    kind: str,
    payload: dict,
    actor: Actor,
    message_id: int | None = None,
    op_uuid: str | None = None,
) -> str:
    op_uuid = op_uuid or str(uuidlib.uuid4())
    ts = now()
    conn.execute(
        "INSERT INTO outbox (uuid, connector, ticket_id, kind, payload, state, next_attempt_at, message_id,"
        " agent_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
        (
            op_uuid,
            ticket["connector"],
            ticket["id"],
            kind,
            json.dumps(payload, ensure_ascii=False),
            ts,
            message_id,
            actor.key,
            ts,
            ts,
        ),
    )
    return op_uuid


def enqueue_message(
    store: Store,
    ticket_id: int,
    body: str,
    actor: Actor,
    policies: Sequence[SLAPolicy],
    *,
    internal: bool = False,
) -> str:
    """A public reply or an internal note: the message shows at once, marked queued."""
    if not body.strip():
        raise OutboxError(_("an empty message cannot be sent"))
    ticket = _ticket(store, ticket_id)
    kind = "note" if internal else "reply"
    with store.write() as conn:
        ts = now()
        agent_id = _my_agent_id(store, ticket["connector"], actor)
        op_uuid = str(uuidlib.uuid4())
        message_id = conn.execute(
            "INSERT INTO messages (ticket_id, op_uuid, author_kind, author_name, agent_id, internal, body,"
            " created_at, delivery) VALUES (?, ?, 'agent', ?, ?, ?, ?, ?, 'queued')",
            (ticket_id, op_uuid, actor.name, agent_id, int(internal), body, ts),
        ).lastrowid
        _insert_op(conn, ticket, kind, {"body": body}, actor, message_id, op_uuid)
        row = conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        agg = Aggregates.from_row(row)
        agg.add(MessageFacts("agent", internal, body, ts))
        conn.execute(
            "UPDATE tickets SET message_count = ?, last_message_at = ?, last_agent_at = ?, first_response_at = ?,"
            " preview = ?, unread = ?, updated_at = ? WHERE id = ?",
            (
                agg.message_count,
                agg.last_message_at,
                agg.last_agent_at,
                agg.first_response_at,
                agg.preview,
                int(agg.unread),
                ts,
                ticket_id,
            ),
        )
        refresh_derived(conn, ticket_id, policies)
        reindex(conn, ticket_id)
        changes.record(conn, "ticket", [ticket_id])
        changes.record(conn, "outbox")
    return op_uuid


def _enqueue_field_op(
    store: Store,
    ticket_id: int,
    kind: str,
    payload: dict,
    actor: Actor,
    policies: Sequence[SLAPolicy],
) -> str:
    ticket = _ticket(store, ticket_id)
    with store.write() as conn:
        op_uuid = _insert_op(conn, ticket, kind, payload, actor)
        apply_effect(conn, ticket_id, kind, payload)
        conn.execute("UPDATE tickets SET updated_at = ? WHERE id = ?", (now(), ticket_id))
        refresh_derived(conn, ticket_id, policies)
        changes.record(conn, "ticket", [ticket_id])
        changes.record(conn, "outbox")
    return op_uuid


def enqueue_status(
    store: Store, ticket_id: int, status: str, actor: Actor, policies: Sequence[SLAPolicy]
) -> str:
    from agentdesk.model import STATUSES

    if status not in STATUSES:
        raise OutboxError(_("unknown status {status!r}").format(status=status))
    return _enqueue_field_op(store, ticket_id, "status", {"status": status}, actor, policies)


def _agent_ref(store: Store, agent_id: int | None) -> dict:
    if agent_id is None:
        return {"agent_id": None, "agent_remote_id": None}
    row = store.one("SELECT remote_id, name FROM agents WHERE id = ?", (agent_id,))
    if row is None:
        raise OutboxError(_("agent {id} does not exist").format(id=agent_id))
    return {"agent_id": agent_id, "agent_remote_id": row["remote_id"], "agent_name": row["name"]}


def enqueue_assign(
    store: Store, ticket_id: int, agent_id: int | None, actor: Actor, policies: Sequence[SLAPolicy]
) -> str:
    """Assign to an agent (None: unassign). Taking a ticket is assigning it to oneself."""
    return _enqueue_field_op(
        store, ticket_id, "assign", _agent_ref(store, agent_id), actor, policies
    )


def enqueue_take(store: Store, ticket_id: int, actor: Actor, policies: Sequence[SLAPolicy]) -> str:
    ticket = _ticket(store, ticket_id)
    me = _my_agent_id(store, ticket["connector"], actor)
    if me is None:
        raise OutboxError(
            _("you have no agent account on {connector}").format(connector=ticket["connector"])
        )
    return enqueue_assign(store, ticket_id, me, actor, policies)


def enqueue_transfer(
    store: Store,
    ticket_id: int,
    actor: Actor,
    policies: Sequence[SLAPolicy],
    *,
    team_id: int | None = None,
    agent_id: int | None = None,
) -> str:
    payload = _agent_ref(store, agent_id)
    if team_id is not None:
        row = store.one("SELECT remote_id, name FROM teams WHERE id = ?", (team_id,))
        if row is None:
            raise OutboxError(_("team {id} does not exist").format(id=team_id))
        payload.update(team_id=team_id, team_remote_id=row["remote_id"], team_name=row["name"])
    return _enqueue_field_op(store, ticket_id, "transfer", payload, actor, policies)


def enqueue_priority(
    store: Store, ticket_id: int, priority: str, actor: Actor, policies: Sequence[SLAPolicy]
) -> str:
    from agentdesk.model import PRIORITIES

    if priority not in PRIORITIES:
        raise OutboxError(_("unknown priority {priority!r}").format(priority=priority))
    return _enqueue_field_op(store, ticket_id, "priority", {"priority": priority}, actor, policies)


def enqueue_tags(
    store: Store,
    ticket_id: int,
    actor: Actor,
    policies: Sequence[SLAPolicy],
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> str:
    return _enqueue_field_op(
        store, ticket_id, "tags", {"add": list(add), "remove": list(remove)}, actor, policies
    )


# -- the engine's side ------------------------------------------------------------------

_NEXT_DUE = """
SELECT o.*, t.remote_id AS ticket_remote_id FROM outbox o JOIN tickets t ON t.id = o.ticket_id
WHERE o.connector = ? AND o.state IN ('queued', 'sending') AND o.next_attempt_at <= ? AND o.id <= ?
  AND NOT EXISTS (
    SELECT 1 FROM outbox p WHERE p.ticket_id = o.ticket_id AND p.id < o.id
      AND p.state IN ('queued', 'sending', 'failed'))
ORDER BY o.id LIMIT 1
"""


def claim_next(store: Store, connector: str, up_to_id: int | None = None) -> Op | None:
    """Take the oldest due op of a connector and mark it sending before any network I/O.

    Ops of one ticket go out in order: an op waits while an older one on the same ticket
    is undelivered or failed. An op found already 'sending' was interrupted (a crash or
    kill): it may have landed, so it is flagged ambiguous. `up_to_id` bounds a single pass
    to the ops that existed when it began.
    """
    with store.write() as conn:
        limit = up_to_id if up_to_id is not None else 2**63 - 1
        row = conn.execute(_NEXT_DUE, (connector, now(), limit)).fetchone()
        if row is None:
            return None
        ambiguous = bool(row["ambiguous"]) or row["state"] == "sending"
        conn.execute(
            "UPDATE outbox SET state = 'sending', ambiguous = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
            (int(ambiguous), now(), row["id"]),
        )
        if row["message_id"] is not None:
            conn.execute(
                "UPDATE messages SET delivery = 'sending' WHERE id = ?", (row["message_id"],)
            )
        changes.record(conn, "outbox")
    payload = json.loads(row["payload"])
    return Op(
        kind=row["kind"],
        connector=connector,
        ticket_remote_id=row["ticket_remote_id"],
        payload=payload,
        uuid=row["uuid"],
        id=row["id"],
        attempts=row["attempts"] + 1,
        ambiguous=ambiguous,
        created_at=row["created_at"],
    )


_EVENT_OF_KIND = {
    "reply": "replied",
    "note": "noted",
    "assign": "assigned",
    "transfer": "transferred",
}


def mark_sent(store: Store, op: Op, remote_id: str | None, actor_name: str | None = None) -> None:
    with store.write() as conn:
        row = conn.execute(
            "SELECT ticket_id, message_id, agent_key FROM outbox WHERE id = ?", (op.id,)
        ).fetchone()
        conn.execute(
            "UPDATE outbox SET state = 'sent', ambiguous = 0, remote_id = ?, last_error = NULL, updated_at = ? WHERE id = ?",
            (remote_id, now(), op.id),
        )
        tid = row["ticket_id"]
        if row["message_id"] is not None:
            conn.execute(
                "UPDATE messages SET delivery = 'sent', error = NULL, remote_id = coalesce(remote_id, ?) WHERE id = ?",
                (remote_id, row["message_id"]),
            )
        kind = _EVENT_OF_KIND.get(op.kind)
        if op.kind == "status":
            kind = "solved" if op.payload["status"] in DONE else "status"
        if kind:
            agent = _my_agent(conn, op.connector, row["agent_key"])
            add_event(
                conn,
                tid,
                kind,
                now(),
                actor_kind="agent",
                actor_agent_id=agent["id"] if agent else None,
                actor_name=agent["name"] if agent else row["agent_key"],
                data={"op": op.kind, **_event_data(op)},
                dedupe=f"op:{op.uuid}",
            )
        changes.record(conn, "ticket", [tid])
        changes.record(conn, "outbox")


def _event_data(op: Op) -> dict:
    keep = ("status", "agent_id", "team_id")
    return {k: op.payload[k] for k in keep if k in op.payload}


def mark_retry(store: Store, op: Op, error: str, retry_at: int, *, ambiguous: bool) -> None:
    """Not delivered (or not known to be): try again at `retry_at`, checking first if ambiguous."""
    with store.write() as conn:
        conn.execute(
            "UPDATE outbox SET state = ?, ambiguous = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?",
            ("sending" if ambiguous else "queued", int(ambiguous), retry_at, error, now(), op.id),
        )
        conn.execute(
            "UPDATE messages SET delivery = 'queued', error = ? WHERE id = (SELECT message_id FROM outbox WHERE id = ?)",
            (error, op.id),
        )
        changes.record(conn, "outbox")


def mark_failed(store: Store, op: Op, error: str) -> None:
    """A permanent failure: it stays for the agent to edit, resend or discard."""
    with store.write() as conn:
        conn.execute(
            "UPDATE outbox SET state = 'failed', ambiguous = 0, last_error = ?, updated_at = ? WHERE id = ?",
            (error, now(), op.id),
        )
        row = conn.execute(
            "SELECT ticket_id, message_id FROM outbox WHERE id = ?", (op.id,)
        ).fetchone()
        if row["message_id"] is not None:
            conn.execute(
                "UPDATE messages SET delivery = 'failed', error = ? WHERE id = ?",
                (error, row["message_id"]),
            )
        changes.record(conn, "ticket", [row["ticket_id"]])
        changes.record(conn, "outbox")


def resend(store: Store, op_id: int, body: str | None = None) -> None:
    """Put a failed op back in the queue, optionally with an edited message body."""
    with store.write() as conn:
        row = conn.execute("SELECT * FROM outbox WHERE id = ?", (op_id,)).fetchone()
        if row is None or row["state"] != "failed":
            raise OutboxError(_("only a failed op can be resent"))
        payload = json.loads(row["payload"])
        if body is not None:
            if row["kind"] not in ("reply", "note"):
                raise OutboxError(_("only a reply or a note has a text to edit"))
            payload["body"] = body
            conn.execute("UPDATE messages SET body = ? WHERE id = ?", (body, row["message_id"]))
        conn.execute(
            "UPDATE outbox SET state = 'queued', attempts = 0, payload = ?, next_attempt_at = ?, last_error = NULL, updated_at = ? WHERE id = ?",
            (json.dumps(payload, ensure_ascii=False), now(), now(), op_id),
        )
        if row["message_id"] is not None:
            conn.execute(
                "UPDATE messages SET delivery = 'queued', error = NULL WHERE id = ?",
                (row["message_id"],),
            )
        changes.record(conn, "ticket", [row["ticket_id"]])
        changes.record(conn, "outbox")


def discard(store: Store, op_id: int) -> None:
    """Give up on a failed op. Its unsent message leaves the thread; the op row stays as a record."""
    with store.write() as conn:
        row = conn.execute("SELECT * FROM outbox WHERE id = ?", (op_id,)).fetchone()
        if row is None or row["state"] != "failed":
            raise OutboxError(_("only a failed op can be discarded"))
        conn.execute(
            "UPDATE outbox SET state = 'discarded', message_id = NULL, updated_at = ? WHERE id = ?",
            (now(), op_id),
        )
        if row["message_id"] is not None:
            conn.execute("DELETE FROM messages WHERE id = ?", (row["message_id"],))
            conn.execute(
                "UPDATE tickets SET message_count = message_count - 1 WHERE id = ?",
                (row["ticket_id"],),
            )
            reindex(conn, row["ticket_id"])
        changes.record(conn, "ticket", [row["ticket_id"]])
        changes.record(conn, "outbox")


def outbox_counts(store: Store) -> dict[str, int]:
    rows = store.query("SELECT state, count(*) AS n FROM outbox GROUP BY state")
    counts = {"queued": 0, "sending": 0, "sent": 0, "failed": 0, "discarded": 0}
    counts.update({r["state"]: r["n"] for r in rows})
    return counts


def last_op_id(store: Store) -> int:
    return store.one("SELECT ifnull(max(id), 0) FROM outbox")[0]

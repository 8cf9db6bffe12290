"""The outbox: agent actions written locally first, then delivered by the sync engine.

`queue` runs inside the caller's write transaction (store/actions.py groups everything one
keystroke does into one): the op, its visible effect and a change row. claim/ack/fail run
in the engine. An op left in 'sending' by a crash, or marked ambiguous after a timeout, is
checked with the platform before any resend.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass

from agentdesk.i18n import _
from agentdesk.ops import (
    Assign,
    Change,
    InvalidOp,
    Note,
    Op,
    Reply,
    SetStatus,
    Transfer,
    decode,
    encode,
)
from agentdesk.rules.model import rule_name
from agentdesk.sla.policy import SLAPolicy
from agentdesk.store import changes, mentions, snooze
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


def my_agent(conn: sqlite3.Connection, connector: str, agent_key: str):
    """The local agent's account (id, remote_id, name) on one connector, by e-mail or login."""
    return conn.execute(
        "SELECT id, remote_id, name FROM agents WHERE connector = ? AND (email = ? COLLATE NOCASE OR remote_id = ?)",
        (connector, agent_key, agent_key),
    ).fetchone()


def queue(
    conn: sqlite3.Connection,
    ticket: sqlite3.Row,
    change: Change,
    actor: Actor,
    policies: Sequence[SLAPolicy],
    op_uuid: str | None = None,
    hold_until: int | None = None,
) -> str:
    """Write one op and show its effect, inside the caller's open write transaction.

    `ticket` is the ticket's row (id, connector, remote_id). A reply or note appears in
    the thread at once, marked queued; a field change shows on the ticket at once.
    `hold_until`: the engine leaves the op alone until then (an undo window).
    """
    op_uuid = op_uuid or str(uuidlib.uuid4())
    ts = now()
    tid = ticket["id"]
    message_id = None
    snooze.clear_reminder(conn, tid, actor.key)  # the agent is on it: the reminder is done
    if isinstance(change, Reply | Note):
        internal = isinstance(change, Note)
        me = my_agent(conn, ticket["connector"], actor.key)
        message_id = conn.execute(
            "INSERT INTO messages (ticket_id, op_uuid, author_kind, author_name, agent_id, internal, body,"
            " created_at, delivery, automation) VALUES (?, ?, 'agent', ?, ?, ?, ?, ?, 'queued', ?)",
            (
                tid,
                op_uuid,
                actor.name,
                me["id"] if me else None,
                int(internal),
                change.body,
                ts,
                rule_name(actor.key),
            ),
        ).lastrowid
        if internal:
            mentions.record(conn, tid, message_id, change.body, ts)
        row = conn.execute("SELECT * FROM tickets WHERE id = ?", (tid,)).fetchone()
        agg = Aggregates.from_row(row)
        agg.add(MessageFacts("agent", internal, change.body, ts))
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
                tid,
            ),
        )
    else:
        apply_effect(conn, tid, change)
        conn.execute("UPDATE tickets SET updated_at = ? WHERE id = ?", (ts, tid))
    conn.execute(
        "INSERT INTO outbox (uuid, connector, ticket_id, kind, payload, state, next_attempt_at, message_id,"
        " agent_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
        (
            op_uuid,
            ticket["connector"],
            tid,
            change.kind,
            json.dumps(encode(change), ensure_ascii=False),
            hold_until or ts,
            message_id,
            actor.key,
            ts,
            ts,
        ),
    )
    refresh_derived(conn, tid, policies)
    if message_id is not None:
        reindex(conn, tid)
    changes.record(conn, "ticket", [tid])
    changes.record(conn, "outbox")
    return op_uuid


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
        while True:
            row = conn.execute(_NEXT_DUE, (connector, now(), limit)).fetchone()
            if row is None:
                return None
            try:
                change = decode(row["kind"], json.loads(row["payload"]))
            except (InvalidOp, KeyError, ValueError) as e:
                # Written by another version, or damaged: the agent sees why, nothing is sent.
                _fail_row(conn, row["id"], _("this op cannot be delivered: {err}").format(err=e))
                continue
            break
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
    return Op(
        change=change,
        connector=connector,
        ticket_remote_id=row["ticket_remote_id"],
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


def mark_sent(store: Store, op: Op, remote_id: str | None) -> None:
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
            if remote_id is not None:
                _merge_early_echo(conn, tid, row["message_id"], remote_id)
            conn.execute(
                "UPDATE messages SET delivery = 'sent', error = NULL, remote_id = coalesce(remote_id, ?) WHERE id = ?",
                (remote_id, row["message_id"]),
            )
        kind = _EVENT_OF_KIND.get(op.kind)
        if isinstance(op.change, SetStatus):
            kind = "solved" if op.change.status in DONE else "status"
        if kind:
            rule = rule_name(row["agent_key"])
            agent = None if rule else my_agent(conn, op.connector, row["agent_key"])
            add_event(
                conn,
                tid,
                kind,
                now(),
                actor_kind="agent",
                actor_agent_id=agent["id"] if agent else None,
                actor_name=rule or (agent["name"] if agent else row["agent_key"]),
                data={"op": op.kind, **_event_data(op)},
                dedupe=f"op:{op.uuid}",
                automation=rule,
            )
        changes.record(conn, "ticket", [tid])
        changes.record(conn, "outbox")


def _merge_early_echo(
    conn: sqlite3.Connection, ticket_id: int, message_id: int, remote_id: str
) -> None:
    """The platform's copy of our message can arrive before we hear it was delivered (a
    crash between the two, then a pull before the check): it is the same message, so the
    pulled copy goes and ours, linked to the outbox, takes its remote id."""
    echo = conn.execute(
        "SELECT id FROM messages WHERE ticket_id = ? AND remote_id = ? AND id != ?",
        (ticket_id, remote_id, message_id),
    ).fetchone()
    if echo is not None:
        conn.execute("DELETE FROM messages WHERE id = ?", (echo["id"],))
        conn.execute(
            "UPDATE tickets SET message_count = message_count - 1 WHERE id = ?", (ticket_id,)
        )
        reindex(conn, ticket_id)


def _event_data(op: Op) -> dict:
    """What the conversation and the KPIs read from a delivered change."""
    match op.change:
        case SetStatus(status=status):
            return {"status": status}
        case Assign(agent=agent):
            return {"agent_id": agent.local_id if agent else None}
        case Transfer(team=team, agent=agent):
            data = {"agent_id": agent.local_id if agent else None}
            if team is not None:
                data["team_id"] = team.local_id
            return data
    return {}


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
        _fail_row(conn, op.id, error)


def _fail_row(conn: sqlite3.Connection, op_id: int, error: str) -> None:
    conn.execute(
        "UPDATE outbox SET state = 'failed', ambiguous = 0, last_error = ?, updated_at = ? WHERE id = ?",
        (error, now(), op_id),
    )
    row = conn.execute("SELECT ticket_id, message_id FROM outbox WHERE id = ?", (op_id,)).fetchone()
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
            if row["kind"] not in (Reply.kind, Note.kind):
                raise OutboxError(_("only a reply or a note has a text to edit"))
            try:
                payload = encode(Reply(body) if row["kind"] == Reply.kind else Note(body))
            except InvalidOp as e:
                raise OutboxError(str(e)) from None
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


def failed_op(store: Store, ticket_id: int) -> sqlite3.Row | None:
    """A ticket's oldest failed op (id, kind, last_error, and the message body if any)."""
    return store.one(
        "SELECT o.id, o.kind, o.last_error, m.body FROM outbox o LEFT JOIN messages m"
        " ON m.id = o.message_id WHERE o.ticket_id = ? AND o.state = 'failed' ORDER BY o.id LIMIT 1",
        (ticket_id,),
    )

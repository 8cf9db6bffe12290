"""Drafts: what an agent is writing, saved as they type so a crash or a dropped SSH
session loses nothing, with the ticket's state when the draft began (its basis).

Before sending, the basis is compared with the ticket now: if the customer wrote again,
or someone else reassigned or solved the ticket, the console asks before sending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from agentdesk.i18n import _
from agentdesk.store.db import Store, now
from agentdesk.words import STATUS, word


@dataclass(frozen=True)
class Draft:
    ticket_id: int
    kind: str  # reply | note
    body: str
    basis: dict
    started_at: int
    updated_at: int


def ticket_basis(store: Store, ticket_id: int) -> dict:
    """The facts a draft is written against."""
    row = store.one(
        "SELECT last_customer_at, assignee_id, stage, status FROM tickets WHERE id = ?",
        (ticket_id,),
    )
    if row is None:
        return {}
    return dict(row)


def save_draft(
    store: Store, ticket_id: int, agent_key: str, kind: str, body: str, basis: dict
) -> None:
    """Write the draft with the basis it was begun on (and macro actions waiting to be sent)."""
    ts = now()
    with store.write() as conn:
        conn.execute(
            "INSERT INTO drafts (ticket_id, agent_key, kind, body, basis, started_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id, agent_key) DO UPDATE SET"
            " kind = excluded.kind, body = excluded.body, basis = excluded.basis,"
            " updated_at = excluded.updated_at",
            (ticket_id, agent_key, kind, body, json.dumps(basis), ts, ts),
        )


def load_draft(store: Store, ticket_id: int, agent_key: str) -> Draft | None:
    row = store.one(
        "SELECT * FROM drafts WHERE ticket_id = ? AND agent_key = ?", (ticket_id, agent_key)
    )
    if row is None:
        return None
    return Draft(
        row["ticket_id"],
        row["kind"],
        row["body"],
        json.loads(row["basis"]),
        row["started_at"],
        row["updated_at"],
    )


def delete_draft(store: Store, ticket_id: int, agent_key: str) -> None:
    with store.write() as conn:
        conn.execute(
            "DELETE FROM drafts WHERE ticket_id = ? AND agent_key = ?", (ticket_id, agent_key)
        )


def tickets_with_drafts(store: Store, agent_key: str) -> set[int]:
    rows = store.query(
        "SELECT ticket_id FROM drafts WHERE agent_key = ? AND body != ''", (agent_key,)
    )
    return {r[0] for r in rows}


def staleness(store: Store, ticket_id: int, was: dict, my_agent_ids: set[int]) -> list[str]:
    """What changed on the ticket since a draft's basis `was` was taken, in words."""
    now_basis = ticket_basis(store, ticket_id)
    if not now_basis:
        return [_("the ticket no longer exists")]
    reasons = []
    if (now_basis["last_customer_at"] or 0) > (was.get("last_customer_at") or 0):
        reasons.append(_("the customer wrote again"))
    if now_basis["assignee_id"] != was.get("assignee_id") and (
        now_basis["assignee_id"] not in my_agent_ids
    ):
        reasons.append(_("the ticket was reassigned"))
    if now_basis["stage"] == 2 and was.get("stage") != 2:
        reasons.append(
            _("the ticket was {status} elsewhere").format(status=word(STATUS, now_basis["status"]))
        )
    return reasons

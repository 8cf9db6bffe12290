"""Zendesk's objects as ours, and ours as Zendesk's. Pure: no I/O.

Channels, from a ticket's `via.channel`: email → email; web (the web form, the help
centre) → webform; chat, native_messaging, messaging, twitter, facebook, instagram,
whatsapp, line, wechat → chat (wechat → wechat); voice → phone; sms → sms; api, rule,
system and anything else → helpdesk. Zendesk's own word stays in the ticket's fields.
"""

from __future__ import annotations

from typing import Any

from agentdesk.connectors.http.stamps import epoch
from agentdesk.model import Attachment, Customer, Message, Ticket

CHANNELS = {
    "email": "email",
    "web": "webform",
    "web_form": "webform",
    "chat": "chat",
    "native_messaging": "chat",
    "messaging": "chat",
    "twitter": "chat",
    "facebook": "chat",
    "instagram": "chat",
    "whatsapp": "chat",
    "line": "chat",
    "wechat": "wechat",
    "voice": "phone",
    "sms": "sms",
}
STATUS_IN = {"hold": "on_hold"}
STATUS_OUT = {"on_hold": "hold"}
# Zendesk rates good or bad: as a 1–5 score for the KPIs.
RATINGS = {"good": 5, "bad": 1}
OP_KEY = "agentdesk_op"  # the key of our op's uuid in an update's metadata


def channel(via: dict | None) -> str:
    return CHANNELS.get(((via or {}).get("channel") or "").lower(), "helpdesk")


def ticket(t: dict[str, Any]) -> Ticket:
    rating = (t.get("satisfaction_rating") or {}).get("score")
    via = (t.get("via") or {}).get("channel")
    return Ticket(
        remote_id=str(t["id"]),
        channel=channel(t.get("via")),
        subject=t.get("subject") or t.get("raw_subject") or "",
        status=STATUS_IN.get(t.get("status") or "open", t.get("status") or "open"),
        customer_remote_id=str(t["requester_id"]),
        created_at=epoch(t.get("created_at")),
        updated_at=epoch(t.get("updated_at")),
        priority=t.get("priority") or "normal",
        assignee_remote_id=str(t["assignee_id"]) if t.get("assignee_id") else None,
        team_remote_id=str(t["group_id"]) if t.get("group_id") else None,
        tags=list(t.get("tags") or []),
        satisfaction=RATINGS.get(rating) if isinstance(rating, str) else None,
        fields={"zendesk_channel": via} if via else {},
    )


# A user's identities as our handles: the kinds an agent can search for or write to.
# Zendesk's `agent_forwarding`, `foreign` and `sdk` identities are internal ids, not kept.
IDENTITY_KINDS = {
    "email": "email",
    "phone_number": "phone",
    "twitter": "twitter",
    "facebook": "facebook",
    "google": "google",
    "any_channel": "messaging",
}


def customer(u: dict[str, Any], identities: list[dict] | tuple = ()) -> Customer:
    """A requester as our customer; every identity a handle (the primary one first, then
    `email 2`, `email 3`... for a customer who writes from more than one address)."""
    handles: dict[str, str] = {}
    if u.get("email"):
        handles["email"] = u["email"]
    if u.get("phone"):
        handles["phone"] = u["phone"]
    ordered = sorted(identities, key=lambda i: (not i.get("primary"), i.get("id") or 0))
    for ident in ordered:
        kind, value = IDENTITY_KINDS.get(ident.get("type") or ""), ident.get("value")
        if not kind or not value or value in handles.values():
            continue
        key, n = kind, 1
        while key in handles:
            n += 1
            key = f"{kind} {n}"
        handles[key] = str(value)
    return Customer(
        remote_id=str(u["id"]),
        name=u.get("name") or u.get("email") or str(u["id"]),
        email=u.get("email"),
        phone=u.get("phone"),
        handles=handles,
        created_at=epoch(u.get("created_at")),
    )


def is_agent(user: dict[str, Any] | None) -> bool:
    return bool(user) and user.get("role") in ("agent", "admin")


def op_uuid(comment: dict[str, Any]) -> str | None:
    custom = (comment.get("metadata") or {}).get("custom") or {}
    value = custom.get(OP_KEY)
    return value if isinstance(value, str) else None


def message(
    ticket_id: str, c: dict[str, Any], users: dict[int, dict], requester_id: int | None
) -> Message:
    author = users.get(c.get("author_id") or 0)
    agent = is_agent(author) and c.get("author_id") != requester_id
    return Message(
        remote_id=str(c["id"]),
        ticket_remote_id=ticket_id,
        author_kind="agent" if agent else "customer",
        author_name=(author or {}).get("name") or "",
        body=c.get("plain_body") or c.get("body") or "",
        created_at=epoch(c.get("created_at")),
        internal=not c.get("public", True),
        agent_remote_id=str(c["author_id"]) if agent else None,
        attachments=[
            Attachment(
                a.get("file_name") or "attachment",
                a.get("content_type") or "application/octet-stream",
                int(a.get("size") or 0),
                f"{ticket_id}:{c['id']}:{a['id']}",
            )
            for a in c.get("attachments") or []
        ],
        op_uuid=op_uuid(c),
    )

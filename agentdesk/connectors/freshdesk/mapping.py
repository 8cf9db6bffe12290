"""Freshdesk's objects as ours, and ours as Freshdesk's. Pure: no I/O.

Channels, from a ticket's `source`: 1 email → email; 2 portal → web form; 3 phone →
phone; 7 chat, 5 Twitter, 6 Facebook, 8 Mobihelp, 12 bot, 13 WhatsApp → chat; 9 feedback
widget → web form; 10 outbound email → email; anything else (forum, e-commerce...) →
helpdesk. Freshdesk's own word stays in the ticket's fields.

Status 2/3/4/5 is open/pending/solved/closed. A custom status (6 and up) keeps its name in
the ticket's fields (`status_name`, shown next to ours) and is on hold here: Freshdesk's
custom statuses are the states a ticket waits in ("Awaiting parts", "With courier").
"""

from __future__ import annotations

import html
from typing import Any

from agentdesk.connectors.html_text import html_to_text
from agentdesk.connectors.http.stamps import epoch
from agentdesk.model import Attachment, CannedReply, Customer, Message, Ticket

SOURCES = {
    1: ("email", "email"),
    2: ("webform", "portal"),
    3: ("phone", "phone"),
    4: ("helpdesk", "forum"),
    5: ("chat", "twitter"),
    6: ("chat", "facebook"),
    7: ("chat", "chat"),
    8: ("chat", "mobihelp"),
    9: ("webform", "feedback_widget"),
    10: ("email", "outbound_email"),
    11: ("helpdesk", "ecommerce"),
    12: ("chat", "bot"),
    13: ("chat", "whatsapp"),
}
STATUS_IN = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
STATUS_OUT = {"new": 2, "open": 2, "pending": 3, "on_hold": 3, "solved": 4, "closed": 5}
PRIORITY_IN = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
PRIORITY_OUT = {v: k for k, v in PRIORITY_IN.items()}
# Freshdesk's satisfaction answers (3-, 5- or 7-point scales) as a 1-5 score for the KPIs.
RATINGS = {103: 5, 102: 5, 101: 4, 100: 3, -101: 2, -102: 1, -103: 1}


def body_html(text: str) -> str:
    """Our plain text as the HTML Freshdesk expects: escaped, lines kept."""
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def text_of(item: dict[str, Any], text_key: str, html_key: str) -> str:
    value = item.get(text_key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return html_to_text(item.get(html_key) or "").strip()


def ticket(t: dict[str, Any], status_names: dict[int, str], rating: int | None = None) -> Ticket:
    channel, source = SOURCES.get(t.get("source") or 0, ("helpdesk", str(t.get("source"))))
    code = int(t.get("status") or 2)
    fields: dict[str, Any] = {"freshdesk_source": source}
    if code not in STATUS_IN:
        fields["status_name"] = status_names.get(code, str(code))
    # Freshdesk's own SLA: its due times win over our policies (sla/policy.py).
    if t.get("fr_due_by") or t.get("due_by"):
        fields["sla_policy"] = "Freshdesk"
    for ours, theirs in (
        ("sla_first_due", "fr_due_by"),
        ("sla_next_due", "nr_due_by"),
        ("sla_resolve_due", "due_by"),
    ):
        if t.get(theirs):
            fields[ours] = epoch(t[theirs])
    return Ticket(
        remote_id=str(t["id"]),
        channel=channel,
        subject=t.get("subject") or "",
        status=STATUS_IN.get(code, "on_hold"),
        customer_remote_id=str(t["requester_id"]),
        created_at=epoch(t.get("created_at")),
        updated_at=epoch(t.get("updated_at")),
        priority=PRIORITY_IN.get(t.get("priority") or 2, "normal"),
        assignee_remote_id=str(t["responder_id"]) if t.get("responder_id") else None,
        team_remote_id=str(t["group_id"]) if t.get("group_id") else None,
        tags=list(t.get("tags") or []),
        satisfaction=rating,
        fields=fields,
    )


def customer(requester: dict[str, Any]) -> Customer:
    """A ticket's embedded requester (`include=requester`): name, e-mail, phone, mobile."""
    handles = {}
    for key, kind in (("email", "email"), ("phone", "phone"), ("mobile", "sms")):
        if requester.get(key):
            handles[kind] = str(requester[key])
    return Customer(
        remote_id=str(requester["id"]),
        name=requester.get("name") or requester.get("email") or str(requester["id"]),
        email=requester.get("email"),
        phone=requester.get("phone") or requester.get("mobile"),
        handles=handles,
    )


def attachments(ticket_id: str, owner: str, items: list[dict] | None) -> list[Attachment]:
    """Attachments by reference: their addresses expire, so the file is found again by id
    (`ticket:owner:attachment`, the owner a conversation id or `d` for the description)."""
    return [
        Attachment(
            a.get("name") or "attachment",
            a.get("content_type") or "application/octet-stream",
            int(a.get("size") or 0),
            f"{ticket_id}:{owner}:{a['id']}",
        )
        for a in items or []
    ]


def description(t: dict[str, Any]) -> Message:
    """The ticket's first message: Freshdesk keeps it on the ticket, not among the
    conversations."""
    tid = str(t["id"])
    return Message(
        remote_id=f"{tid}-d",
        ticket_remote_id=tid,
        author_kind="customer",
        author_name=((t.get("requester") or {}).get("name")) or "",
        body=text_of(t, "description_text", "description"),
        created_at=epoch(t.get("created_at")),
        attachments=attachments(tid, "d", t.get("attachments")),
    )


def message(
    ticket_id: str, c: dict[str, Any], agents: dict[int, str], requester: dict[str, Any]
) -> Message:
    """A conversation: `incoming` (or the requester's own hand) tells the customer from an
    agent; a private one is an internal note."""
    user = c.get("user_id")
    by_agent = not c.get("incoming") and user != requester.get("id")
    customer_name = requester.get("name") or c.get("from_email") or ""
    return Message(
        remote_id=str(c["id"]),
        ticket_remote_id=ticket_id,
        author_kind="agent" if by_agent else "customer",
        author_name=agents.get(user, "") if by_agent else customer_name,
        body=text_of(c, "body_text", "body"),
        created_at=epoch(c.get("created_at")),
        internal=bool(c.get("private")),
        agent_remote_id=str(user) if by_agent and user else None,
        attachments=attachments(ticket_id, str(c["id"]), c.get("attachments")),
    )


def canned(r: dict[str, Any], folder: str) -> CannedReply:
    """A canned response as it is: Freshdesk's {{placeholders}} shown, not filled."""
    body = text_of(r, "content", "content_html")
    return CannedReply(str(r["id"]), r.get("title") or folder, body)


def rating(answer: dict[str, Any]) -> int | None:
    """A satisfaction rating's main answer as 1-5."""
    ratings = answer.get("ratings") or {}
    value = ratings.get("default_question")
    if value is None and ratings:
        value = next(iter(ratings.values()))
    return RATINGS.get(value) if isinstance(value, int) else None

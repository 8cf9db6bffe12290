"""Chatwoot's objects as ours, and ours as Chatwoot's. Pure: no I/O.

Channels, by the inbox's channel type: web widget → chat; WhatsApp, Facebook, Instagram,
Telegram and LINE → chat; e-mail → email; SMS (Chatwoot's own and Twilio's) → SMS; API
and anything else → helpdesk. Chatwoot's own word stays in the ticket's fields.

Status: open → open, pending (a bot or the queue has it, no agent yet) → new, snoozed →
on hold, resolved → solved. Messages: incoming (0) from the contact, outgoing (1) from an
agent or a bot, activity (2) a system event, template (3) from the shop; private ones are
internal notes. A CSAT answer (`input_csat`) carries the customer's 1-5 rating.
"""

from __future__ import annotations

from typing import Any

from agentdesk.model import Attachment, CannedReply, Customer, Message, Ticket

CHANNELS = {
    "Channel::WebWidget": "chat",
    "Channel::Whatsapp": "chat",
    "Channel::FacebookPage": "chat",
    "Channel::Instagram": "chat",
    "Channel::Telegram": "chat",
    "Channel::Line": "chat",
    "Channel::Email": "email",
    "Channel::Sms": "sms",
    "Channel::TwilioSms": "sms",
    "Channel::Api": "helpdesk",
}
STATUS_IN = {"open": "open", "pending": "new", "snoozed": "on_hold", "resolved": "solved"}
STATUS_OUT = {"new": "pending", "open": "open", "pending": "pending", "solved": "resolved",
              "closed": "resolved"}  # fmt: skip
PRIORITY_IN = {None: "normal", "low": "low", "medium": "normal", "high": "high",
               "urgent": "urgent"}  # fmt: skip
PRIORITY_OUT = {"low": "low", "normal": "medium", "high": "high", "urgent": "urgent"}
INCOMING, OUTGOING, ACTIVITY, TEMPLATE = 0, 1, 2, 3


def channel(channel_type: str | None) -> str:
    return CHANNELS.get(channel_type or "", "helpdesk")


def subject_from(messages: list[dict[str, Any]]) -> str | None:
    """Chat has no subject: the customer's first words stand in for one."""
    for m in messages:
        if m.get("message_type") == INCOMING and not m.get("private") and m.get("content"):
            return " ".join(m["content"].split())[:80]
    return None


def ticket(
    c: dict[str, Any],
    channel_type: str | None,
    rating: int | None = None,
    first_words: str | None = None,
) -> Ticket:
    meta = c.get("meta") or {}
    sender = meta.get("sender") or {}
    assignee = meta.get("assignee") or {}
    team = meta.get("team") or {}
    subject = (
        (c.get("additional_attributes") or {}).get("mail_subject")
        or first_words
        or f"Conversation {c['id']}"
    )
    fields: dict[str, Any] = {"chatwoot_channel": channel_type or ""}
    if c.get("status") == "snoozed" and c.get("snoozed_until"):
        fields["snoozed_until"] = int(c["snoozed_until"])
    return Ticket(
        remote_id=str(c["id"]),
        channel=channel(channel_type),
        subject=subject,
        status=STATUS_IN.get(c.get("status") or "open", "open"),
        customer_remote_id=str(sender.get("id") or ""),
        created_at=int(c.get("created_at") or 0),
        updated_at=int(c.get("last_activity_at") or c.get("created_at") or 0),
        priority=PRIORITY_IN.get(c.get("priority"), "normal"),
        assignee_remote_id=str(assignee["id"]) if assignee.get("id") else None,
        team_remote_id=str(team["id"]) if team.get("id") else None,
        tags=list(c.get("labels") or []),
        satisfaction=rating,
        fields=fields,
    )


def customer(sender: dict[str, Any]) -> Customer:
    handles = {}
    if sender.get("email"):
        handles["email"] = sender["email"]
    if sender.get("phone_number"):
        handles["phone"] = sender["phone_number"]
    if sender.get("identifier"):
        handles["chat"] = str(sender["identifier"])
    return Customer(
        remote_id=str(sender["id"]),
        name=sender.get("name") or sender.get("email") or str(sender["id"]),
        email=sender.get("email") or None,
        phone=sender.get("phone_number") or None,
        handles=handles,
        created_at=int(sender.get("created_at") or 0),
    )


def rating(m: dict[str, Any]) -> int | None:
    """A CSAT answer's rating, where this message is one."""
    if m.get("content_type") != "input_csat":
        return None
    submitted = (m.get("content_attributes") or {}).get("submitted_values") or {}
    value = (submitted.get("csat_survey_response") or {}).get("rating")
    return int(value) if isinstance(value, int) and 1 <= value <= 5 else None


def message(conversation_id: str, m: dict[str, Any]) -> Message:
    sender = m.get("sender") or {}
    kind = m.get("message_type")
    by_agent = kind in (OUTGOING, TEMPLATE)
    author = "system" if kind == ACTIVITY else "agent" if by_agent else "customer"
    is_user = (m.get("sender_type") or "").lower() in ("user", "agent")
    return Message(
        remote_id=str(m["id"]),
        ticket_remote_id=conversation_id,
        author_kind=author,
        author_name=sender.get("available_name") or sender.get("name") or "",
        body=m.get("content") or "",
        created_at=int(m.get("created_at") or 0),
        internal=bool(m.get("private")),
        agent_remote_id=str(sender["id"]) if by_agent and is_user and sender.get("id") else None,
        attachments=[
            Attachment(
                a.get("file_name") or _name_of(a),
                a.get("content_type") or _type_of(a),
                int(a.get("file_size") or 0),
                f"{conversation_id}:{m['id']}:{a['id']}",
            )
            for a in m.get("attachments") or []
        ],
    )


def _name_of(a: dict[str, Any]) -> str:
    url = a.get("data_url") or ""
    return url.rsplit("/", 1)[-1].split("?")[0] or f"attachment.{a.get('extension') or 'bin'}"


def _type_of(a: dict[str, Any]) -> str:
    return {"image": "image/*", "audio": "audio/*", "video": "video/*"}.get(
        a.get("file_type") or "", "application/octet-stream"
    )


def canned(r: dict[str, Any]) -> CannedReply:
    """A canned response: its short code is ours too; Chatwoot's {{placeholders}} shown."""
    code = r.get("short_code") or ""
    return CannedReply(str(r["id"]), code or str(r["id"]), r.get("content") or "", shortcode=code)


PRESENCE = {"online": "online", "available": "online", "busy": "away", "offline": "offline"}

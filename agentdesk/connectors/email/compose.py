"""The agent's reply as an e-mail: headers that thread, a UTF-8 body, a stable Message-ID."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate

from agentdesk.connectors.email.index import base_subject

MAX_REFERENCES = 20  # long threads: the first and the latest ids are what clients need


def reply_subject(subject: str, ticket_id: int) -> str:
    """ "Re: " once, then the subject, then our `[#1234]` tag for clients that drop headers."""
    return f"Re: {base_subject(subject) or '(no subject)'} [#{ticket_id}]"


def compose_reply(
    *,
    from_name: str,
    from_addr: str,
    to_name: str,
    to_addr: str,
    subject: str,
    ticket_id: int,
    message_id: str,
    thread: list[str],
    body: str,
    at: int,
) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((from_name, from_addr))
    msg["To"] = formataddr((to_name, to_addr))
    msg["Subject"] = reply_subject(subject, ticket_id)
    msg["Date"] = formatdate(at, localtime=False)
    msg["Message-ID"] = message_id
    others = [m for m in thread if m != message_id]
    if others:
        msg["In-Reply-To"] = others[-1]
        refs = (
            others
            if len(others) <= MAX_REFERENCES
            else [others[0], *others[-(MAX_REFERENCES - 1) :]]
        )
        msg["References"] = " ".join(refs)
    msg.set_content(body, charset="utf-8", cte="8bit" if body.isascii() else "quoted-printable")
    return msg
